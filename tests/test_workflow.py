"""The workflow and who may do what: draft → in review → published → withdrawn.

The rights are enforced by statements/editorial.py. Every action is tried for every role
twice: through the services directly and through the admin (forms, actions, crafted
POSTs), and both must agree with the expected matrix. Run with -s to see the matrix.
"""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from statements import editorial
from statements.models import (
    CommentRequest,
    Person,
    Position,
    PublicationState,
    Reaction,
    StateChange,
    Statement,
    Topic,
)

from .factories import (
    EventFactory,
    OrganizationFactory,
    OutletFactory,
    PersonFactory,
    RaceFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)
from .support import (
    ROLES,
    action_post,
    admin_url,
    form_data,
    form_errors,
    logged_in,
    page_form_data,
    user_with_role,
)

pytestmark = pytest.mark.django_db

DRAFT, REVIEW = PublicationState.DRAFT, PublicationState.REVIEW
PUBLISHED, WITHDRAWN = PublicationState.PUBLISHED, PublicationState.WITHDRAWN

_serial = itertools.count()


# Users: the role accounts come from tests/support.py and conftest.py -----------------


def root() -> User:
    return User.objects.create_superuser(f"root{next(_serial)}", "root@example.org", "pw")


def topic(state=DRAFT, **kwargs) -> Topic:
    return TopicFactory(state=state, **kwargs)


# The actions, each done two ways; each returns True if it took effect -------------------


def refused(call) -> bool:
    """Run a service call; False if the services refused it for want of rights."""
    try:
        call()
    except editorial.PermissionRefused:
        return False
    return True


class Create:
    name = "create draft"

    def service(self, user):
        n = next(_serial)
        done = refused(
            lambda: editorial.create_record(
                record=Topic(name=f"New {n}", slug=f"new-{n}"), user=user
            )
        )
        assert Topic.objects.filter(slug=f"new-{n}").exists() == done
        return done

    def admin(self, client):
        n = next(_serial)
        page = client.get(admin_url(Topic, "add"))
        if page.status_code == 403:
            return False
        data = form_data(page.context["adminform"].form)
        assert data["form_token"]
        response = client.post(
            admin_url(Topic, "add"), data | {"name": f"New {n}", "slug": f"new-{n}"}
        )
        created = Topic.objects.filter(slug=f"new-{n}").first()
        assert created is None or created.state == DRAFT
        return created is not None and response.status_code == 302


class Edit:
    name = "edit draft"

    def service(self, user):
        record = topic()
        record.description = "Edited."
        done = refused(
            lambda: editorial.update_record(record=record, user=user, loaded_version=record.version)
        )
        record.refresh_from_db()
        assert (record.description == "Edited.") == done
        return done

    def admin(self, client):
        record = topic()
        url = admin_url(Topic, "change", record.pk)
        page = client.get(url)
        if page.status_code == 403:
            return False
        client.post(url, page_form_data(page) | {"description": "Edited."})
        record.refresh_from_db()
        return record.description == "Edited."


class Submit:
    name = "submit for review"

    def service(self, user):
        record = topic()
        done = refused(lambda: editorial.submit_for_review(record=record, user=user))
        record.refresh_from_db()
        assert (record.state == REVIEW) == done
        return done

    def admin(self, client):
        record = topic()
        action_post(client, Topic, "submit_selected", [record])
        record.refresh_from_db()
        return record.state == REVIEW


class Publish:
    name = "publish"

    def service(self, user):
        record = topic(state=REVIEW)
        done = refused(lambda: editorial.publish(record=record, user=user))
        record.refresh_from_db()
        assert (record.state == PUBLISHED) == done
        return done

    def admin(self, client):
        """Both ways a publisher publishes, and an editor might try: the state field of
        the change form (posted even where it is read-only) and the changelist action."""
        by_form, by_action = topic(state=REVIEW), topic(state=REVIEW)
        url = admin_url(Topic, "change", by_form.pk)
        page = client.get(url)
        if page.status_code == 200:
            client.post(url, page_form_data(page) | {"state": PUBLISHED})
        else:
            client.post(url, {"name": by_form.name, "slug": by_form.slug, "state": PUBLISHED})
        action_post(client, Topic, "publish_selected", [by_action])
        results = {Topic.objects.get(pk=r.pk).state == PUBLISHED for r in (by_form, by_action)}
        assert len(results) == 1, "the form and the action disagree"
        return results.pop()


