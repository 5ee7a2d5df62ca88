from django.shortcuts import get_object_or_404, render

from ..models import Statement


def statement_detail(request, pk):
    statement = get_object_or_404(Statement.objects.published().for_cards(), pk=pk)
    return render(request, "statements/statement_detail.html", {"statement": statement})
