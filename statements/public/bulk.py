"""Bulk files: the whole published set as gzipped CSV and JSON, listed on /data/.

``manage.py build_bulk_files`` writes them into BULK_FILES_DIR: exactly what
/statements/export.csv and /statements/export.json send without a filter (same columns,
shapes and end markers; see exports.py), gzipped, under dated names
(``statements-20261215-101500.csv.gz``), with ``manifest.json`` beside them:

    {"built_at": "2026-12-15T10:15:00+00:00", "generation": 1765793700000000000,
     "files": [{"name": "statements-20261215-101500.csv.gz", "format": "csv",
                "bytes": 123456, "rows": 1000007, "sha256": "…"}, …]}

``generation`` is the content generation (statements/caching/generation.py) read before
the build began. The command rebuilds only when the generation now differs, so cron can
run it every few minutes; a write during a build makes the next run rebuild.

Every file is written under a temporary name in the same directory, flushed to disk, then
renamed into place; the manifest last, the same way. A reader sees the old set or the new
one, never a part. The files of the previous build stay until the next one, so that a
download that read the old manifest a moment ago still finds its file.

On PostgreSQL both files are read in one REPEATABLE READ transaction: the same snapshot,
so the CSV and the JSON hold the same rows. (SQLite is for the demo: there they are read
one after the other, outside a transaction that would lock out writers.)
"""

from __future__ import annotations

import contextlib
import datetime
import gzip
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet

from ..caching import generation
from ..reading import visibility
from . import exports

MANIFEST = "manifest.json"
FORMATS: dict[str, tuple[str, Callable[..., Iterator[bytes]]]] = {
    "csv": ("csv.gz", exports.csv_content),
    "json": ("json.gz", exports.json_content),
}
# The names a build writes; nothing else in the directory is ever served.
NAME = re.compile(r"statements-\d{8}-\d{6}\.(csv|json)\.gz")
# The end markers, which also give the row counts.
CSV_END = re.compile(rb"# end of export: (\d+) statements?\r\n\Z")
JSON_END = re.compile(rb'\], "count": (\d+), "complete": true\}\n\Z')


@dataclass(frozen=True)
class BulkFile:
    name: str
    format: str
    bytes: int
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    built_at: str
    generation: int
    files: list[BulkFile]

    @property
    def built(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.built_at)

    def file(self, name: str) -> BulkFile | None:
        return next((item for item in self.files if item.name == name), None)

    def latest(self, fmt: str) -> BulkFile | None:
        return next((item for item in self.files if item.format == fmt), None)


def directory() -> Path:
    return Path(settings.BULK_FILES_DIR)


def read_manifest(where: Path | None = None) -> Manifest | None:
    """The manifest of the current build; None if there is none (or it is unreadable)."""
    try:
        data = json.loads(((where or directory()) / MANIFEST).read_text(encoding="utf-8"))
        return Manifest(
            built_at=str(data["built_at"]),
            generation=int(data["generation"]),
            files=[BulkFile(**item) for item in data["files"]],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def find(name: str) -> tuple[Path, BulkFile] | None:
    """Where the file of that name lies and what the manifest says of it, if the current
    build (or the one before, whose files are kept a while) has it."""
    manifest = read_manifest()
    item = manifest.file(name) if manifest is not None and NAME.fullmatch(name) else None
    if item is None:
        return None
    return directory() / name, item


def up_to_date(manifest: Manifest | None, stamp: int) -> bool:
    return (
        manifest is not None
        and manifest.generation == stamp
        and all((directory() / item.name).is_file() for item in manifest.files)
    )


class _Hashing:
    """A binary file that also counts and hashes what is written to it."""

    def __init__(self, raw: BinaryIO):
        self.raw, self.size, self.digest = raw, 0, hashlib.sha256()

    def write(self, data) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def _write_atomically(target: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write to a temporary file beside `target`, flush it to disk, rename it into place."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as raw:
            write(raw)
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_file(target: Path, fmt: str, queryset: QuerySet, site: str) -> BulkFile:
    _, content = FORMATS[fmt]
    counted: dict[str, int | str] = {}

    def write(raw: BinaryIO) -> None:
        hashing = _Hashing(raw)
        last = b""
        # mtime 0: the same rows give the same bytes (and checksum) whatever the day.
        with gzip.GzipFile(filename="", mode="wb", fileobj=hashing, mtime=0) as zipped:
            for chunk in content(queryset, site):
                zipped.write(chunk)
                last = (last + chunk)[-200:]
        marker = (CSV_END if fmt == "csv" else JSON_END).search(last)
        if marker is None:
            raise RuntimeError(f"The {fmt} export ended without its end marker.")
        counted.update(rows=int(marker.group(1)), bytes=hashing.size)
        counted["sha256"] = hashing.digest.hexdigest()

    _write_atomically(target, write)
    return BulkFile(
        name=target.name,
        format=fmt,
        bytes=int(counted["bytes"]),
        rows=int(counted["rows"]),
        sha256=str(counted["sha256"]),
    )


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One snapshot for every file on PostgreSQL; nothing on SQLite (see the docstring)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield  # (inside a caller's transaction, e.g. a test's, read in that one)
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def build(*, site: str, force: bool = False, now: datetime.datetime | None = None):
    """Write a new set of bulk files unless the current one was built from the content
    generation of now (or `force`). Returns (built, manifest)."""
    stamp = generation.current()
    where = directory()
    previous = read_manifest(where)
    if not force and up_to_date(previous, stamp):
        return False, previous
    where.mkdir(parents=True, exist_ok=True)
    now = now or datetime.datetime.now(datetime.UTC)
    dated = now.strftime("%Y%m%d-%H%M%S")
    files = []
    with _snapshot():
        for fmt, (suffix, _) in FORMATS.items():
            target = where / f"statements-{dated}.{suffix}"
            files.append(_write_file(target, fmt, visibility.statements(), site))
    manifest = Manifest(built_at=now.isoformat(timespec="seconds"), generation=stamp, files=files)
    text = json.dumps(asdict(manifest), indent=2) + "\n"

    def write_manifest(raw: BinaryIO) -> None:
        raw.write(text.encode("utf-8"))

    _write_atomically(where / MANIFEST, write_manifest)
    keep = {item.name for item in files + (previous.files if previous else [])}
    for old in where.iterdir():
        if NAME.fullmatch(old.name) and old.name not in keep:
            old.unlink(missing_ok=True)
    return True, manifest
