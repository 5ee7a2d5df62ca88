"""The search syntax, parsed once and compiled for each database (sqlite.py, postgres.py).

As on web search engines: bare words must all appear, ``"a phrase"`` must appear in that
order, ``-word`` or ``-"a phrase"`` must not appear, and ``or`` (any case) between two terms
accepts either. ``or`` binds tighter than the implied AND: ``border or immigration law``
means (border OR immigration) AND law.

PostgreSQL drops English stop words; so that both databases give the same answers, the
parser drops them too (a term made only of stop words is ignored, and stop words at the
ends of a phrase are trimmed). A stop word inside a phrase stands for "any one word" on
PostgreSQL but must be that word on SQLite.

A query made only of stop words (``why``, ``here's why``) would then look for nothing, so
it is looked for instead as one phrase, word for word, in each statement's words and
context (``SearchQuery.phrase``): not through the PostgreSQL index, which has no stop
words, but through the stored text.

Nothing here ever raises on user input: anything unparseable parses to an empty query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 500

# PostgreSQL's English stop words (tsearch_data/english.stop), which to_tsvector and
# phraseto_tsquery drop. The parser drops them on every backend so that the answers agree.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now
    """.split()
)

# A token is a run of letters and digits, as FTS5's unicode61 tokenizer and (for plain
# words) PostgreSQL's parser see them. Underscore and everything else separate tokens.
TOKEN = re.compile(r"[^\W_]+")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"'})


@dataclass(frozen=True)
class Term:
    """One word or phrase of a query."""

    text: str  # as the user typed it (cleaned), for PostgreSQL's phraseto_tsquery
    core: str  # the same without stop words at either end, for FTS5
    tokens: tuple[str, ...]  # lower-case tokens of ``core``


@dataclass
class SearchQuery:
    """A parsed query: every group must match (one term of it suffices), no excluded term
    may match."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    # Only when every word to look for is a stop word: those words, lower-case, in order,
    # to be found as one phrase in the stored text (``groups`` is then empty).
    phrase: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        # A query with nothing to look for (empty, only punctuation, or only exclusions)
        # matches nothing.
        return bool(self.groups or self.phrase)

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]


def clean(query: object) -> str:
    """The query without control characters, normalised, cut at MAX_QUERY_LENGTH."""
    if not isinstance(query, str):
        query = "" if query is None else str(query)
    query = unicodedata.normalize("NFC", query[: MAX_QUERY_LENGTH * 4]).translate(_QUOTES)
    kept = []
    for char in query:
        category = unicodedata.category(char)
        if category == "Cc":  # NUL, tabs, newlines, other C0/C1 controls
            kept.append(" ")
        elif category in ("Cf", "Cs"):  # zero-width and bidi marks, lone surrogates
            continue
        else:
            kept.append(char)
    query = "".join(kept)
    if len(query) > MAX_QUERY_LENGTH:
        cut = query[:MAX_QUERY_LENGTH]
        if not query[MAX_QUERY_LENGTH].isspace():
            # Do not search for the first half of a word cut in two.
            cut = cut.rsplit(None, 1)[0] if len(cut.split(None, 1)) > 1 else ""
        query = cut
    return query.strip()


def quoted(query: str, limit: int = 80) -> str:
    """The query as a reader typed it, for a heading: in one pair of quotation marks.

    A query that is one phrase in quotes shows without them; quotes inside a longer query
    become single ones, as a quotation inside a quotation is written (“‘purview of’ law”).
    Cut at ``limit`` characters inside the marks.
    """
    text = " ".join(query.translate(_QUOTES).split())
    if text.startswith('"') and '"' not in text[1:-1]:
        text = text.strip('"').strip()
    inner, opening = [], True
    for char in text:
        if char == '"':
            char, opening = ("\u2018" if opening else "\u2019"), not opening
        inner.append(char)
    text = "".join(inner)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"“{text}”"


def _term(text: str) -> Term | None:
    matches = [m for m in TOKEN.finditer(text) if m.group().lower() not in STOP_WORDS]
    if not matches:
        return None
    core = text[matches[0].start() : matches[-1].end()]
    tokens = tuple(m.group().lower() for m in TOKEN.finditer(core))
    return Term(text=text.strip(), core=core, tokens=tokens)


def _lex(query: str) -> Iterator[tuple[str, bool] | None]:
    """Yield (text, negated) for each term, and None for an ``or``."""
    i, n = 0, len(query)
    while i < n:
        if query[i].isspace():
            i += 1
            continue
        negated = False
        if query[i] == "-":
            if i + 1 >= n or query[i + 1].isspace():
                i += 1  # a lone "-"
                continue
            negated, i = True, i + 1
        if query[i] == '"':
            end = query.find('"', i + 1)
            if end == -1:  # an unpaired quote: the rest is the phrase
                end = n
            yield query[i + 1 : end], negated
            i = end + 1
            continue
        j = i
        while j < n and not query[j].isspace() and query[j] != '"':
            j += 1
        word = query[i:j]
        i = j
        if not negated and word.lower() == "or":
            yield None
        else:
            yield word, negated


def parse(query: object) -> SearchQuery:
    """Parse web-search syntax. Never raises; an unusable query parses to an empty one."""
    parsed = SearchQuery()
    joining = False  # an "or" follows a term that can take an alternative
    joining_allowed = False  # the last item was a term that was kept
    wanted: list[str] = []  # every word to look for, stop words and "or" included
    for item in _lex(clean(query)):
        if item is None:
            joining = joining_allowed
            wanted.append("or")
            continue
        text, negated = item
        if not negated:
            wanted.append(text)
        term = _term(text)
        joining_allowed = False
        if term is None:
            # Nothing to search for (stop words, punctuation): dropped, with any "or"
            # that pointed at it.
            joining = False
            continue
        if negated:
            parsed.excluded.append(term)
            joining = False
            continue
        if joining:
            parsed.groups[-1].append(term)
        else:
            parsed.groups.append([term])
        joining = False
        joining_allowed = True
    if not parsed.groups:
        parsed.phrase = tuple(m.group().lower() for m in TOKEN.finditer(" ".join(wanted)))
    return parsed
