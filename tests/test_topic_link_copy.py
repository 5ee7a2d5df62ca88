"""A topic link's copy of its statement's speaker, date and state, kept by the database
(migration 0021), and the ranking that reads it (said.newest_by_topic's full look)."""

import datetime
from importlib import import_module

import pytest
from django.db import connection, transaction

from statements.models import PublicationState, Statement, StatementTopic
from statements.reading import said
from statements.reading.cards import card_rows
from statements.reading.visibility import statements as public_statements

from .factories import PersonFactory, StatementFactory, TopicFactory

pytestmark = pytest.mark.django_db

TRIGGERS = import_module("statements.migrations.0021_topic_link_copies_statement").TRIGGERS
DAY = datetime.date(2024, 5, 1)


def copy_of(statement: Statement) -> set[tuple]:
    """What the statement's topic links hold of it, read from the database."""
    return set(
        StatementTopic.objects.filter(statement=statement).values_list(
            "said_by_id", "said_on", "statement_published"
        )
    )


def test_a_new_link_takes_its_statements_speaker_date_and_state():
    published = StatementFactory(topics=[TopicFactory(), TopicFactory()], said_on=DAY)
    draft = StatementFactory(topics=[TopicFactory()], state=PublicationState.DRAFT)
    assert copy_of(published) == {(published.speaker_id, DAY, True)}
    assert copy_of(draft) == {(draft.speaker_id, draft.said_on, False)}


def test_the_links_follow_a_saved_change_of_speaker_date_or_state():
    statement = StatementFactory(topics=[TopicFactory(), TopicFactory()], said_on=DAY)
    other = PersonFactory()
    statement.speaker, statement.said_on = other, datetime.date(2019, 1, 2)
    statement.save()
    assert copy_of(statement) == {(other.pk, datetime.date(2019, 1, 2), True)}
    statement.state = PublicationState.WITHDRAWN
    statement.save(update_fields=["state"])
    assert copy_of(statement) == {(other.pk, datetime.date(2019, 1, 2), False)}


def test_the_links_follow_a_queryset_update_as_a_merge_makes():
    duplicate, survivor = PersonFactory(), PersonFactory()
    statements = [StatementFactory(speaker=duplicate, topics=[TopicFactory()]) for _ in range(3)]
    Statement.objects.filter(speaker=duplicate).update(speaker=survivor, said_on=DAY)
    for statement in statements:
        assert copy_of(statement) == {(survivor.pk, DAY, True)}


def test_a_link_cannot_be_given_a_copy_that_differs_from_its_statement():
    statement = StatementFactory(topics=[TopicFactory()], said_on=DAY)
    stranger = PersonFactory()
    StatementTopic.objects.filter(statement=statement).update(
        said_by=stranger, said_on=datetime.date(1999, 1, 1), statement_published=False
    )
    assert copy_of(statement) == {(statement.speaker_id, DAY, True)}


def test_a_link_written_before_its_statement_gets_the_copy_when_the_statement_comes():
    """Foreign keys are checked at commit: a fixture may write a link before its statement."""
    speaker, topic = PersonFactory(), TopicFactory()
    pk = (Statement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 100
    with transaction.atomic():
        StatementTopic.objects.create(statement_id=pk, topic=topic)
        StatementFactory(pk=pk, speaker=speaker, said_on=DAY)
    assert copy_of(Statement.objects.get(pk=pk)) == {(speaker.pk, DAY, True)}


def test_the_triggers_exist_after_all_migrations():
    """A later migration that rebuilds either table on SQLite drops their triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            pytest.skip(f"no triggers written for {connection.vendor}")
        names = {row[0] for row in cursor.fetchall()}
    assert names >= set(TRIGGERS[connection.vendor])


def test_the_full_look_ranks_a_speakers_older_statements_by_their_current_date_and_state():
    """Topics the window did not fill are ranked from the copy: after a statement's date
    moves or it is withdrawn, the ranking follows; another speaker's links never count."""
    topic = TopicFactory()
    speaker, someone_else = PersonFactory(), PersonFactory()
    window_start = datetime.date(2024, 1, 1)
    older = [
        StatementFactory(speaker=speaker, topics=[topic], said_on=datetime.date(2023, 1, day))
        for day in (1, 2, 3, 4)
    ]
    StatementFactory(speaker=someone_else, topics=[topic], said_on=datetime.date(2023, 6, 1))
    newest, second, third, fourth = reversed(older)
    fourth.said_on = datetime.date(2023, 12, 31)  # now the newest
    fourth.save()
    second.state = PublicationState.WITHDRAWN
    second.save()

    found = said.newest_by_topic(
        card_rows(public_statements()), {speaker.pk: window_start}, [topic.pk], per=2
    )
    entry = found.said[(speaker.pk, topic.pk)]
    assert [s.pk for s in entry.statements] == [fourth.pk, newest.pk]
    assert entry.more  # the third is there too
    assert second.pk not in found.statements
