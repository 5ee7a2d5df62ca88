"""The statement filters, on the /statements/ page: alone, combined, repeated, malformed."""

import datetime
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.caching import generation
from statements.filters import StatementFilter
from statements.models import Organization, Statement

from .factories import (
    EventFactory,
    OrganizationFactory,
    PersonFactory,
    ReactionFactory,
    StatementFactory,
    TopicFactory,
)
from .support import newest_first, oldest_first, page_ids

pytestmark = pytest.mark.django_db

URL = "/statements/"


def filtered(query: str) -> set[int]:
    from django.http import QueryDict

    filterset = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
    return set(filterset.results().values_list("pk", flat=True))


def ids(world, *names):
    return {world[name] for name in names}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["ossoff_287g", "ossoff_economy", "perdue_immigration", "patel_untagged"]),
        ("speaker=jon-ossoff", ["ossoff_287g", "ossoff_economy"]),
        ("topic=immigration", ["ossoff_287g", "perdue_immigration"]),  # includes narrower
        ("topic=287g-program", ["ossoff_287g"]),
        ("party=democratic-party", ["ossoff_287g", "ossoff_economy"]),
        # A statement's own race: the town hall's remark, not what Ossoff said later.
        ("race=primary", ["ossoff_287g"]),
        ("race=general", ["ossoff_economy", "perdue_immigration"]),
        ("race=primary&race=general", ["ossoff_287g", "ossoff_economy", "perdue_immigration"]),
        ("race=general&speaker=jon-ossoff", ["ossoff_economy"]),
        ("event=debate", ["ossoff_economy", "perdue_immigration"]),
        ("kind=partial", ["ossoff_287g"]),
        ("said_after=2020-05-31", ["ossoff_economy", "perdue_immigration", "patel_untagged"]),
        ("said_before=2020-05-31", ["ossoff_287g", "patel_untagged"]),
        ("said_after=2020-05-31&said_before=2020-05-31", ["patel_untagged"]),
        ("has_reactions=true", ["ossoff_287g"]),  # the draft reaction doesn't count
        ("has_reactions=false", ["ossoff_economy", "perdue_immigration", "patel_untagged"]),
        # Repeated parameters are OR within themselves...
        (
            "speaker=jon-ossoff&speaker=david-perdue",
            ["ossoff_287g", "ossoff_economy", "perdue_immigration"],
        ),
        ("kind=partial&kind=paraphrase", ["ossoff_287g", "ossoff_economy"]),
        ("topic=287g-program&topic=economy", ["ossoff_287g", "ossoff_economy"]),
        # ...and different parameters are ANDed.
        ("speaker=jon-ossoff&topic=immigration", ["ossoff_287g"]),
        ("event=debate&party=gop", ["perdue_immigration"]),
        ("speaker=jon-ossoff&kind=direct", []),
        ("topic=immigration&event=debate&said_after=2020-10-01", ["perdue_immigration"]),
    ],
)
def test_filters_alone_and_combined(client, world, query, expected):
    assert filtered(query) == ids(world, *expected)
    assert set(page_ids(client, query)) == ids(world, *expected)


def test_drafts_never_listed_or_counted(client, world):
    response = client.get(f"{URL}?speaker=jon-ossoff&topic=287g-program")
    body = response.content.decode()
    for state in ("draft", "review", "withdrawn"):
        assert f"A {state} remark." not in body  # the texts of the world's unpublished ones
    assert body.count('<article class="card') == 1


def test_draft_speaker_or_topic_is_an_unknown_record(client, world):
    PersonFactory(slug="hidden-person", state="draft")
    response = client.get(f"{URL}?speaker=hidden-person")
    assert response.status_code == 200
    assert page_ids(client, "speaker=hidden-person") == []
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("said_after=yesterday", "Enter a valid date"),
        ("said_before=2020-13-45", "Enter a valid date"),
        ("page=-1", "Page numbers start at 1"),
        ("page=abc", "Page numbers start at 1"),
        ("page=999999", "Pages are numbered up to"),
        ("cursor=garbage", "damaged or out of date"),
        ("cursor=%%%", "damaged or out of date"),
        ("kind=rumour", "Select a valid choice"),
        ("has_reactions=maybe", "Select a valid choice"),
        ("ordering=sideways", "Select a valid choice"),
        ("q=" + "x" * 10_000, "at most 500 characters"),
    ],
)
def test_malformed_values_show_an_error_and_an_unfiltered_list(client, world, query, message):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert set(page_ids(client, query)) == ids(
        world, "ossoff_287g", "ossoff_economy", "perdue_immigration", "patel_untagged"
    )


