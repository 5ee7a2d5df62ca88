"""The names, places, topics and sentences that generate_statements builds its records
from (the words inside the sentences are in _vocabulary)."""

FIRST_NAMES = (
    "Alex Maria James Aisha Daniel Priya Robert Elena Michael Grace Thomas Sofia David "
    "Keisha Samuel Laura Jorge Hannah Patrick Mei Ibrahim Rachel Kevin Olivia Marcus Nadia "
    "William Teresa Jon Fatima Brian Carmen Eric Julia Andre Linda"
).split()
LAST_NAMES = (
    "Johnson Garcia Smith Patel Nguyen Williams Brown Lopez Miller Davis Kim Wilson Moore "
    "Taylor Anderson Thomas Jackson White Harris Martin Thompson Robinson Clark Lewis Walker "
    "Hall Allen Young Hernandez King Wright Scott Green Baker Adams Nelson Carter Mitchell"
).split()
OFFICES = [
    ("U.S. Senate", "candidate, U.S. Senate"),
    ("U.S. House", "candidate, U.S. House"),
    ("Governor", "candidate for governor"),
    ("State Senate", "state senator"),
    ("Mayor", "mayor"),
    ("Attorney General", "candidate for attorney general"),
]
STATES = (
    "Georgia Arizona Pennsylvania Michigan Wisconsin Nevada Ohio Texas Florida Colorado "
    "Virginia Minnesota Iowa Maine"
).split()
PARTIES = [
    ("democratic-party", "Democratic Party"),
    ("republican-party", "Republican Party"),
    ("libertarian-party", "Libertarian Party"),
    ("green-party", "Green Party"),
]
OUTLET_WORDS = (
    "Courier Herald Tribune Ledger Gazette Observer Sentinel Dispatch Chronicle Post "
    "Register Journal Times Record Beacon Monitor"
).split()
CITIES = (
    "Riverton Lakeside Fairview Milton Clayton Georgetown Ashland Oakdale Kingston Salem "
    "Franklin Greenville Springfield Madison Bristol Dover"
).split()

# (slug, name, parent slug, phrases about it)
TOPIC_TREE = [
    ("immigration", "Immigration", None, ["immigration policy", "our immigration system"]),
    ("border-security", "Border security", "immigration", ["securing the border"]),
    ("asylum", "Asylum", "immigration", ["the asylum process", "asylum claims"]),
    ("daca", "DACA", "immigration", ["Dreamers", "the DACA program"]),
    ("economy", "Economy", None, ["the economy", "working families' paychecks"]),
    ("taxes", "Taxes", "economy", ["the tax code", "middle-class tax cuts"]),
    ("jobs", "Jobs", "economy", ["good-paying jobs", "manufacturing jobs"]),
    ("trade", "Trade", "economy", ["trade deals", "tariffs on imports"]),
    ("inflation", "Inflation", "economy", ["rising prices", "the cost of groceries"]),
    ("health-care", "Health care", None, ["health care", "the cost of prescription drugs"]),
    ("medicare", "Medicare", "health-care", ["Medicare", "seniors' benefits"]),
    ("insurance", "Health insurance", "health-care", ["health insurance premiums"]),
    ("education", "Education", None, ["public schools", "our teachers"]),
    ("student-debt", "Student debt", "education", ["student loan debt"]),
    ("climate", "Climate and energy", None, ["climate change", "clean energy"]),
    ("energy", "Energy prices", "climate", ["gas prices", "the energy grid"]),
    ("public-safety", "Public safety", None, ["public safety", "safe neighborhoods"]),
    ("policing", "Policing", "public-safety", ["police funding", "community policing"]),
    ("guns", "Gun policy", "public-safety", ["background checks", "gun violence"]),
    ("elections", "Elections", None, ["voting rights", "election security"]),
    ("foreign-policy", "Foreign policy", None, ["our allies", "national security"]),
    ("housing", "Housing", None, ["affordable housing", "rent"]),
]
OPENERS = [
    "I believe",
    "Let me be clear:",
    "The truth is",
    "Every family in this state knows",
    "We cannot ignore that",
    "My opponent refuses to admit",
    "I have always said",
    "Voters deserve to hear that",
]
CLAIMS = [
    "{p} is broken and Washington has failed to fix it",
    "we need a serious plan for {p}, not more slogans",
    "{p} should be decided by the people of {state}, not by lobbyists",
    "I will fight every day for {p}",
    "{p} has been neglected for far too long",
    "my plan for {p} will save taxpayers money",
    "we can protect {p} without raising taxes",
    "{p} is the number one issue I hear about at every town hall",
]
FOLLOW_UPS = [
    "That is what this campaign is about.",
    "We owe it to our children to get this right.",
    "I will not back down on this.",
    "Nobody should have to choose between paying rent and paying for medicine.",
    "This is not a partisan issue.",
    "The numbers speak for themselves.",
    "",
    "",
]
PARTIAL_WORDS = [
    "a disaster",
    "long overdue",
    "reckless",
    "common sense",
    "un-American",
    "a failure of leadership",
    "a step in the right direction",
    "misguided",
]
REACTIONS = [
    "{name} is telling voters what they want to hear.",
    "I agree with {name}. This is exactly the kind of leadership we need.",
    "What {name} said tonight is simply not true.",
    "{name} has finally admitted what we have been saying for years.",
    "The record shows {name} voted the other way twice.",
]
# How a statement's context opens, by the kind of event it was made at.
CONTEXT_LEADS = {
    "town_hall": "Speaking at a town hall",
    "debate": "Speaking at a debate",
    "campaign_stop": "At a campaign stop",
    "interview": "In an interview",
    "news_conference": "At a press conference",
    "speech": "In a speech",
    "press_release": "In a statement",
    "post": "In a social-media post",
    "floor_remarks": "On the floor",
    "other": "Speaking",
}