class Withdraw:
    name = "withdraw"

    def service(self, user):
        record = topic(state=PUBLISHED)
        done = refused(lambda: editorial.withdraw(record=record, user=user, reason="Wrong."))
        record.refresh_from_db()
        assert (record.state == WITHDRAWN) == done
        return done

    def admin(self, client):
        record = topic(state=PUBLISHED)
        action_post(client, Topic, "withdraw_selected", [record], reason="Wrong.", apply="1")
        record.refresh_from_db()
        return record.state == WITHDRAWN


class Correct:
    name = "record correction"
    NEW = "The corrected words."

    def service(self, user):
        statement = StatementFactory()
        done = refused(
            lambda: editorial.correct(
                record=statement, user=user, changes={"text": self.NEW}, note="Misquoted."
            )
        )
        statement.refresh_from_db()
        assert (statement.text == self.NEW) == done
        assert statement.corrections.exists() == done
        return done

    def admin(self, client):
        statement = StatementFactory()
        url = admin_url(Statement, "change", statement.pk)
        page = client.get(url)
        if page.status_code == 403:
            return False
        data = page_form_data(page) | {"text": self.NEW, "correction_note": "Misquoted."}
        client.post(url, data)
        statement.refresh_from_db()
        return statement.text == self.NEW and statement.corrections.exists()


def topic_with_two_versions() -> tuple[Topic, int]:
    """A draft topic renamed once (by someone else); returns it and its first version."""
    someone = root()
    record = editorial.create_record(
        record=Topic(name="Original", slug=f"t-{next(_serial)}"), user=someone
    )
    first = record.history.earliest().history_id
    record.name = "Renamed"
    editorial.update_record(record=record, user=someone, loaded_version=record.version)
    return record, first


class Revert:
    name = "revert"

    def service(self, user):
        record, first = topic_with_two_versions()
        done = refused(
            lambda: editorial.revert(
                record=record, user=user, history_id=first, loaded_version=record.version
            )
        )
        record.refresh_from_db()
        assert (record.name == "Original") == done
        return done

    def admin(self, client):
        record, first = topic_with_two_versions()
        url = reverse("admin:statements_topic_simple_history", args=[record.pk, first])
        page = client.get(url)
        if page.status_code == 403:
            return False
        client.post(url, form_data(page.context["adminform"].form) | {"_save": "Revert"})
        record.refresh_from_db()
        return record.name == "Original"


class Merge:
    name = "merge"

    def service(self, user):
        survivor, duplicate = PersonFactory(), PersonFactory()
        done = refused(lambda: editorial.merge(survivor=survivor, duplicate=duplicate, user=user))
        assert Person.objects.filter(pk=duplicate.pk).exists() != done
        return done

    def admin(self, client):
        survivor, duplicate = PersonFactory(), PersonFactory()
        action_post(
            client, Person, "merge_selected", [survivor, duplicate], survivor=survivor.pk, apply="1"
        )
        return not Person.objects.filter(pk=duplicate.pk).exists()


ACTIONS = [Create(), Edit(), Submit(), Publish(), Withdraw(), Correct(), Revert(), Merge()]
EDITOR_MAY = {"create draft", "edit draft", "submit for review"}
EXPECTED = {("Editor", action.name): action.name in EDITOR_MAY for action in ACTIONS} | {
    (role, action.name): role in ("Publisher", "Administrator")
    for role in ("Publisher", "Administrator", "Staff, no group")
    for action in ACTIONS
}