@pytest.mark.parametrize("query", ["speaker=no-such-person", "topic=nope", "race=x&kind=direct"])
def test_unknown_record_shows_an_error_and_no_statements(client, world, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert "No statements" in body
    assert page_ids(client, query) == []


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=abc%00def",
        "q=%22unpaired",
        "q=%22",
        "speaker=%00",
        "topic=a%00b",
        "said_after=%00",
        "cursor=%00",
        "q=-",
        "q=or",
        "q=%28%29%2A",
    ],
)
def test_nul_bytes_and_odd_syntax_never_fail(client, world, query):
    assert client.get(f"{URL}?{query}").status_code == 200


def test_form_keeps_what_the_reader_chose(client, world):
    body = client.get(f"{URL}?speaker=jon-ossoff&kind=partial&said_after=2020-01-01").content
    body = body.decode()
    assert re.search(r'<input type="text" name="speaker" id="id_speaker" value="jon-ossoff"', body)
    assert re.search(r'value="partial"[^>]*checked', body)
    assert 'value="2020-01-01"' in body
    assert "Remove filter Speaker: Jon Ossoff" in body


def test_chip_removes_only_its_own_value(client, world):
    body = client.get(f"{URL}?speaker=jon-ossoff&speaker=david-perdue&kind=direct").content
    assert b'href="?speaker=david-perdue&amp;kind=direct"' in body
    assert b'href="?speaker=jon-ossoff&amp;speaker=david-perdue"' in body


def make_statements(count: int, **kwargs):
    speaker = PersonFactory()
    topic = TopicFactory()
    start = datetime.date(2020, 1, 1)
    return [
        StatementFactory(
            speaker=speaker,
            topics=[topic],
            said_on=start + datetime.timedelta(days=i // 2),  # pairs share a day: ties on id
            **kwargs,
        )
        for i in range(count)
    ]


def follow(client, query, link_rel):
    """Walk every page through the rel=next / rel=prev links; return ids in page order."""
    seen, url, pages = [], f"{URL}?{query}", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        seen.extend(int(pk) for pk in re.findall(r'id="statement-(\d+)-label"', body))
        match = re.search(rf'rel="{link_rel}" href="([^"]*)"', body)
        url = URL + match.group(1).replace("&amp;", "&") if match else None
        pages += 1
        assert pages < 20
    return seen, pages


def test_keyset_pages_cover_everything_once_in_order(client):
    statements = make_statements(45)
    expected = [s.pk for s in newest_first(statements)]
    forward, pages = follow(client, "", "next")
    assert forward == expected and pages == 3
    # And back again from the last page, through the "previous" cursors.
    last_page = client.get(f"{URL}?page=3").content.decode()
    assert re.findall(r'id="statement-(\d+)-label"', last_page) == [str(pk) for pk in expected[40:]]
    oldest, _ = follow(client, "ordering=said_on", "next")
    assert oldest == [s.pk for s in oldest_first(statements)]


def test_previous_cursor_returns_the_page_before(client):
    statements = make_statements(45)
    expected = [s.pk for s in newest_first(statements)]
    first = client.get(URL).content.decode()
    older = re.search(r'rel="next" href="([^"]*)"', first).group(1)
    second = client.get(URL + older.replace("&amp;", "&")).content.decode()
    older = re.search(r'rel="next" href="([^"]*)"', second).group(1)
    third = client.get(URL + older.replace("&amp;", "&")).content.decode()
    back = re.search(r'rel="prev" href="([^"]*)"', third).group(1)
    again = client.get(URL + back.replace("&amp;", "&")).content.decode()
    assert re.findall(r'id="statement-(\d+)-label"', again) == [str(pk) for pk in expected[20:40]]


def page_queries(client, query):
    generation.bump()  # the budget is the rendered page's, not the page cache's
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{URL}?{query}").status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "topic=TOPIC",
        "speaker=SPEAKER&kind=direct&has_reactions=false",
        "ordering=said_on",
        "q=statement",
        "q=statement&ordering=said_on",
    ],
)
def test_list_page_query_count_does_not_grow(client, query):
    def run(count):
        statements = make_statements(count)
        for statement in statements:
            ReactionFactory(statement=statement)
        filled = query.replace("TOPIC", statements[0].topics.get().slug).replace(
            "SPEAKER", statements[0].speaker.slug
        )
        return page_queries(client, filled)

    small = run(3)
    Statement.objects.all().delete()
    large = run(30)
    print(f"/statements/?{query}: {small} queries with 3 rows, {large} with 30")
    assert small == large


