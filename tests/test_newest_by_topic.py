"""said.newest_by_topic(): a person's newest statements per topic, each statement read
once with the topics it is linked to (not once per link)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import Candidacy
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
