"""Full-text search over statements, the same on SQLite (FTS5) and PostgreSQL (tsvector).

The index lives outside Django's model state (migration 0004_statement_search):

* PostgreSQL: a stored generated column ``statements_statement.search_vector`` (text and
  speaker name weighted A, context weighted B, config ``english``) with a GIN index.
* SQLite: an FTS5 external-content table ``statements_statement_fts`` over text, context
  and speaker_name (tokenizer ``porter unicode61 remove_diacritics 0``), kept in step by
  triggers.

Query syntax, as on web search engines: bare words must all appear, ``"a phrase"`` must
appear in that order, ``-word`` or ``-"a phrase"`` must not appear, and ``or`` (any case)
between two terms accepts either. ``or`` binds tighter than the implied AND:
``border or immigration law`` means (border OR immigration) AND law.

Both backends stem (PostgreSQL's English Snowball stemmer, FTS5's Porter stemmer), so
"sanctuary" finds "sanctuaries". PostgreSQL drops English stop words; so that both
backends give the same answers, the parser drops them too (a term made only of stop words
is ignored, and stop words at the ends of a phrase are trimmed). A stop word inside a
phrase stands for "any one word" on PostgreSQL but must be that word on SQLite.

Nothing here ever raises on user input: anything unparseable matches nothing.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 500

SEARCH_CONFIG = "english"
FTS_TABLE = "statements_statement_fts"
# Relative weights of the indexed columns, as PostgreSQL's ts_rank uses them by default:
# text and speaker_name are weighted A (1.0), context B (0.4). FTS5 columns are in the
# order text, context, speaker_name. PostgreSQL ranks with ts_rank(..., 1), which divides
# by 1 + log(document length), as bm25 too favours shorter documents. The two formulas
# still differ (bm25 weighs rare words more), so the order of results can differ between
# backends; the set of results does not.
BM25_WEIGHTS = (1.0, 0.4, 1.0)

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
_TOKEN = re.compile(r"[^\W_]+")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"'})


@dataclass(frozen=True)
class Term:
    """One word or phrase of a query."""

    text: str  # as the user typed it (cleaned), for PostgreSQL's phraseto_tsquery
    core: str  # the same without stop words at either end, for FTS5
    tokens: tuple[str, ...]  # lower-case tokens of ``core``
    phrase: bool = False

    def fts5(self) -> str:
        # Inside an FTS5 string everything is literal; the only special character is the
        # double quote, written twice. The tokenizer splits it as it split the documents.
        return '"' + self.core.replace('"', '""') + '"'


@dataclass
class SearchQuery:
    """A parsed query: every group must match (one term of it suffices), no excluded term
    may match."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:
        # A query with nothing to look for (empty, only stop words or punctuation, or only
        # exclusions) matches nothing.
        return bool(self.groups)

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]

    def fts5_match(self) -> str:
        """The FTS5 MATCH expression: every user token is inside a quoted string."""
        parts = []
        for group in self.groups:
            alternatives = " OR ".join(term.fts5() for term in group)
            parts.append(f"({alternatives})" if len(group) > 1 else alternatives)
        expression = " AND ".join(parts)
        if self.excluded:
            expression = f"({expression})" + "".join(
                f" NOT {term.fts5()}" for term in self.excluded
            )
        return expression

    def tsquery_sql(self) -> tuple[str, list[str]]:
        """A PostgreSQL tsquery expression, with the user's words as parameters."""
        params: list[str] = []

        def phrase(term: Term) -> str:
            params.append(term.text)
            return f"phraseto_tsquery('{SEARCH_CONFIG}', %s)"

        parts = []
        for group in self.groups:
            alternatives = " || ".join(phrase(term) for term in group)
            parts.append(f"({alternatives})" if len(group) > 1 else alternatives)
        parts.extend(f"!!{phrase(term)}" for term in self.excluded)
        return "(" + " && ".join(parts) + ")", params


def clean(query) -> str:
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


