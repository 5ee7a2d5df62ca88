"""Near-identical words: when two statements by one speaker say the same thing again.

A repeat ("said before", "said again") is the same words said on another occasion, give or
take a word changed, a clause added or dropped. A paraphrase that only shares words with
the first is not one. Defined once, here, for every database:

- ``trigram_similarity``: pg_trgm's ``similarity()``, word for word (the share of the
  two texts' letter trigrams that they have in common, case and punctuation ignored),
  so that PostgreSQL can apply it in the query and SQLite in Python with the same result.
  It is blind to the order of words, so a paraphrase that reorders the same words
  scores high on it.
- ``word_ratio``: how much of the two texts is the same words *in the same order*
  (difflib's ratio over their words: 2 × words in common, in order / all words). Quotation
  mark style, apostrophes, punctuation and whitespace are not words, so a reprint's
  typography never counts as a difference.

Two texts are a repeat when both reach their threshold. Tuned on the demo article, the
practice case (two Perdue–Ossoff debates) and hand-made pairs (tests/test_said_before.py):

| pair | trigrams | words in order |
|---|---|---|
| a refrain with one word changed (14 words) | 0.96 | 0.93 |
| a refrain with a clause added (15 → 22 words) | 0.85 | 0.81 |
| a short refrain with a long clause added (8 → 17 words) | 0.57 | 0.64 |
| the same words, reordered into a paraphrase | 0.65 | 0.33 |
| a reporter's paraphrase sharing the key words | 0.54 | 0.54 |
| two remarks at one town hall on one topic | 0.24 | 0.22 |

Texts shorter than MIN_WORDS words ("misguided") are never repeats: one word said twice
is not a refrain.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from itertools import combinations

from .parser import STOP_WORDS, TOKEN

TRIGRAM_THRESHOLD = 0.5
WORD_RATIO_THRESHOLD = 0.6
MIN_WORDS = 3

# The words the databases look for to find candidates: the longest few, as rarer words
# tend to be longer. A repeat keeps at least two of the three, so a candidate must hold
# two of them: one word changed still finds it.
KEY_WORDS = 3
KEY_WORD_LENGTH = 4  # shorter words have too few trigrams for the index to narrow by
# Words of speech common enough to narrow nothing, missing from the stop words (parser.py):
# as key words they make the database read thousands of a prolific speaker's statements.
COMMON_WORDS = frozenset(
    "would could people think going know want like make also really thing things every "
    "said right".split()
)


def words(text: str) -> list[str]:
    """The text's words, lower-case: runs of letters and digits."""
    return [word.lower() for word in TOKEN.findall(text)]


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word, lower-cased, padded with two spaces in front and
    one behind, cut into every run of three characters."""
    found: set[str] = set()
    for word in words(text):
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def trigram_similarity(first: str, second: str) -> float:
    """pg_trgm's ``similarity(first, second)``: shared trigrams / all trigrams."""
    return _similarity(trigrams(first), trigrams(second))


def _similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def word_ratio(first: list[str], second: list[str]) -> float:
    """Of two texts' ``words``."""
    return SequenceMatcher(None, first, second, autojunk=False).ratio()


def long_enough(text: str) -> bool:
    return len(words(text)) >= MIN_WORDS


def is_repeat(first: str, second: str) -> bool:
    """Whether ``second`` says ``first`` again: near-identical words (see the module)."""
    return RepeatTest(first)(second)


class RepeatTest:
    """``is_repeat(first, …)`` for many seconds: ``first``'s words and trigrams are
    worked out once (a statement page tests its words against dozens of others)."""

    def __init__(self, first: str):
        self.words = words(first)
        self.trigrams = trigrams(first)

    def __call__(self, second: str) -> bool:
        if len(self.words) < MIN_WORDS:
            return False
        other = words(second)
        if len(other) < MIN_WORDS:
            return False
        return (
            _similarity(self.trigrams, trigrams(second)) >= TRIGRAM_THRESHOLD
            and word_ratio(self.words, other) >= WORD_RATIO_THRESHOLD
        )


def key_words(text: str) -> list[str]:
    """The longest distinct words that are neither stop words nor COMMON_WORDS (at most
    KEY_WORDS), longest first, ties in the order they come."""
    seen: dict[str, int] = {}
    for position, word in enumerate(words(text)):
        if len(word) < KEY_WORD_LENGTH or word in seen:
            continue
        if word not in STOP_WORDS and word not in COMMON_WORDS:
            seen[word] = position
    return sorted(seen, key=lambda word: (-len(word), seen[word]))[:KEY_WORDS]


def key_groups(text: str) -> list[tuple[str, ...]]:
    """What a candidate must contain, one group of words being enough: every pair of the
    three key words, or any one of fewer. Empty when there is nothing to look for."""
    keys = key_words(text)
    if not long_enough(text) or not keys:
        return []
    if len(keys) < KEY_WORDS:
        return [(key,) for key in keys]
    return list(combinations(keys, 2))