def test_permission_matrix():
    """Every role × every action, through the services and through the admin."""
    found = {}
    for role in ROLES:
        user = user_with_role(role)
        client = logged_in(user)
        for action in ACTIONS:
            found[role, action.name] = (action.service(user), action.admin(client))

    width = max(len(action.name) for action in ACTIONS) + 2
    lines = [
        "",
        "Permission matrix (services / admin):",
        "".ljust(width) + "".join(r.ljust(17) for r in ROLES),
    ]
    for action in ACTIONS:
        cells = []
        for role in ROLES:
            service_ok, admin_ok = found[role, action.name]
            word = {True: "allowed", False: "refused"}
            cell = (
                word[service_ok]
                if service_ok == admin_ok
                else f"{word[service_ok]}/{word[admin_ok]}!"
            )
            cells.append(cell.ljust(17))
        lines.append(action.name.ljust(width) + "".join(cells))
    print("\n".join(lines))

    for key, expected in EXPECTED.items():
        assert found[key] == (expected, expected), key


def test_may_agrees_with_the_groups():
    for role in ROLES:
        user = user_with_role(role)
        for action in ACTIONS:
            assert editorial.may(user, action.name, Topic) == EXPECTED[role, action.name], (
                role,
                action.name,
            )


# Transitions ------------------------------------------------------------------------------


def test_each_step_records_who_and_when(editor, publisher):
    record = editorial.create_record(
        record=Topic(name="Border security", slug="border"), user=editor
    )
    editorial.submit_for_review(record=record, user=editor)
    editorial.return_to_draft(record=record, user=publisher, reason="Needs a description.")
    editorial.submit_for_review(record=record, user=editor)
    editorial.publish(record=record, user=publisher)
    editorial.withdraw(record=record, user=publisher, reason="Duplicate of another topic.")

    record.refresh_from_db()
    assert record.state == WITHDRAWN
    assert record.published_by == publisher and record.published_at is not None
    steps = list(
        StateChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Topic), object_id=record.pk
        ).order_by("at", "id")
    )
    assert [(s.from_state, s.to_state, s.user) for s in steps] == [
        (DRAFT, REVIEW, editor),
        (REVIEW, DRAFT, publisher),
        (DRAFT, REVIEW, editor),
        (REVIEW, PUBLISHED, publisher),
        (PUBLISHED, WITHDRAWN, publisher),
    ]
    assert steps[1].note == "Needs a description."
    assert steps[-1].note == "Duplicate of another topic."
    history = list(record.history.order_by("history_date", "history_id"))
    assert [(h.state, h.history_user) for h in history] == [
        (DRAFT, editor),
        (REVIEW, editor),
        (DRAFT, publisher),
        (REVIEW, editor),
        (PUBLISHED, publisher),
        (WITHDRAWN, publisher),
    ]
    assert history[-1].history_change_reason == "Withdrawn: Duplicate of another topic."


def test_steps_only_from_their_states(editor, publisher):
    record = topic(state=PUBLISHED)
    with pytest.raises(editorial.TransitionRefused, match="is published"):
        editorial.submit_for_review(record=record, user=editor)
    with pytest.raises(editorial.TransitionRefused, match="is a draft"):
        editorial.withdraw(record=topic(), user=publisher, reason="x")
    with pytest.raises(editorial.TransitionRefused, match="Say why"):
        editorial.withdraw(record=record, user=publisher, reason="  ")
    with pytest.raises(editorial.PermissionRefused):
        editorial.return_to_draft(record=topic(state=WITHDRAWN), user=editor)
    # An editor may take back their own submission.
    mine = topic(state=REVIEW)
    editorial.return_to_draft(record=mine, user=editor)
    assert Topic.objects.get(pk=mine.pk).state == DRAFT


def test_the_state_does_not_change_through_an_edit(publisher):
    record = topic()
    record.state = PUBLISHED
    with pytest.raises(editorial.TransitionRefused):
        editorial.update_record(record=record, user=publisher, loaded_version=record.version)
    with pytest.raises(editorial.TransitionRefused):
        editorial.create_record(record=Topic(name="x", slug="x", state=PUBLISHED), user=publisher)