def _term(text: str, phrase: bool) -> Term | None:
    matches = [m for m in _TOKEN.finditer(text) if m.group().lower() not in STOP_WORDS]
    if not matches:
        return None
    core = text[matches[0].start() : matches[-1].end()]
    tokens = tuple(m.group().lower() for m in _TOKEN.finditer(core))
    return Term(text=text.strip(), core=core, tokens=tokens, phrase=phrase)


def _lex(query: str):
    """Yield (text, phrase, negated) for each term, and None for an ``or``."""
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
            yield query[i + 1 : end], True, negated
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
            yield word, False, negated


def parse(query) -> SearchQuery:
    """Parse web-search syntax. Never raises; an unusable query parses to an empty one."""
    parsed = SearchQuery()
    joining = False  # an "or" follows a term that can take an alternative
    joining_allowed = False  # the last item was a term that was kept
    for item in _lex(clean(query)):
        if item is None:
            joining = joining_allowed
            continue
        text, phrase, negated = item
        term = _term(text, phrase)
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
    return parsed


def _vendor(queryset) -> str:
    vendor = connections[queryset.db].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"Full-text search is not set up for {vendor}.")
    return vendor


def _ids_matching(table: str, vendor: str, parsed: SearchQuery) -> RawSQL:
    if vendor == "sqlite":
        return RawSQL(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
            [parsed.fts5_match()],
        )
    tsquery, params = parsed.tsquery_sql()
    return RawSQL(f"SELECT id FROM {table} WHERE search_vector @@ {tsquery}", params)


def matching(queryset, query: str):
    """The statements of ``queryset`` that match ``query``. Lazy: runs no query itself."""
    parsed = parse(query)
    if not parsed:
        return queryset.none()
    table = queryset.model._meta.db_table
    vendor = _vendor(queryset)
    if vendor == "postgresql":
        # A condition on the row itself, not a self-join: the GIN index answers it directly.
        # Unqualified on purpose, so it still names the right table inside a subquery.
        tsquery, params = parsed.tsquery_sql()
        return queryset.filter(
            RawSQL(f"search_vector @@ {tsquery}", params, output_field=BooleanField())
        )
    return queryset.filter(pk__in=_ids_matching(table, vendor, parsed))


