"""The public site: pages (views/), feeds, exports and sitemaps. URLs in urls.py."""
