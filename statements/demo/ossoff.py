"""The Washington Free Beacon article of June 5, 2020, entered in full: the demo's data.

Everything in the article is here, and nothing that is not in it: every person,
organization, the event, each of Ossoff's remarks as its own statement, the two
reactions, the unanswered requests for comment, the editors' position summaries and
the background facts. Only declarations: loader.py writes them to the database.
"""

from __future__ import annotations

import datetime

from ..models import DatePrecision, QuoteKind

# The article, byte for byte: straight quotes, two em dashes and two no-break spaces
# (after "communities...." and before "Washington Free Beacon"). No trailing newline.
ARTICLE = "\n\n".join(
    [
        "Ossoff: Local Law Enforcement Should Not Enforce Federal Immigration Law",
        "June 5, 2020",
        (
            "Georgia Democratic Senate candidate Jon Ossoff said Saturday that local law "
            'enforcement should not enforce federal immigration law because it betrays the "bonds '
            'of trust" police should have with the community.'
        ),
        (
            "\"I don't think it's the role of local law enforcement to enforce federal immigration "
            'law," he said during an online town hall with the College Democrats of Georgia. "It '
            "is important that there be bonds of trust between local law enforcement and local "
            "communities....\u00a0We can't live in a society where people are afraid to call the "
            "police while someone's being assaulted in their home, because everyone's going to get "
            'their papers checked when the local PD arrives."'
        ),
        (
            "College Democrats of Georgia president Bhavin Patel, who asked Ossoff about his "
            "immigration views, told the\u00a0Washington Free Beacon he took the answer as an "
            "endorsement of so-called sanctuary cities. The term refers to municipalities that do "
            "not enforce federal immigration laws. Some cities, counties, and even entire states "
            "prevent local law enforcement from cooperating with federal agencies like Immigration "
            "and Customs Enforcement (ICE) or Customs and Border Protection against illegal "
            "immigration."
        ),
        (
            '"I agreed with Jon that local law enforcement should not be required to enforce '
            'federal immigration law, which I understood as an endorsement of sanctuary cities," '
            "he wrote in an email. \"Jon explained that there should be 'bonds of trust between "
            "local law enforcement and communities.' I agree with Jon because it is profoundly "
            "unsafe to have local law enforcement act as de facto federal immigration agents for "
            'enforcing the federal immigration law."'
        ),
        (
            "Ossoff's campaign did not respond to multiple requests for comment on his immigration "
            "policy and sanctuary cities."
        ),
        (
            "Ossoff also called the 287(g) program—a section of the Immigration and Nationality "
            "Act enabling state and local law enforcement to assist federal immigration "
            'authorities—"misguided." Renewed by the Georgia Department of Corrections in '
            "February, it is a voluntary program that deputizes law enforcement agencies to assist "
            "ICE in identifying and apprehending illegal immigrants."
        ),
        (
            '"Nobody is compelling them to enforce federal immigration laws," Federation for '
            'American Immigration Reform spokesman Ira Mehlman said. "Many police departments '
            "have been using these programs for years. This is simply local governments deciding "
            'on their own that this is beneficial to their community."'
        ),
        (
            "Ossoff also said he would target those who hire illegal immigrants and that the "
            "country needs border control."
        ),
        (
            "\"That's what makes us a country.... This isn't something that a lot of Democrats "
            "say,\" he said. \"It is right that we have a problem that we don't know and can't "
            "control who's flowing across our borders. We need to fix that problem.\""
        ),
        (
            "In one of the two 2020 Senate races in Georgia, Ossoff is hoping to face off against "
            "Sen. David Perdue (R.). He faces Democrats Teresa Tomlinson and Sarah Riggs Amico in "
            "Tuesday's primary to receive the party's nomination."
        ),
    ]
)

ARTICLE_TITLE = "Ossoff: Local Law Enforcement Should Not Enforce Federal Immigration Law"
ARTICLE_DATE = datetime.date(2020, 6, 5)
ARTICLE_BODY = ARTICLE.split("\n\n")[2:]  # the paragraphs after the headline and dateline
AS_REPORTED = "As reported by the Washington Free Beacon, June 5, 2020"

# The article as a source. Its text gives no URL, author or archived copy: left empty.
SOURCE = {
    "outlet": "washington-free-beacon",
    "title": ARTICLE_TITLE,
    "published_on": ARTICLE_DATE,
    "url": "",
    "author": "",
    "archive_url": "",
    "text": ARTICLE,
}

