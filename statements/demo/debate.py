"""The demo's second article: the Associated Press story on the second Perdue–Ossoff
debate, declared in full (declarations only; loader.py writes them).

Everything here is what the story reports, no more. The story's full text is not at
hand, so no source carries a text, a URL or an archived copy, and no statement is
checked against an article (ossoff.py's are). Records ossoff.py declares (Jon Ossoff,
David Perdue, the Democratic and Republican parties, the election) are reused by slug.

It has what the first article lacks: the AP's own finding on Perdue's claim
(FINDINGS), retorts that are both a statement and a reaction (``"answers"``), and a
statement whose date the story does not give (DatePrecision.NONE).
"""

from __future__ import annotations

import datetime

from ..models import DatePrecision, QuoteKind
from . import ossoff

ARTICLE_TITLE = "Perdue, Ossoff meet in 2nd Georgia Senate debate"
# The AP story is dated Wednesday, October 28, 2020, by Ben Nadler. Its URL is not given.
ARTICLE_DATE = datetime.date(2020, 10, 28)
AS_REPORTED = "As reported by the Associated Press, October 28, 2020"

# The story as the AP published it (curly quotation marks) and the Atlanta
# Journal-Constitution's copy of it (straight ones: `There's`). The copy's own headline,
# date and URL are not given: it is declared under the AP's headline and date, the story
# it reprints. The keys are local names, not stored; the first is the story's source.
SOURCES = {
    "ap": {
        "outlet": "associated-press",
        "title": ARTICLE_TITLE,
        "published_on": ARTICLE_DATE,
        "url": "",
        "author": "Ben Nadler",
        "archive_url": "",
        "text": "",
    },
    "ajc": {
        "outlet": "atlanta-journal-constitution",
        "title": ARTICLE_TITLE,
        "published_on": ARTICLE_DATE,
        "url": "",
        "author": "Ben Nadler",
        "archive_url": "",
        "text": "",
    },
}

# Organizations ossoff.py does not declare (the parties it does are reused by slug).
ORGANIZATIONS = [
    {
        "slug": "associated-press",
        "name": "Associated Press",
        "abbreviation": "AP",
        "kind": "news",
    },
    {
        "slug": "atlanta-journal-constitution",
        "name": "Atlanta Journal-Constitution",
        "kind": "news",
    },
    {"slug": "wtoc-tv", "name": "WTOC-TV", "kind": "news"},
    {"slug": "atlanta-press-club", "name": "Atlanta Press Club", "kind": "other"},
    {"slug": "libertarian-party", "name": "Libertarian Party", "kind": "party"},
]

# Jon Ossoff and David Perdue are ossoff.py's.
PEOPLE = [
    {
        "slug": "shane-hazel",
        "name": "Shane Hazel",
        "sort_name": "Hazel, Shane",
        "summary": (
            "Libertarian candidate for U.S. Senate in Georgia in 2020; a Marine Corps veteran "
            "and podcast host."
        ),
    },
]

# (person, organization, role). Start and end dates are not given: left empty.
AFFILIATIONS = [("shane-hazel", "libertarian-party", "member")]

# The same election as ossoff.py's: races are modelled as stages of one election.
ELECTION = ossoff.ELECTION

# The general election ossoff.py declares without a date, now with its polling day and
# all three candidates. A race declared by several modules takes the last one's fields;
# each module adds its candidacies. A runoff (January 5, 2021) was only to follow if
# nobody passed 50%: not declared.
RACES = [
    {
        "slug": "2020-georgia-us-senate-general",
        "name": "General election",
        "stage": "general",
        "party": None,
        "date": datetime.date(2020, 11, 3),
        "date_inferred": False,
        "date_inference_note": "",
        # (person, party, incumbent)
        "candidacies": [
            ("david-perdue", "republican-party", True),
            ("jon-ossoff", "democratic-party", False),
            ("shane-hazel", "libertarian-party", False),
        ],
    },
]

