"""The timeline charts: SVG drawn on the server, the data behind them, the pages and files."""

import datetime
import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from statements.caching import generation
from statements.models import (
    DatePrecision,
    PublicationState,
    QuoteKind,
    Statement,
    StatementTopic,
)
from statements.reading import timeline_data
from statements.reading.markup import attribute
from statements.reading.timeline import (
    DENSITY,
    MAX_YEARS,
    WIDTH,
    Chart,
    Mark,
    Row,
    draw,
)
from statements.reading.timeline_table import table

from .factories import (
    CandidacyFactory,
    PersonFactory,
    RaceFactory,
    ReactionFactory,
    StatementFactory,
    TopicFactory,
)

SVG = "{http://www.w3.org/2000/svg}"
PAGE_BUDGET = 8


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg.encode())
    assert root.tag == f"{SVG}svg"
    return root


def marks_of(root: ET.Element) -> list[ET.Element]:
    return [a for a in root.iter(f"{SVG}a") if a.get("class") == "mark"]


def mark_titles(root: ET.Element) -> list[str]:
    return [a.find(f"{SVG}title").text or "" for a in marks_of(root)]  # type: ignore[union-attr]


def numbers(root: ET.Element, *names: str) -> list[float]:
    found = []
    for element in root.iter():
        for name in names:
            if element.get(name) is not None:
                found.append(float(element.get(name)))  # type: ignore[arg-type]
    return found


def chart(*marks: Mark, **options) -> Chart:
    rows = [Row("a", "Immigration", "/topics/immigration/"), Row("b", "Policing")]
    return Chart(ident="t", title="A timeline", rows=rows, marks=list(marks), **options)


def mark(day, kind=QuoteKind.DIRECT, row="a", n=1, **options) -> Mark:
    return Mark(row=row, said_on=day, kind=kind, href=f"/statements/{n}/", **options)


# --------------------------------------------------------------------------- the drawing


def test_the_svg_parses_and_names_itself():
    svg = draw(chart(mark(datetime.date(2020, 5, 30))))
    root = parse(svg)
    assert root.get("role") == "group"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "A timeline"
    assert desc is not None and "1 statement" in (desc.text or "")
    assert root.get("aria-labelledby") == title.get("id") == "t-title"
    assert root.get("aria-describedby") == desc.get("id") == "t-desc"
    assert root.get("width") == "100%" and root.get("viewBox", "").startswith("0 0 400 ")
    # No style attributes or <style> elements: the site's CSP forbids inline styles.
    assert "style" not in svg
    standalone = draw(
        chart(mark(datetime.date(2020, 5, 30))), base="https://x.test", standalone=True
    )
    assert standalone.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert marks_of(parse(standalone))[0].get("href") == "https://x.test/statements/1/"


def test_each_statement_is_one_mark_shaped_by_kind_with_its_reactions_and_findings():
    marks = [
        mark(datetime.date(2020, 1, 5), QuoteKind.DIRECT, n=1, reactions=2),
        mark(datetime.date(2020, 3, 5), QuoteKind.PARTIAL, n=2, words="misguided"),
        mark(datetime.date(2020, 6, 5), QuoteKind.PARAPHRASE, row="b", n=3, findings=1),
    ]
    root = parse(draw(chart(*marks)))
    links = marks_of(root)
    assert [a.get("href") for a in links] == ["/statements/1/", "/statements/2/", "/statements/3/"]
    classes = [{child.get("class") for child in a if child.get("class")} for a in links]
    assert classes == [{"mark-direct", "reacted"}, {"mark-partial"}, {"mark-paraphrase", "finding"}]
    titles = mark_titles(root)
    assert titles[0] == "Immigration, January 5, 2020: Direct quote; 2 reactions"
    assert titles[1] == "Immigration, March 5, 2020: Partial quote, “misguided”; 0 reactions"
    assert titles[2] == "Policing, June 5, 2020: Paraphrase; 0 reactions; 1 finding"
    # The marks sit in date order along the axis, inside the chart.
    xs = [
        float(next(c for c in a if c.get("class", "").startswith("mark-")).get("cx") or 0)
        for a in links[:2]
    ]
    assert 0 < xs[0] < xs[1] < WIDTH


