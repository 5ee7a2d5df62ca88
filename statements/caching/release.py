"""A fingerprint of the code, templates and static files this process serves, and of the
settings that shape a response's headers.

It is part of every page-cache key and ETag, so that a deploy (or a changed security
setting) never serves a page made by the previous one, nor answers 304 to a browser
holding one. Set RELEASE (e.g. the commit id) to skip reading the files.
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


# Settings whose values end up in stored pages or their headers.
SHAPING_SETTINGS = (
    "DEBUG",
    "SITE_NAME",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "HTTP_CACHE_MAX_AGE",
    "HTTP_CACHE_S_MAXAGE",
    "HTTP_CACHE_STALE_WHILE_REVALIDATE",
)


def configuration() -> str:
    values = repr([getattr(settings, name, None) for name in SHAPING_SETTINGS])
    return hashlib.sha256(values.encode()).hexdigest()[:6]


RELEASE = (
    os.environ.get("RELEASE", "")[:40] or fingerprint(Path(settings.BASE_DIR))
) + configuration()


def shared_key(name: str, fields: str) -> str:
    """A key template for something kept in the shared cache, which outlives a deploy: the
    release is in it, as in the page cache's keys, so a new release never reads what the
    previous one kept. ``fields`` are the template's own (``"{generation}"``)."""
    return f"{name}:{RELEASE}:{fields}"