# The debates, by local name. Each statement said at one shares its date.
EVENTS = {
    "second-debate": {
        "slug": "georgia-us-senate-debate-2020-10-28",
        "name": "Second debate of the 2020 U.S. Senate general election in Georgia",
        "kind": "debate",
        "online": False,
        "location": "Savannah, Georgia",
        "hosts": ["wtoc-tv"],
        "date": datetime.date(2020, 10, 28),
        "date_precision": DatePrecision.DAY,
        "date_inferred": False,
        "date_inference_note": "",
        "description": (
            "Held in person in Savannah on the evening of October 28, 2020, hosted by WTOC-TV. "
            "It had been scheduled for October 19 and was postponed so that Perdue could return "
            "to Washington for a vote. Libertarian Shane Hazel, also on the ballot, was not "
            "invited."
        ),
    },
    "first-debate": {
        "slug": "georgia-us-senate-debate-2020-10-12",
        "name": "First debate of the 2020 U.S. Senate general election in Georgia",
        "kind": "debate",
        "online": True,
        "location": "",
        "hosts": ["atlanta-press-club"],
        "date": datetime.date(2020, 10, 12),
        "date_precision": DatePrecision.DAY,
        "date_inferred": False,
        "date_inference_note": "",
        "description": (
            "Held virtually on October 12, 2020, with the candidates in separate places; "
            "organised by the Atlanta Press Club."
        ),
    },
}

# (slug, name, parent slug)
TOPICS = [
    ("public-health", "Public health", None),
    ("covid-19", "COVID-19", "public-health"),
    ("health-care", "Health care", None),
    ("preexisting-conditions", "Preexisting conditions", "health-care"),
    ("economy", "Economy", None),
    ("climate", "Climate", None),
    ("green-new-deal", "Green New Deal", "climate"),
    ("campaign-conduct", "Campaign conduct", None),
]

OSSOFF = {
    "speaker": "jon-ossoff",
    "speaker_role": "candidate, U.S. Senate, Georgia",
    "speaker_party": "democratic-party",
}
PERDUE = {
    "speaker": "david-perdue",
    "speaker_role": "U.S. senator, Georgia; Republican candidate for re-election",
    "speaker_party": "republican-party",
}
HAZEL = {
    "speaker": "shane-hazel",
    "speaker_role": "candidate, U.S. Senate, Georgia",
    "speaker_party": "libertarian-party",
}

