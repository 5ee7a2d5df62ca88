"""Numbered pages through a ranked list of ids (statements.paging.ranked_page): a page
number that cannot be served gives the first page and says why. And a page's rows read
with their ids first (statements.paging.first_rows), as searches read them."""

import datetime
import html
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements import search
from statements.models import PublicationState
from statements.paging import (
    MAX_NUMBERED_PAGE,
    NEWEST_FIRST,
    OLDEST_FIRST,
    PAGE_SIZE,
    after,
    first_rows,
    ranked_page,
)
from statements.reading import visibility
from statements.reading.cards import card_rows

from .factories import PersonFactory, StatementFactory

RANKED = [pk * 7 % 101 for pk in range(1, 3 * PAGE_SIZE + 1)]  # three pages, any order
START_AT_1 = "Page numbers start at 1; showing the first page."
UP_TO = (
    f"Pages are numbered up to {MAX_NUMBERED_PAGE}; use “Next” to go further. "
    "Showing the first page."
)


def fetch(ids):
    """The rows for `ids`, as the database returns them: in no particular order."""
    return [SimpleNamespace(pk=pk) for pk in sorted(ids)]


def page_ids(page) -> list[int]:
    return [row.pk for row in page.items]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("abc", START_AT_1),
        ("2abc", START_AT_1),
        ("1.5", START_AT_1),
        ("\uff12", START_AT_1),  # a full-width 2 is not a page number
        ("9" * 7, START_AT_1),  # longer than any page number
        ("0", START_AT_1),
        ("-1", START_AT_1),
        (str(MAX_NUMBERED_PAGE + 1), UP_TO),
        ("999999", UP_TO),
    ],
)
def test_a_bad_page_number_gives_the_first_page_with_an_error(number, message):
    page = ranked_page(RANKED, fetch, page_number=number)

    assert page.errors == [message]
    assert page.number == 1
    assert page_ids(page) == RANKED[:PAGE_SIZE]  # in ranked order
    assert page.newer is None
    assert page.older == {"page": "2"}


@pytest.mark.parametrize(
    ("number", "expected", "newer", "older"),
    [
        (None, 1, None, {"page": "2"}),
        ("", 1, None, {"page": "2"}),
        ("1", 1, None, {"page": "2"}),
        (" 2 ", 2, {}, {"page": "3"}),
        ("3", 3, {"page": "2"}, None),
    ],
)
def test_good_page_numbers_have_no_error(number, expected, newer, older):
    page = ranked_page(RANKED, fetch, page_number=number)

    assert page.errors == []
    assert page.number == expected
    assert page_ids(page) == RANKED[(expected - 1) * PAGE_SIZE : expected * PAGE_SIZE]
    assert (page.newer, page.older) == (newer, older)


def test_the_last_numbered_page_is_served_even_past_the_list():
    page = ranked_page(RANKED, fetch, page_number=str(MAX_NUMBERED_PAGE))
    assert (page.errors, page.number, page.items) == ([], MAX_NUMBERED_PAGE, [])
    assert page.newer == {"page": str(MAX_NUMBERED_PAGE - 1)} and page.older is None


def listed(client, **params) -> tuple[str, list[int]]:
    response = client.get("/statements/", params)
    assert response.status_code == 200
    body = response.content.decode()
    return body, [int(pk) for pk in re.findall(r'id="statement-(\d+)-label"', body)]


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["abc", "0", "-1", str(MAX_NUMBERED_PAGE + 1)])
def test_the_list_ranked_by_relevance_shows_the_error_and_the_first_page(client, number):
    speaker = PersonFactory()
    made = {StatementFactory(speaker=speaker, text="Border security.").pk for _ in range(25)}
    query = {"q": "border", "ordering": "relevance"}

    body, shown = listed(client, **query, page=number)

    message = START_AT_1 if number in ("abc", "0", "-1") else UP_TO
    assert html.escape(message, quote=False) in body
    assert len(shown) == PAGE_SIZE and set(shown) <= made
    assert shown == listed(client, **query)[1]  # the first page, as it is without a number


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", [NEWEST_FIRST, OLDEST_FIRST])
def test_a_page_read_with_its_ids_first_is_the_same_page_in_one_query(ordering):
    day = datetime.date(2020, 5, 1)
    for n in range(9):  # three statements a day, so that ties on the day are ordered by id
        StatementFactory(said_on=day + datetime.timedelta(days=n // 3), text="Border wall.")
    StatementFactory(said_on=day, text="Border wall.", state=PublicationState.DRAFT)
    StatementFactory(said_on=day, text="Something else.")
    matches = search.matching(visibility.statements(), "border")
    later = matches.filter(after(ordering, (day + datetime.timedelta(days=1), 0)))

    for rows, offset in ((matches, 0), (matches, 2), (later, 1)):
        expected = first_rows(rows, ordering, 4, offset=offset, load=card_rows)
        with CaptureQueriesContext(connection) as queries:
            got = first_rows(rows, ordering, 4, offset=offset, load=card_rows, ids_first=True)
            speakers = [statement.speaker.name for statement in got]  # loaded with them
        assert [s.pk for s in got] == [s.pk for s in expected] and len(got) == 4
        assert speakers == [statement.speaker.name for statement in expected]
        assert len(queries) == 1
    everything = first_rows(matches, ordering, 20, load=card_rows, ids_first=True)
    assert len(everything) == 9  # neither the draft nor the other words
