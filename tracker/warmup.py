"""What every worker would otherwise do on its first requests, done once in gunicorn's
master before it forks them (`when_ready` in tracker/gunicorn_conf.py): import every
view, build the URL tables and compile the site's templates. Forked workers share the
result, so a worker that starts, or replaces a recycled one, answers at once.
"""

from pathlib import Path

from django.db import connections
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.urls import get_resolver


def warm_up() -> int:
    """Load the URLconf and compile the project's templates; return how many."""
    get_resolver().reverse_dict  # noqa: B018 (imports every view and builds the tables)
    compiled = 0
    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates):
            continue
        for directory in map(Path, engine.engine.dirs):
            for path in sorted(directory.rglob("*")):
                if path.is_file():
                    engine.get_template(path.relative_to(directory).as_posix())
                    compiled += 1
    # Nothing above queries the database; should anything ever, the workers must not
    # inherit the master's connection, which they would all share.
    connections.close_all()
    return compiled