@pytest.fixture
def rendered(settings):
    """The list page rendered on every request, not served by the anonymous page cache,
    with the fragments it keeps (cards per statement version, menus per content
    generation) kept."""
    settings.PAGE_CACHE_EXCLUDED_PATHS = [*settings.PAGE_CACHE_EXCLUDED_PATHS, URL]

    def queries(client, query):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{URL}?{query}").status_code == 200
        return len(captured)

    return queries


def test_deep_pages_cost_the_same_queries_as_the_first(client, rendered):
    make_statements(70)
    body = client.get(URL).content.decode()
    pages = [""]
    for _ in range(2):
        older = re.search(r'rel="next" href="\?([^"]*)"', body).group(1).replace("&amp;", "&")
        pages.append(older)
        body = client.get(f"{URL}?{older}").content.decode()
    pages.append("page=3")
    for query in pages:
        caches["fragments"].clear()  # cards and menus to build, as after an edit
        # The page, what its cards show besides (topics, sources, reactions: one query);
        # the menus of speakers, parties, races and events together, once per content
        # generation. The topics come from the topic tree, in the shared cache until a
        # topic changes.
        assert rendered(client, query) == 3
        assert rendered(client, query) == 1  # the page; cards and menus are cached


def test_query_budget_with_every_filter(client, world, rendered):
    query = (
        "speaker=jon-ossoff&topic=immigration&party=democratic-party&race=primary"
        "&event=town-hall&kind=direct&kind=partial&has_reactions=true&said_after=2020-01-01"
    )
    client.get(f"{URL}?q=nothing-matches-this")  # builds this content generation's menus
    # The page, what its cards show besides, and one look-up for each named speaker,
    # party, race and event (topics are checked against the cached topics).
    assert rendered(client, query) == 6
    assert rendered(client, query) <= 5  # the cards are cached now


def test_empty_form_fields_are_dropped_from_the_shared_url(client, world):
    response = client.get(f"{URL}?q=&speaker=jon-ossoff&said_after=&kind=direct&kind=")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?speaker=jon-ossoff&kind=direct"


def test_menus_stay_short_but_keep_what_was_chosen(client, monkeypatch):
    from statements.reading import menus

    monkeypatch.setitem(menus.MENU_LIMIT, "event", 3)
    events = [
        EventFactory(slug=f"event-{n:02d}", date=datetime.date(2020, 1, 1 + n)) for n in range(8)
    ]
    StatementFactory(event=events[0])
    body = client.get(f"{URL}?event=event-00").content.decode()
    menu = re.search(r'<datalist id="event-suggestions">.*?</datalist>', body, re.S).group(0)
    offered = re.findall(r'<option value="([^"]+)"', menu)
    assert offered == ["event-07", "event-06", "event-05"]  # the newest three
    # An older event works all the same, and the field shows it.
    assert re.search(r'<input type="text" name="event" id="id_event" value="event-00"', body)
    assert body.count('<article class="card') == 1


def test_speaker_field_suggests_people_and_filters(client):
    ann = PersonFactory(slug="ann-lee", name="Ann Lee")
    bob = PersonFactory(slug="bob-ray", name="Bob Ray")
    StatementFactory(speaker=ann, text="Ann speaks on bridges.")
    StatementFactory(speaker=bob, text="Bob speaks on tunnels.")
    body = client.get(URL).content.decode()
    field = re.search(r'<label for="id_speaker">Speaker</label>\s*<input ([^>]*)>', body).group(1)
    assert 'name="speaker"' in field and 'list="speaker-suggestions"' in field
    suggestions = re.search(r'<datalist id="speaker-suggestions">(.*?)</datalist>', body, re.S)
    assert '<option value="ann-lee">Ann Lee</option>' in suggestions.group(1)
    assert '<option value="bob-ray">Bob Ray</option>' in suggestions.group(1)
    # What the field sends is what the page filters on.
    filtered = client.get(f"{URL}?speaker=ann-lee").content.decode()
    assert "Ann speaks on bridges." in filtered and "Bob speaks on tunnels." not in filtered
    both = client.get(f"{URL}?speaker=ann-lee&speaker=bob-ray").content.decode()
    assert "Ann speaks on bridges." in both and "Bob speaks on tunnels." in both
    # Each chosen speaker keeps a field of its own, and one more is offered.
    assert len(re.findall(r'<input type="text" name="speaker"', both)) == 3


