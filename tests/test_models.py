import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from statements import editorial
from statements.models import (
    Affiliation,
    CommentRequest,
    Event,
    Person,
    Reaction,
    Statement,
    Topic,
)
from statements.reading.tree import TopicTree

from .factories import (
    EventFactory,
    OrganizationFactory,
    PersonFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_statement_without_speaker_is_rejected():
    event = EventFactory()
    assert_rejected_by_database(
        lambda: Statement.objects.bulk_create(
            [Statement(event=event, said_on=event.date, kind="direct", text="Words.")]
        )
    )
    with pytest.raises(ValidationError) as error:
        Statement(event=event, said_on=event.date, kind="direct", text="Words.").full_clean()
    assert "speaker" in error.value.message_dict


def test_statement_with_empty_text_or_unknown_kind_is_rejected():
    speaker = PersonFactory()
    day = datetime.date(2020, 5, 30)
    assert_rejected_by_database(
        lambda: Statement.objects.create(speaker=speaker, said_on=day, kind="direct", text="")
    )
    assert_rejected_by_database(
        lambda: Statement.objects.create(speaker=speaker, said_on=day, kind="rumour", text="x")
    )


def test_frame_is_only_for_partial_quotes():
    statement = StatementFactory.build(
        speaker=PersonFactory(), event=EventFactory(), kind="direct", frame="called it"
    )
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert "Only a partial quote has a frame" in str(error.value)


def test_inverted_affiliation_dates_are_rejected_with_a_readable_message():
    affiliation = Affiliation(
        person=PersonFactory(),
        organization=OrganizationFactory(),
        role="president",
        start_date=datetime.date(2021, 1, 1),
        end_date=datetime.date(2020, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        affiliation.full_clean()
    assert "cannot end before it starts" in str(error.value)
    assert_rejected_by_database(affiliation.save)


def test_duplicate_slugs_are_rejected():
    PersonFactory(slug="jon-ossoff")
    with pytest.raises(ValidationError) as error:
        Person(name="Jon Ossoff", sort_name="Ossoff, Jon", slug="jon-ossoff").full_clean()
    assert "slug" in str(error.value).lower()
    assert_rejected_by_database(
        lambda: Person.objects.create(name="Other", sort_name="Other", slug="jon-ossoff")
    )
    TopicFactory(slug="immigration")
    assert_rejected_by_database(lambda: Topic.objects.create(name="Dup", slug="immigration"))


def test_inferred_date_needs_a_note():
    event = EventFactory.build(date_inferred=True, date_inference_note="")
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "needs a note saying how it was inferred" in str(error.value)
    assert_rejected_by_database(event.save)
    event.date_inference_note = "The article says 'Saturday'."
    event.full_clean()
    event.save()
    assert Event.objects.get(pk=event.pk).date_inferred


def test_interpreting_reaction_must_say_what_it_reads_in():
    reaction = ReactionFactory.build(
        statement=StatementFactory(),
        respondent=PersonFactory(),
        source=SourceFactory(),
        stance=Reaction.Stance.INTERPRETS,
        interpretation="",
    )
    with pytest.raises(ValidationError):
        reaction.full_clean()
    assert_rejected_by_database(reaction.save)


def test_an_agreement_can_also_carry_an_interpretation():
    reaction = ReactionFactory(stance="agrees", interpretation="an endorsement of X")
    assert reaction.stances == ["agrees", "interprets"]
    assert ReactionFactory(stance="disagrees").stances == ["disagrees"]


def test_comment_request_must_name_who_was_asked():
    statement = StatementFactory()
    request = CommentRequest(
        statement=statement,
        requested_by=OrganizationFactory(kind="news"),
        subject="immigration policy",
        source=statement.sources.get(),
    )
    with pytest.raises(ValidationError) as error:
        request.full_clean()
    assert "Say who was asked" in str(error.value)
    assert_rejected_by_database(request.save)


def test_topic_cannot_be_its_own_parent_or_descendant():
    parent = TopicFactory(slug="immigration")
    child = TopicFactory(slug="287g", parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError):
        parent.full_clean()
    assert_rejected_by_database(lambda: Topic.objects.filter(pk=parent.pk).update(parent=parent))


def test_topic_descendants_include_narrower_topics():
    root = TopicFactory(slug="immigration")
    child = TopicFactory(parent=root)
    grandchild = TopicFactory(parent=child)
    other = TopicFactory()
    assert Topic.objects.descendant_ids([root]) == {root.pk, child.pk, grandchild.pk}
    on_grandchild = StatementFactory(topics=[grandchild])
    StatementFactory(topics=[other])
    assert list(Statement.objects.on_topic(root)) == [on_grandchild]
    tree = TopicTree.load()
    assert tree.trail(tree.by_id[grandchild.pk]) == [tree.by_id[root.pk], tree.by_id[child.pk]]


def test_dates_show_only_their_precision():
    day = datetime.date(2020, 6, 1)
    statement = StatementFactory(said_on=day, date_precision="month")
    assert statement.date_display == "June 2020"
    statement.date_precision = "year"
    assert statement.date_display == "2020"
    statement.date_precision = "day"
    assert statement.date_display == "June 1, 2020"


def test_speaker_name_is_copied_for_search(publisher):
    speaker = PersonFactory(name="Jon Ossoff")
    statement = Statement(
        speaker=speaker, said_on=datetime.date(2020, 5, 30), kind="direct", text="Words."
    )
    editorial.create_record(record=statement, user=publisher)
    assert Statement.objects.get(pk=statement.pk).speaker_name == "Jon Ossoff"

    statement = Statement.objects.get(pk=statement.pk)
    statement.speaker = PersonFactory(name="Teresa Tomlinson", state="draft")
    editorial.update_record(record=statement, user=publisher, loaded_version=statement.version)
    assert Statement.objects.get(pk=statement.pk).speaker_name == "Teresa Tomlinson"


def test_speaker_name_follows_a_rename_of_the_speaker(publisher):
    person = PersonFactory(name="Jon Ossoff")
    statements = [StatementFactory(speaker=person) for _ in range(2)]
    bystander = StatementFactory(speaker=PersonFactory(name="Pat Rivera"))
    person.name = "Thomas Jonathan Ossoff"
    editorial.update_record(record=person, user=publisher, loaded_version=person.version)
    assert {Statement.objects.get(pk=s.pk).speaker_name for s in statements} == {
        "Thomas Jonathan Ossoff"
    }
    assert Statement.objects.get(pk=bystander.pk).speaker_name == "Pat Rivera"


def test_published_hides_every_other_state():
    for state in ("draft", "review", "published", "withdrawn"):
        StatementFactory(state=state)
    assert list(Statement.objects.published().values_list("state", flat=True)) == ["published"]


def test_published_leaves_out_only_the_relations_known_to_be_public():
    """A reaction of a statement already read as public need not check that statement again;
    its respondent and source are still checked."""
    statement = StatementFactory()
    hidden_speaker = StatementFactory(speaker__state="draft")
    shown = ReactionFactory(statement=statement)
    draft_respondent = ReactionFactory(statement=statement, respondent__state="draft")
    of_hidden = ReactionFactory(statement=hidden_speaker)
    everything = set(Reaction.objects.published())
    assert everything == {shown}
    trusting = set(Reaction.objects.published(known_public=["statement"]))
    assert trusting == {shown, of_hidden}  # the caller must have checked the statement
    assert draft_respondent not in trusting
    assert set(
        Reaction.objects.published(known_public=["statement"]).filter(statement=statement)
    ) == {shown}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/file",
        "vbscript:msgbox",
        "//example.org/x",
    ],
)
def test_url_fields_accept_only_web_addresses(url):
    from statements.models import Source

    source = SourceFactory.build(outlet=OrganizationFactory(kind="news"), url=url, archive_url=url)
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert {"url", "archive_url"} <= set(error.value.message_dict)
    organization = OrganizationFactory.build(website=url)
    with pytest.raises(ValidationError) as error:
        organization.full_clean()
    assert "website" in error.value.message_dict
    assert Source(url=url, archive_url=url).link == ""


def test_web_addresses_are_accepted_and_linked():
    source = SourceFactory.build(
        outlet=OrganizationFactory(kind="news"),
        url="https://freebeacon.example/article",
        archive_url="http://archive.example/x",
    )
    source.full_clean()
    assert source.link == "https://freebeacon.example/article"
