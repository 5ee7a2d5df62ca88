"""The Porter stemmer exactly as SQLite FTS5's "porter" tokenizer applies it, for finding
the words a search matched so that they can be highlighted.

Hand-written rather than taken from snowballstemmer: that library's "porter" is the 1980
algorithm, while FTS5 follows Porter's later C version ("bli" -> "ble", "logi" -> "log")
and has quirks of its own, so the two disagree on words such as "apology" or "humbly".
tests/test_stemmer.py checks this module against FTS5 itself.

Like FTS5, it works on the UTF-8 bytes of a token: any byte other than a to z is a
consonant, and tokens shorter than 3 or longer than 64 bytes are left as they are.
"""

from __future__ import annotations

import functools

_VOWELS = frozenset("aeiou")
_MAX_BYTES = 64  # FTS5 passes longer tokens through unstemmed


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


def _cvc(word: str) -> bool:
    return (
        len(word) >= 3
        and _consonant(word, len(word) - 3)
        and not _consonant(word, len(word) - 2)
        and _consonant(word, len(word) - 1)
        and word[-1] not in "wxy"
    )


def _replace(word: str, rules, condition) -> str:
    """Apply the rule whose suffix is longest, if its stem meets the condition. As in
    FTS5, a suffix never takes the whole word."""
    for suffix, replacement in rules:
        if len(word) > len(suffix) and word.endswith(suffix):
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
    """The Porter stem of a lower-case word, the same as FTS5's porter tokenizer gives.
    Words shorter than 3 or longer than 64 bytes in UTF-8 are left as they are."""
    encoded = word.encode("utf-8", "surrogateescape")
    if not 3 <= len(encoded) <= _MAX_BYTES:
        return word
    # One character per byte, so that lengths and positions are FTS5's.
    stemmed = _stem_bytes(encoded.decode("latin-1"))
    # FTS5 may cut a multi-byte character in two; keep such bytes as they are.
    return stemmed.encode("latin-1").decode("utf-8", "surrogateescape")


def _stem_bytes(word: str) -> str:
    # Step 1a. FTS5 keeps "sses" and "ies" themselves as "sse" and "ie".
    if word.endswith("s"):
        if word.endswith("es"):
            if (len(word) > 4 and word.endswith("sses")) or (len(word) > 3 and word[-3] == "i"):
                word = word[:-2]
            else:
                word = word[:-1]
        elif not word.endswith("ss"):
            word = word[:-1]
    # Step 1b. "eed" itself goes to "e" through the "ed" rule, as in FTS5.
    if len(word) > 3 and word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    else:
        for suffix in ("ed", "ing"):
            if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
                word = word[: -len(suffix)]
                if len(word) > 2 and word.endswith(("at", "bl", "iz")):
                    word += "e"
                # Here FTS5 takes "y" for a consonant whatever comes before it.
                elif (
                    len(word) >= 2
                    and word[-1] == word[-2]
                    and word[-1] not in _VOWELS
                    and word[-1] not in "lsz"
                ):
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
    if _measure(word) > 1 and word.endswith("ll"):
        word = word[:-1]
    return word
