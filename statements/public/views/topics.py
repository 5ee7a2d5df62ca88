"""/topics/ (the tree) and /topics/<slug>/."""

from django.shortcuts import render

from ... import paging
from ...models import Topic
from ...reading import topics as reading
from ...reading.cards import load_cards
from ...reading.redirects import follows_old_slugs
from ...reading.tree import TopicTree


def topic_list(request):
    tree = TopicTree.load()
    return render(
        request,
        "statements/topic_list.html",
        {"topic_tree": tree.nested(tree.statement_counts())},
    )


@follows_old_slugs(Topic)
def topic_detail(request, slug):
    context = reading.topic_page(slug)
    page = paging.slice_page(
        context.pop("statements"),
        request.GET.get("page"),
        per_page=reading.TOPIC_PAGE_SIZE,
        max_page=reading.TOPIC_MAX_PAGE,
    )
    load_cards(page.items)
    return render(request, "statements/topic_detail.html", {**context, "page": page})
