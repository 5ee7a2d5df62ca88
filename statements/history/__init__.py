"""Every version of every editorial record (django-simple-history), in an app of its own.

The historical models are declared by the `history = editorial_history()` line on each
model in statements/models/; they live under the app label `statements_history` so that
code iterating the statements app's models (the demo checks, backups) sees the records
themselves, not their past versions.
"""
