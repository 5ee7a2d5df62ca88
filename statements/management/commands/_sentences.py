"""How generate_statements makes a statement's words: sentence templates (_phrases)
filled with words (_vocabulary) drawn by Zipf's law, as words are in real speech."""

from __future__ import annotations

import bisect
import itertools
import random
import string
from collections.abc import Callable, Sequence

from statements.models import QuoteKind

from ._phrases import CLAIMS, FOLLOW_UPS, OPENERS, PARTIAL_WORDS
from ._vocabulary import ADJECTIVES, DETAILS, NOUNS, PARAPHRASES, PARTIALS, VERBS

WORD_ZIPF = 1.0


def zipf_cum_weights(n: int, exponent: float) -> list[float]:
    """Cumulative weights for ranks 1..n, the rank r weighing 1/r**exponent."""
    return list(itertools.accumulate(1 / rank**exponent for rank in range(1, n + 1)))


def zipf_picker(words: Sequence[str], rng: random.Random) -> Callable[[], str]:
    """A function that draws one of ``words`` (most used first) by Zipf's law."""
    cum = zipf_cum_weights(len(words), WORD_ZIPF)
    total, uniform, find = cum[-1], rng.random, bisect.bisect

    def pick() -> str:
        return words[find(cum, uniform() * total)]

    return pick


def in_sentence(name: str) -> str:
    """A topic's name inside a sentence: "Health care" -> "health care", "DACA" stays."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def template_slots(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


def text_maker(rng: random.Random) -> Callable[[str, list[str], str], tuple[str, str]]:
    """A function (kind, phrases, state) -> (text, frame) for one statement."""
    choice, random_ = rng.choice, rng.random
    pickers = {
        "n": zipf_picker(NOUNS, rng),
        "a": zipf_picker(ADJECTIVES, rng),
        "v": zipf_picker(VERBS, rng),
    }

    def filler(template: str) -> Callable[..., str]:
        slots = [(name, pickers[name[0]]) for name in template_slots(template) if name != "p"]
        fmt = template.format

        def fill(**given: str) -> str:
            return fmt(**given, **{name: pick() for name, pick in slots})

        return fill

    details = [filler(t) for t in DETAILS]
    paraphrases = [filler(t) for t in PARAPHRASES]
    partials = [filler(t) for t in PARTIALS]
    detail_counts = (0, 1, 1, 2)

    def make(kind: str, phrases: list[str], state: str) -> tuple[str, str]:
        if kind == QuoteKind.PARTIAL:
            text = choice(PARTIAL_WORDS) if random_() < 0.5 else choice(partials)()
            return text, f"called {choice(phrases)}"
        if kind == QuoteKind.PARAPHRASE:
            return choice(paraphrases)(p=choice(phrases)), ""
        claim = choice(CLAIMS).format(p=choice(phrases), state=state)
        words = [f"{choice(OPENERS)} {claim}."]
        words += [choice(details)() for _ in range(choice(detail_counts))]
        words.append(choice(FOLLOW_UPS))
        return " ".join(words).strip(), ""

    return make
