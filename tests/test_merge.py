"""Merging duplicate people, organizations and topics: everything that pointed at the
duplicate points at the survivor, rows that became identical are combined, the old slug
redirects, nothing dangles, and it all happens in one transaction or not at all."""

import datetime

import pytest
from django.apps import apps
from django.db import models

from statements import editorial, search
from statements.models import (
    Affiliation,
    BackgroundNote,
    Candidacy,
    CommentRequest,
    Event,
    Organization,
    Person,
    Position,
    PublicationState,
    Reaction,
    SlugRedirect,
    Statement,
    StatementTopic,
    Topic,
)
from statements.reading import redirects

from .factories import (
    EventFactory,
    OrganizationFactory,
    OutletFactory,
    PartyFactory,
    PersonFactory,
    RaceFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)
from .support import action_post, logged_in

pytestmark = pytest.mark.django_db

DAY = datetime.date(2020, 5, 30)


def references_to(obj) -> dict[str, int]:
    """Every live row of the statements app that still points at `obj` (history aside)."""
    found = {}
    for model in apps.get_app_config("statements").get_models():
        for field in model._meta.get_fields():
            if not field.is_relation or field.related_model is not type(obj):
                continue
            if field.many_to_one or field.one_to_one and field.concrete:
                count = model._base_manager.filter(**{field.attname: obj.pk}).count()
            elif field.many_to_many and field.concrete:
                count = model._base_manager.filter(**{field.name: obj.pk}).count()
            else:
                continue
            if count:
                found[f"{model.__name__}.{field.name}"] = count
    return found


@pytest.fixture
def two_people():
    """Jon Ossoff entered twice, each with records of his own, some the same."""
    survivor = PersonFactory(name="Jon Ossoff", slug="jon-ossoff")
    duplicate = PersonFactory(name="Jon Ossof", slug="jon-ossof")
    party, race, topic = PartyFactory(), RaceFactory(), TopicFactory()
    Affiliation.objects.create(person=survivor, organization=party, role="member")
    Affiliation.objects.create(person=duplicate, organization=party, role="member", note="Site.")
    Affiliation.objects.create(person=duplicate, organization=OrganizationFactory(), role="founder")
    Candidacy.objects.create(person=survivor, race=race, party=party)
    Candidacy.objects.create(person=duplicate, race=race, party=party, incumbent=True)
    Candidacy.objects.create(person=duplicate, race=RaceFactory(), party=party)
    kept_position = Position.objects.create(
        person=survivor, topic=topic, summary="Opposes it", as_of=DAY
    )
    dropped_position = Position.objects.create(
        person=duplicate, topic=topic, summary="Opposes it.", as_of=DAY
    )
    other_position = Position.objects.create(
        person=duplicate, topic=TopicFactory(), summary="Supports it", as_of=DAY
    )
    statements = [StatementFactory(speaker=duplicate) for _ in range(2)]
    dropped_position.statements.add(statements[0])
    reaction = ReactionFactory(respondent=duplicate)
    request = CommentRequest.objects.create(
        statement=statements[0],
        asked_person=duplicate,
        requested_by=OutletFactory(),
        subject="immigration",
        source=statements[0].sources.get(),
    )
    return {
        "survivor": survivor,
        "duplicate": duplicate,
        "statements": statements,
        "reaction": reaction,
        "request": request,
        "positions": (kept_position, other_position),
    }


def test_merging_people_moves_everything(two_people, publisher):
    survivor, duplicate = two_people["survivor"], two_people["duplicate"]
    duplicate_pk = duplicate.pk

    report = editorial.merge(survivor=survivor, duplicate=duplicate, user=publisher)

    assert not Person.objects.filter(pk=duplicate_pk).exists()
    assert references_to(duplicate) == {}
    for statement in two_people["statements"]:
        statement.refresh_from_db()
        assert (statement.speaker, statement.speaker_name) == (survivor, "Jon Ossoff")
    assert Reaction.objects.get(pk=two_people["reaction"].pk).respondent == survivor
    assert CommentRequest.objects.get(pk=two_people["request"].pk).asked_person == survivor
    # The same membership twice became one, keeping what only the duplicate knew.
    roles = sorted(survivor.affiliations.values_list("role", "note"))
    assert roles == [("founder", ""), ("member", "Site.")]
    # The same race twice became one candidacy (incumbent from the duplicate's row).
    assert survivor.candidacies.count() == 2
    assert survivor.candidacies.filter(incumbent=True).count() == 1
    # The same position twice became one, citing the statements of both.
    kept, other = two_people["positions"]
    assert set(survivor.positions.all()) == {kept, other}
    assert list(kept.statements.all()) == [two_people["statements"][0]]
    assert report.moved["statements"] == 2
    assert report.combined == {"affiliations": 1, "candidacies": 1, "positions": 1}