# "said Saturday", in an article published on Friday, June 5, 2020.
TOWN_HALL_DATE = datetime.date(2020, 5, 30)
TOWN_HALL_DATE_NOTE = (
    "The Washington Free Beacon article was published on Friday, June 5, 2020, and says "
    "Ossoff spoke “Saturday”; the most recent Saturday before publication is May 30, 2020."
)

ORGANIZATIONS = [
    {"slug": "democratic-party", "name": "Democratic Party", "kind": "party"},
    {"slug": "republican-party", "name": "Republican Party", "kind": "party"},
    {
        "slug": "college-democrats-of-georgia",
        "name": "College Democrats of Georgia",
        "kind": "student",
    },
    {
        "slug": "federation-for-american-immigration-reform",
        "name": "Federation for American Immigration Reform",
        "abbreviation": "FAIR",
        "kind": "advocacy",
    },
    {
        "slug": "us-immigration-and-customs-enforcement",
        "name": "U.S. Immigration and Customs Enforcement",
        "abbreviation": "ICE",
        "kind": "agency",
    },
    {
        "slug": "us-customs-and-border-protection",
        "name": "U.S. Customs and Border Protection",
        "abbreviation": "CBP",
        "kind": "agency",
    },
    {
        "slug": "georgia-department-of-corrections",
        "name": "Georgia Department of Corrections",
        "kind": "agency",
    },
    {"slug": "washington-free-beacon", "name": "Washington Free Beacon", "kind": "news"},
    {
        "slug": "ossoff-campaign",
        "name": "Ossoff campaign",
        "kind": "campaign",
        "description": (
            "Jon Ossoff's 2020 U.S. Senate campaign in Georgia. The article calls it "
            "“Ossoff's campaign” and gives no formal name."
        ),
    },
]

PEOPLE = [
    {
        "slug": "jon-ossoff",
        "name": "Jon Ossoff",
        "sort_name": "Ossoff, Jon",
        "summary": "Democratic candidate for U.S. Senate in Georgia in 2020.",
    },
    {
        "slug": "bhavin-patel",
        "name": "Bhavin Patel",
        "sort_name": "Patel, Bhavin",
        "summary": "President of the College Democrats of Georgia in June 2020.",
    },
    {
        "slug": "ira-mehlman",
        "name": "Ira Mehlman",
        "sort_name": "Mehlman, Ira",
        "summary": "Spokesman for the Federation for American Immigration Reform (FAIR) in 2020.",
    },
    {
        "slug": "david-perdue",
        "name": "David Perdue",
        "sort_name": "Perdue, David",
        "summary": (
            "Sitting Republican U.S. senator from Georgia in 2020 (“Sen. David Perdue (R.)”), "
            "whose seat was up for election that year."
        ),
    },
    {
        "slug": "teresa-tomlinson",
        "name": "Teresa Tomlinson",
        "sort_name": "Tomlinson, Teresa",
        "summary": "Candidate in the 2020 Democratic primary for U.S. Senate in Georgia.",
    },
    {
        "slug": "sarah-riggs-amico",
        "name": "Sarah Riggs Amico",
        "sort_name": "Amico, Sarah Riggs",
        "summary": "Candidate in the 2020 Democratic primary for U.S. Senate in Georgia.",
    },
]

# (person, organization, role). Start and end dates are not given: left empty.
AFFILIATIONS = [
    ("bhavin-patel", "college-democrats-of-georgia", "president"),
    ("ira-mehlman", "federation-for-american-immigration-reform", "spokesman"),
    ("jon-ossoff", "democratic-party", "member"),
    ("jon-ossoff", "ossoff-campaign", "candidate"),
    ("teresa-tomlinson", "democratic-party", "member"),
    ("sarah-riggs-amico", "democratic-party", "member"),
    ("david-perdue", "republican-party", "member"),
]

ELECTION = {
    "slug": "2020-georgia-us-senate",
    "name": "2020 U.S. Senate election in Georgia",
    "office": "U.S. Senate",
    "jurisdiction": "Georgia",
    "year": 2020,
    "description": (
        "The regular election for the U.S. Senate seat held by David Perdue (R.), one of the "
        "two 2020 Senate races in Georgia."
    ),
}