def test_publishing_with_unpublished_dependencies_is_refused_with_their_names(publisher):
    speaker = PersonFactory(name="Jon Ossoff", state=DRAFT)
    source = SourceFactory(title="X", state=REVIEW)
    event = EventFactory(name="Online town hall", state=WITHDRAWN)
    statement = StatementFactory(speaker=speaker, event=event, sources=[source], state=REVIEW)

    with pytest.raises(editorial.TransitionRefused) as refusal:
        editorial.publish(record=statement, user=publisher)

    assert refusal.value.message == (
        "Cannot publish: speaker Jon Ossoff is a draft; event 'Online town hall' is withdrawn; "
        "source 'X' is in review."
    )
    assert Statement.objects.get(pk=statement.pk).state == REVIEW

    for record in (speaker, source, event):
        editorial.publish(record=record, user=publisher)
    statement.refresh_from_db()
    editorial.publish(record=statement, user=publisher)
    assert Statement.objects.get(pk=statement.pk).state == PUBLISHED


def test_a_statement_without_a_source_is_not_published(publisher):
    statement = StatementFactory(sources=[], state=REVIEW)
    with pytest.raises(editorial.TransitionRefused, match="cites no source"):
        editorial.publish(record=statement, user=publisher)


def test_a_reaction_waits_for_its_statement(publisher):
    reaction = ReactionFactory(statement=StatementFactory(state=DRAFT), state=REVIEW)
    with pytest.raises(editorial.TransitionRefused, match="statement '.*' is a draft"):
        editorial.publish(record=reaction, user=publisher)


def test_the_admin_shows_the_named_dependencies(publisher):
    client = logged_in(publisher)
    speaker = PersonFactory(name="Jon Ossoff", state=DRAFT)
    statement = StatementFactory(speaker=speaker, sources=[SourceFactory(title="X", state=REVIEW)])
    Statement.objects.filter(pk=statement.pk).update(state=REVIEW)

    response = action_post(client, Statement, "publish_selected", [statement])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("speaker Jon Ossoff is a draft; source 'X' is in review" in m for m in messages)

    url = admin_url(Statement, "change", statement.pk)
    response = client.post(url, page_form_data(client.get(url)) | {"state": PUBLISHED})
    assert response.status_code == 200
    assert "speaker Jon Ossoff is a draft" in response.content.decode()
    assert Statement.objects.get(pk=statement.pk).state == REVIEW


def test_withdrawing_from_the_change_form_needs_the_reason(publisher):
    client = logged_in(publisher)
    record = topic(state=PUBLISHED)
    url = admin_url(Topic, "change", record.pk)

    response = client.post(url, page_form_data(client.get(url)) | {"state": WITHDRAWN})
    assert response.status_code == 200
    assert "Say why" in form_errors(response)
    assert Topic.objects.get(pk=record.pk).state == PUBLISHED

    data = page_form_data(client.get(url)) | {"state": WITHDRAWN, "state_note": "A duplicate."}
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert Topic.objects.get(pk=record.pk).state == WITHDRAWN


def test_editor_saves_and_submits_for_review_with_one_button(editor):
    client = logged_in(editor)
    record = topic()
    url = admin_url(Topic, "change", record.pk)
    page = client.get(url)
    assert 'name="_submit_for_review"' in page.content.decode()

    response = client.post(
        url, page_form_data(page) | {"description": "Ready.", "_submit_for_review": "1"}
    )

    assert response.status_code == 302, form_errors(response)
    record.refresh_from_db()
    assert (record.description, record.state) == ("Ready.", REVIEW)
    assert 'name="_submit_for_review"' not in client.get(url).content.decode()


