"""A person's timeline chart, and a topic's, is kept under stamps of its own
(statements/caching/charts.py): every write that changes what the chart shows must make
the kept one obsolete, and a write that changes only other people's and topics' charts
leaves it kept.

Each case keeps the chart, makes one write (its commit included), reads the chart again
through the cache, and compares it with one built from nothing."""

import datetime

import pytest
from django.core.cache import cache

from statements import editorial
from statements.caching import charts, generation
from statements.models import (
    PublicationState,
    Reaction,
    Statement,
    StatementSource,
    StatementTopic,
)
from statements.reading import timeline_data
from statements.reading.tree import TopicTree

from .factories import (
    OrganizationFactory,
    PersonFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT


@pytest.fixture
def scene():
    """Two speakers on two topics, with a reaction and a retort on the first's words."""
    economy, border = TopicFactory(name="Economy"), TopicFactory(name="Border")
    ossoff, perdue = PersonFactory(name="Jon Ossoff"), PersonFactory(name="David Perdue")
    said = StatementFactory(speaker=ossoff, topics=[economy], said_on=datetime.date(2020, 5, 30))
    StatementFactory(speaker=ossoff, topics=[border], said_on=datetime.date(2020, 6, 2))
    answer = StatementFactory(speaker=perdue, topics=[border], said_on=datetime.date(2020, 6, 3))
    ReactionFactory(statement=said)
    ReactionFactory(statement=said, response_statement=answer, respondent=perdue, text="")
    return {
        "economy": economy,
        "border": border,
        "ossoff": ossoff,
        "perdue": perdue,
        "said": said,
        "answer": answer,
    }


def chart(person, many=False):
    person.refresh_from_db()
    return timeline_data.person_chart(person, many, TopicTree.load())


def from_nothing(person, many=False):
    cache.clear()
    return chart(person, many)


def written(write, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        write()


def new_statement(s):
    StatementFactory(speaker=s["ossoff"], topics=[s["economy"]], said_on=datetime.date(2020, 7, 1))


def withdrawn(s, publisher):
    editorial.withdraw(
        record=s["said"], user=publisher, reason="Not what was said.", with_dependents=True
    )


def to_another_speaker(s):
    s["said"].speaker = s["perdue"]
    s["said"].save()


def redated(s):
    s["said"].said_on = datetime.date(2019, 1, 1)
    s["said"].save()


def linked(s):
    StatementTopic.objects.create(statement=s["said"], topic=s["border"])


def linked_through_the_relation(s):
    s["said"].topics.add(s["border"])


def unlinked(s):
    StatementTopic.objects.get(statement=s["said"], topic=s["economy"]).delete()


def reacted(s):
    ReactionFactory(statement=s["said"])


def reaction_withdrawn(s):
    reaction = Reaction.objects.filter(statement=s["said"], response_statement=None).get()
    reaction.state = DRAFT
    reaction.save()


def reaction_deleted(s):
    Reaction.objects.filter(statement=s["said"], response_statement=None).get().delete()


def respondent_unpublished(s):
    respondent = Reaction.objects.filter(statement=s["said"], response_statement=None).get()
    respondent.respondent.state = DRAFT
    respondent.respondent.save()


def source_unpublished(s):
    source = Reaction.objects.filter(statement=s["said"], response_statement=None).get().source
    source.state = DRAFT
    source.save()


def outlet_unpublished(s):
    reaction = Reaction.objects.filter(statement=s["said"], response_statement=None).get()
    outlet = reaction.source.outlet
    outlet.state = DRAFT
    outlet.save()


def source_moved_to_a_draft_outlet(s):
    source = Reaction.objects.filter(statement=s["said"], response_statement=None).get().source
    source.outlet = OrganizationFactory(state=DRAFT)
    source.save()


def retort_withdrawn(s):
    # The retort is the other speaker's statement: hiding it hides the reaction it makes
    # on this person's words.
    s["answer"].state = DRAFT
    s["answer"].save()


def statement_deleted(s):
    Statement.objects.filter(pk=s["said"].pk).delete()


def topic_renamed(s):
    s["economy"].name = "The economy"
    s["economy"].save()


def topic_unpublished(s):
    s["economy"].state = DRAFT
    s["economy"].save()


def person_renamed(s):
    s["ossoff"].name = "Thomas Jonathan Ossoff"
    s["ossoff"].save()


WRITES = [
    new_statement,
    to_another_speaker,
    redated,
    linked,
    linked_through_the_relation,
    unlinked,
    reacted,
    reaction_withdrawn,
    reaction_deleted,
    respondent_unpublished,
    source_unpublished,
    outlet_unpublished,
    source_moved_to_a_draft_outlet,
    retort_withdrawn,
    statement_deleted,
    topic_renamed,
    topic_unpublished,
    person_renamed,
]


@pytest.mark.parametrize("many", [False, True], ids=["statements", "months"])
@pytest.mark.parametrize("write", WRITES, ids=[write.__name__ for write in WRITES])
def test_a_write_that_changes_a_chart_makes_the_kept_one_obsolete(
    scene, write, many, django_capture_on_commit_callbacks
):
    before = chart(scene["ossoff"], many)
    written(lambda: write(scene), django_capture_on_commit_callbacks)
    after = chart(scene["ossoff"], many)
    rebuilt = from_nothing(scene["ossoff"], many)
    assert rebuilt != before, "the write should change the chart"
    assert after == rebuilt


def test_a_statement_withdrawn_through_the_desk(
    scene, publisher, django_capture_on_commit_callbacks
):
    before = chart(scene["ossoff"])
    written(lambda: withdrawn(scene, publisher), django_capture_on_commit_callbacks)
    assert chart(scene["ossoff"]) == from_nothing(scene["ossoff"]) != before


def test_a_statement_moved_to_another_speaker_shows_on_their_chart(
    scene, django_capture_on_commit_callbacks
):
    before = chart(scene["perdue"])
    written(lambda: to_another_speaker(scene), django_capture_on_commit_callbacks)
    assert chart(scene["perdue"]) == from_nothing(scene["perdue"]) != before


def said_elsewhere(s, speaker, topic):
    """A new statement by ``speaker`` on ``topic``, and an edit of it. With an event and a
    source already there: a new source (or outlet) could hide or show reactions on
    anyone's words, and changes every chart."""
    said = s["said"]
    new = StatementFactory(speaker=speaker, topics=[topic], event=said.event, sources=[])
    StatementSource.objects.create(statement=new, source=said.sources.get())
    new.text = "A new wording."
    new.save()


def svg_of(page: str) -> str:
    start = page.index("<svg")
    return page[start : page.index("</svg>", start)]


@pytest.mark.parametrize("shown_on", ["ossoff", "economy"], ids=["person", "topic"])
def test_a_page_shows_the_chart_as_it_is_after_a_write(
    client, scene, shown_on, django_capture_on_commit_callbacks
):
    url = scene[shown_on].get_absolute_url()
    first = svg_of(client.get(url).content.decode())
    written(lambda: new_statement(scene), django_capture_on_commit_callbacks)
    shown = svg_of(client.get(url).content.decode())
    assert shown != first
    cache.clear()
    assert svg_of(client.get(url).content.decode()) == shown


def test_writes_no_chart_reads_leave_every_chart_kept(scene, django_capture_on_commit_callbacks):
    ossoff = scene["ossoff"]
    kept, stamp = chart(ossoff), charts.stamp(ossoff.pk)

    def writes():
        event = scene["said"].event
        event.name = "A renamed town hall"
        event.save()
        StatementSource.objects.create(
            statement=scene["said"], source=scene["answer"].sources.get()
        )
        # A source, an organization or a person is read only for whether it is public
        # (and a source's outlet, a person's names): an edit that keeps those changes no
        # chart, and a new one none either, as nothing refers to it yet.
        reaction = Reaction.objects.filter(statement=scene["said"], response_statement=None)
        source = reaction.get().source
        source.title = "A corrected headline"
        source.save()
        source.outlet.name = "A renamed outlet"
        source.outlet.save()
        SourceFactory(outlet=OrganizationFactory())
        ossoff.summary = "Candidate for the Senate in Georgia."
        ossoff.save()
        PersonFactory()

    written(writes, django_capture_on_commit_callbacks)
    assert charts.stamp(ossoff.pk) == stamp
    assert chart(ossoff) == kept == from_nothing(ossoff)


def own_stamp(person) -> int:
    return generation.current(charts.scope(person.pk))


def test_whose_chart_a_write_changes_is_looked_up_again_when_it_commits(
    scene, django_capture_on_commit_callbacks
):
    # Another transaction gives the statement another speaker while this one publishes a
    # reaction on it: this one saw the former speaker, and a reader may draw the new
    # speaker's chart (without the reaction) before this one commits.
    said, perdue = scene["said"], scene["perdue"]
    with django_capture_on_commit_callbacks() as callbacks:
        # By someone already there, from a source already there: no new person or
        # source, which would change every chart.
        ReactionFactory(statement=said, respondent=perdue, source=said.sources.get())
    Statement.objects.filter(pk=said.pk).update(speaker=perdue)  # the other's, committed
    drawn_under = own_stamp(perdue)
    for callback in callbacks:
        callback()
    assert own_stamp(perdue) != drawn_under


def test_a_retort_is_looked_up_again_when_its_write_commits(
    scene, django_capture_on_commit_callbacks
):
    # A reaction pointed at a retort while the retort is withdrawn by another write: the
    # withdrawal must change the chart of the words the reaction is on.
    said = scene["said"]
    other = StatementFactory(
        speaker=scene["perdue"], topics=[scene["border"]], event=said.event, sources=[]
    )
    with django_capture_on_commit_callbacks() as callbacks:
        other.state = DRAFT
        other.save()
    reaction = Reaction.objects.filter(statement=scene["said"], response_statement=None).get()
    Reaction.objects.filter(pk=reaction.pk).update(response_statement=other, text="")
    drawn_under = own_stamp(scene["ossoff"])
    for callback in callbacks:
        callback()
    assert own_stamp(scene["ossoff"]) != drawn_under


# Topics' charts ------------------------------------------------------------------------


def topic_chart(topic, many=False):
    tree = TopicTree.load()
    return timeline_data.topic_chart(tree.by_slug[topic.slug], tree, many)


def topic_from_nothing(topic, many=False):
    cache.clear()
    return topic_chart(topic, many)


def link_moved(s):
    link = StatementTopic.objects.get(statement=s["said"], topic=s["economy"])
    link.topic = s["border"]
    link.save()


def removed_through_the_relation(s):
    s["said"].topics.remove(s["economy"])


def cleared_through_the_relation(s):
    s["said"].topics.clear()


# Each write, with the topic whose chart it changes.
TOPIC_WRITES = [
    (new_statement, "economy"),
    (to_another_speaker, "economy"),
    (redated, "economy"),
    (linked, "border"),
    (linked_through_the_relation, "border"),
    (unlinked, "economy"),
    (link_moved, "economy"),
    (link_moved, "border"),
    (removed_through_the_relation, "economy"),
    (cleared_through_the_relation, "economy"),
    (reacted, "economy"),
    (reaction_withdrawn, "economy"),
    (reaction_deleted, "economy"),
    (respondent_unpublished, "economy"),
    (source_unpublished, "economy"),
    (outlet_unpublished, "economy"),
    (retort_withdrawn, "economy"),
    (retort_withdrawn, "border"),
    (statement_deleted, "economy"),
    (topic_renamed, "economy"),
    (person_renamed, "economy"),
]


@pytest.mark.parametrize("many", [False, True], ids=["statements", "months"])
@pytest.mark.parametrize(
    ("write", "topic"), TOPIC_WRITES, ids=[f"{w.__name__}-{t}" for w, t in TOPIC_WRITES]
)
def test_a_write_that_changes_a_topics_chart_makes_the_kept_one_obsolete(
    scene, write, topic, many, django_capture_on_commit_callbacks
):
    before = topic_chart(scene[topic], many)
    written(lambda: write(scene), django_capture_on_commit_callbacks)
    after = topic_chart(scene[topic], many)
    rebuilt = topic_from_nothing(scene[topic], many)
    assert rebuilt != before, "the write should change the chart"
    assert after == rebuilt


@pytest.mark.parametrize("many", [False, True], ids=["statements", "months"])
def test_a_statement_on_a_narrower_topic_changes_the_broader_ones_chart(
    scene, many, django_capture_on_commit_callbacks
):
    economy = scene["economy"]
    jobs = TopicFactory(name="Jobs", parent=economy)
    before = topic_chart(economy, many)

    def said():
        # With an event already there, and no new source: those would change every chart.
        StatementFactory(
            speaker=scene["perdue"],
            topics=[jobs],
            said_on=datetime.date(2020, 7, 2),
            event=scene["said"].event,
            sources=[],
        )

    written(said, django_capture_on_commit_callbacks)
    assert topic_chart(economy, many) == topic_from_nothing(economy, many) != before


# Whose chart: how it is read, its stamp, the one kept, the one written to, and the
# speaker and topic of the write (by Perdue on the border: not Ossoff's, not the economy).
ELSEWHERE = {
    "person": (chart, charts.stamp, "ossoff", "perdue", "perdue"),
    "topic": (topic_chart, charts.topic_stamp, "economy", "border", "ossoff"),
}


@pytest.mark.parametrize("whose", ELSEWHERE)
def test_a_write_on_others_statements_leaves_the_chart_kept(
    scene, whose, django_capture_on_commit_callbacks
):
    read, stamp_of, kept_one, written_one, speaker = ELSEWHERE[whose]
    owner, other = scene[kept_one], scene[written_one]
    kept, stamp = read(owner), stamp_of(owner.pk)
    others_stamp = stamp_of(other.pk)

    written(
        lambda: said_elsewhere(scene, scene[speaker], scene["border"]),
        django_capture_on_commit_callbacks,
    )
    assert stamp_of(owner.pk) == stamp
    assert read(owner) is not kept and read(owner) == kept  # read back from the cache
    assert stamp_of(other.pk) != others_stamp


def test_whose_topic_chart_a_write_changes_is_looked_up_again_when_it_commits(
    scene, django_capture_on_commit_callbacks
):
    # Another transaction links the statement to another topic while this one publishes
    # a reaction on it: a reader may draw that topic's chart (without the reaction)
    # before this one commits.
    said, border = scene["said"], scene["border"]
    with django_capture_on_commit_callbacks() as callbacks:
        ReactionFactory(statement=said, respondent=scene["perdue"], source=said.sources.get())
    StatementTopic.objects.bulk_create([StatementTopic(statement=said, topic=border)])
    drawn_under = generation.current(charts.topic_scope(border.pk))
    for callback in callbacks:
        callback()
    assert generation.current(charts.topic_scope(border.pk)) != drawn_under
