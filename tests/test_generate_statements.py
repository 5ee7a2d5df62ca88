"""generate_statements: complete, valid, published rows of the usual shape, in batches, on
SQLite (executemany) and PostgreSQL (COPY); refused with DEBUG off unless told."""

import io
import random
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper
from django.db.models import Count

from statements import search
from statements.caching import generation
from statements.management.commands import _phrases, _vocabulary
from statements.management.commands._progress import Progress
from statements.management.commands._sentences import zipf_picker
from statements.management.commands._table_writers import IterStream, copy_chunks, copy_text
from statements.models import (
    PublicationState,
    Reaction,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)

from .factories import StatementFactory, TopicFactory


def generate(count: int, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    options.setdefault("i_know", True)
    call_command("generate_statements", count=count, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_rows_are_complete_valid_and_published_across_batches():
    TopicFactory(slug="immigration", name="Immigration")
    before = StatementFactory()  # an existing statement keeps its id and its links
    out, err = generate(120, seed=3, batch_size=50)

    assert "Generated 120 statements" in out and " s (" in out
    made = Statement.objects.exclude(pk=before.pk)
    assert made.count() == 120
    assert not made.exclude(state=PublicationState.PUBLISHED).exists()
    assert made.filter(pk__lte=before.pk).count() == 0
    for statement in made.select_related("speaker", "event"):
        statement.full_clean()
        assert statement.speaker_name == statement.speaker.name
        assert statement.version == 1 and statement.date_precision == "day"
        assert statement.said_on == statement.event.date
        assert statement.created_at and statement.updated_at and statement.published_at
    topics = Counter(made.annotate(n=Count("topics")).values_list("n", flat=True))
    assert set(topics) <= {1, 2, 3} and topics[1] > topics[3]
    sources = Counter(made.annotate(n=Count("sources")).values_list("n", flat=True))
    assert set(sources) <= {1, 2} and sources[1] > sources[2]
    # The demo's topic is reused, not duplicated.
    assert Topic.objects.filter(slug="immigration").count() == 1
    assert StatementTopic.objects.filter(statement__in=made).exists()
    assert StatementSource.objects.filter(statement__in=made).exists()

    reactions = Reaction.objects.filter(statement__in=made).select_related("statement")
    assert 0 < reactions.count() < 40
    for reaction in reactions:
        reaction.full_clean()
        assert reaction.respondent_id != reaction.statement.speaker_id
    # The next statement made the usual way gets a fresh id.
    last = made.order_by("-pk")[0].pk
    assert StatementFactory().pk == last + 1


@pytest.mark.django_db
def test_generated_statements_are_found_by_search():
    generate(60, seed=5)
    statement = Statement.objects.order_by("-pk")[0]
    assert (
        search.matching(Statement.objects.all(), statement.speaker_name)
        .filter(pk=statement.pk)
        .exists()
    )
    word = statement.context.split()[-1].strip(".")
    assert search.matching(Statement.objects.all(), word).exists()


@pytest.mark.django_db
def test_seed_repeats_the_words():
    generate(30, seed=11)
    first = list(Statement.objects.order_by("pk").values_list("text", flat=True))
    Statement.objects.all().delete()
    generate(30, seed=11)
    assert list(Statement.objects.order_by("pk").values_list("text", flat=True)) == first


@pytest.mark.django_db
def test_refuses_with_debug_off_unless_told(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--i-know"):
        generate(5, i_know=False)
    assert not Statement.objects.exists()
    generate(5, i_know=True)
    assert Statement.objects.count() == 5


@pytest.mark.django_db
def test_progress_is_plain_lines_when_not_a_terminal():
    _, err = generate(30, batch_size=10)
    lines = [line for line in err.splitlines() if line.startswith("statements: ")]
    assert lines[-1].startswith("statements: 30/30 (100%), ") and "/s, ETA 0:00" in lines[-1]
    assert "\r" not in err


def test_progress_line_on_a_terminal_has_a_bar_and_an_eta():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream, now = Terminal(), [0.0]
    progress = Progress(1000, OutputWrapper(stream), "statements", clock=lambda: now[0])
    now[0] = 10.0
    progress.update(250)
    assert stream.getvalue() == (
        "\r\x1b[K[######..................] statements: 250/1,000 (25%), 25/s, "
        "ETA 0:30, 0:10 so far"
    )


def test_copy_rows_are_escaped_and_streamed():
    assert copy_text("a\tb\\c\nd\re") == "a\\tb\\\\c\\nd\\re"
    chunks = list(copy_chunks(((i, "x", "\\N") for i in range(5)), rows_per_chunk=2))
    assert chunks == ["0\tx\t\\N\n1\tx\t\\N\n", "2\tx\t\\N\n3\tx\t\\N\n", "4\tx\t\\N\n"]
    stream = IterStream(chunks)
    assert "".join(iter(lambda: stream.read(8192), "")) == "".join(chunks)


def test_words_follow_zipfs_law():
    pick = zipf_picker(_vocabulary.NOUNS, random.Random(1))
    counts = Counter(pick() for _ in range(50_000))
    first, tenth = counts[_vocabulary.NOUNS[0]], counts[_vocabulary.NOUNS[9]]
    assert 7 < first / tenth < 13  # about 10, as 1/r says
    assert counts[_vocabulary.NOUNS[-1]] < first / 100


def test_vocabulary_needs_no_copy_escaping():
    pieces = [
        *_vocabulary.NOUNS,
        *_vocabulary.ADJECTIVES,
        *_vocabulary.VERBS,
        *_vocabulary.DETAILS,
        *_vocabulary.PARAPHRASES,
        *_vocabulary.PARTIALS,
        *_phrases.OPENERS,
        *_phrases.CLAIMS,
        *_phrases.FOLLOW_UPS,
        *_phrases.PARTIAL_WORDS,
        *_phrases.REACTIONS,
        *(p for _, _, _, phrases in _phrases.TOPIC_TREE for p in phrases),
    ]
    assert all(copy_text(piece) == piece for piece in pieces)
    for words in (_vocabulary.NOUNS, _vocabulary.ADJECTIVES, _vocabulary.VERBS):
        assert len(set(words)) == len(words)


@pytest.mark.django_db
def test_every_run_makes_cached_pages_obsolete(client):
    # A repeated run makes no new party or topic through the ORM: its rows all go in by
    # COPY or executemany, which send no signals, and only its own bump shows them.
    generate(5, seed=1)
    stamp = generation.current()
    client.get("/statements/")
    assert client.get("/statements/")["X-Page-Cache"] == "hit"
    generate(5, seed=2)
    assert generation.current() > stamp
    after = client.get("/statements/")
    assert after["X-Page-Cache"] == "miss"
    newest = Statement.objects.order_by("-id").first()
    assert newest is not None and f"/statements/{newest.pk}/" in after.content.decode()