def test_editor_cannot_publish_an_inline_reaction_nor_a_crafted_review_item(editor):
    client = logged_in(editor)
    statement = StatementFactory(state=REVIEW)
    reaction = ReactionFactory(statement=statement, state=REVIEW)
    url = admin_url(Statement, "change", statement.pk)
    page = client.get(url)
    prefix = next(
        f.formset.prefix
        for f in page.context["inline_admin_formsets"]
        if f.formset.model is Reaction
    )
    data = page_form_data(page) | {"state": PUBLISHED, f"{prefix}-0-state": PUBLISHED}

    client.post(url, data)
    action_post(client, Statement, "publish_selected", [statement])
    action_post(client, Reaction, "publish_selected", [reaction])

    assert Statement.objects.get(pk=statement.pk).state == REVIEW
    assert Reaction.objects.get(pk=reaction.pk).state == REVIEW


def test_editor_cannot_change_a_published_record(editor):
    """Published means approved: an editor's change would go live without a publisher."""
    client = logged_in(editor)
    record = topic(state=PUBLISHED, description="Approved.")
    url = admin_url(Topic, "change", record.pk)

    response = client.post(url, page_form_data(client.get(url)) | {"description": "Mine."})

    assert response.status_code == 200
    assert "You may not change a published topic" in response.content.decode()
    assert Topic.objects.get(pk=record.pk).description == "Approved."


def test_editor_may_add_a_draft_reaction_to_a_published_statement_but_not_a_topic(editor):
    statement = StatementFactory()
    editorial.create_record(
        record=Reaction(
            statement=statement,
            respondent=PersonFactory(),
            stance=Reaction.Stance.AGREES,
            text="Yes.",
            source=statement.sources.get(),
        ),
        user=editor,
    )
    assert statement.reactions.get().state == DRAFT
    with pytest.raises(editorial.PermissionRefused):
        editorial.create_record(
            record=Statement.topics.through(statement=statement, topic=TopicFactory()), user=editor
        )
    with pytest.raises(editorial.PermissionRefused):
        editorial.create_record(
            record=CommentRequest(
                statement=statement,
                asked_organization=OrganizationFactory(),
                requested_by=OutletFactory(),
                subject="immigration",
                source=statement.sources.get(),
            ),
            user=editor,
        )


def steps_of(record) -> list[tuple]:
    """The StateChange rows of `record`: (from, to, user, note), oldest first."""
    return [
        (s.from_state, s.to_state, s.user, s.note)
        for s in StateChange.objects.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
        ).order_by("at", "id")
    ]


def test_withdrawing_takes_a_published_record_down_with_the_reason(publisher):
    record = topic(state=PUBLISHED)

    editorial.withdraw(record=record, user=publisher, reason="  Duplicate of another topic. ")

    record.refresh_from_db()
    assert record.state == WITHDRAWN
    assert steps_of(record) == [(PUBLISHED, WITHDRAWN, publisher, "Duplicate of another topic.")]
    assert record.history.latest().history_change_reason == (
        "Withdrawn: Duplicate of another topic."
    )


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_withdrawing_without_a_reason_is_refused_and_changes_nothing(publisher, reason):
    record = topic(state=PUBLISHED)
    versions = record.history.count()

    with pytest.raises(editorial.TransitionRefused, match="Say why") as refusal:
        editorial.withdraw(record=record, user=publisher, reason=reason)
    with pytest.raises(editorial.TransitionRefused, match="Say why"):
        editorial.transition(record=record, user=publisher, to_state=WITHDRAWN, note=reason)

    assert refusal.value.field == "state_note"  # the form shows it by the note field
    record.refresh_from_db()
    assert (record.state, record.history.count(), steps_of(record)) == (PUBLISHED, versions, [])


def test_an_editor_may_not_withdraw(editor):
    record = topic(state=PUBLISHED)
    with pytest.raises(editorial.PermissionRefused, match="A publisher can"):
        editorial.withdraw(record=record, user=editor, reason="Wrong.")
    assert Topic.objects.get(pk=record.pk).state == PUBLISHED


