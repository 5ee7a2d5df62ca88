"""History: every version of every editorial record, who made it and when; a readable diff
in the admin; revert by publishers only, itself recorded as a new version."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from statements import editorial
from statements.models import (
    Affiliation,
    BackgroundNote,
    Candidacy,
    CommentRequest,
    Election,
    Event,
    Organization,
    Person,
    Position,
    PublicationState,
    Race,
    Reaction,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)

from .factories import PersonFactory, StatementFactory, TopicFactory
from .support import (
    MAKERS,
    REGISTERED,
    admin_url,
    form_data,
    form_errors,
    logged_in,
    page_form_data,
)

pytestmark = pytest.mark.django_db

EDITORIAL_MODELS = [
    Person,
    Organization,
    Affiliation,
    Election,
    Race,
    Candidacy,
    Event,
    Source,
    Topic,
    Statement,
    StatementTopic,
    StatementSource,
    Reaction,
    CommentRequest,
    Position,
    BackgroundNote,
]


@pytest.mark.parametrize("model", EDITORIAL_MODELS, ids=lambda m: m.__name__)
def test_every_editorial_model_keeps_its_history(model):
    history = model.history.model
    assert history._meta.app_label == "statements_history"
    fields = {field.name for field in history._meta.get_fields()}
    assert {"history_user", "history_date", "history_change_reason", "history_type"} <= fields


def test_every_change_is_recorded_with_who_made_it(editor, publisher):
    record = editorial.create_record(
        record=Person(name="Jon Osoff", sort_name="Osoff, Jon", slug="jon-ossoff"), user=editor
    )
    record.name = "Jon Ossoff"
    editorial.update_record(record=record, user=editor, loaded_version=record.version)
    record.sort_name = "Ossoff, Jon"
    editorial.update_record(record=record, user=editor, loaded_version=record.version)
    editorial.submit_for_review(record=record, user=editor)
    editorial.publish(record=record, user=publisher)

    versions = list(record.history.order_by("history_date", "history_id"))
    assert [(v.history_type, v.history_user, v.version) for v in versions] == [
        ("+", editor, 1),
        ("~", editor, 2),
        ("~", editor, 3),
        ("~", editor, 4),
        ("~", publisher, 5),
    ]
    assert [v.name for v in versions] == ["Jon Osoff"] + ["Jon Ossoff"] * 4
    assert versions[1].history_change_reason == "Changed name"
    assert versions[-1].history_change_reason == "Published"
    delta = versions[1].diff_against(versions[0])
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name", "Jon Osoff", "Jon Ossoff")]


def test_admin_edits_and_many_to_many_changes_are_recorded(publisher):
    client = logged_in(publisher)
    record = editorial.create_record(
        record=Event(name="Town hall", slug="town-hall", date="2020-05-30"), user=publisher
    )
    host = Organization.objects.create(name="College Democrats", slug="cdg")
    url = admin_url(Event, "change", record.pk)

    response = client.post(
        url, page_form_data(client.get(url)) | {"location": "Online", "hosts": [str(host.pk)]}
    )

    assert response.status_code == 302, form_errors(response)
    latest = record.history.latest()
    assert latest.history_user == publisher
    assert latest.location == "Online"
    assert [row.organization_id for row in latest.hosts.all()] == [host.pk]


def test_the_history_page_shows_a_readable_diff(editor, publisher):
    statement = StatementFactory(state=PublicationState.DRAFT, text="First words.")
    statement.text = "Second words."
    editorial.update_record(record=statement, user=editor, loaded_version=statement.version)
    editorial.submit_for_review(record=statement, user=editor)
    editorial.publish(record=statement, user=publisher)

    response = logged_in(editor).get(admin_url(Statement, "history", statement.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>Text:</strong>" in page
    assert "First words." in page and "Second words." in page
    assert "<strong>State:</strong>" in page
    assert "In review" in page and "Published" in page  # labels, not 'review'
    assert "Changed by" in page and editor.username in page and publisher.username in page


def test_a_publisher_reverts_and_the_revert_is_recorded(publisher):
    client = logged_in(publisher)
    record = TopicFactory(name="Immigration", description="Original description.")
    first = record.history.earliest()
    record.description = "Vandalised."
    editorial.update_record(record=record, user=publisher, loaded_version=record.version)
    url = reverse("admin:statements_topic_simple_history", args=[record.pk, first.history_id])

    page = client.get(url)
    assert page.status_code == 200
    assert 'value="Revert"' in page.content.decode()
    response = client.post(url, form_data(page.context["adminform"].form) | {"_save": "Revert"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    record.refresh_from_db()
    assert record.description == "Original description."
    assert record.state == PublicationState.PUBLISHED
    newest = record.history.latest()
    assert newest.history_user == publisher
    assert newest.history_change_reason.startswith("Reverted to the version of")
    assert newest.description == "Original description."
    assert record.history.count() == 3  # created, vandalised, reverted: nothing rewritten
    assert LogEntry.objects.filter(user=publisher, object_id=str(record.pk)).exists()


def test_reverting_a_published_statement_is_a_correction(publisher):
    client = logged_in(publisher)
    statement = StatementFactory(text="The right words.")
    first = statement.history.earliest()
    editorial.correct(
        record=statement, user=publisher, changes={"text": "Wrong words."}, note="Misread."
    )
    url = reverse(
        "admin:statements_statement_simple_history", args=[statement.pk, first.history_id]
    )
    data = form_data(client.get(url).context["adminform"].form) | {"_save": "Revert"}

    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "correction note" in str(refused.context["adminform"].form.errors)
    assert Statement.objects.get(pk=statement.pk).text == "Wrong words."

    done = client.post(url, data | {"correction_note": "Restored the source's wording."})
    assert done.status_code == 302, done.context["adminform"].form.errors
    statement.refresh_from_db()
    assert statement.text == "The right words."
    assert statement.corrections.count() == 2


def test_an_editor_sees_history_but_cannot_revert(editor):
    client = logged_in(editor)
    record = TopicFactory(state=PublicationState.DRAFT, description="Original.")
    first = record.history.earliest()
    record.description = "Changed."
    editorial.update_record(record=record, user=editor, loaded_version=record.version)
    url = reverse("admin:statements_topic_simple_history", args=[record.pk, first.history_id])

    page = client.get(url)
    assert page.status_code == 200
    assert 'value="Revert"' not in page.content.decode()
    response = client.post(url, form_data(page.context["adminform"].form) | {"_save": "Revert"})

    assert response.status_code == 403
    assert Topic.objects.get(pk=record.pk).description == "Changed."
    with pytest.raises(editorial.PermissionRefused):
        editorial.revert(
            record=record, user=editor, history_id=first.history_id, loaded_version=record.version
        )


def test_revert_leaves_the_state_alone_and_checks_the_version(publisher):
    record = PersonFactory(name="Old name", state=PublicationState.DRAFT)
    first = record.history.earliest()
    record.name = "New name"
    editorial.update_record(record=record, user=publisher, loaded_version=record.version)
    editorial.publish(record=record, user=publisher)

    with pytest.raises(editorial.EditConflict):
        editorial.revert(
            record=record, user=publisher, history_id=first.history_id, loaded_version=1
        )
    editorial.revert(
        record=record, user=publisher, history_id=first.history_id, loaded_version=record.version
    )

    record.refresh_from_db()
    assert (record.name, record.state) == ("Old name", PublicationState.PUBLISHED)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.model_name)
def test_history_and_version_pages_render_for_every_model(editor, model):
    obj = MAKERS[model]()
    client = logged_in(editor)

    history = client.get(admin_url(model, "history", obj.pk))
    assert history.status_code == 200
    version = obj.history.latest()
    page = client.get(
        reverse(
            f"admin:statements_{model._meta.model_name}_simple_history",
            args=[obj.pk, version.history_id],
        )
    )
    assert page.status_code == 200
    assert 'value="Revert"' not in page.content.decode()
