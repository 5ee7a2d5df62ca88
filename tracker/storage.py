"""Static files as production serves them."""

from typing import Any

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

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return super().create_compressor(use_brotli=False, **kwargs)
