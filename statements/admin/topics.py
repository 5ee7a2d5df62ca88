"""Topics, shown in their tree."""

from itertools import islice

from django.contrib import admin

from ..models import StatementTopic, Topic
from ..models.topics import ancestors
from .actions import MergeAdminMixin, PublicationAdminMixin
from .forms import count_of
from .mixins import EditorialAdmin

# How many broader topics the topic changelist joins in its one query.
TOPIC_PATH_DEPTH = 3


@admin.register(Topic)
class TopicAdmin(MergeAdminMixin, PublicationAdminMixin, EditorialAdmin):
    list_display = ["path", "slug", "statement_count", "state"]
    list_select_related = ["__".join(["parent"] * TOPIC_PATH_DEPTH)]
    list_filter = ["state", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "parent__name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(statement_count=count_of(StatementTopic, "topic"))
        )

    @admin.display(description="Topic", ordering="name")
    def path(self, topic):
        """'Immigration › 287(g) program', from the parents joined in the changelist query.

        Deeper than TOPIC_PATH_DEPTH broader topics, the rest shows as '…'.
        """
        # islice stops before asking for the next parent, which the query did not join.
        broader = list(islice(ancestors(topic, lambda node: node.parent), TOPIC_PATH_DEPTH))
        names = [topic.name, *(node.name for node in broader)]
        if len(broader) == TOPIC_PATH_DEPTH and broader[-1].parent_id is not None:
            names.append("…")
        return " › ".join(reversed(names))

    @admin.display(description="Statements", ordering="statement_count")
    def statement_count(self, topic):
        return topic.statement_count
