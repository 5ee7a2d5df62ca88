"""/compare/?people=a,b&topic=t: any people side by side on one topic (and narrower ones).

Unknown or malformed choices are explained on the page; they never cause an error.
"""

from django.shortcuts import render

from ...reading import races


def compare(request):
    context = races.compare_page(
        request.GET.getlist("people"), request.GET.get("topic", ""), request.GET.get("race", "")
    )
    return render(request, "statements/compare.html", context)