# What was said, in the story's order; the keys are the case's item numbers. For a direct
# or partial quote, ``text`` is exactly what stands inside the quotation marks (the comma
# before the attribution left out), as the AP printed it. ``sources``: the first is the
# one the words are taken from. ``answers``: the statement this one retorts to (entered
# as a reaction too, with the same words). Without ``event``, a statement carries its own
# date.
STATEMENTS = {
    "1a": {
        **OSSOFF,
        "event": "second-debate",
        "kind": QuoteKind.DIRECT,
        "text": (
            "We are in the middle of a grave public health crisis. It is spiraling out of "
            "control because Washington politicians downplayed the crisis, ignored the medical "
            "science, undermined the doctors and scientists who knew what they’re doing"
        ),
        "topics": ["covid-19"],
        "context": "At the second debate, on the coronavirus pandemic.",
        "sources": ["ap"],
    },
    "1b": {
        **OSSOFF,
        "event": "second-debate",
        "kind": QuoteKind.DIRECT,
        "text": (
            "And senator David Perdue, in the middle of this health crisis, is still supporting "
            "efforts to repeal protections for Georgians with preexisting conditions."
        ),
        "topics": ["preexisting-conditions"],
        "context": "Said right after his remark on the public health crisis.",
        "sources": ["ap"],
    },
    "2": {
        **PERDUE,
        "event": "second-debate",
        "kind": QuoteKind.DIRECT,
        "text": (
            "Right now we’ve got to get serious about beating COVID and then getting our "
            "economy going again. If you leave it to the Democrats, they want us locked down "
            "and continue to stay locked down"
        ),
        "topics": ["covid-19", "economy"],
        "context": "Responding to Ossoff’s remarks on the public health crisis.",
        "sources": ["ap"],
        "answers": "1a",
        "stance": "disagrees",
    },
    "3": {
        **PERDUE,
        "event": "second-debate",
        "kind": QuoteKind.DIRECT,
        "text": (
            "He will say and do anything to hide this radical socialist agenda. The number one "
            "thing that will bankrupt us is the Green New Deal and socialized medicine"
        ),
        "topics": ["green-new-deal", "health-care"],
        "context": "Speaking of Ossoff at the second debate.",
        "sources": ["ap"],
    },
    "4": {
        **OSSOFF,
        "event": "second-debate",
        "kind": QuoteKind.DIRECT,
        # The AJC's copy prints the same words with a straight apostrophe (There's): the
        # same quote, so one statement with both sources, in the AP's curly form.
        "text": (
            "There’s the senator with the catchphrases again. But no substance, little truth "
            "and no sense of personal responsibility"
        ),
        "topics": ["campaign-conduct"],
        "context": "Ossoff “shot back” after Perdue’s remark on the Green New Deal.",
        "sources": ["ap", "ajc"],
        "answers": "3",
        "stance": "disagrees",
    },
    "5a": {
        **OSSOFF,
        "event": "first-debate",
        "kind": QuoteKind.PARTIAL,
        "text": "in a pandemic response that everybody from all parties knows has been a disaster",
        "frame": "said Perdue has enabled President Donald Trump",
        "topics": ["covid-19"],
        "context": "At the first debate, as reported in the story on the second.",
        "sources": ["ap"],
    },
    "5b": {
        **PERDUE,
        "event": "first-debate",
        "kind": QuoteKind.PARTIAL,
        "text": "idle chatter",
        "frame": "called Ossoff’s remarks",
        "topics": ["campaign-conduct"],
        "context": "Answering Ossoff’s remark on the pandemic response at the first debate.",
        "sources": ["ap"],
        "answers": "5a",
        "stance": "disagrees",
    },
    "5c": {
        **PERDUE,
        "event": "first-debate",
        "kind": QuoteKind.DIRECT,
        "text": (
            "What we really did is we brought help to the people of Georgia, both in the "
            "hospitals, schools, communities and in the workplace"
        ),
        "topics": ["covid-19"],
        "context": "At the first debate, on the pandemic response.",
        "sources": ["ap"],
    },
    "6": {
        **HAZEL,
        # The story does not say when or where he said it: no event, and the date is
        # unknown. said_on holds the day it was reported, never shown as when it was said.
        "said_on": ARTICLE_DATE,
        "date_precision": DatePrecision.NONE,
        "date_inferred": False,
        "date_inference_note": "",
        "kind": QuoteKind.DIRECT,
        # As the case gives it, with straight marks.
        "text": (
            "If you're tired of what you're seeing here between politicians, you've got a choice"
        ),
        "topics": ["campaign-conduct"],
        "context": (
            "Of the back and forth between Perdue and Ossoff during their first debate, to which "
            "he was not a party. The story does not say when or where he said it."
        ),
        "sources": ["ap"],
    },
}
STATEMENT_DEFAULTS: dict[str, str] = {}  # each statement names its speaker

# Reactions by people other than the speaker. The retorts are the statements' "answers".
REACTIONS: list[dict] = []

# An outlet's own finding on a claim: a reaction by the organization, with no person, and
# its rating. The AP's words, as the story prints them.
FINDINGS = [
    {
        "statement": "3",
        "organization": "associated-press",
        "source": "ap",
        "stance": "disagrees",
        "rating": "false",
        "kind": QuoteKind.PARAPHRASE,
        "text": (
            "falsely accusing Ossoff of backing the Green New Deal and socialized medicine, "
            "neither of which Ossoff supports"
        ),
    },
]

COMMENT_REQUESTS: list[dict] = []
POSITIONS: list[tuple] = []
BACKGROUND_NOTES: list[dict] = []