RACES = [
    {
        "slug": "2020-georgia-us-senate-democratic-primary",
        "name": "Democratic primary",
        "stage": "primary",
        "party": "democratic-party",
        "date": datetime.date(2020, 6, 9),
        "date_inferred": True,
        "date_inference_note": (
            "The article, published Friday, June 5, 2020, refers to “Tuesday's primary”; "
            "the next Tuesday is June 9, 2020."
        ),
        # (person, party, incumbent)
        "candidacies": [
            ("jon-ossoff", "democratic-party", False),
            ("teresa-tomlinson", "democratic-party", False),
            ("sarah-riggs-amico", "democratic-party", False),
        ],
    },
    {
        "slug": "2020-georgia-us-senate-general",
        "name": "General election",
        "stage": "general",
        "party": None,
        "date": None,
        "date_inferred": False,
        "date_inference_note": "",
        # "Ossoff is hoping to face off against Sen. David Perdue (R.)"
        "candidacies": [("david-perdue", "republican-party", True)],
    },
]

EVENT = {
    "slug": "online-town-hall-college-democrats-of-georgia-2020-05-30",
    "name": "Online town hall with the College Democrats of Georgia",
    "kind": "town_hall",
    "online": True,
    "hosts": ["college-democrats-of-georgia"],
    "description": (
        "Bhavin Patel, president of the College Democrats of Georgia, asked Ossoff about his "
        "immigration views."
    ),
}

# When the town hall took place, and how that was worked out; its statements share it.
EVENT_DATE = {
    "date": TOWN_HALL_DATE,
    "date_precision": DatePrecision.DAY,
    "date_inferred": True,
    "date_inference_note": TOWN_HALL_DATE_NOTE,
}

# (slug, name, parent slug)
TOPICS = [
    ("immigration", "Immigration", None),
    ("287g-program", "287(g) program", "immigration"),
    ("sanctuary-jurisdictions", "Sanctuary jurisdictions", "immigration"),
    (
        "local-enforcement-of-immigration-law",
        "Local enforcement of federal immigration law",
        "immigration",
    ),
    ("employer-enforcement", "Employer enforcement", "immigration"),
    ("border-security", "Border security", "immigration"),
    ("public-safety", "Public safety", None),
    ("policing", "Policing", "public-safety"),
]

# Ossoff's remarks at the town hall, each its own statement. For a direct or partial quote,
# ``text`` is exactly what stands inside the quotation marks; for a paraphrase, the
# article's reported speech. The keys S1… are local names, not stored.
STATEMENTS = {
    "S1": {
        "kind": QuoteKind.DIRECT,
        "text": (
            "I don't think it's the role of local law enforcement to enforce federal "
            "immigration law"
        ),
        "topics": ["local-enforcement-of-immigration-law", "policing"],
        "context": (
            "Answering a question about his immigration views from Bhavin Patel, president of "
            "the College Democrats of Georgia. The Washington Free Beacon asked Ossoff's "
            "campaign about his immigration policy and sanctuary cities; it did not respond."
        ),
    },
    "S2": {
        "kind": QuoteKind.DIRECT,
        "text": (
            "It is important that there be bonds of trust between local law enforcement and "
            "local communities....\u00a0We can't live in a society where people are afraid to "
            "call the police while someone's being assaulted in their home, because everyone's "
            "going to get their papers checked when the local PD arrives."
        ),
        "topics": ["local-enforcement-of-immigration-law", "policing"],
        "context": (
            "Quoted in the same passage as his remark that it is not the role of local law "
            "enforcement to enforce federal immigration law."
        ),
    },
    "S3": {
        "kind": QuoteKind.PARTIAL,
        "text": "misguided",
        "frame": "called the 287(g) program",
        "topics": ["287g-program"],
        "context": "Remark on the 287(g) program during the same town hall.",
    },
    "S4": {
        "kind": QuoteKind.PARAPHRASE,
        "text": "he would target those who hire illegal immigrants",
        "topics": ["employer-enforcement"],
        "context": (
            "Reported, not quoted, by the Washington Free Beacon, in the same sentence as his "
            "remark that the country needs border control."
        ),
    },
    "S5": {
        "kind": QuoteKind.PARAPHRASE,
        "text": "the country needs border control",
        "topics": ["border-security"],
        "context": (
            "Reported, not quoted, by the Washington Free Beacon, which follows it with his "
            "words on border control."
        ),
    },
    "S6": {
        "kind": QuoteKind.DIRECT,
        "text": (
            "That's what makes us a country.... This isn't something that a lot of Democrats say"
        ),
        "topics": ["border-security"],
        "context": (
            "Quoted right after the article reports him saying the country needs border control."
        ),
    },
    "S7": {
        "kind": QuoteKind.DIRECT,
        "text": (
            "It is right that we have a problem that we don't know and can't control who's "
            "flowing across our borders. We need to fix that problem."
        ),
        "topics": ["border-security"],
        "context": "Quoted in the same passage as his remarks on border control.",
    },
}
STATEMENT_DEFAULTS = {
    "speaker": "jon-ossoff",
    "speaker_role": "candidate, U.S. Senate, Georgia",
    "speaker_party": "democratic-party",
}