def test_an_editor_takes_back_a_record_from_review(editor):
    record = editorial.create_record(record=Topic(name="Policing", slug="policing"), user=editor)
    editorial.submit_for_review(record=record, user=editor)

    editorial.return_to_draft(record=record, user=editor, reason=" Not ready yet. ")

    record.refresh_from_db()
    assert record.state == DRAFT
    assert steps_of(record) == [
        (DRAFT, REVIEW, editor, ""),
        (REVIEW, DRAFT, editor, "Not ready yet."),
    ]
    assert record.history.latest().history_change_reason == "Returned to draft: Not ready yet."


def test_back_to_draft_from_withdrawn_needs_the_publish_right(editor, publisher):
    record = topic(state=PUBLISHED)
    editorial.withdraw(record=record, user=publisher, reason="Wrong.")

    with pytest.raises(editorial.PermissionRefused, match="return a withdrawn record to draft"):
        editorial.return_to_draft(record=record, user=editor)
    assert Topic.objects.get(pk=record.pk).state == WITHDRAWN

    editorial.return_to_draft(record=record, user=publisher, reason="Being rewritten.")

    record.refresh_from_db()
    assert record.state == DRAFT
    assert steps_of(record)[-1] == (WITHDRAWN, DRAFT, publisher, "Being rewritten.")


@pytest.mark.parametrize("state", [DRAFT, PUBLISHED])
def test_back_to_draft_only_from_review_or_withdrawn(publisher, state):
    record = topic(state=state)
    with pytest.raises(editorial.TransitionRefused, match=f"Cannot return to draft .* {state}"):
        editorial.return_to_draft(record=record, user=publisher)
    assert Topic.objects.get(pk=record.pk).state == state


# Deleting -------------------------------------------------------------------------------


def with_delete_right(user) -> User:
    """`user` with the right to delete topics added (no role has it without publishing)."""
    user.user_permissions.add(Permission.objects.get(codename="delete_topic"))
    return User.objects.get(pk=user.pk)  # permissions are cached on the instance


def test_editors_may_not_delete_not_even_a_draft(editor):
    record = topic()
    with pytest.raises(editorial.PermissionRefused, match="You may not delete topics"):
        editorial.delete_record(record=record, user=editor)
    assert Topic.objects.filter(pk=record.pk).exists()


def test_the_delete_right_alone_deletes_a_draft_but_not_a_published_record(editor):
    deleter = with_delete_right(editor)
    draft, published = topic(), topic(state=PUBLISHED)
    draft_pk = draft.pk

    editorial.delete_record(record=draft, user=deleter)
    with pytest.raises(editorial.PermissionRefused, match="delete a published topic"):
        editorial.delete_record(record=published, user=deleter)

    assert not Topic.objects.filter(pk=draft_pk).exists()
    assert Topic.objects.filter(pk=published.pk).exists()
    gone = Topic.history.filter(id=draft_pk).latest()
    assert (gone.history_type, gone.history_user, gone.history_change_reason) == (
        "-",
        deleter,
        "Deleted",
    )


def test_the_published_state_is_read_from_the_database_not_the_instance(editor):
    deleter = with_delete_right(editor)
    record = topic(state=PUBLISHED)
    record.state = DRAFT  # a stale or tampered instance

    with pytest.raises(editorial.PermissionRefused, match="delete a published topic"):
        editorial.delete_record(record=record, user=deleter)
    assert Topic.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("state", [DRAFT, REVIEW, PUBLISHED, WITHDRAWN])
def test_a_publisher_deletes_in_any_state(publisher, state):
    record = topic(state=state)
    pk = record.pk

    editorial.delete_record(record=record, user=publisher)

    assert not Topic.objects.filter(pk=pk).exists()
    gone = Topic.history.filter(id=pk).latest()
    assert (gone.history_type, gone.history_user) == ("-", publisher)


# Drafts stay hidden ---------------------------------------------------------------------

SECRET = "Zanzibar-unpublished"

