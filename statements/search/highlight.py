"""Snippets: a short, escaped excerpt of each result with the matching words in <mark>.

Computed in Python from the loaded text, for the rows of one page only: no query, and
the same on every database.
"""

from __future__ import annotations

import bisect

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .parser import STOP_WORDS, TOKEN, SearchQuery, parse
from .stemmer import stem

SNIPPET_WORDS = 30  # words in an excerpt
SNIPPET_LEAD = 6  # words shown before the first hit


def highlight(statements, query: str) -> None:
    """Set ``statement.snippet`` on each statement: a short, HTML-escaped excerpt of its
    text with the words that match wrapped in <mark>. A statement whose text has no hit
    gets an excerpt of its context instead (marked where it matches), or "".

    Computed in Python from the loaded text: no query, and the same on every backend.
    """
    patterns = _patterns(parse(query))
    for statement in statements:
        snippet = _snippet(statement.text or "", patterns, need_hit=True)
        if snippet is None:
            snippet = _snippet(statement.context or "", patterns, need_hit=False)
        statement.snippet = snippet or SafeString("")


def _patterns(parsed: SearchQuery) -> set[tuple[str | None, ...]]:
    """Each term as a sequence of stems; None stands for any word (an inner stop word).
    A term never starts or ends with a stop word; a phrase of stop words only is one
    sequence of all its words."""
    if parsed.phrase:
        return {tuple(stem(token) for token in parsed.phrase)}
    return {
        tuple(None if token in STOP_WORDS else stem(token) for token in term.tokens)
        for term in parsed.terms
    }


def _snippet(text: str, patterns, need_hit: bool) -> SafeString | None:
    tokens = list(TOKEN.finditer(text))
    if not tokens:
        return None if need_hit else mark_safe(escape(text.strip()))
    stems = [stem(m.group().lower()) for m in tokens]
    positions: dict[str, list[int]] = {}
    for index, word in enumerate(stems):
        positions.setdefault(word, []).append(index)
    spans = []  # (first token, last token) of each hit
    for pattern in patterns:
        size = len(pattern)
        for start in positions.get(pattern[0], ()):
            if start + size <= len(stems) and all(
                p is None or p == stems[start + k] for k, p in enumerate(pattern)
            ):
                spans.append((start, start + size - 1))
    spans = _merge(spans)
    if not spans and need_hit:
        return None

    # The window of SNIPPET_WORDS tokens holding the most hits, opened a little before.
    first, last = 0, min(len(tokens), SNIPPET_WORDS) - 1
    if spans and len(tokens) > SNIPPET_WORDS:
        starts = [a for a, _ in spans]
        best = -1
        for span_start in starts:
            begin = max(0, span_start - SNIPPET_LEAD)
            end = min(len(tokens), begin + SNIPPET_WORDS) - 1
            begin = max(0, end - SNIPPET_WORDS + 1)
            inside = bisect.bisect_right(starts, end) - bisect.bisect_left(starts, begin)
            if inside > best:
                best, first, last = inside, begin, end

    begin_char = 0 if first == 0 else tokens[first].start()
    end_char = len(text) if last == len(tokens) - 1 else tokens[last].end()
    parts = ["…"] if first > 0 else []
    position = begin_char
    for a, b in spans:
        if a < first or b > last:
            continue
        start_char, stop_char = tokens[a].start(), tokens[b].end()
        parts.append(escape(text[position:start_char]))
        parts.append("<mark>" + escape(text[start_char:stop_char]) + "</mark>")
        position = stop_char
    parts.append(escape(text[position:end_char]))
    if last < len(tokens) - 1:
        parts.append("…")
    return mark_safe("".join(parts).strip())


def _merge(spans):
    """Overlapping hits as one."""
    merged = []
    for a, b in sorted(set(spans)):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
