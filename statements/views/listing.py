"""/statements/: every published statement, filtered by the one StatementFilter."""

from .home import home


def statement_list(request):
    return home(request)
