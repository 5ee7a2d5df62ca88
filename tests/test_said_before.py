"""Said before / said again: a statement's repeats by the same speaker.

On the demo article, the practice case (two Perdue–Ossoff debates, one quote reprinted
by two outlets) and hand-made near-duplicates; on SQLite and PostgreSQL alike.
"""

import datetime
import html
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import Statement
from statements.reading.refrains import SHOWN, refrains_of
from statements.search import similar

from .factories import (
    EventFactory,
    OutletFactory,
    PersonFactory,
    SourceFactory,
    StatementFactory,
)

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)

RETORT = (
    "There\u2019s the senator with the catchphrases again. But no substance, little truth "
    "and no sense of personal responsibility,"
)
CRISIS = (
    "We are in the middle of a grave public health crisis. It is spiraling out of control "
    "because Washington politicians downplayed the crisis, ignored the medical science, "
    "undermined the doctors and scientists who knew what they\u2019re doing,"
)
PREEXISTING = (
    "And senator David Perdue, in the middle of this health crisis, is still supporting "
    "efforts to repeal protections for Georgians with preexisting conditions."
)
DISASTER = "in a pandemic response that everybody from all parties knows has been a disaster."
LOCKED_DOWN = (
    "Right now we\u2019ve got to get serious about beating COVID and then getting our economy "
    "going again. If you leave it to the Democrats, they want us locked down and continue "
    "to stay locked down,"
)
AGENDA = (
    "He will say and do anything to hide this radical socialist agenda. The number one "
    "thing that will bankrupt us is the Green New Deal and socialized medicine,"
)
HELP = (
    "What we really did is we brought help to the people of Georgia, both in the hospitals, "
    "schools, communities and in the workplace,"
)
ROLE = "I don't think it's the role of local law enforcement to enforce federal immigration law"


# The measure ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (RETORT, RETORT.replace("little truth", "less truth")),  # one word changed
        (RETORT, RETORT.rstrip(",") + ", and Georgians can see it."),  # a clause added
        (
            "There's the senator with the catchphrases again.",
            "There's the senator with the catchphrases again, and he still has no plan.",
        ),
        (CRISIS, CRISIS.split(",")[0] + " and ignored the medical science."),  # cut short
        (AGENDA, AGENDA.replace("say and do anything", "say anything")),
        (ROLE, ROLE.replace("role", "job")),
        (RETORT, RETORT.replace("\u2019", "'")),  # the style of the apostrophe is no word
        ("Make America great again", "Make America safe again"),
    ],
)
def test_near_identical_words_are_a_repeat(first, second):
    assert similar.is_repeat(first, second)
    assert similar.is_repeat(second, first)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # A reporter's paraphrase that shares the key words.
        (ROLE, "local law enforcement should not enforce federal immigration law"),
        # The same words, reordered: trigrams alike, words not in the same order.
        (
            AGENDA,
            "The Green New Deal and socialized medicine would bankrupt this country, and my "
            "opponent will say anything to hide that agenda.",
        ),
        # Remarks on one topic at one event, sharing words.
        (
            ROLE,
            "It is important that there be bonds of trust between local law enforcement and "
            "local communities.",
        ),
        ("the country needs border control", "we don't know and can't control our borders"),
        (CRISIS, DISASTER),
        (CRISIS, PREEXISTING),
        (LOCKED_DOWN, HELP),
        # Too few words to be a refrain, however alike.
        ("misguided", "misguided"),
        ("idle chatter", "idle chatter"),
        (AGENDA, "socialized medicine"),
    ],
)
def test_a_paraphrase_or_shared_words_only_is_not_a_repeat(first, second):
    assert not similar.is_repeat(first, second)
    assert not similar.is_repeat(second, first)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (RETORT, RETORT.replace("little truth", "less truth"), 0.913),
        (
            "There's the senator with the catchphrases again.",
            "There's the senator with the catchphrases again, and he still has no plan "
            "for health care.",
            0.571,
        ),
        (ROLE, "local law enforcement should not enforce federal immigration law", 0.538),
        ("Make America great again", "Make America safe again", 0.621),
        ("Ünïcode wörds: naïve café", "unicode words naive cafe", 0.0),
    ],
)
def test_the_trigram_similarity_is_pg_trgm_s(first, second, expected):
    """The same number on both databases, so the threshold means the same on both."""
    ours = similar.trigram_similarity(first, second)
    if expected:
        assert round(ours, 3) == expected
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT similarity(%s, %s)", [first, second])
            assert ours == pytest.approx(cursor.fetchone()[0], abs=1e-6)