def test_every_filter_has_its_labelled_field(client, world):
    body = client.get(URL).content.decode()
    for name, field in StatementFilter().form.fields.items():
        if name == "kind":
            assert f"<legend>{field.label}</legend>" in body
            for value, label in field.choices:
                assert f'name="kind" value="{value}"' in body and label in body
        else:
            assert f'<label for="id_{name}">{field.label}</label>' in body
            assert f'id="id_{name}"' in body and f'name="{name}"' in body
    menu = r'<select name="(\w+)" id="id_\w+" multiple[^>]*>(.*?)</select>'
    selects = dict(re.findall(menu, body))
    assert set(selects) == {"topic", "party", "race"}
    assert '<option value="immigration">Immigration</option>' in selects["topic"]


def test_topic_menu_marks_what_was_chosen(client, world):
    body = client.get(f"{URL}?topic=immigration").content.decode()
    assert '<option value="immigration" selected>Immigration</option>' in body


@pytest.mark.django_db
def test_the_form_class_is_built_once_and_each_request_gets_its_own_form(world):
    """StatementFilter.form_class(): one class per process; forms and their errors are
    still each request's own."""
    from django.http import QueryDict

    bad = StatementFilter(QueryDict("said_after=not-a-date&kind=direct"))
    good = StatementFilter(QueryDict("said_after=2020-01-01"))
    assert type(bad.form) is type(good.form) is StatementFilter.form_class()
    assert bad.form.fields is not good.form.fields
    assert not bad.form.is_valid() and "said_after" in bad.form.errors
    assert good.form.is_valid() and not good.form.errors
    assert good.form.cleaned_data["said_after"] == datetime.date(2020, 1, 1)
    assert good.form.cleaned_data["kind"] == []


def test_each_filterset_gets_its_own_filters_each_calling_its_own_methods(world):
    """The filters are copied light (filters.CopiedLight), not deep: each filterset's
    copies are still its own, bound to it, and the class's filters stay untouched."""
    from django.http import QueryDict

    from statements.filters import CopiedLight

    assert all(isinstance(f, CopiedLight) for f in StatementFilter.base_filters.values())
    first = StatementFilter(
        QueryDict("speaker=jon-ossoff&said_before=2020-05-31"),
        queryset=Statement.objects.published(),
    )
    second = StatementFilter(QueryDict("event=debate"), queryset=Statement.objects.published())
    for name, base in StatementFilter.base_filters.items():
        mine, theirs = first.filters[name], second.filters[name]
        assert mine is not theirs and mine is not base
        assert mine.parent is first and theirs.parent is second
        assert mine.extra == base.extra and mine.extra is not base.extra
        assert not hasattr(base, "parent")
        if base.method is not None:
            # The bound method is the copy's, so it calls the copy's filterset.
            assert mine.filter.f is mine and theirs.filter.f is theirs
            assert mine.filter.method.__self__ is first
    # Made one after the other, each filters by its own values.
    assert {s.pk for s in first.results()} == ids(world, "ossoff_287g")
    assert {s.pk for s in second.results()} == ids(world, "ossoff_economy", "perdue_immigration")


DAYS, DAYS_AND_IDS = (datetime.date,), (datetime.date, int)


