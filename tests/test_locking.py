"""No lost updates: a save names the version it was loaded at, and is refused (with what
changed, by whom, when) if someone saved in between. A double submit creates one record."""

import pytest
from django.contrib.messages import get_messages

from statements import editorial
from statements.models import PublicationState, Reaction, Statement, StatementTopic, Topic

from .factories import ReactionFactory, StatementFactory, TopicFactory
from .support import (
    admin_url,
    form_data,
    form_errors,
    inline_prefixes,
    logged_in,
    page_form_data,
    statement_post,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT


def error_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def test_the_second_of_two_editors_is_refused_with_what_changed(editor, publisher):
    statement = StatementFactory(state=DRAFT, text="The words as first entered.", context="")
    url = admin_url(Statement, "change", statement.pk)
    first, second = logged_in(publisher), logged_in(editor)
    first_page, second_page = first.get(url), second.get(url)

    saved = first.post(url, page_form_data(first_page) | {"text": "The words, corrected."})
    assert saved.status_code == 302, form_errors(saved)
    refused = second.post(url, page_form_data(second_page) | {"context": "Asked at a town hall."})

    assert refused.status_code == 200
    [message] = error_messages(refused)
    assert message.startswith("Someone else saved this statement while you were editing: ")
    assert f"text was changed by {publisher.username} at " in message
    assert "from “The words as first entered.” to “The words, corrected.”" in message
    assert "Your changes were not saved" in message
    assert f'<a href="{url}">Open the current version</a>' in message
    page = refused.content.decode()
    assert f"text was changed by {publisher.username}" in page  # shown, in the admin's messages
    assert "errornote" in page
    # The editor's input is still on the form; nothing of it was written.
    assert refused.context["adminform"].form["context"].value() == "Asked at a town hall."
    statement.refresh_from_db()
    assert (statement.text, statement.context, statement.version) == (
        "The words, corrected.",
        "",
        2,
    )
    # Saving the re-rendered form again is refused again: reload, then change.
    again = second.post(
        url,
        form_data(refused.context["adminform"].form)
        | {key: value for key, value in page_form_data(second_page).items() if "-" in key},
    )
    assert again.status_code == 200
    assert Statement.objects.get(pk=statement.pk).context == ""


def test_the_service_refuses_a_stale_version(editor, publisher):
    mine = Topic.objects.get(pk=TopicFactory(state=DRAFT).pk)
    theirs = Topic.objects.get(pk=mine.pk)
    theirs.description = "Theirs."
    editorial.update_record(record=theirs, user=publisher, loaded_version=theirs.version)
    mine.name = "Mine"

    with pytest.raises(editorial.EditConflict) as conflict:
        editorial.update_record(record=mine, user=editor, loaded_version=mine.version)

    [change] = conflict.value.changes
    assert (change.field, change.before, change.after, change.by) == (
        "description",
        "(empty)",
        "“Theirs.”",
        publisher.username,
    )
    fresh = Topic.objects.get(pk=mine.pk)
    assert (fresh.name, fresh.description, fresh.version) == (theirs.name, "Theirs.", 2)


def test_a_version_raised_behind_the_services_back_is_caught(editor):
    record = TopicFactory(state=DRAFT)
    Topic.objects.filter(pk=record.pk).update(version=7)
    record.name = "Renamed"
    with pytest.raises(editorial.EditConflict, match="Someone else saved this topic"):
        editorial.update_record(record=record, user=editor, loaded_version=1)


def test_a_crafted_post_without_the_version_is_refused(editor):
    client = logged_in(editor)
    record = TopicFactory(state=DRAFT, name="Immigration")
    url = admin_url(Topic, "change", record.pk)
    data = page_form_data(client.get(url))
    del data["loaded_version"]

    response = client.post(url, data | {"name": "Migration"})

    assert response.status_code == 200
    assert "did not say which version" in " ".join(error_messages(response))
    assert Topic.objects.get(pk=record.pk).name == "Immigration"


def test_inline_changes_cannot_cross_either(editor, publisher):
    """Two editors change only inline rows of one statement: the second is refused."""
    statement = StatementFactory(state=DRAFT)
    reaction = ReactionFactory(statement=statement, state=DRAFT, text="First text.")
    url = admin_url(Statement, "change", statement.pk)
    first, second = logged_in(publisher), logged_in(editor)
    first_page, second_page = first.get(url), second.get(url)
    reactions = inline_prefixes(first_page)[Reaction]
    topics = inline_prefixes(second_page)[StatementTopic]

    saved = first.post(url, page_form_data(first_page) | {f"{reactions}-0-text": "Better text."})
    assert saved.status_code == 302, form_errors(saved)
    refused = second.post(
        url, page_form_data(second_page) | {f"{topics}-0-topic": str(TopicFactory().pk)}
    )

    assert refused.status_code == 200
    assert "Someone else saved this statement" in " ".join(error_messages(refused))
    assert not statement.topics.exists()
    assert Reaction.objects.get(pk=reaction.pk).text == "Better text."


def test_saving_an_unchanged_stale_form_overwrites_nothing(editor, publisher):
    record = TopicFactory(state=DRAFT, description="Old.")
    url = admin_url(Topic, "change", record.pk)
    stale = logged_in(editor)
    stale_page = stale.get(url)
    theirs = Topic.objects.get(pk=record.pk)
    theirs.description = "New."
    editorial.update_record(record=theirs, user=publisher, loaded_version=theirs.version)

    response = stale.post(url, page_form_data(stale_page))

    assert response.status_code == 200  # its 'Old.' would undo 'New.': refused
    assert Topic.objects.get(pk=record.pk).description == "New."


def test_a_double_submitted_add_form_creates_one_record(editor):
    client = logged_in(editor)
    page = client.get(admin_url(Topic, "add"))
    data = form_data(page.context["adminform"].form) | {"name": "Border security", "slug": "border"}
    assert data["form_token"]

    first = client.post(admin_url(Topic, "add"), data)
    second = client.post(admin_url(Topic, "add"), data)

    assert first.status_code == 302, form_errors(first)
    created = Topic.objects.get()
    assert second.status_code == 302
    assert second.url == admin_url(Topic, "change", created.pk)
    assert "already submitted" in " ".join(str(m) for m in get_messages(second.wsgi_request))
    # A new add page is a new form: it may create another record.
    again = form_data(client.get(admin_url(Topic, "add")).context["adminform"].form)
    assert again["form_token"] != data["form_token"]


def test_a_double_submitted_statement_form_creates_one_statement_with_its_inlines(editor):
    from .factories import (
        EventFactory,
        OrganizationFactory,
        OutletFactory,
        PartyFactory,
        PersonFactory,
        SourceFactory,
    )

    outlet = OutletFactory()
    article = {
        "speaker": PersonFactory(),
        "party": PartyFactory(),
        "event": EventFactory(),
        "outlet": outlet,
        "sources": [SourceFactory(outlet=outlet)],
        "topics": [TopicFactory()],
        "patel": PersonFactory(),
        "students": OrganizationFactory(),
        "mehlman": PersonFactory(),
        "fair": OrganizationFactory(),
        "campaign": OrganizationFactory(),
    }
    client = logged_in(editor)
    page = client.get(admin_url(Statement, "add"))
    data = statement_post(page, article) | {
        "form_token": page.context["adminform"].form["form_token"].value()
    }

    responses = [client.post(admin_url(Statement, "add"), data) for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 302], form_errors(responses[0])
    statement = Statement.objects.get()
    assert statement.reactions.count() == 2
    assert statement.comment_requests.count() == 1


def test_the_service_refuses_a_second_use_of_a_form_token(editor):
    import uuid

    token = uuid.uuid4()
    first = editorial.create_record(record=Topic(name="A", slug="a"), user=editor, token=token)

    with pytest.raises(editorial.DuplicateSubmission) as duplicate:
        editorial.create_record(record=Topic(name="A", slug="a-2"), user=editor, token=token)

    assert duplicate.value.record == first
    assert list(Topic.objects.values_list("slug", flat=True)) == ["a"]
    assert editorial.submitted_record(token=token, user=editor, model=Topic) == first
    assert editorial.submitted_record(token="not-a-token", user=editor, model=Topic) is None
