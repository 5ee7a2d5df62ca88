"""Public pages. Each module serves one family of URLs (see statements/urls.py)."""
