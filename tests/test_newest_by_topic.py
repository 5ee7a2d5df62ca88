"""said.newest_by_topic(): a person's newest statements per topic, each statement read
once with the topics it is linked to (not once per link)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.reading import said
from statements.reading.cards import card_rows
from statements.reading.visibility import statements as public_statements

from .factories import PersonFactory, StatementFactory, TopicFactory


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
