"""Email alerts: a reader saves a filtered /statements/ search with their address, and
gets one digest per address of what was published since the last run.

- models.py: Subscriber (the address, kept for alerts only) and SavedSearch.
- searches.py: the saved query string, normalised and checked by the one StatementFilter.
- tokens.py: the signed links (confirm, unsubscribe, manage).
- subscriptions.py: the writes (confirm, unsubscribe, delete everything).
- throttle.py: how many subscription requests an address or a client may make.
- mail.py: the messages; delivery.py: the run behind `manage.py send_alerts`.
- views.py, urls.py, admin.py: the pages under /alerts/ and the desk's read-only view.
"""
