"""A fingerprint of the code, templates and static files this process serves.

It is part of every page-cache key and ETag, so that a deploy never serves a page rendered
by the previous release, nor answers 304 to a browser holding one. Set RELEASE (e.g. the
commit id) to skip reading the files.
"""

import hashlib
import os
from pathlib import Path

from django.conf import settings

SERVED_DIRS = ("statements", "tracker", "templates", "static")
SUFFIXES = frozenset({".py", ".html", ".txt", ".xml", ".css", ".js", ".svg"})


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for top in SERVED_DIRS:
        for path in sorted((root / top).rglob("*")):
            if path.suffix in SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RELEASE = os.environ.get("RELEASE", "")[:40] or fingerprint(Path(settings.BASE_DIR))