@pytest.mark.parametrize(
    "query, by_cursor, arguments",
    [
        ("", False, DAYS_AND_IDS),
        ("said_before=2020-06-01", True, DAYS_AND_IDS),
        ("said_after=2019-01-01&said_before=2020-06-01&ordering=said_on", False, DAYS_AND_IDS),
        ("kind=direct&kind=partial&round=3", True, DAYS_AND_IDS),
        ("speaker=jon-ossoff", False, None),
        ("topic=immigration&said_before=2020-06-01", False, DAYS),
        ("topic=immigration&kind=direct&party=democratic-party", False, DAYS),
        ("topic=immigration&speaker=jon-ossoff", False, None),
        ("has_reactions=true", False, DAYS),
        ("speaker=jon-ossoff", True, None),
        ("topic=immigration", True, None),
        ("q=border", False, None),
        ("q=border&ordering=-said_on", False, None),
        ("said_before=not-a-day", False, None),
        ("speaker=nobody", False, None),
    ],
)
def test_a_list_is_read_prepared_with_what_its_plan_ignores_as_arguments(
    query, by_cursor, arguments
):
    """StatementList.prepared_arguments: days always, and the cursor's ids when no record
    is named; a topic or a party written in, so not through a cursor; never a speaker
    (one of thousands), never words."""
    from django.http import QueryDict

    from statements.reading.listing import StatementList

    PersonFactory(slug="jon-ossoff")
    TopicFactory(slug="immigration")
    OrganizationFactory(slug="democratic-party", kind=Organization.Kind.PARTY)
    listing = StatementList.from_params(QueryDict(query))
    assert listing.prepared_arguments(by_cursor=by_cursor) == arguments


def test_a_list_read_prepared_shows_what_it_would_show_sent_whole(client, settings):
    border = TopicFactory(slug="border")
    statements = [
        StatementFactory(topics=[border], said_on=datetime.date(2020, 1, day))
        for day in range(1, 26)
    ]
    StatementFactory(said_on=datetime.date(2020, 1, 1), kind="paraphrase")
    # Said on or before the 24th, newest first: every day but the 25th.
    newest = [s.pk for s in sorted(statements, key=lambda s: s.said_on, reverse=True)][1:]
    for query in ("said_before=2020-01-24&kind=direct", "said_before=2020-01-24&topic=border"):
        pages = {}
        for turned_on in (True, False):
            settings.DATABASE_PREPARED_STATEMENTS = turned_on
            generation.bump()
            first = client.get(f"{URL}?{query}").content.decode()
            cursor = re.search(r"cursor=([\w-]+)", first).group(1)
            pages[turned_on] = (
                page_ids(client, query),
                page_ids(client, f"{query}&cursor={cursor}"),
            )
        assert pages[True] == pages[False] == (newest[:20], newest[20:])


def test_forms_share_their_fields_and_each_cleans_its_own_values():
    """StatementFilter's form fields are made once and shared by every form (SharedFields):
    each form still cleans its own data, and has a dict of fields of its own."""
    from django.http import QueryDict

    person = PersonFactory(slug="pat")
    first = StatementFilter(QueryDict("speaker=pat&said_before=2020-01-02"))
    second = StatementFilter(QueryDict("speaker=nobody&said_before=someday"))
    assert first.is_valid() and not second.is_valid()
    assert list(first.form.cleaned_data["speaker"]) == [person]
    assert first.form.cleaned_data["said_before"] == datetime.date(2020, 1, 2)
    assert set(second.errors) == {"speaker", "said_before"}
    assert first.form.fields["speaker"] is second.form.fields["speaker"]
    del first.form.fields["speaker"]
    assert "speaker" in second.form.fields and "speaker" in StatementFilter().form.fields


def test_the_records_a_filter_names_are_read_once_per_content_generation():
    """RecordsField: the published records the slugs name are remembered until the next
    write; a slug that names none is refused every time."""
    from django.http import QueryDict

    pat = PersonFactory(slug="pat", name="Pat Doe")

    def speakers(query: str, queries: int) -> StatementFilter:
        with CaptureQueriesContext(connection) as captured:
            filterset = StatementFilter(QueryDict(query))
            filterset.is_valid()
        assert len(captured) == queries, [q["sql"] for q in captured]
        return filterset

    first = speakers("speaker=pat", 1)
    assert [str(person) for person in first.form.cleaned_data["speaker"]] == ["Pat Doe"]
    again = speakers("speaker=pat&said_before=2020-01-01", 0)
    assert [person.pk for person in again.form.cleaned_data["speaker"]] == [pat.pk]
    for _ in range(2):
        assert "speaker" in speakers("speaker=pat&speaker=nobody", 1).errors
    pat.name = "Pat Roe"
    pat.save()  # a write: a new content generation
    renamed = speakers("speaker=pat", 1)
    assert [str(person) for person in renamed.form.cleaned_data["speaker"]] == ["Pat Roe"]
    pat.state = "draft"
    pat.save()
    assert "speaker" in speakers("speaker=pat", 1).errors
