"""The read-only JSON API under /api/v1/, its OpenAPI document, and the Popolo export.

Only published records exist here: every queryset is ``.published()``, and so is every
nested list (a published statement's draft reaction, topic or source stays hidden; a
reference to an unpublished organization or event reads ``null``). The statement list
takes the one ``StatementFilter`` that the /statements/ page, the feeds and the exports
use, so a query string means the same thing everywhere; a malformed parameter is a 400
whose JSON body names it.
"""