def test_text_is_escaped():
    hostile = Mark(
        "a", datetime.date(2020, 1, 1), QuoteKind.DIRECT, "/s/1/?a=1&b=<2>", words='<script>"'
    )
    svg = draw(Chart("t", "Tom & <Jerry>", [Row("a", "A & <B>")], [hostile]))
    root = parse(svg)
    assert "<script>" not in svg
    assert marks_of(root)[0].get("href") == "/s/1/?a=1&b=<2>"
    assert root.find(f"{SVG}title").text == "Tom & <Jerry>"  # type: ignore[union-attr]
    assert "&lt;script&gt;" in table(Chart("t", "T", [Row("a", "A")], [hostile]))


def test_unknown_dates_sit_apart_labelled():
    root = parse(draw(chart(mark(datetime.date(2020, 5, 30), n=1), mark(None, n=2))))
    assert "Undated" in [t.text for t in root.iter(f"{SVG}text")]
    assert "date not given" in mark_titles(root)[1]
    assert "1 statement with no date given, set apart." in (root.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]
    undated_x = float(marks_of(root)[1][1].get("cx") or 0)
    dated_x = float(marks_of(root)[0][1].get("cx") or 0)
    assert dated_x < undated_x < WIDTH


def test_dates_outside_the_range_sit_apart_and_keep_the_axis():
    inside = mark(datetime.date(2020, 5, 30), n=1)
    before = mark(datetime.date(1990, 1, 1), n=2)
    after = mark(datetime.date(2031, 1, 1), n=3)
    given = chart(
        inside, before, after, start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31)
    )
    root = parse(draw(given))
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "Earlier" in labels and "Later" in labels
    assert len(marks_of(root)) == 3
    for value in numbers(root, "x", "cx", "x1", "x2"):
        assert 0 <= value <= WIDTH
    assert "1 earlier and 1 later than the axis" in (root.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]
    # Without a given range, a stray old date does not squash the axis: at most MAX_YEARS.
    root = parse(draw(chart(inside, mark(datetime.date(1900, 1, 1), n=4))))
    years = [int(t.text) for t in root.iter(f"{SVG}text") if (t.text or "").isdigit()]
    assert years and min(years) >= 2020 - MAX_YEARS
    assert "Earlier" in [t.text for t in root.iter(f"{SVG}text")]
    # Extreme dates do not break the date arithmetic.
    parse(draw(chart(mark(datetime.date(1, 1, 1)), mark(datetime.date(9999, 12, 31)))))


def test_polling_days_are_labelled_lines():
    root = parse(
        draw(
            chart(
                mark(datetime.date(2020, 5, 30)),
                polling_days=[(datetime.date(2020, 6, 9), "Polling day")],
            )
        )
    )
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "polling-day")
    assert group.find(f"{SVG}text").text == "Polling day, June 9, 2020"  # type: ignore[union-attr]
    assert "Polling day: June 9, 2020." in (root.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]


def test_the_table_holds_the_same_marks():
    marks = [mark(datetime.date(2020, 1, d), n=d, reactions=d) for d in range(1, 6)]
    html = table(chart(*marks))
    assert html.count('<tr><th scope="row">') == 5
    for d in range(1, 6):
        assert f'href="/statements/{d}/"' in html


# --------------------------------------------------------------------------- the data


def published_statements(speaker, topic, n, start=datetime.date(2015, 1, 1)):
    """n published statements on topic, one a day back from start, in one insert."""
    made = Statement.objects.bulk_create(
        Statement(
            speaker=speaker,
            speaker_name=speaker.name,
            said_on=start - datetime.timedelta(days=i),
            kind=[QuoteKind.DIRECT, QuoteKind.PARTIAL, QuoteKind.PARAPHRASE][i % 3],
            text=f"Remark {i}.",
            state=PublicationState.PUBLISHED,
        )
        for i in range(n)
    )
    StatementTopic.objects.bulk_create(StatementTopic(statement=s, topic=topic) for s in made)
    return made


