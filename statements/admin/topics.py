"""Topics, shown in their tree."""

from django.contrib import admin

from ..models import StatementTopic, Topic
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
        names, node = [topic.name], topic
        for _ in range(TOPIC_PATH_DEPTH):
            if node.parent_id is None:
                break
            node = node.parent
            names.append(node.name)
        else:
            if node.parent_id is not None:
                names.append("…")
        return " › ".join(reversed(names))

    @admin.display(description="Statements", ordering="statement_count")
    def statement_count(self, topic):
        return topic.statement_count
