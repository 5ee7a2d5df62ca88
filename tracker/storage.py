"""Static files as production serves them."""

from typing import Any

from django.conf import settings
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed files, each with a gzipped copy and no Brotli one.

    Brotli is installed for the pages (statements/caching/pages.py), and WhiteNoise would
    then also write a ``.br`` copy of every file at Brotli's slowest quality: collectstatic
    went from 2 s to 20 s, on every deploy and every ``make serve``, nearly all of it on the
    API documentation's vendored bundles. The site's own stylesheet and scripts are a few
    kilobytes, cached by browsers for good once read.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._addresses: dict[str, str] = {}

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return super().create_compressor(use_brotli=False, **kwargs)

    def url(self, name: str | None, force: bool = False) -> str:
        """A file's address, worked out once per process. The manifest is read when the
        storage is made, so a name's hashed address cannot change while the process runs;
        working it out took 40 µs, and every page asks for three."""
        if name is None or force or settings.DEBUG:  # with DEBUG on, the plain name
            return super().url(name, force)
        address = self._addresses.get(name)
        if address is None:
            address = self._addresses[name] = super().url(name)
        return address