def test_merged_statements_keep_their_race_as_the_survivors_candidacy(publisher):
    survivor, duplicate = PersonFactory(name="Jon Ossoff"), PersonFactory(name="Jon Ossof")
    primary, general = RaceFactory(), RaceFactory(stage="general")
    survivors_primary = Candidacy.objects.create(person=survivor, race=primary)
    Candidacy.objects.create(person=duplicate, race=primary)  # the same race: combined
    duplicates_general = Candidacy.objects.create(person=duplicate, race=general)  # moved
    in_primary = StatementFactory(
        speaker=duplicate, candidacy=Candidacy.objects.get(person=duplicate, race=primary)
    )
    in_general = StatementFactory(speaker=duplicate, candidacy=duplicates_general)

    editorial.merge(survivor=survivor, duplicate=duplicate, user=publisher)

    in_primary.refresh_from_db()
    in_general.refresh_from_db()
    assert (in_primary.speaker, in_primary.candidacy) == (survivor, survivors_primary)
    assert (in_general.speaker, in_general.candidacy) == (survivor, duplicates_general)
    assert duplicates_general.pk in survivor.candidacies.values_list("pk", flat=True)
    # The statement's history records the move, race and all.
    last = in_primary.history.first()
    assert (last.speaker_id, last.candidacy_id) == (survivor.pk, survivors_primary.pk)


def test_search_finds_merged_statements_under_the_survivors_name(publisher):
    survivor = PersonFactory(name="Jon Ossoff")
    duplicate = PersonFactory(name="John Osoff")
    moved = StatementFactory(speaker=duplicate)
    kept = StatementFactory(speaker=survivor)

    editorial.merge(survivor=survivor, duplicate=duplicate, user=publisher)

    assert set(search.matching(Statement.objects.all(), "Ossoff")) == {moved, kept}
    assert not search.matching(Statement.objects.all(), "Osoff").exists()


def test_every_change_of_the_merge_is_in_the_history(two_people, publisher):
    survivor, duplicate = two_people["survivor"], two_people["duplicate"]
    editorial.merge(survivor=survivor, duplicate=duplicate, user=publisher)

    statement_version = two_people["statements"][0].history.latest()
    assert statement_version.history_user == publisher
    assert statement_version.history_change_reason.startswith("Merged person")
    gone = Person.history.filter(id=duplicate.pk).latest()
    assert (gone.history_type, gone.history_user) == ("-", publisher)
    assert survivor.history.latest().history_change_reason.startswith("Merged person")


def test_the_old_slug_redirects_to_the_survivor(two_people, publisher, client):
    survivor, duplicate = two_people["survivor"], two_people["duplicate"]
    editorial.merge(survivor=survivor, duplicate=duplicate, user=publisher)

    response = redirects.redirect_for(Person, "jon-ossof")

    assert response.status_code == 301
    assert response.url == survivor.get_absolute_url()
    assert redirects.redirect_for(Person, "nobody") is None
    api = redirects.redirect_for(
        Person, "jon-ossof", url_name="api:person-detail", query_string="a=1"
    )
    assert api.url == "/api/v1/people/jon-ossoff/?a=1"
    assert SlugRedirect.objects.get().created_by == publisher


def test_redirects_follow_a_second_merge_and_a_rename(publisher):
    first, second, third = (PersonFactory(slug=s) for s in ("ossoff-a", "ossoff-b", "ossoff-c"))
    editorial.merge(survivor=second, duplicate=first, user=publisher)
    editorial.merge(survivor=third, duplicate=second, user=publisher)
    third.refresh_from_db()
    third.slug = "jon-ossoff"
    editorial.update_record(record=third, user=publisher, loaded_version=third.version)

    for old in ("ossoff-a", "ossoff-b", "ossoff-c"):
        assert redirects.redirect_for(Person, old).url == "/people/jon-ossoff/", old


def test_a_redirect_never_leads_to_an_unpublished_record(publisher):
    survivor, duplicate = PersonFactory(), PersonFactory(state=PublicationState.DRAFT)
    editorial.merge(survivor=survivor, duplicate=duplicate, user=publisher)
    survivor.refresh_from_db()
    editorial.withdraw(record=survivor, user=publisher, reason="Not a real person.")
    assert redirects.redirect_for(Person, duplicate.slug) is None


