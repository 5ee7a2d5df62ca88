from django.shortcuts import render

from ..models import Statement


def home(request):
    statements = Statement.objects.published().for_cards().newest_first()[:20]
    return render(request, "statements/home.html", {"statements": statements})
