"""When two texts are the same words (statements/text.py): reprints and the verbatim check."""

from pathlib import Path

import pytest

from statements.demo import ARTICLE, STATEMENTS
from statements.text import find_verbatim, is_same_quote, same_words

# The seed article as published (the demo's ARTICLE is the same text, byte for byte).
SEED = Path(__file__).parent / "fixtures" / "ossoff-2020-06-05.txt"


# Reprints: the same quote in another outlet's typography -------------------------------


def test_straight_and_curly_apostrophes_are_the_same_quote():
    assert is_same_quote(
        "There's the senator with the catchphrases again.",
        "There\u2019s the senator with the catchphrases again.",
    )


def test_quotation_mark_styles_and_whitespace_are_the_same_quote():
    assert is_same_quote(
        'He said "no substance"  and left.',
        "He said \u201cno substance\u201d\u00a0and\nleft. ",
    )
    assert is_same_quote("\u2018bonds of trust\u2019", "'bonds of trust'")


@pytest.mark.parametrize(
    "other",
    [
        "There's a senator with the catchphrases again.",  # one word
        "There's the senator with the catchphrase again.",  # one letter
        "There's the senator, with the catchphrases again.",  # punctuation
        "there's the senator with the catchphrases again.",  # capitals
        "There's the senator with the catchphrases again\u2026",  # an ellipsis for a period
        "Theres the senator with the catchphrases again.",  # an apostrophe left out
    ],
)
def test_a_different_word_or_mark_is_a_different_quote(other):
    assert not is_same_quote("There's the senator with the catchphrases again.", other)


def test_same_words_is_only_the_style_taken_out():
    assert same_words(" \u201cIt\u2019s\u201d \u00a0 fine ") == '"It\'s" fine'


# The verbatim check: the demo's quotes in the seed article's text ----------------------


def seed_text() -> str:
    text = SEED.read_text(encoding="utf-8")
    assert text == ARTICLE
    return text


@pytest.mark.parametrize("key", [k for k, s in STATEMENTS.items() if s["kind"] != "paraphrase"])
def test_every_demo_quote_is_found_in_the_article(key):
    check = find_verbatim(STATEMENTS[key]["text"], seed_text())

    assert check.found, key
    assert check.summary == "Found in the source"


def test_an_ellipsis_and_a_no_break_space_in_any_form_are_found():
    text = seed_text()
    # The article prints "communities....\u00a0We" (a period, an ellipsis, a no-break space).
    for typed in [
        "local communities....\u00a0We can't live",
        "local communities.... We can't live",
        "local communities\u2026. We can\u2019t live",
        "local communities.\u2026We can't live",
        "local communities. . . . We can't live",
    ]:
        check = find_verbatim(typed, text)
        assert check.found, typed
        assert check.passage == "local communities....\u00a0We can't live"


def test_curly_quotes_are_found_in_straight_text_and_the_passage_is_the_sources():
    check = find_verbatim("That\u2019s what makes us a country\u2026. This isn\u2019t", seed_text())

    assert check.found
    assert check.passage == "That's what makes us a country.... This isn't"


def test_a_changed_word_is_not_found_and_the_closest_passage_is_shown():
    check = find_verbatim(
        "I don't think it's the role of state law enforcement to enforce federal immigration law",
        seed_text(),
    )

    assert not check.found
    assert check.summary == "Not found in the source"
    assert "I don't think it's the role of local law enforcement" in check.passage


@pytest.mark.parametrize(
    "typed",
    [
        "misguide",  # a letter dropped
        "Misguided",  # a capital
        "local communities... We can't live",  # three dots where the article has four
        "bonds oftrust",  # words run together
    ],
)
def test_letters_words_and_dots_are_never_ignored(typed):
    assert not find_verbatim(typed, seed_text()).found


def test_nothing_to_check_against_finds_nothing():
    assert not find_verbatim("misguided", "").found
    assert find_verbatim("misguided", "").passage == ""
