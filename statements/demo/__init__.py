"""The demo data set: two articles, entered in full. The Washington Free Beacon's of June
5, 2020 (ossoff.py) and the Associated Press story of October 28, 2020 on the second
Perdue–Ossoff debate (debate.py).

loader.py writes them to the database through the editorial services, as the
"demo-loader" account. The first article's names are also available from here
(``statements.demo.STATEMENTS`` …); the second's from ``statements.demo.debate``.
"""

from .loader import LOADER_USERNAME, LoadReport, load_demo
from .ossoff import (
    AFFILIATIONS,
    ARTICLE,
    ARTICLE_BODY,
    ARTICLE_DATE,
    ARTICLE_TITLE,
    AS_REPORTED,
    BACKGROUND_NOTES,
    COMMENT_REQUESTS,
    ELECTION,
    EVENT,
    EVENT_DATE,
    ORGANIZATIONS,
    PEOPLE,
    POSITIONS,
    RACES,
    REACTIONS,
    SOURCE,
    STATEMENT_DEFAULTS,
    STATEMENTS,
    TOPICS,
    TOWN_HALL_DATE,
    TOWN_HALL_DATE_NOTE,
)

__all__ = [
    "AFFILIATIONS",
    "ARTICLE",
    "ARTICLE_BODY",
    "ARTICLE_DATE",
    "ARTICLE_TITLE",
    "AS_REPORTED",
    "BACKGROUND_NOTES",
    "COMMENT_REQUESTS",
    "ELECTION",
    "EVENT",
    "EVENT_DATE",
    "ORGANIZATIONS",
    "PEOPLE",
    "POSITIONS",
    "RACES",
    "REACTIONS",
    "SOURCE",
    "STATEMENT_DEFAULTS",
    "STATEMENTS",
    "TOPICS",
    "TOWN_HALL_DATE",
    "TOWN_HALL_DATE_NOTE",
    "LOADER_USERNAME",
    "LoadReport",
    "load_demo",
]