PUBLIC_PATHS = [
    "/",
    "/statements/",
    "/statements/?q=Zanzibar",
    "/statements/feed/",
    "/statements/feed/atom/",
    "/statements/export.csv",
    "/statements/export.json",
    "/people/",
    "/topics/",
    "/events/",
    "/races/",
    "/compare/",
    "/corrections/",
    "/api/v1/statements/",
    "/api/v1/people/",
    "/api/v1/topics/",
    "/api/v1/events/",
    "/api/v1/races/",
    "/api/v1/reactions/",
    "/api/v1/organizations/",
    "/api/v1/sources/",
    "/api/v1/popolo.json",
    "/sitemap.xml",
]


def resolves(path: str) -> bool:
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


@pytest.mark.parametrize("state", [REVIEW, WITHDRAWN, DRAFT])
def test_unpublished_records_are_invisible_on_every_public_url(client, publisher, state):
    """Records in review, withdrawn or draft: no public page, feed, export or API shows
    them, nor anything that is only reachable through them."""
    topic_ok = TopicFactory(name="Immigration", slug="immigration")
    person_ok = PersonFactory(name="Jon Ossoff", slug="jon-ossoff")
    shown = StatementFactory(speaker=person_ok, topics=[topic_ok], text="A published statement.")
    hidden = {
        "person": PersonFactory(name=f"{SECRET} person", slug="hidden-person", state=state),
        "topic": TopicFactory(name=f"{SECRET} topic", slug="hidden-topic", state=state),
        "event": EventFactory(name=f"{SECRET} event", slug="hidden-event", state=state),
        "race": RaceFactory(name=f"{SECRET} race", slug="hidden-race", state=state),
    }
    hidden["statement"] = StatementFactory(
        speaker=person_ok, topics=[topic_ok], text=f"{SECRET} statement.", state=state
    )
    ReactionFactory(statement=shown, text=f"{SECRET} reaction.", state=state)
    position = Position.objects.create(
        person=person_ok,
        topic=topic_ok,
        summary=f"{SECRET} position",
        as_of=datetime.date(2020, 6, 1),
        state=state,
    )
    position.statements.add(shown)
    # A correction of a record readers cannot see is not listed either.
    corrected = StatementFactory(speaker=person_ok, text="Before.")
    editorial.correct(
        record=corrected, user=publisher, changes={"text": "After."}, note=f"{SECRET} note"
    )
    Statement.objects.filter(pk=corrected.pk).update(state=state)

    paths = [p for p in PUBLIC_PATHS if resolves(p)]
    for name in ("person", "topic", "event", "race"):
        try:
            paths.append(hidden[name].get_absolute_url())
        except NoReverseMatch:
            pass
    paths += [
        hidden["statement"].get_absolute_url(),
        corrected.get_absolute_url(),
        shown.get_absolute_url(),
        person_ok.get_absolute_url(),
        topic_ok.get_absolute_url(),
    ]
    paths += [
        f"/api/v1/statements/{hidden['statement'].pk}/",
        "/api/v1/people/hidden-person/",
        "/api/v1/topics/hidden-topic/",
        "/api/v1/events/hidden-event/",
    ]
    checked = 0
    for path in paths:
        if not resolves(path):
            continue
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        body = b"".join(response) if response.streaming else response.content
        assert SECRET.encode() not in body, path
        checked += 1
    assert client.get(hidden["statement"].get_absolute_url()).status_code == 404
    assert client.get(shown.get_absolute_url()).status_code == 200
    assert checked >= 15
    print(f"\n{state}: checked {checked} public URLs")


def test_a_publisher_adds_a_published_record_through_the_workflow(publisher):
    client = logged_in(publisher)
    page = client.get(admin_url(Topic, "add"))
    data = form_data(page.context["adminform"].form)

    response = client.post(
        admin_url(Topic, "add"), data | {"name": "Policing", "slug": "policing", "state": PUBLISHED}
    )

    assert response.status_code == 302, form_errors(response)
    record = Topic.objects.get(slug="policing")
    assert (record.state, record.published_by, record.version) == (PUBLISHED, publisher, 2)
    assert [h.history_change_reason for h in record.history.order_by("history_id")] == [
        "Created",
        "Published",
    ]