def test_merging_topics_combines_links_and_moves_the_tree(publisher):
    immigration = TopicFactory(name="Immigration")
    survivor = TopicFactory(name="Sanctuary cities", parent=immigration)
    duplicate = TopicFactory(name="Sanctuary jurisdictions")
    child = TopicFactory(name="Detainers", parent=duplicate)
    both = StatementFactory(topics=[survivor, duplicate])
    only_duplicate = StatementFactory(topics=[duplicate])
    note = BackgroundNote.objects.create(title="287(g)", text="A program.")
    note.topics.add(duplicate, survivor)
    note.sources.add(SourceFactory())
    other_note = BackgroundNote.objects.create(title="ICE", text="An agency.")
    other_note.topics.add(duplicate)

    editorial.merge(survivor=survivor, duplicate=duplicate, user=publisher)

    assert list(both.topics.all()) == [survivor]
    assert StatementTopic.objects.filter(statement=both).count() == 1
    assert list(only_duplicate.topics.all()) == [survivor]
    assert list(note.topics.all()) == [survivor] and list(other_note.topics.all()) == [survivor]
    assert Topic.objects.get(pk=child.pk).parent == survivor
    assert references_to(duplicate) == {}
    assert note.history.latest().history_user == publisher


def test_merging_a_topic_into_one_of_its_own_narrower_topics(publisher):
    top = TopicFactory(name="Immigration")
    duplicate = TopicFactory(name="Enforcement", parent=top)
    middle = TopicFactory(name="Local enforcement", parent=duplicate)
    survivor = TopicFactory(name="Enforcement (287(g))", parent=middle)

    editorial.merge(survivor=survivor, duplicate=duplicate, user=publisher)

    survivor.refresh_from_db()
    assert survivor.parent == top
    assert Topic.objects.get(pk=middle.pk).parent == survivor


def test_merging_organizations(publisher):
    survivor = OrganizationFactory(name="FAIR", kind=Organization.Kind.ADVOCACY)
    duplicate = OrganizationFactory(name="Federation for American Immigration Reform")
    event = EventFactory()
    event.hosts.add(duplicate, survivor)
    source = SourceFactory(outlet=duplicate)
    reaction = ReactionFactory(respondent_organization=duplicate)
    Affiliation.objects.create(person=PersonFactory(), organization=duplicate, role="spokesman")

    editorial.merge(survivor=survivor, duplicate=duplicate, user=publisher)

    assert list(event.hosts.all()) == [survivor]
    assert Event.objects.get(pk=event.pk).history.latest().history_user == publisher
    source.refresh_from_db()
    assert source.outlet == survivor
    assert Reaction.objects.get(pk=reaction.pk).respondent_organization == survivor
    assert survivor.affiliations.count() == 1
    assert references_to(duplicate) == {}


def test_the_merge_is_one_transaction(two_people, publisher, monkeypatch):
    survivor, duplicate = two_people["survivor"], two_people["duplicate"]
    before = {
        "speakers": sorted(Statement.objects.values_list("pk", "speaker_id", "version")),
        "affiliations": sorted(Affiliation.objects.values_list("pk", "person_id", "note")),
        "candidacies": sorted(Candidacy.objects.values_list("pk", "person_id", "incumbent")),
        "positions": sorted(Position.objects.values_list("pk", "person_id")),
        "history": Statement.history.count() + Person.history.count(),
    }

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away mid-merge")

    # Everything has been moved by the time the redirect is recorded: fail there.
    monkeypatch.setattr(editorial.merging, "record_slug_redirect", fail)
    with pytest.raises(RuntimeError):
        editorial.merge(survivor=survivor, duplicate=duplicate, user=publisher)

    after = {
        "speakers": sorted(Statement.objects.values_list("pk", "speaker_id", "version")),
        "affiliations": sorted(Affiliation.objects.values_list("pk", "person_id", "note")),
        "candidacies": sorted(Candidacy.objects.values_list("pk", "person_id", "incumbent")),
        "positions": sorted(Position.objects.values_list("pk", "person_id")),
        "history": Statement.history.count() + Person.history.count(),
    }
    assert after == before
    assert Person.objects.filter(pk=duplicate.pk).exists()
    assert not SlugRedirect.objects.exists()


def test_merges_that_are_refused(editor, publisher):
    person, topic = PersonFactory(), TopicFactory()
    with pytest.raises(editorial.PermissionRefused):
        editorial.merge(survivor=person, duplicate=PersonFactory(), user=editor)
    with pytest.raises(editorial.MergeRefused):
        editorial.merge(survivor=person, duplicate=topic, user=publisher)
    with pytest.raises(editorial.MergeRefused):
        editorial.merge(survivor=person, duplicate=person, user=publisher)
    draft = PersonFactory(state=PublicationState.DRAFT)
    with pytest.raises(editorial.MergeRefused, match="Publish"):
        editorial.merge(survivor=draft, duplicate=person, user=publisher)
    assert Person.objects.filter(pk=person.pk).exists()


