"""Entering a whole article in one sitting: its source, the event, any number of
statements sharing defaults, and the reactions and requests for comment it reports.

The desk's intake page (statements/admin/intake/) turns its forms into an ``Article``
and calls two functions:

- ``check_article`` (checking.py): what the page shows before anything is saved: every
  statement with the shared defaults applied (rows.py), the role and party suggested
  from the speaker's candidacies and affiliations on the day (suggestions.py), whether
  each quote stands in the source's stored text (statements/text.py), quotes already
  recorded for the same speaker (reprints.py), and every problem keyed to the part of
  the page it concerns;
- ``enter_article`` (saving.py): saves it all in one transaction through
  ``create_record`` (rights, validation and history as for any edit; refusals.py), as
  drafts or straight into review, once per one-time form token.

Reactions, outlets' findings, retorts and requests for comment are checked and saved by
reactions.py. What the page gives and gets back is in article.py. The per-statement
fields are listed once, in ``STATEMENT_FIELDS``: a field added to Statement (a race, an
unknown date) is entered on the page by naming it there, and in ``SHARED_FIELDS`` if the
shared defaults should fill it.
"""

from .article import (
    COMMENT_REQUEST_FIELDS,
    REACTION_FIELDS,
    SHARED_FIELDS,
    STATEMENT_FIELDS,
    Article,
    ArticleCheck,
    CommentRequestEntry,
    EnteredArticle,
    ReactionEntry,
    StatementEntry,
    StatementPlan,
    Suggestion,
)
from .checking import check_article
from .reactions import reaction_kind
from .refusals import IntakeRefused
from .reprints import recorded_quotes
from .saving import enter_article
from .suggestions import suggest_roles

__all__ = [
    "COMMENT_REQUEST_FIELDS",
    "REACTION_FIELDS",
    "SHARED_FIELDS",
    "STATEMENT_FIELDS",
    "Article",
    "ArticleCheck",
    "CommentRequestEntry",
    "EnteredArticle",
    "IntakeRefused",
    "ReactionEntry",
    "StatementEntry",
    "StatementPlan",
    "Suggestion",
    "check_article",
    "enter_article",
    "reaction_kind",
    "recorded_quotes",
    "suggest_roles",
]
