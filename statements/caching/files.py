"""The shared cache of a single machine without Redis: Django's file cache, culled less
often."""

from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    """Django's ``FileBasedCache``, except that it checks the number of entries on one
    write in ``CULL_EVERY`` (per process) rather than on every write. The stock backend
    lists the whole directory on each ``set`` to count its files: with a page cache of
    20,000 entries that listing cost more than rendering the page it was storing. Between
    two checks each process may add up to ``CULL_EVERY`` entries beyond MAX_ENTRIES."""

    CULL_EVERY = 100
    _writes = 0

    def _cull(self) -> None:
        self._writes += 1
        if self._writes % self.CULL_EVERY == 0:
            super()._cull()  # type: ignore[misc]  # private, but Django's own