def merge_refusal(case: str):
    """The records of one refused merge, and the start of the message it gets."""
    if case == "different models":
        return PersonFactory(), TopicFactory(), "Only two people, two organizations or two"
    if case == "a model that is not merged":
        return EventFactory(), EventFactory(), "Only two people, two organizations or two"
    if case == "the same record twice":
        person = PersonFactory()
        return person, Person.objects.get(pk=person.pk), "Choose two different records"
    if case.startswith("published into "):
        state = case.removeprefix("published into ")
        survivor, duplicate = PersonFactory(name="Jon Ossoff", state=state), PersonFactory()
        phrase = {"draft": "is a draft", "review": "is in review", "withdrawn": "is withdrawn"}
        start = f"Cannot merge: {duplicate.name} is published but Jon Ossoff {phrase[state]};"
        return survivor, duplicate, start
    survivor, duplicate = PersonFactory(), PersonFactory()
    gone = survivor if case == "the survivor gone" else duplicate
    Person.objects.filter(pk=gone.pk).delete()
    return survivor, duplicate, "One of the records no longer exists"


@pytest.mark.parametrize(
    "case",
    [
        "different models",
        "a model that is not merged",
        "the same record twice",
        "published into draft",
        "published into review",
        "published into withdrawn",
        "the survivor gone",
        "the duplicate gone",
    ],
)
def test_each_refused_merge_says_why_and_changes_nothing(publisher, case):
    survivor, duplicate, message = merge_refusal(case)
    there = isinstance(duplicate, Person) and Person.objects.filter(pk=duplicate.pk).exists()
    said = StatementFactory(speaker=duplicate if there else PersonFactory())
    before = {
        model._meta.label: sorted(model._base_manager.values_list("pk", flat=True))
        for model in (Person, Topic, Event, Statement, SlugRedirect)
    } | {"history": Person.history.count() + Statement.history.count()}

    with pytest.raises(editorial.MergeRefused) as refusal:
        editorial.merge(survivor=survivor, duplicate=duplicate, user=publisher)

    assert refusal.value.message.startswith(message), refusal.value.message
    after = {
        model._meta.label: sorted(model._base_manager.values_list("pk", flat=True))
        for model in (Person, Topic, Event, Statement, SlugRedirect)
    } | {"history": Person.history.count() + Statement.history.count()}
    assert after == before
    assert Statement.objects.get(pk=said.pk).speaker_id == said.speaker_id  # nothing moved


def test_the_admin_merge_action(two_people, publisher):
    client = logged_in(publisher)
    survivor, duplicate = two_people["survivor"], two_people["duplicate"]

    page = action_post(client, Person, "merge_selected", [survivor, duplicate])
    assert page.status_code == 200
    assert "admin/statements/merge_confirmation.html" in [t.name for t in page.templates]
    assert "Jon Ossof" in page.content.decode()

    response = action_post(
        client, Person, "merge_selected", [survivor, duplicate], survivor=survivor.pk, apply="1"
    )

    assert response.status_code == 302
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert Statement.objects.filter(speaker=survivor).count() == 2

    one = action_post(client, Person, "merge_selected", [survivor])
    assert one.status_code == 302 and Person.objects.filter(pk=survivor.pk).exists()


def test_editors_are_not_offered_the_merge(two_people, editor_client):
    client = editor_client
    survivor, duplicate = two_people["survivor"], two_people["duplicate"]
    changelist = client.get("/admin/statements/person/")
    assert "merge_selected" not in dict(changelist.context["action_form"].fields["action"].choices)

    action_post(
        client, Person, "merge_selected", [survivor, duplicate], survivor=survivor.pk, apply="1"
    )

    assert Person.objects.filter(pk=duplicate.pk).exists()


def test_references_to_finds_what_it_should():
    """The 'nothing dangling' check itself can fail: it sees a live reference."""
    person = PersonFactory()
    StatementFactory(speaker=person)
    assert references_to(person) == {"Statement.speaker": 1}
    assert isinstance(Statement._meta.get_field("speaker"), models.ForeignKey)


@pytest.mark.django_db
def test_merged_slugs_redirect_on_the_pages_and_the_api(client, publisher):
    survivor, duplicate = PersonFactory(slug="jon-ossoff"), PersonFactory(slug="jonathan-ossoff")
    editorial.merge(survivor=survivor, duplicate=duplicate, user=publisher)
    page = client.get("/people/jonathan-ossoff/")
    assert page.status_code == 301 and page["Location"] == "/people/jon-ossoff/"
    api = client.get("/api/v1/people/jonathan-ossoff/?x=1")
    assert api.status_code == 301 and api["Location"] == "/api/v1/people/jon-ossoff/?x=1"
    topic, old_topic = TopicFactory(slug="immigration"), TopicFactory(slug="migration")
    editorial.merge(survivor=topic, duplicate=old_topic, user=publisher)
    assert client.get("/topics/migration/")["Location"] == "/topics/immigration/"
    assert client.get("/people/nobody-at-all/").status_code == 404
