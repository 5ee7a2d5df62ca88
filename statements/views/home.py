"""/: what the site is, a search box, the latest statements, topics and races."""

from django.shortcuts import render

from .. import selectors


def home(request):
    return render(request, "statements/home.html", selectors.home_page())
