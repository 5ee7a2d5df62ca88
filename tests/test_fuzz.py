"""Random query strings against every list page: a reader's typo must never be a 500."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LIST_PAGES = ["/", "/statements/", "/people/", "/topics/", "/events/", "/races/", "/compare/"]
PARAMETERS = [
    "q",
    "speaker",
    "topic",
    "party",
    "race",
    "event",
    "kind",
    "said_after",
    "said_before",
    "has_reactions",
    "ordering",
    "page",
    "cursor",
    "people",
]

values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "jon-ossoff",
            "immigration",
            "287g-program",
            "direct",
            "true",
            "2020-05-30",
            "relevance",
            "-said_on",
            "1",
            "-1",
            "0",
            '"bonds of trust"',
            "287(g)",
            "\x00",
            "x" * 600,
            "jon-ossoff,ira-mehlman",
        ]
    ),
)
query_strings = st.lists(st.tuples(st.sampled_from(PARAMETERS), values), max_size=6).map(
    lambda pairs: "&".join(f"{quote(name)}={quote(value)}" for name, value in pairs)
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(page=st.sampled_from(LIST_PAGES), query=query_strings)
def test_no_query_string_makes_a_list_page_fail(demo, client, page, query):
    response = client.get(f"{page}?{query}", follow=True)
    assert response.status_code in (200, 404), (page, query, response.status_code)