def svg_of(body: str) -> ET.Element:
    found = re.search(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', body, re.S)
    assert found, "no inline chart"
    return parse(found.group(0))


@pytest.mark.django_db
def test_person_chart_has_a_mark_per_published_statement(client):
    topic = TopicFactory(name="Trade", slug="trade")
    other = TopicFactory(name="Ferries", slug="ferries")
    speaker = PersonFactory(name="Ada Speaker", slug="ada")
    shown = [
        StatementFactory(speaker=speaker, topics=[topic], said_on=datetime.date(2020, 1, d))
        for d in range(1, 5)
    ]
    shown.append(StatementFactory(speaker=speaker, topics=[other], kind=QuoteKind.PARAPHRASE))
    hidden_topic = TopicFactory(name="Hidden topic", state=PublicationState.DRAFT)
    shown.append(StatementFactory(speaker=speaker, topics=[topic, hidden_topic]))
    shown.append(StatementFactory(speaker=speaker, text="On nothing in particular."))
    ReactionFactory(statement=shown[0])
    ReactionFactory(statement=shown[0])
    StatementFactory(speaker=speaker, topics=[topic], state=PublicationState.DRAFT, text="Secret.")
    ReactionFactory(statement=shown[1], state=PublicationState.DRAFT)

    body = client.get("/people/ada/").content.decode()
    root = svg_of(body)
    links = marks_of(root)
    assert sorted(a.get("href") for a in links) == sorted(s.get_absolute_url() for s in shown)
    titles = mark_titles(root)
    assert sum("; 2 reactions" in t for t in titles) == 1
    assert sum("; 0 reactions" in t for t in titles) == 6  # the draft reaction is not counted
    assert "Secret." not in body and "Hidden topic" not in body
    assert sum(t.startswith("No published topic, ") for t in titles) == 1
    labels = [t.text or "".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Trade" in "".join(labels) and "Ferries" in "".join(labels)
    assert "The chart's data as a table" in body
    assert 'href="/people/ada/timeline.svg?download=1"' in body


@pytest.mark.django_db
def test_undated_statements_are_read_apart(client, monkeypatch):
    speaker = PersonFactory(slug="ada")
    topic = TopicFactory()
    dated = StatementFactory(speaker=speaker, topics=[topic], said_on=datetime.date(2020, 1, 1))
    undated = StatementFactory(speaker=speaker, topics=[topic], said_on=datetime.date(2020, 6, 1))
    Statement.objects.filter(pk=undated.pk).update(date_precision=DatePrecision.NONE)
    root = parse(client.get("/people/ada/timeline.svg").content.decode())
    titles = dict(zip([a.get("href") for a in marks_of(root)], mark_titles(root), strict=True))
    assert "date not given" in titles[f"http://testserver{undated.get_absolute_url()}"]
    assert "January 1, 2020" in titles[f"http://testserver{dated.get_absolute_url()}"]


@pytest.mark.django_db
def test_a_thousand_statements_are_counted_by_month_in_a_bounded_chart(client):
    speaker = PersonFactory(name="Pat Prolific", slug="pat")
    topic = TopicFactory(name="Trade", slug="trade")
    made = published_statements(speaker, topic, 1000)
    Statement.objects.filter(pk=made[0].pk).update(date_precision=DatePrecision.NONE)
    ReactionFactory(statement=made[1])
    assert 1000 > DENSITY

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/people/pat/timeline.svg")
    assert len(queries) <= 3  # the generation stamp aside: the person, and the one aggregate
    svg = response.content.decode()
    root = parse(svg)
    links = marks_of(root)
    # 1000 days back from 2015-01-01: 34 months, and the undated one apart.
    assert 30 <= len(links) <= 40
    titles = mark_titles(root)
    counted = sum(int(re.search(r": ([\d,]+) statements?", t)[1].replace(",", "")) for t in titles)
    assert counted == 1000
    assert len(svg) < 60_000
    assert all(
        a.get("href", "").startswith("http://testserver/statements/?speaker=pat") for a in links
    )
    assert any(
        "said_after=2014-12-01&said_before=2014-12-31" in (a.get("href") or "") for a in links
    )
    assert any("date not given: 1 statement" in t for t in titles)
    assert sum("; 1 reaction" in t for t in titles) == 1
    assert "each mark counts one row's statements in a month" in (
        root.find(f"{SVG}desc").text or ""
    )


@pytest.mark.django_db
def test_svg_files_are_served_for_download(client):
    StatementFactory(speaker=PersonFactory(slug="ada"), topics=[TopicFactory(slug="trade")])
    response = client.get("/people/ada/timeline.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert "Content-Disposition" not in response
    assert "style-src 'self'" in response["Content-Security-Policy"]
    saved = client.get("/people/ada/timeline.svg?download=1")
    assert saved["Content-Disposition"] == 'attachment; filename="ada-timeline.svg"'
    parse(client.get("/topics/trade/timeline.svg").content.decode())
    for missing in (
        "/people/nobody/timeline.svg",
        "/topics/nothing/timeline.svg",
        "/races/none/timeline.svg",
    ):
        assert client.get(missing).status_code == 404
    PersonFactory(slug="hidden", state=PublicationState.DRAFT)
    assert client.get("/people/hidden/timeline.svg").status_code == 404


@pytest.mark.django_db
def test_race_chart_puts_candidates_side_by_side_with_polling_day(client):
    race = RaceFactory(slug="primary", date=datetime.date(2020, 6, 9))
    topic = TopicFactory(name="Trade", slug="trade")
    for name in ("Ann", "Bob"):
        person = PersonFactory(name=name)
        candidacy = CandidacyFactory(race=race, person=person)
        StatementFactory(
            speaker=person, topics=[topic], said_on=datetime.date(2020, 5, 1), candidacy=candidacy
        )
    # Said while running in another race: not on this race's chart.
    StatementFactory(speaker=person, topics=[TopicFactory(name="Taxes")], candidacy=None)
    root = svg_of(client.get("/races/primary/").content.decode())
    labels = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Trade: Ann" in labels and "Trade: Bob" in labels
    assert not any(label.startswith("Taxes") for label in labels)
    assert "Polling day, June 9, 2020" in labels
    assert len(marks_of(root)) == 2


# --------------------------------------------------------------------------- query counts


@pytest.fixture
def uncached_pages(settings):
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("AnonymousPageCacheMiddleware")
    ]


def queries_for(client, url: str) -> int:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grow(n: int, race, topic, people) -> None:
    for person in people:
        for i in range(n):
            statement = StatementFactory(
                speaker=person, topics=[topic], said_on=datetime.date(2020, 1, 1 + i % 28)
            )
            ReactionFactory(statement=statement)


@pytest.mark.django_db
def test_chart_pages_keep_a_constant_query_count(client, uncached_pages, monkeypatch):
    """Counted with the chart cache empty (the first view after a change): the chart is
    one query, whatever the number of statements, and the pages stay in budget."""
    from statements.reading import timeline_data as data

    monkeypatch.setattr(data, "cached", lambda what, pk, build, stamp=None: build())
    race = RaceFactory(slug="primary")
    topic = TopicFactory(slug="trade")
    people = [PersonFactory(slug=f"p{i}") for i in range(2)]
    for person in people:
        CandidacyFactory(race=race, person=person)
    urls = ["/people/p0/", "/topics/trade/", "/races/primary/", "/people/p0/timeline.svg"]
    grow(3, race, topic, people)
    few = {url: queries_for(client, url) for url in urls}
    grow(30, race, topic, people)
    many = {url: queries_for(client, url) for url in urls}
    assert few == many
    for url, count in many.items():
        assert count <= PAGE_BUDGET, (url, count)
    # Past the density, the aggregate query takes the place of the single marks.
    monkeypatch.setattr(data, "DENSITY", 10)
    from statements.reading import people as people_reading
    from statements.reading import topics as topics_reading

    monkeypatch.setattr(people_reading, "DENSITY", 10)
    monkeypatch.setattr(topics_reading, "DENSITY", 10)
    # The drawn charts are kept per generation, and a person's per its own stamps: draw
    # them again.
    generation.bump()
    generation.bump(generation.EVERY_CHART)
    monthly = {url: queries_for(client, url) for url in urls}
    assert monthly == many
    body = client.get("/people/p0/").content.decode()
    assert "each mark counts" in body and "More than 10 statements, so each bar counts" in body


@pytest.mark.django_db
def test_an_old_slug_leads_to_the_renamed_persons_chart(client):
    from django.contrib.contenttypes.models import ContentType

    from statements.models import Person, SlugRedirect

    person = PersonFactory(slug="ada-new")
    SlugRedirect.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        old_slug="ada-old",
        target_id=person.pk,
    )
    response = client.get("/people/ada-old/timeline.svg?download=1")
    assert response.status_code == 301
    assert response["Location"] == "/people/ada-new/timeline.svg?download=1"


@pytest.mark.django_db
def test_topic_page_shows_a_notes_published_sources_only(client):
    """The notes and their sources come in one query now; the sources' rule still holds."""
    from statements.models import BackgroundNote

    from .factories import OrganizationFactory, SourceFactory

    topic = TopicFactory(slug="trade", name="Trade")
    shown = SourceFactory(title="Shown source", published_on=datetime.date(2020, 2, 1))
    drafted = SourceFactory(title="Draft source", state=PublicationState.DRAFT)
    hidden_outlet = SourceFactory(
        title="Source of a draft outlet", outlet=OrganizationFactory(state=PublicationState.DRAFT)
    )
    note = BackgroundNote.objects.create(
        title="Tariffs", text="A note.", state=PublicationState.PUBLISHED
    )
    note.topics.add(topic)
    note.sources.add(shown, drafted, hidden_outlet)
    bare = BackgroundNote.objects.create(
        title="Quotas", text="Another.", state=PublicationState.PUBLISHED
    )
    bare.topics.add(topic)
    bare.sources.add(drafted)
    body = client.get("/topics/trade/").content.decode()
    assert "Shown source" in body
    assert "Draft source" not in body and "Source of a draft outlet" not in body
    assert body.count("Source not published.") == 1
    assert body.index("Quotas") < body.index("Tariffs")  # by title, as before


@pytest.fixture
def ada_uncached(settings):
    """One speaker with one statement on one topic, her page rendered on every request
    (no page cache): what the charts keep is what is looked at."""
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("AnonymousPageCacheMiddleware")
    ]
    speaker = PersonFactory(name="Ada Speaker", slug="ada")
    topic = TopicFactory(name="Trade", slug="trade")
    StatementFactory(speaker=speaker, topics=[topic], said_on=datetime.date(2020, 1, 2))
    return speaker, topic


