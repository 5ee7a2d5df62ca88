"""/corrections/: every material correction of a published record, newest first."""

from django.shortcuts import render

from ...reading.corrections import corrections_page


def corrections(request):
    context = corrections_page(before=request.GET.get("before"))
    return render(request, "statements/corrections.html", context)
