from django.shortcuts import render


def compare(request):
    return render(request, "statements/simple_list.html", {"title": "Compare", "items": []})
