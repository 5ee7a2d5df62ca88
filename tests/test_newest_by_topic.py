"""said.newest_by_topic(): a person's newest statements per topic, each statement read
once with the topics it is linked to (not once per link)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import Candidacy, Position, PublicationState
from statements.reading import said
from statements.reading.cards import card_rows
from statements.reading.visibility import statements as public_statements

from .factories import PersonFactory, RaceFactory, StatementFactory, TopicFactory


@pytest.mark.django_db
def test_each_statement_is_read_once_with_all_its_topic_links():
    trade, jobs, water = TopicFactory(name="Trade"), TopicFactory(name="Jobs"), TopicFactory()
    speaker = PersonFactory()
    day = datetime.date(2024, 5, 1)
    three = StatementFactory(speaker=speaker, topics=[trade, jobs, water], said_on=day)
    none = StatementFactory(speaker=speaker, topics=[], said_on=day)
    one = StatementFactory(speaker=speaker, topics=[jobs], said_on=day)

    with CaptureQueriesContext(connection) as queries:
        found = said.newest_by_topic(
            card_rows(public_statements()), {speaker.pk: None}, [trade.pk, jobs.pk], per=3
        )
    assert len(queries) == 1
    assert sorted(found.statements) == sorted([three.pk, none.pk, one.pk])
    assert sorted(found.statements[three.pk].topic_ids) == sorted([trade.pk, jobs.pk, water.pk])
    assert found.statements[none.pk].topic_ids == []
    assert found.statements[one.pk].topic_ids == [jobs.pk]
    # Only the topics asked for are filled; the statement on three is on both.
    assert [s.pk for s in found.said[(speaker.pk, trade.pk)].statements] == [three.pk]
    assert {s.pk for s in found.said[(speaker.pk, jobs.pk)].statements} == {three.pk, one.pk}
    assert (speaker.pk, water.pk) not in found.said


@pytest.mark.django_db
def test_on_topics_only_brings_each_statement_on_the_topics_once():
    trade, jobs = TopicFactory(), TopicFactory()
    speaker = PersonFactory()
    both = StatementFactory(speaker=speaker, topics=[trade, jobs])
    StatementFactory(speaker=speaker, topics=[])
    found = said.newest_by_topic(
        card_rows(public_statements()),
        {speaker.pk: None},
        [trade.pk, jobs.pk],
        per=3,
        on_topics_only=True,
    )
    assert list(found.statements) == [both.pk]
    assert sorted(found.statements[both.pk].topic_ids) == sorted([trade.pk, jobs.pk])


@pytest.mark.django_db
def test_topics_beyond_the_window_are_looked_up_per_person_and_race_in_one_query():
    """Each person's newest statements on a topic their window did not fill, said in their
    candidacy of the race when one is given: newest first, the lower id first on the same
    day, and whether there are more. One query for the window, one for the rest, with one
    subquery for everyone."""
    topic = TopicFactory()
    ann, bob = PersonFactory(), PersonFactory()
    race, other_race = RaceFactory(), RaceFactory()
    ann_here = Candidacy.objects.create(person=ann, race=race)
    ann_there = Candidacy.objects.create(person=ann, race=other_race)
    bob_here = Candidacy.objects.create(person=bob, race=race)
    start = datetime.date(2024, 1, 1)  # the windows hold nothing on the topic

    def said_on(person, candidacy, day):
        return StatementFactory(
            speaker=person, topics=[topic], candidacy=candidacy, said_on=datetime.date(2023, 5, day)
        )

    ann_old, ann_first, ann_second = (said_on(ann, ann_here, day) for day in (1, 9, 9))
    said_on(ann, ann_there, 20)  # newer, but said in the other race
    bob_only = said_on(bob, bob_here, 2)

    sent: list[str] = []  # as the ORM writes them, before PostgreSQL's are prepared

    def spy(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(spy):
        found = said.newest_by_topic(
            card_rows(public_statements()),
            {ann.pk: start, bob.pk: start},
            [topic.pk],
            per=2,
            candidacies={ann.pk: ann_here.pk, bob.pk: bob_here.pk},
        )
    assert len(queries) == 2
    # Both people's in one subquery: ``id IN (…) OR id IN (…)`` has PostgreSQL read
    # every statement to test both (a second and more per page at a million).
    assert sent[1].count('"statements_statement"."id" IN (') == 1
    ann_said, bob_said = found.said[(ann.pk, topic.pk)], found.said[(bob.pk, topic.pk)]
    assert [s.pk for s in ann_said.statements] == [ann_first.pk, ann_second.pk]
    assert ann_said.more and ann_old.pk not in [s.pk for s in ann_said.statements]
    assert [s.pk for s in bob_said.statements] == [bob_only.pk] and not bob_said.more


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_both_reads_are_prepared_once_for_any_person_day_and_topics():
    """Their people, days and lists of ids are arguments (said.ARGUMENTS): another
    person, another day, other topics or other statements to bring along are the same
    prepared statements, each planned once per connection."""
    trade, jobs, water = TopicFactory(), TopicFactory(), TopicFactory()
    ann, bob = PersonFactory(), PersonFactory()
    for person, topics in ((ann, [trade, jobs]), (bob, [jobs, water])):
        for day in (1, 2, 3):
            StatementFactory(speaker=person, topics=topics, said_on=datetime.date(2023, 5, day))
    cited = StatementFactory(topics=[water])
    connection.close()

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    def newest(person, start: datetime.date, topics) -> said.Found:
        return said.newest_by_topic(
            card_rows(public_statements()),
            {person.pk: start},
            [topic.pk for topic in topics],
            per=2,
            also=[cited.pk],
        )

    # A start after their statements: the window holds none, so both reads run.
    first = newest(ann, datetime.date(2024, 1, 1), [trade, jobs])
    after_first = prepared()
    second = newest(bob, datetime.date(2024, 2, 1), [jobs, water, trade])
    assert prepared() == after_first >= 2
    assert [s.said_on.day for s in first.said[(ann.pk, trade.pk)].statements] == [3, 2]
    assert first.said[(ann.pk, trade.pk)].more
    assert [s.said_on.day for s in second.said[(bob.pk, water.pk)].statements] == [3, 2]
    assert (bob.pk, trade.pk) not in second.said
    assert cited.pk in first.statements and cited.pk in second.statements


@pytest.fixture
def pages_rendered(settings):
    """Person pages rendered on every request (no page cache): what the process keeps of
    what people said is what is looked at."""
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("AnonymousPageCacheMiddleware")
    ]


@pytest.fixture
def reads_of_what_was_said(monkeypatch):
    """The people whose statements the person page reads, one entry per read."""
    read = []
    real = said.newest_by_topic

    def counted(statements, starts, *args, **kwargs):
        read.extend(starts)
        return real(statements, starts, *args, **kwargs)

    monkeypatch.setattr(said, "newest_by_topic", counted)
    return read


@pytest.mark.django_db
def test_a_worker_reads_what_a_person_said_again_only_after_a_write_that_changes_it(
    client, pages_rendered, reads_of_what_was_said
):
    """A write to someone else's statements leaves what the page read of this person's
    kept; an edit, a new statement or an unpublished one of theirs shows on the very next
    page."""
    trade = TopicFactory(name="Trade")
    ada, bob = PersonFactory(slug="ada"), PersonFactory(slug="bob")
    first = StatementFactory(
        speaker=ada, topics=[trade], text="Tariffs hurt farmers.", said_on=datetime.date(2020, 1, 2)
    )
    theirs = StatementFactory(speaker=bob, topics=[trade], said_on=datetime.date(2020, 1, 3))

    assert "Tariffs hurt farmers." in client.get("/people/ada/").content.decode()
    assert reads_of_what_was_said == [ada.pk]
    client.get("/people/ada/?again=1")
    theirs.text = "Bob's words, edited."
    theirs.save()
    client.get("/people/ada/?after=bob")
    assert reads_of_what_was_said == [ada.pk]

    first.text = "Tariffs hurt farmers and ranchers."
    first.save()
    assert "Tariffs hurt farmers and ranchers." in client.get("/people/ada/").content.decode()
    StatementFactory(
        speaker=ada, topics=[trade], text="Trade deals first.", said_on=datetime.date(2020, 2, 3)
    )
    assert "Trade deals first." in client.get("/people/ada/").content.decode()
    first.state = PublicationState.WITHDRAWN
    first.save()
    page = client.get("/people/ada/").content.decode()
    assert "Tariffs hurt" not in page and "Trade deals first." in page
    assert reads_of_what_was_said == [ada.pk] * 4


@pytest.mark.django_db
def test_a_position_resting_on_another_speakers_statement_shows_its_words_as_they_are_now(
    client, pages_rendered, reads_of_what_was_said
):
    """Only the person's own statements are kept under their stamps: one by someone else
    that their position rests on is read on every page, so an edit of it shows at once."""
    trade = TopicFactory(name="Trade")
    ada, bob = PersonFactory(slug="ada"), PersonFactory(slug="bob")
    StatementFactory(speaker=ada, topics=[trade], said_on=datetime.date(2020, 1, 2))
    quoted = StatementFactory(
        speaker=bob, topics=[trade], text="Ada backs the deal.", said_on=datetime.date(2020, 1, 3)
    )
    position = Position.objects.create(
        person=ada,
        topic=trade,
        summary="Backs the trade deal",
        as_of=datetime.date(2020, 1, 3),
        state=PublicationState.PUBLISHED,
    )
    position.statements.add(quoted)

    assert "Ada backs the deal." in client.get("/people/ada/").content.decode()
    quoted.text = "Ada backs the new deal."
    quoted.save()
    assert "Ada backs the new deal." in client.get("/people/ada/").content.decode()
    assert reads_of_what_was_said == [ada.pk]


@pytest.mark.django_db
def test_a_card_drawn_from_kept_statements_leaves_them_as_they_were(client, pages_rendered):
    """A card hangs what it shows besides its row (sources, reactions, the party) on the
    statement it is drawn from; the kept statements are shared by the process's threads
    and outlive a content generation, so cards are drawn from copies."""
    from statements.reading.people import said_here

    ada = PersonFactory(slug="ada")
    StatementFactory(speaker=ada, topics=[TopicFactory()], said_on=datetime.date(2020, 1, 2))
    client.get("/people/ada/")
    (kept,) = [found for found in said_here()._cache.values()]
    (statement,) = kept.statements.values()
    assert not hasattr(statement, "card_sources")
    assert "speaker_party" not in statement._state.fields_cache


@pytest.mark.django_db
def test_what_a_process_keeps_of_a_person_holds_their_speaker_and_each_set_of_topics_once(
    client, pages_rendered
):
    """Kept until a write changes them, a person's statements are objects the garbage
    collector walks at every full collection: they share one copy of their speaker, and
    those on the same topics one list of those topics."""
    from statements.reading.people import said_here

    trade, jobs = TopicFactory(name="Trade"), TopicFactory(name="Jobs")
    ada = PersonFactory(slug="ada", name="Ada Lovelace")
    for day, topics in ((2, [trade]), (3, [trade]), (4, [trade, jobs])):
        StatementFactory(speaker=ada, topics=topics, said_on=datetime.date(2020, 1, day))
    client.get("/people/ada/")
    (kept,) = [found for found in said_here()._cache.values()]
    statements = sorted(kept.statements.values(), key=lambda statement: statement.said_on)
    assert len({id(statement.speaker) for statement in statements}) == 1
    assert statements[0].speaker.name == "Ada Lovelace"
    topics = [statement._prefetched_objects_cache["topics"] for statement in statements]
    assert topics[0] is topics[1]
    assert [topic.name for topic in topics[0]] == ["Trade"]
    assert [topic.name for topic in topics[2]] == ["Jobs", "Trade"]
