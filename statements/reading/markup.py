"""Escaping for the markup the reading layer builds in Python: cards, mentions, dates.

These are the hot paths of a page rendered from scratch: a person's page builds about
seventy cards and a hundred mentions. ``escaped`` applies ``conditional_escape``'s rule
(a safe string as it is, anything else HTML-escaped) without Django's per-call check for
lazy strings and without making a safe string of every value; the caller builds its
markup as one string and marks it safe once.
"""

from __future__ import annotations

import html


def escaped(value) -> str:
    """``conditional_escape(value)``, as a plain string. A lazy label is escaped after
    ``str``, as Django would."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