def test_the_database_looks_for_two_of_the_three_longest_words():
    assert similar.key_words(RETORT) == ["responsibility", "catchphrases", "substance"]
    assert similar.key_groups(RETORT) == [
        ("responsibility", "catchphrases"),
        ("responsibility", "substance"),
        ("catchphrases", "substance"),
    ]
    # Fewer than three key words: any one of them ("make" is too common to narrow by).
    assert similar.key_groups("Make America great") == [("america",), ("great",)]
    assert similar.key_words("I think people would know the hospitals") == ["hospitals"]
    assert similar.key_groups("misguided") == []  # too short to repeat: no query at all
    assert similar.key_groups("We are in it") == []  # nothing to look for


# Pages ----------------------------------------------------------------------------------


def page_text(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    body = re.sub(r"</?(?:a|span|time|strong|em|q|abbr|mark|small)\b[^>]*>", "", body)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def json_ld(response) -> dict:
    [block] = JSON_LD.findall(response.content.decode())
    return json.loads(block)


@pytest.fixture
def uncached_pages(settings):
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("AnonymousPageCacheMiddleware")
    ]


@pytest.mark.django_db
def test_the_demo_article_has_no_repeats(client, demo):
    """Seven remarks at one town hall, some on one topic and sharing words: none is a
    repeat of another."""
    statements = list(Statement.objects.all())
    assert len(statements) == 7
    for statement in statements:
        assert not refrains_of(statement), statement.text
        response = get_ok(client, statement.get_absolute_url())
        assert "Said before" not in page_text(response)
        assert "exampleOfWork" not in json_ld(response)


@pytest.fixture
def practice():
    """The practice case: the first debate (October 12) and the second (October 28), as
    the Associated Press reported them; the retort also in the AJC's copy, as one
    statement with two sources."""
    ossoff = PersonFactory(name="Jon Ossoff", slug="jon-ossoff")
    perdue = PersonFactory(name="David Perdue", slug="david-perdue")
    hazel = PersonFactory(name="Shane Hazel", slug="shane-hazel")
    ap = SourceFactory(
        outlet=OutletFactory(name="Associated Press"),
        title="Perdue, Ossoff meet in 2nd Georgia Senate debate",
        published_on=datetime.date(2020, 10, 28),
    )
    ajc = SourceFactory(
        outlet=OutletFactory(name="Atlanta Journal-Constitution"),
        title="Perdue, Ossoff meet in 2nd Georgia Senate debate",
        published_on=datetime.date(2020, 10, 28),
    )
    first = EventFactory(name="First Senate debate", date=datetime.date(2020, 10, 12))
    second = EventFactory(name="Second Senate debate", date=datetime.date(2020, 10, 28))

    def said(speaker, text, event, kind="direct", sources=(ap,), frame=""):
        return StatementFactory(
            speaker=speaker,
            text=text,
            event=event,
            said_on=event.date if event else datetime.date(2020, 10, 28),
            kind=kind,
            frame=frame,
            sources=list(sources),
        )

    return {
        "ossoff": ossoff,
        "perdue": perdue,
        "ap": ap,
        "second": second,
        "said": said,
        "crisis": said(ossoff, CRISIS, second),
        "preexisting": said(ossoff, PREEXISTING, second),
        "locked_down": said(perdue, LOCKED_DOWN, second),
        "agenda": said(perdue, AGENDA, second),
        "retort": said(ossoff, RETORT.replace("\u2019", "'"), second, sources=(ajc, ap)),
        "disaster": said(
            ossoff,
            DISASTER,
            first,
            kind="partial",
            frame="said Perdue has enabled President Donald Trump",
        ),
        "chatter": said(perdue, "idle chatter", first, kind="partial", frame="called it"),
        "help": said(perdue, HELP, first),
        "choice": said(
            hazel,
            "If you're tired of what you're seeing here between politicians, you've got a choice,",
            None,
        ),
    }