# Each reaction's text is the respondent's words; fragments the article quotes apart are
# separated by a blank line.
REACTIONS = [
    {
        "statement": "S1",
        "respondent": "bhavin-patel",
        "respondent_role": "president",
        "respondent_organization": "college-democrats-of-georgia",
        "stance": "agrees",
        # His own words in the email: "which I understood as an endorsement of sanctuary cities"
        "interpretation": "an endorsement of sanctuary cities",
        "channel": "email to the Washington Free Beacon",
        "fragments": [
            "I agreed with Jon that local law enforcement should not be required to enforce "
            "federal immigration law, which I understood as an endorsement of sanctuary cities",
            "Jon explained that there should be 'bonds of trust between local law enforcement "
            "and communities.' I agree with Jon because it is profoundly unsafe to have local "
            "law enforcement act as de facto federal immigration agents for enforcing the "
            "federal immigration law.",
        ],
    },
    {
        "statement": "S3",
        "respondent": "ira-mehlman",
        "respondent_role": "spokesman",
        "respondent_organization": "federation-for-american-immigration-reform",
        "stance": "disagrees",
        "interpretation": "",
        "channel": "",  # the article says only "said"
        "fragments": [
            "Nobody is compelling them to enforce federal immigration laws",
            "Many police departments have been using these programs for years. This is simply "
            "local governments deciding on their own that this is beneficial to their community.",
        ],
    },
]

COMMENT_REQUESTS = [
    {
        "statement": "S1",
        "asked_organization": "ossoff-campaign",
        "requested_by": "washington-free-beacon",
        "subject": "his immigration policy and sanctuary cities",
        "repeated": True,  # "multiple requests for comment"
        "outcome": "no_response",
        "requested_on": datetime.date(2020, 6, 1),
        "date_precision": DatePrecision.MONTH,
        "date_inferred": True,
        "date_inference_note": (
            "The article, published June 5, 2020, reports the requests without dating them."
        ),
    },
]

# Editors' one-line summaries, each resting on the statements listed.
POSITIONS = [
    (
        "local-enforcement-of-immigration-law",
        "Opposes local enforcement of federal immigration law",
        ["S1", "S2"],
    ),
    ("287g-program", "Calls the 287(g) program misguided", ["S3"]),
    ("employer-enforcement", "Would target employers who hire illegal immigrants", ["S4"]),
    ("border-security", "Says the country needs border control", ["S5", "S6", "S7"]),
]

BACKGROUND_NOTES = [
    {
        "title": "The 287(g) program",
        "text": (
            "The 287(g) program is a section of the Immigration and Nationality Act enabling "
            "state and local law enforcement to assist federal immigration authorities. Renewed "
            "by the Georgia Department of Corrections in February, it is a voluntary program "
            "that deputizes law enforcement agencies to assist ICE in identifying and "
            "apprehending illegal immigrants."
        ),
        "as_of": datetime.date(2020, 2, 1),
        "date_precision": DatePrecision.MONTH,
        "date_inferred": True,
        "date_inference_note": (
            "The article, published June 5, 2020, says the Georgia Department of Corrections "
            "renewed the program “in February”, taken to mean February 2020."
        ),
        "topics": ["287g-program"],
        "organizations": [
            "georgia-department-of-corrections",
            "us-immigration-and-customs-enforcement",
        ],
    },
    {
        "title": "Sanctuary cities",
        "text": (
            "The term refers to municipalities that do not enforce federal immigration laws. "
            "Some cities, counties, and even entire states prevent local law enforcement from "
            "cooperating with federal agencies like Immigration and Customs Enforcement (ICE) or "
            "Customs and Border Protection against illegal immigration."
        ),
        "as_of": None,
        "date_precision": DatePrecision.DAY,
        "date_inferred": False,
        "date_inference_note": "",
        "topics": ["sanctuary-jurisdictions"],
        "organizations": [
            "us-immigration-and-customs-enforcement",
            "us-customs-and-border-protection",
        ],
    },
]
