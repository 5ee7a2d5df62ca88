"""Publishing means publishing: a record readers see points only at published records,
publishing can bring what it needs along, and withdrawing names what still shows it."""

import pytest
from django.urls import reverse

from statements import editorial
from statements.models import (
    Organization,
    PublicationState,
    Source,
    Statement,
    StatementTopic,
)

from .factories import (
    EventFactory,
    OutletFactory,
    PartyFactory,
    PersonFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT
REVIEW = PublicationState.REVIEW
PUBLISHED = PublicationState.PUBLISHED
WITHDRAWN = PublicationState.WITHDRAWN


@pytest.mark.parametrize("state", [DRAFT, REVIEW, WITHDRAWN])
def test_a_published_statement_cannot_be_given_an_unpublished_party(publisher, state):
    party = PartyFactory(name="Draft Party", state=state)
    statement = StatementFactory()
    statement.speaker_party = party
    with pytest.raises(editorial.UnpublishedDependency) as refusal:
        editorial.update_record(record=statement, user=publisher, loaded_version=statement.version)
    assert refusal.value.field == "speaker_party"
    assert "Draft Party" in refusal.value.message
    assert Statement.objects.get(pk=statement.pk).speaker_party_id is None


def test_a_published_statement_cannot_be_filed_under_a_draft_topic(publisher):
    statement = StatementFactory()
    draft_topic = TopicFactory(name="Secret topic", state=DRAFT)
    with pytest.raises(editorial.UnpublishedDependency, match="Secret topic"):
        editorial.create_record(
            record=StatementTopic(statement=statement, topic=draft_topic), user=publisher
        )
    assert not StatementTopic.objects.filter(statement=statement).exists()


def test_a_published_source_cannot_point_at_a_draft_outlet(publisher):
    source = SourceFactory()
    source.outlet = OutletFactory(name="Unvetted Outlet", state=DRAFT)
    with pytest.raises(editorial.UnpublishedDependency, match="Unvetted Outlet"):
        editorial.update_record(record=source, user=publisher, loaded_version=source.version)


def test_a_draft_may_point_at_drafts(editor):
    statement = StatementFactory(state=DRAFT)
    statement.speaker_party = PartyFactory(state=DRAFT)
    changed = editorial.update_record(
        record=statement, user=editor, loaded_version=statement.version
    )
    assert changed == ["speaker_party"]


def test_publishing_with_what_it_needs_publishes_everything_in_one_go(publisher):
    outlet = OutletFactory(state=DRAFT)
    source = SourceFactory(outlet=outlet, state=DRAFT)
    speaker = PersonFactory(state=REVIEW)
    event = EventFactory(state=DRAFT)
    topic = TopicFactory(state=DRAFT)
    statement = StatementFactory(
        speaker=speaker, event=event, sources=[source], topics=[topic], state=REVIEW
    )

    with pytest.raises(editorial.TransitionRefused, match="Cannot publish"):
        editorial.publish(record=statement, user=publisher)

    editorial.publish(record=statement, user=publisher, with_dependencies=True)
    for record in (outlet, source, speaker, event, topic, statement):
        record.refresh_from_db()
        assert record.state == PUBLISHED, record


def test_publishing_with_what_it_needs_is_all_or_nothing(publisher):
    # The statement cites no source, so it cannot be published: neither is its speaker.
    speaker = PersonFactory(state=DRAFT)
    statement = StatementFactory(speaker=speaker, sources=[], state=REVIEW)
    with pytest.raises(editorial.TransitionRefused, match="cites no source"):
        editorial.publish(record=statement, user=publisher, with_dependencies=True)
    speaker.refresh_from_db()
    assert speaker.state == DRAFT


def test_withdrawing_what_published_records_show_is_refused_with_their_names(publisher):
    outlet = OutletFactory(name="The Daily")
    source = SourceFactory(outlet=outlet, title="The report")
    StatementFactory(sources=[source])

    with pytest.raises(editorial.TransitionRefused) as refusal:
        editorial.withdraw(record=outlet, user=publisher, reason="Not an outlet")
    assert "source 'The report'" in refusal.value.message
    assert Organization.objects.get(pk=outlet.pk).state == PUBLISHED


def test_withdrawing_with_what_shows_it_withdraws_them_too(publisher):
    outlet = OutletFactory()
    source = SourceFactory(outlet=outlet)
    statement = StatementFactory(sources=[source])
    reaction = ReactionFactory(statement=statement, source=SourceFactory())

    editorial.withdraw(record=outlet, user=publisher, reason="Duplicate", with_dependents=True)

    for record in (outlet, source, statement, reaction):
        record.refresh_from_db()
        assert record.state == WITHDRAWN, record


def test_an_editor_may_not_rename_what_readers_see_and_a_publisher_may(editor, publisher, client):
    outlet = OutletFactory(name="Old Name")
    statement = StatementFactory(sources=[SourceFactory(outlet=outlet)])

    outlet.name = "New Name"
    with pytest.raises(editorial.PermissionRefused):
        editorial.update_record(record=outlet, user=editor, loaded_version=outlet.version)
    assert "Old Name" in client.get(statement.get_absolute_url()).content.decode()

    outlet = Organization.objects.get(pk=outlet.pk)
    outlet.name = "New Name"
    editorial.update_record(record=outlet, user=publisher, loaded_version=outlet.version)
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "New Name" in page and "Old Name" not in page


@pytest.mark.parametrize("state", [DRAFT, REVIEW, WITHDRAWN])
def test_a_source_whose_outlet_is_unpublished_is_shown_nowhere(client, state):
    outlet = OutletFactory(name="Hidden Outlet Name")
    source = SourceFactory(outlet=outlet, title="Hidden Report Title")
    statement = StatementFactory(sources=[source, SourceFactory()])
    # Data from before the rule (or written past the services): readers still never see it.
    Organization.objects.filter(pk=outlet.pk).update(state=state)
    slug = statement.speaker.slug
    pages = [
        "/",
        "/statements/",
        statement.get_absolute_url(),
        f"/people/{slug}/",
        f"/events/{statement.event.slug}/",
        "/statements/feed/",
        "/statements/feed/atom/",
        f"/people/{slug}/feed/",
        "/statements/export.csv",
        "/statements/export.json",
        f"/api/v1/statements/{statement.pk}/",
        "/api/v1/sources/",
        "/api/v1/popolo.json",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        assert "Hidden Outlet Name" not in text, path
        assert "Hidden Report Title" not in text, path
    assert not Source.objects.published().filter(pk=source.pk).exists()


def changelist(model) -> str:
    return reverse(f"admin:statements_{model._meta.model_name}_changelist")


def test_the_desk_publishes_a_statement_with_what_it_needs(client, publisher):
    speaker = PersonFactory(state=DRAFT)
    source = SourceFactory(outlet=OutletFactory(state=DRAFT), state=DRAFT)
    statement = StatementFactory(speaker=speaker, sources=[source], state=REVIEW)
    client.force_login(publisher)
    response = client.post(
        changelist(Statement),
        {"action": "publish_with_dependencies_selected", "_selected_action": [statement.pk]},
        follow=True,
    )
    assert "Published 1 record(s) with what they need." in response.content.decode()
    for record in (speaker, source, source.outlet, statement):
        record.refresh_from_db()
        assert record.state == PUBLISHED


def test_the_desk_withdraws_only_with_what_shows_it_when_asked(client, publisher):
    outlet = OutletFactory(name="The Daily")
    source = SourceFactory(outlet=outlet, title="The report")
    StatementFactory(sources=[source])
    client.force_login(publisher)
    url = changelist(Organization)
    asked = client.post(url, {"action": "withdraw_selected", "_selected_action": [outlet.pk]})
    page = asked.content.decode()
    assert "Published records that still show it" in page and "The report" in page

    refused = client.post(
        url,
        {
            "action": "withdraw_selected",
            "_selected_action": [outlet.pk],
            "apply": "1",
            "reason": "Not an outlet",
        },
        follow=True,
    )
    assert "published records still show it" in refused.content.decode()
    assert Organization.objects.get(pk=outlet.pk).state == PUBLISHED

    client.post(
        url,
        {
            "action": "withdraw_selected",
            "_selected_action": [outlet.pk],
            "apply": "1",
            "reason": "Not an outlet",
            "with_dependents": "1",
        },
    )
    assert Organization.objects.get(pk=outlet.pk).state == WITHDRAWN
    assert Source.objects.get(pk=source.pk).state == WITHDRAWN