@pytest.mark.django_db
def test_the_practice_case_has_no_repeats_and_a_reprint_is_not_one(client, practice):
    # The AJC's copy entered as a record of its own, with no event: the same words on the
    # same day are the same utterance, not a repeat.
    practice["said"](practice["ossoff"], RETORT, None)
    for statement in Statement.objects.all():
        assert not refrains_of(statement), statement.text
    page = page_text(get_ok(client, practice["retort"].get_absolute_url()))
    assert "Said before" not in page and "Said again" not in page
    assert "Atlanta Journal-Constitution" in page and "Associated Press" in page  # Sources


@pytest.fixture
def rally(practice):
    """Ossoff says the retort again a week later at a rally, with one word changed."""
    event = EventFactory(name="Rally in Macon", date=datetime.date(2020, 11, 4))
    report = SourceFactory(
        outlet=OutletFactory(name="Macon Telegraph"),
        title="Ossoff repeats his debate line in Macon",
        published_on=datetime.date(2020, 11, 5),
    )
    again = practice["said"](
        practice["ossoff"],
        RETORT.replace("little truth", "less truth"),
        event,
        sources=(report,),
    )
    return practice | {"again": again, "rally": event}


@pytest.mark.django_db
def test_a_refrain_said_again_shows_on_both_pages(client, rally):
    retort, again = rally["retort"], rally["again"]

    first_page = get_ok(client, retort.get_absolute_url())
    text = page_text(first_page)
    assert "Said again on November 4, 2020, at Rally in Macon; reported by Macon Telegraph" in text
    assert "Said before on" not in text
    assert f'href="{again.get_absolute_url()}"' in first_page.content.decode()
    assert f'href="{rally["rally"].get_absolute_url()}"' in first_page.content.decode()
    assert "less truth" in text

    later_page = get_ok(client, again.get_absolute_url())
    text = page_text(later_page)
    assert (
        "Said before on October 28, 2020, at Second Senate debate; reported by "
        "Atlanta Journal-Constitution" in text
    )
    assert "and Associated Press" in text
    assert "Said again on" not in text
    assert f'href="{retort.get_absolute_url()}"' in later_page.content.decode()

    # Nothing else in the practice case repeats.
    assert not refrains_of(rally["crisis"])
    assert not refrains_of(rally["agenda"])


@pytest.mark.django_db
def test_the_json_ld_lists_every_appearance_of_the_claim(client, rally):
    retort, again = rally["retort"], rally["again"]
    data = json_ld(get_ok(client, again.get_absolute_url()))
    assert data["@type"] == "Quotation"  # the page's own record is unchanged
    claim = data["exampleOfWork"]
    assert claim["@type"] == "Claim"
    assert claim["author"]["name"] == "Jon Ossoff"
    urls = [entry["url"] for entry in claim["appearance"]]
    assert urls == [
        f"http://testserver{retort.get_absolute_url()}",
        f"http://testserver{again.get_absolute_url()}",
    ]
    assert claim["firstAppearance"] == claim["appearance"][0]
    first = claim["firstAppearance"]
    assert first["dateCreated"] == "2020-10-28"
    assert first["text"] == retort.text
    assert first["recordedAt"] == {"@type": "Event", "name": "Second Senate debate"}
    assert sorted(source["publisher"]["name"] for source in first["citation"]) == [
        "Associated Press",
        "Atlanta Journal-Constitution",
    ]
    assert claim["appearance"][1]["citation"][0]["headline"] == (
        "Ossoff repeats his debate line in Macon"
    )


@pytest.mark.django_db
def test_an_undated_appearance_gives_no_date_created(client, rally):
    """A source that gives no date: the stored day is the day it was reported, not said."""
    again = rally["again"]
    again.date_precision = "none"
    again.save()
    data = json_ld(get_ok(client, rally["retort"].get_absolute_url()))
    appearances = {entry["url"]: entry for entry in data["exampleOfWork"]["appearance"]}
    assert "dateCreated" not in appearances[f"http://testserver{again.get_absolute_url()}"]
    retort_url = f"http://testserver{rally['retort'].get_absolute_url()}"
    assert appearances[retort_url]["dateCreated"] == "2020-10-28"


