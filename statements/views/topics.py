"""/topics/ (the tree) and /topics/<slug>/."""

from django.shortcuts import render

from .. import paging, selectors
from ..models import Topic
from ..redirects import follows_old_slugs


def topic_list(request):
    tree = selectors.TopicTree.load()
    return render(
        request,
        "statements/topic_list.html",
        {"topic_tree": tree.nested(tree.statement_counts())},
    )


@follows_old_slugs(Topic)
def topic_detail(request, slug):
    context = selectors.topic_page(slug)
    page = paging.slice_page(
        context.pop("statements"),
        request.GET.get("page"),
        per_page=selectors.TOPIC_PAGE_SIZE,
        max_page=selectors.TOPIC_MAX_PAGE,
    )
    context["tree"].attach_trails(page.object_list)
    return render(request, "statements/topic_detail.html", {**context, "page": page})
