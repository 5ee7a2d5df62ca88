"""The editors' desk: enter a whole article (statements, sources, topics, reactions,
requests for comment) from the statement form, and publish only with a publisher's right.

People, organizations, events, topics and sources are picked by autocomplete everywhere,
which also gives the "add another" (+) link. Every changelist runs a fixed number of
queries whatever its length: relations it shows are joined (`list_select_related`),
prefetched or counted in the query (`get_queryset`).

Every save goes through the editorial services (statements.editorial), which decide who
may do what. Here:

- forms.py: the editorial form, with the controls the services need;
- mixins.py: saving through the services, refusals on the form, history and revert;
- actions.py: the workflow actions and "Merge into…";
- inlines.py: the inline rows;
- people.py, elections.py, events.py, topics.py, statements.py: the admins of each
  family of models, registered on import.
"""

# Registers every admin (Django imports this package when it autodiscovers admins).
from . import elections, events, people, statements, topics  # noqa: F401
from .actions import PublicationAdminMixin

__all__ = ["PublicationAdminMixin"]