@pytest.mark.django_db
def test_a_clause_added_is_a_repeat_and_a_paraphrase_is_not(client, rally):
    said, ossoff = rally["said"], rally["ossoff"]
    town_hall = EventFactory(name="Town hall", date=datetime.date(2020, 12, 1))
    added = said(ossoff, RETORT.rstrip(",") + ", and Georgians can see it.", town_hall)
    paraphrase = said(
        ossoff,
        "the senator relies on catchphrases with no substance and takes no responsibility",
        town_hall,
        kind="paraphrase",
    )
    found = refrains_of(rally["retort"])
    assert [s.pk for s in found.later] == [rally["again"].pk, added.pk]
    assert paraphrase not in found.statements
    assert not refrains_of(paraphrase)


@pytest.mark.django_db
def test_only_the_speakers_published_statements_count(client, rally):
    said = rally["said"]
    draft = said(rally["ossoff"], RETORT, EventFactory(date=datetime.date(2020, 12, 2)))
    draft.state = "draft"
    draft.save()
    withdrawn_source = SourceFactory(state="draft")
    hidden = said(
        rally["ossoff"],
        RETORT,
        EventFactory(date=datetime.date(2020, 12, 3), state="draft"),
        sources=(withdrawn_source,),
    )
    someone_else = said(rally["perdue"], RETORT, EventFactory(date=datetime.date(2020, 12, 4)))

    found = refrains_of(rally["retort"])
    assert draft not in found.statements and someone_else not in found.statements
    assert [s.pk for s in found.later] == [rally["again"].pk, hidden.pk]
    text = page_text(get_ok(client, rally["retort"].get_absolute_url()))
    # A published repeat whose event and source are drafts shows without them.
    assert "Said again on December 3, 2020; no published source" in text


@pytest.fixture
def refrain():
    """A stump line said fifteen times, a week apart, each time reported by one outlet."""
    speaker = PersonFactory(name="Stump Speaker")
    line = "Every family in this state deserves a doctor they can afford and trust"
    return [
        StatementFactory(
            speaker=speaker,
            text=line if week % 2 else line + ", and that is my promise",
            said_on=datetime.date(2020, 1, 1) + datetime.timedelta(weeks=week),
            event=EventFactory(name=f"Rally {week}"),
            sources=[SourceFactory(), SourceFactory()],
        )
        for week in range(15)
    ]


@pytest.mark.django_db
def test_the_nearest_repeats_are_shown_and_the_first_time(client, refrain):
    middle = refrain[10]
    found = refrains_of(middle)
    assert found.first == refrain[0]
    assert found.earlier == refrain[5:10]
    assert found.later == refrain[11:15]
    assert found.more_earlier and not found.more_later

    text = page_text(get_ok(client, middle.get_absolute_url()))
    assert "First said on January 1, 2020, at Rally 0" in text
    assert "… and more times in between, not listed." in text
    assert text.count("Said before on") == SHOWN
    assert text.count("Said again on") == 4

    found = refrains_of(refrain[0])
    assert found.later == refrain[1 : 1 + SHOWN] and found.more_later
    assert not found.earlier and found.first is None


@pytest.mark.django_db
def test_the_repeats_found_are_kept_until_a_write_to_the_speakers_statements(
    client, uncached_pages, refrain, monkeypatch
):
    """Looking for the candidates is most of a statement page's cost, so the repeats found
    are kept under the speaker's stamps: a write to anyone else's statements leaves them
    kept, and a new repeat by the speaker, or the speaker's edit, shows on the next page."""
    from statements.reading import refrains

    looked: list[int] = []
    real = refrains.candidate_ids

    def counted(statement):
        looked.append(statement.pk)
        return real(statement)

    monkeypatch.setattr(refrains, "candidate_ids", counted)
    elsewhere = StatementFactory(text="Someone else's remark, said on another day entirely.")
    latest = refrain[13]
    url = latest.get_absolute_url()
    text = page_text(get_ok(client, url))
    assert text.count("Said again on") == 1 and "Rally 14" in text
    assert looked == [latest.pk]

    elsewhere.text = "Someone else's remark, corrected."
    elsewhere.save()
    assert page_text(get_ok(client, url)) == text
    assert looked == [latest.pk]

    StatementFactory(
        speaker=latest.speaker,
        text=refrain[1].text,
        said_on=refrain[14].said_on + datetime.timedelta(weeks=1),
        event=EventFactory(name="Rally at the capitol"),
    )
    text = page_text(get_ok(client, url))
    assert text.count("Said again on") == 2 and "Rally at the capitol" in text
    assert looked == [latest.pk] * 2

    latest.speaker.name = "Stump Speaker, Jr."
    latest.speaker.save()
    assert page_text(get_ok(client, url)).count("Said again on") == 2
    assert looked == [latest.pk] * 3


