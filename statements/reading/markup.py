"""Escaping for the markup the reading layer builds in Python: cards, mentions, dates,
and the elements of the timeline charts' SVG.

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


def attribute(value: object) -> str:
    """An attribute's value, escaped and double-quoted as ``quoteattr`` would have it
    (newlines and tabs kept as characters); numbers, most of a chart's values, as they
    are. Written out because ``quoteattr`` took a third of drawing a prolific speaker's
    chart."""
    if isinstance(value, (int, float)):
        return f'"{value}"'
    text = str(value)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text or ">" in text or '"' in text:
        text = text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    if "\n" in text or "\r" in text or "\t" in text:
        text = text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return f'"{text}"'


def attrs(**values: object) -> str:
    return "".join(
        f" {name.rstrip('_').replace('_', '-')}={attribute(value)}"
        for name, value in values.items()
        if value is not None
    )


def number(value: float) -> str:
    """A coordinate as ``el`` writes it: a float with one decimal, an int as it is."""
    return f"{value:.1f}" if isinstance(value, float) else f"{value}"


def el(tag: str, content: str | None = None, /, **values: object) -> str:
    """An element; ``content`` is markup (escape text first). Floats get one decimal."""
    shown = {k: number(v) if isinstance(v, float) else v for k, v in values.items()}
    if content is None:
        return f"<{tag}{attrs(**shown)}/>"
    return f"<{tag}{attrs(**shown)}>{content}</{tag}>"
