"""/: what the site is, a search box, the latest statements, topics and races."""

from django.shortcuts import render

from ...reading import home as reading


def home(request):
    return render(request, "statements/home.html", reading.home_page())