def ranked_ids(queryset, query: str, limit: int = 1000, *, matched: bool = False) -> list[int]:
    """Ids of the statements of ``queryset`` that match, most relevant first.

    Pass ``matched=True`` when ``queryset`` is already filtered by this search (as the
    StatementFilter's results are): matching twice makes the database misjudge how many
    rows match, and pick a slow plan.

    Only the newest ``limit`` matches are ranked (and returned): ranking costs time in
    proportion to the number of rows ranked, and a very common word matches most rows.
    Ties go to the newest statement, then the highest id. One query.
    """
    parsed = parse(query)
    if not parsed or limit <= 0:
        return []
    vendor = _vendor(queryset)
    connection = connections[queryset.db]
    table = queryset.model._meta.db_table
    candidates = queryset if matched else matching(queryset, query)
    newest = candidates.order_by("-said_on", "-id").values("pk")[: int(limit)]
    try:
        newest_sql, newest_params = newest.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # e.g. queryset.none(): nothing to rank, nothing to ask
        return []
    if vendor == "sqlite":
        weights = ", ".join(repr(float(w)) for w in BM25_WEIGHTS)
        sql = (
            f"SELECT s.id FROM {FTS_TABLE} JOIN {table} s ON s.id = {FTS_TABLE}.rowid "
            # "+rowid": scan the matches once and test each against the newest ids. Left
            # bare, SQLite runs the full-text query again for every one of those ids.
            f"WHERE {FTS_TABLE} MATCH %s AND +{FTS_TABLE}.rowid IN ({newest_sql}) "
            # bm25 is lower-is-better.
            f"ORDER BY bm25({FTS_TABLE}, {weights}), s.said_on DESC, s.id DESC"
        )
        params = [parsed.fts5_match(), *newest_params]
    else:
        tsquery, tsquery_params = parsed.tsquery_sql()
        sql = (
            f"SELECT s.id FROM {table} s WHERE s.id IN ({newest_sql}) "
            f"ORDER BY ts_rank(s.search_vector, {tsquery}, 1) DESC, s.said_on DESC, s.id DESC"
        )
        params = [*newest_params, *tsquery_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


# Snippets ----------------------------------------------------------------------------

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
    A term never starts or ends with a stop word."""
    return {
        tuple(None if token in STOP_WORDS else stem(token) for token in term.tokens)
        for term in parsed.terms
    }


def _snippet(text: str, patterns, need_hit: bool) -> SafeString | None:
    tokens = list(_TOKEN.finditer(text))
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


# The Porter stemmer (M. F. Porter, 1980), as FTS5's "porter" tokenizer applies it, for
# finding the words to highlight. --------------------------------------------------------

_VOWELS = frozenset("aeiou")


def _consonant(word: str, i: int) -> bool:
    char = word[i]
    if char in _VOWELS:
        return False
    if char == "y":
        return i == 0 or not _consonant(word, i - 1)
    return True


def _measure(stem_: str) -> int:
    """m in [C](VC){m}[V]."""
    count, previous_vowel = 0, False
    for i in range(len(stem_)):
        consonant = _consonant(stem_, i)
        if consonant and previous_vowel:
            count += 1
        previous_vowel = not consonant
    return count


def _has_vowel(stem_: str) -> bool:
    return any(not _consonant(stem_, i) for i in range(len(stem_)))


def _double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _consonant(word, len(word) - 1)


def _cvc(word: str) -> bool:
    return (
        len(word) >= 3
        and _consonant(word, len(word) - 3)
        and not _consonant(word, len(word) - 2)
        and _consonant(word, len(word) - 1)
        and word[-1] not in "wxy"
    )


def _replace(word: str, rules, condition) -> str:
    """Apply the rule whose suffix is longest, if its stem meets the condition."""
    for suffix, replacement in rules:
        if word.endswith(suffix):
            stem_ = word[: len(word) - len(suffix)]
            return stem_ + replacement if condition(stem_, suffix) else word
    return word


_STEP2 = sorted(
    [
        ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"),
        ("izer", "ize"), ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"),
        ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"), ("ator", "ate"),
        ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"),
        ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"), ("logi", "log"),
    ],
    key=lambda rule: -len(rule[0]),
)  # fmt: skip
_STEP3 = sorted(
    [
        ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"),
        ("ful", ""), ("ness", ""),
    ],
    key=lambda rule: -len(rule[0]),
)  # fmt: skip
_STEP4 = sorted(
    [
        (suffix, "")
        for suffix in (
            "al ance ence er ic able ible ant ement ment ent ion ou ism ate iti ous ive ize"
        ).split()
    ],
    key=lambda rule: -len(rule[0]),
)


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Porter stem of a lower-case word. Words that are not plain ASCII letters, or
    shorter than three letters, are left as they are."""
    if len(word) < 3 or not word.isascii() or not word.isalpha():
        return word
    # Step 1a
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ies"):
        word = word[:-2]
    elif word.endswith("ss"):
        pass
    elif word.endswith("s"):
        word = word[:-1]
    # Step 1b
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    else:
        for suffix in ("ed", "ing"):
            if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
                word = word[: -len(suffix)]
                if word.endswith(("at", "bl", "iz")):
                    word += "e"
                elif _double_consonant(word) and word[-1] not in "lsz":
                    word = word[:-1]
                elif _measure(word) == 1 and _cvc(word):
                    word += "e"
                break
    # Step 1c
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    # Steps 2 to 4
    word = _replace(word, _STEP2, lambda s, _: _measure(s) > 0)
    word = _replace(word, _STEP3, lambda s, _: _measure(s) > 0)
    word = _replace(
        word,
        _STEP4,
        # "ion" goes only after s or t.
        lambda s, suffix: _measure(s) > 1 and (suffix != "ion" or s.endswith(("s", "t"))),
    )
    # Step 5a
    if word.endswith("e"):
        base = word[:-1]
        if _measure(base) > 1 or (_measure(base) == 1 and not _cvc(base)):
            word = base
    # Step 5b
    if _measure(word) > 1 and _double_consonant(word) and word.endswith("l"):
        word = word[:-1]
    return word
