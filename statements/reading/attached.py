"""Display values the pages hang on records for their templates.

A template reads a topic's breadcrumb as ``topic.trail``, a person's parties as
``person.parties``, a correction's summary as ``correction.what_changed``: values worked
out here, in Python, for that page only. The models do not declare them, so they are set
through ``attach`` alone, which says so. (Lists a query brings along, through a
prefetch's ``to_attr`` or an annotation, are typed where the query is written.)
"""

from __future__ import annotations

from django.db import models


def attach(record: models.Model, **values: object) -> None:
    """Set display values on a record: ``attach(topic, trail=[...])``."""
    for name, value in values.items():
        setattr(record, name, value)