@pytest.mark.django_db
def test_a_chart_is_drawn_once_per_content_generation(client, ada_uncached, monkeypatch):
    """The drawn SVG and table are kept with the chart's data: a second uncached page
    neither draws again nor reads the chart's data back, and a write draws the new state
    at once."""
    speaker, topic = ada_uncached
    drawn = []
    real_draw = timeline_data.draw

    def counting_draw(chart):
        drawn.append(chart.ident)
        return real_draw(chart)

    read = []
    real_chart = timeline_data.person_chart

    def counting_chart(person, many, tree, stamp=None):
        read.append(person.pk)
        return real_chart(person, many, tree, stamp)

    monkeypatch.setattr(timeline_data, "draw", counting_draw)
    monkeypatch.setattr(timeline_data, "person_chart", counting_chart)
    first = client.get("/people/ada/").content.decode()
    second = client.get("/people/ada/?again=1").content.decode()
    assert drawn == [f"timeline-person-{speaker.pk}"]
    assert read == [speaker.pk]
    assert len(marks_of(svg_of(first))) == len(marks_of(svg_of(second))) == 1
    StatementFactory(speaker=speaker, topics=[topic], said_on=datetime.date(2020, 2, 3))
    third = client.get("/people/ada/").content.decode()
    assert len(drawn) == len(read) == 2
    assert len(marks_of(svg_of(third))) == 2


