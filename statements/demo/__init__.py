"""The demo data set: the Washington Free Beacon article of June 5, 2020, entered in full.

ossoff.py declares the article's data; loader.py writes it to the database through the
editorial services, as the "demo-loader" account. The article's names are also
available from here (``statements.demo.STATEMENTS`` …).
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
