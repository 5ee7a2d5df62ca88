"""The article desk: one admin page to enter a whole article in one sitting.

The page is a set of plain forms (it works without JavaScript; the admin's autocomplete
and "add another" links improve it where JavaScript runs):

- the source: picked, or described (with its outlet picked or named);
- the event: picked, or described (hosts picked or named);
- the shared defaults: what every statement row takes when it leaves a field blank;
- statement rows (more on request), reaction rows and comment-request rows, each
  attached to a row of the page or to a statement already recorded.

"Check" shows every row as it would be saved: the suggested role and party, whether each
quote stands in the source's text, quotes already recorded. "Save as draft" and "Save and
submit for review" save everything in one transaction. The logic is the editorial
service's (statements/editorial/intake/); this package only maps forms to it and back:

- fields.py: form fields taken from the models' own, with the admin's autocompletes;
- forms.py: the article's forms (source, event, shared defaults) and the base they share;
- rows.py: the statement, reaction and comment-request rows and their formsets;
- desk.py: the page's forms together, turned into the service's ``Article`` and its
  problems shown back beside the fields;
- views.py: the page itself (check, more rows, save) and its links.
"""

from .views import intake_url, intake_view

__all__ = ["intake_url", "intake_view"]