@pytest.mark.django_db
def test_a_worker_shows_a_drawing_again_from_its_memory_until_a_write_changes_it(
    client, ada_uncached, monkeypatch
):
    """A prolific speaker's drawing is about 400 kB: a worker that has shown it shows it
    again without reading it from the shared cache, and a write shows the new one on the
    very next page."""
    speaker, topic = ada_uncached
    shared_reads = []
    real_get_or_build = timeline_data.get_or_build

    def watched(cache, key, build, timeout):
        shared_reads.append(key)
        return real_get_or_build(cache, key, build, timeout)

    monkeypatch.setattr(timeline_data, "get_or_build", watched)
    drawn_key = timeline_data.DRAWN_KEY.split("{")[0]
    first = client.get("/people/ada/").content.decode()
    assert sum(key.startswith(drawn_key) for key in shared_reads) == 1
    shared_reads.clear()
    second = client.get("/people/ada/?again=1").content.decode()
    assert shared_reads == []
    assert ET.tostring(svg_of(second)) == ET.tostring(svg_of(first))

    StatementFactory(speaker=speaker, topics=[topic], said_on=datetime.date(2020, 2, 3))
    third = client.get("/people/ada/").content.decode()
    assert sum(key.startswith(drawn_key) for key in shared_reads) == 1
    assert len(marks_of(svg_of(third))) == 2

    # Another worker, which has not shown it: read from the shared cache, not drawn again.
    timeline_data.drawn_here().clear()
    shared_reads.clear()
    monkeypatch.setattr(timeline_data, "draw", lambda chart: pytest.fail("drawn again"))
    elsewhere = client.get("/people/ada/?elsewhere=1").content.decode()
    assert ET.tostring(svg_of(elsewhere)) == ET.tostring(svg_of(third))
    assert sum(key.startswith(drawn_key) for key in shared_reads) == 1


@given(st.one_of(st.text(alphabet=st.sampled_from(list("ab é&<>\"';#x\n\t\r"))), st.integers()))
def test_an_attribute_reads_back_as_the_value_given(value):
    """What ``attribute`` writes is read back by an XML parser as the value, as what
    ``quoteattr`` writes is."""

    def read_back(quoted: str) -> str | None:
        return ET.fromstring(f"<x v={quoted}/>").get("v")

    assert read_back(attribute(value)) == read_back(quoteattr(str(value))) == str(value)
