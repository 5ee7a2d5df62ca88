from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from ..models import Topic


def topic_list(request):
    topics = Topic.objects.published()
    return render(request, "statements/simple_list.html", {"title": "Topics", "items": topics})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.published(), slug=slug)
    return HttpResponse(topic.name)