def count_queries(client, url) -> int:
    get_ok(client, url)
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, url)
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_the_statement_page_costs_the_same_queries_with_or_without_repeats(
    client, uncached_pages, refrain
):
    lone = StatementFactory(text="A remark said once and never again by this speaker.")
    short = StatementFactory(text="misguided", kind="partial")
    counts = {
        "none": count_queries(client, lone.get_absolute_url()),
        "too short to look": count_queries(client, short.get_absolute_url()),
        "fourteen": count_queries(client, refrain[7].get_absolute_url()),
    }
    assert counts["none"] == counts["fourteen"] <= 8, counts
    assert counts["too short to look"] <= counts["none"]
    assert page_text(get_ok(client, refrain[7].get_absolute_url())).count("Said again on") == 5


@pytest.mark.django_db
def test_candidates_hold_the_key_words_as_words_stemmed_on_both_databases():
    speaker = PersonFactory()

    def said(text: str, week: int) -> Statement:
        return StatementFactory(
            speaker=speaker,
            text=text,
            said_on=datetime.date(2021, 1, 1) + datetime.timedelta(weeks=week),
            event=EventFactory(),
        )

    line = said("They would fix the economy to pay for rent", 0)
    assert similar.key_groups(line.text) == [("economy",), ("rent",)]
    # Near-identical each, by the measure; the database is to find the first two only.
    inflected = said("They would fix the economies to pay for rent", 1)
    other_word = said("They would fix the healthcare to pay for rent", 2)
    inside_another = said("They would fix the parent to pay for healthcare", 3)
    for other in (inflected, other_word, inside_another):
        assert similar.is_repeat(line.text, other.text), other.text
    found = refrains_of(line)
    assert [s.pk for s in found.later] == [inflected.pk, other_word.pk]


@pytest.mark.django_db
def test_the_trigram_index_is_gone_and_the_trigram_extension_stays_on_postgresql():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'statement_text_trgm_idx'"
            )
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")
            assert cursor.fetchone()[0] == 1
        else:
            # SQLite keeps its full-text triggers: the table was not rebuilt.
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'statements_statement_fts_%'"
            )
            assert cursor.fetchone()[0] == 3


@pytest.mark.django_db
def test_on_postgresql_the_candidates_speaker_and_words_are_looked_up_in_one_index():
    """The speaker is compared as the column's type, so the GIN index on the speaker and
    the search vector takes both conditions. (Which index the planner picks depends on
    the table's size: the table's other indexes, bar the unique ones, are dropped for
    the test, in its transaction, so that this one is the only way.)"""
    if connection.vendor != "postgresql":
        pytest.skip("the index on the speaker and the search vector is PostgreSQL's")
    from statements.reading.refrains import candidate_ids

    line = StatementFactory(text="They would fix the economy to pay for rent")
    sql, params = candidate_ids(line)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index "
            "WHERE indrelid = 'statements_statement'::regclass AND NOT indisunique "
            "AND indexrelid <> 'statement_speaker_search_idx'::regclass"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
        for scan in ("seqscan", "indexscan", "indexonlyscan"):  # a GIN index: bitmap scans
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "statement_speaker_search_idx" in plan, plan
    (condition,) = [line for line in plan.splitlines() if "Index Cond" in line]
    assert "speaker_id" in condition and "search_vector" in condition, plan
