"""When two texts are the same words: defined once, for the desk and the public pages.

Verbatim is sacred (docs/domain.md): a quote is stored byte for byte as the first outlet
printed it. But outlets reprint the same words in their own typography, so comparing
quotes ignores a few things that are style, never letters or words:

- ``same_words``: the style of quotation marks and apostrophes (``There's`` and
  ``There’s``), and whitespace (how much, and which: a no-break space is a space). Two
  quotes by one speaker with the same words are one statement with two sources.
- ``find_verbatim``: also the form of an ellipsis (``…``, ``...`` or ``. . .``, with or
  without a space around it). It looks for a quote in a source's stored text and, when
  the quote is not there, gives the closest passage for the editor to compare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

# Quotation marks and apostrophes, by the one straight mark each stands for.
SINGLE_MARKS = "'\u2018\u2019\u201a\u201b\u02bc"  # ' ‘ ’ ‚ ‛ ʼ
DOUBLE_MARKS = '"\u201c\u201d\u201e\u201f\u00ab\u00bb'  # " “ ” „ ‟ « »
_MARKS = {**dict.fromkeys(SINGLE_MARKS, "'"), **dict.fromkeys(DOUBLE_MARKS, '"')}

ELLIPSIS = "..."
# An ellipsis as one character, or as three dots that may be spaced out (". . .").
_ELLIPSIS = re.compile(r"\u2026|\.(?:[^\S\n]?\.){2}")


@dataclass(frozen=True)
class _Normalised:
    """A text in its compared form, with where each of its characters came from."""

    text: str
    origin: list[int]  # origin[i]: the index in the original text of text[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's slice that normalised text[start:end] came from."""
        return self.origin[start], self.origin[end - 1] + 1


def _normalise(text: str, *, ellipses: bool) -> _Normalised:
    chars: list[tuple[str, int]] = []
    index = 0
    while index < len(text):
        found = _ELLIPSIS.match(text, index) if ellipses else None
        if found:
            chars.extend((".", index) for _ in ELLIPSIS)
            index = found.end()
            continue
        char = text[index]
        chars.append((" " if char.isspace() else _MARKS.get(char, char), index))
        index += 1
    out: list[tuple[str, int]] = []
    for position, (char, origin) in enumerate(chars):
        if char != " ":
            out.append((char, origin))
            continue
        if not out or out[-1][0] == " ":
            continue  # leading whitespace, or more of the same run
        if ellipses and (_dots_before(out) or _dots_after(chars, position)):
            continue  # a space beside an ellipsis is typography, not a word boundary
        out.append((char, origin))
    while out and out[-1][0] == " ":
        out.pop()
    return _Normalised("".join(char for char, _ in out), [origin for _, origin in out])


def _dots_before(out: list[tuple[str, int]]) -> bool:
    return len(out) >= 3 and all(char == "." for char, _ in out[-3:])


def _dots_after(chars: list[tuple[str, int]], position: int) -> bool:
    following = [char for char, _ in chars[position:] if char != " "][:3]
    return following == [".", ".", "."]


def same_words(text: str) -> str:
    """The text with the style of quotation marks and apostrophes, and whitespace, taken
    out: two quotes are the same quote when this is equal."""
    return _normalise(text, ellipses=False).text


def is_same_quote(first: str, second: str) -> bool:
    return same_words(first) == same_words(second)


# The verbatim check ----------------------------------------------------------------


@dataclass(frozen=True)
class VerbatimCheck:
    """Whether a quote's words stand in a source's text; if not, the closest passage."""

    found: bool
    passage: str  # where the words stand (found), or the closest passage ("" if none)

    @property
    def summary(self) -> str:
        return "Found in the source" if self.found else "Not found in the source"


def find_verbatim(quote: str, text: str) -> VerbatimCheck:
    """Look for ``quote`` in a source's ``text``, ignoring only the style of quotation
    marks and apostrophes, the form of ellipses and whitespace (see the module's
    docstring): never letters, words or other punctuation."""
    words = _normalise(quote, ellipses=True)
    article = _normalise(text, ellipses=True)
    if not words.text or not article.text:
        return VerbatimCheck(found=False, passage="")
    at = _find_whole_words(words.text, article.text)
    if at is not None:
        start, end = article.span(at, at + len(words.text))
        return VerbatimCheck(found=True, passage=text[start:end])
    return VerbatimCheck(found=False, passage=_closest_passage(words.text, article, text))


def _find_whole_words(words: str, text: str) -> int | None:
    """Where ``words`` first stand in ``text`` without cutting a word in two ("misguide"
    is not in "misguided")."""
    at = text.find(words)
    while at >= 0:
        end = at + len(words)
        cuts_before = at > 0 and text[at - 1].isalnum() and words[0].isalnum()
        cuts_after = end < len(text) and text[end].isalnum() and words[-1].isalnum()
        if not (cuts_before or cuts_after):
            return at
        at = text.find(words, at + 1)
    return None


def _closest_passage(quote: str, article: _Normalised, text: str) -> str:
    """The run of the article's words, as long as the quote, that shares the most words
    with it in order: each block of words the two have in common votes for where the
    quote would start."""
    spans = [match.span() for match in re.finditer(r"\S+", article.text)]
    article_words = [article.text[start:end] for start, end in spans]
    quote_words = quote.split(" ")
    matcher = SequenceMatcher(None, article_words, quote_words, autojunk=False)
    votes: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        if block.size:
            offset = block.a - block.b
            votes[offset] = votes.get(offset, 0) + block.size
    if not votes:
        return ""
    offset = max(votes, key=lambda key: (votes[key], -key))
    first = max(offset, 0)
    last = min(offset + len(quote_words), len(spans)) - 1
    if last < first:
        return ""
    start, end = article.span(spans[first][0], spans[last][1])
    return text[start:end]
