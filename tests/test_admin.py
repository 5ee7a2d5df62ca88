"""The editors' desk: every admin page renders, an article goes in from one form, only
publishers publish, and changelists cost the same at 3 rows as at 30."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.widgets import AutocompleteMixin
from django.contrib.auth.models import User
from django.db import connection
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from statements.admin import PublicationAdminMixin
from statements.models import (
    Candidacy,
    CommentRequest,
    EditorialModel,
    Organization,
    PublicationState,
    Race,
    Reaction,
    Source,
    StateChange,
    Statement,
    Topic,
)

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
from .support import (
    MAKERS,
    QUOTE,
    REGISTERED,
    admin_url,
    form_errors,
    inline_prefixes,
    logged_in,
    make_position,
    make_race,
    make_statement,
    make_topic,
    page_form_data,
    statement_post,
)

pytestmark = pytest.mark.django_db

DRAFT, PUBLISHED = PublicationState.DRAFT, PublicationState.PUBLISHED

EDITORIAL = [model for model in REGISTERED if issubclass(model, EditorialModel)]


def model_id(model):
    return model._meta.model_name


# Users (editor, publisher and their clients come from conftest.py) --------------------


@pytest.fixture
def superuser():
    return User.objects.create_superuser("root", "root@example.org", "pw")


@pytest.fixture(params=["superuser", "editor"])
def staff_client(request):
    return logged_in(request.getfixturevalue(request.param))


# 1. Every page renders for a superuser and an editor ----------------------------------


def test_every_statements_model_is_registered_and_has_a_maker():
    assert set(REGISTERED) == set(MAKERS), "register the model; add a maker to support.MAKERS"
    for model in EDITORIAL:
        assert isinstance(admin.site._registry[model], PublicationAdminMixin), model


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_changelist_search_add_and_change_pages_render(staff_client, model):
    obj = MAKERS[model]()

    changelist = staff_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == model.objects.count() >= 1

    search = staff_client.get(admin_url(model, "changelist"), {"q": "x"})
    assert search.status_code == 200

    assert staff_client.get(admin_url(model, "add")).status_code == 200

    change = staff_client.get(admin_url(model, "change", obj.pk))
    assert change.status_code == 200
    assert change.context["original"] == obj


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_saving_an_unchanged_change_page_keeps_the_record(staff_client, model):
    obj = MAKERS[model]()
    state = getattr(obj, "state", None)
    url = admin_url(model, "change", obj.pk)

    response = staff_client.post(url, page_form_data(staff_client.get(url)))

    assert response.status_code == 302, form_errors(response)
    obj.refresh_from_db()
    assert getattr(obj, "state", None) == state


def test_changelists_count_related_rows(editor_client):
    topic = TopicFactory()
    statement = StatementFactory(topics=[topic])
    ReactionFactory.create_batch(2, statement=statement)
    StatementFactory(speaker=statement.speaker, topics=[topic])
    race = make_race()
    Candidacy.objects.create(person=PersonFactory(), race=race)
    Candidacy.objects.create(person=statement.speaker, race=race)
    position = make_position()
    position.statements.add(statement)
    expected = [
        (statement, "reaction_count", 2),
        (statement.speaker, "statement_count", 2),
        (topic, "statement_count", 2),
        (race, "candidate_count", 2),
        (race.election, "race_count", 1),
        (position, "statement_count", 2),
    ]

    for obj, attribute, count in expected:
        response = editor_client.get(admin_url(type(obj), "changelist"))
        listed = {row.pk: row for row in response.context["cl"].result_list}
        assert getattr(listed[obj.pk], attribute) == count, (type(obj), attribute)


def test_search_finds_records_by_their_words(editor_client):
    statement = make_statement()
    statement.text = "Bonds of trust between local law enforcement and communities."
    statement.save()
    StatementFactory(text="Something else entirely.")

    response = editor_client.get(admin_url(Statement, "changelist"), {"q": "bonds of trust"})

    assert list(response.context["cl"].result_list) == [statement]


def test_topic_changelist_shows_each_topic_in_its_tree(editor_client):
    immigration = TopicFactory(name="Immigration")
    program = TopicFactory(name="287(g) program", parent=immigration)
    deepest = make_topic()
    chain = [deepest.parent.parent.parent, deepest.parent.parent, deepest.parent, deepest]

    response = editor_client.get(admin_url(Topic, "changelist"))

    content = response.content.decode()
    assert f"{immigration.name} › {program.name}" in content
    assert "… › " + " › ".join(topic.name for topic in chain) in content


def test_topic_autocomplete_finds_broader_and_narrower_topics(editor_client):
    immigration = TopicFactory(name="Immigration")
    program = TopicFactory(name="287(g) program", parent=immigration)
    TopicFactory(name="Public safety")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "statements",
            "model_name": "statementtopic",
            "field_name": "topic",
            "term": "immigration",
        },
    )

    assert response.status_code == 200
    found = [result["id"] for result in response.json()["results"]]
    assert found == [str(program.pk), str(immigration.pk)]  # in name order


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_related_records_are_picked_by_autocomplete(superuser, model):
    response = logged_in(superuser).get(admin_url(model, "add"))

    forms_on_page = [response.context["adminform"].form] + [
        inline.formset.empty_form for inline in response.context["inline_admin_formsets"]
    ]
    for form in forms_on_page:
        for name, field in form.fields.items():
            if isinstance(field, ModelChoiceField) and not field.widget.is_hidden:
                widget = getattr(field.widget, "widget", field.widget)
                assert isinstance(widget, AutocompleteMixin), f"{form.prefix or ''} {name}"


def test_statement_form_offers_add_another_for_people_events_topics_and_sources(
    editor_client,
):
    response = editor_client.get(admin_url(Statement, "add"))

    prefixes = inline_prefixes(response)
    content = response.content.decode()
    for widget_id in [
        "id_speaker",
        "id_speaker_party",
        "id_event",
        f"id_{prefixes[Statement.topics.through]}-0-topic",
        f"id_{prefixes[Statement.sources.through]}-0-source",
        f"id_{prefixes[Reaction]}-__prefix__-respondent",
    ]:
        assert f'id="add_{widget_id}"' in content, widget_id


# 2. A whole article from the statement form -------------------------------------------


@pytest.fixture
def article():
    """The people, event, topics and sources of one article, as if already entered."""
    outlet = OutletFactory(name="Washington Free Beacon")
    return {
        "speaker": PersonFactory(name="Jon Ossoff"),
        "party": PartyFactory(name="Democratic Party"),
        "event": EventFactory(name="Online town hall with the College Democrats of Georgia"),
        "outlet": outlet,
        "sources": [SourceFactory(outlet=outlet), SourceFactory()],
        "topics": [TopicFactory(), TopicFactory(), TopicFactory()],
        "patel": PersonFactory(name="Bhavin Patel"),
        "students": OrganizationFactory(name="College Democrats of Georgia"),
        "mehlman": PersonFactory(name="Ira Mehlman"),
        "fair": OrganizationFactory(name="Federation for American Immigration Reform"),
        "campaign": OrganizationFactory(name="Ossoff campaign", kind=Organization.Kind.CAMPAIGN),
    }


# A statement's race (its candidacy) ---------------------------------------------------


def test_a_new_statement_left_without_a_race_gets_the_suggested_one(editor_client, article):
    speaker = article["speaker"]
    primary = Candidacy.objects.create(
        person=speaker, race=RaceFactory(date=datetime.date(2020, 6, 9))
    )
    Candidacy.objects.create(
        person=speaker, race=RaceFactory(stage="general", date=datetime.date(2020, 11, 3))
    )
    add_page = editor_client.get(admin_url(Statement, "add"))
    assert "candidacy" in add_page.context["adminform"].form.fields

    response = editor_client.post(admin_url(Statement, "add"), statement_post(add_page, article))

    assert response.status_code == 302, form_errors(response)
    assert Statement.objects.get().candidacy == primary  # said May 30: the June 9 primary


def test_a_race_chosen_for_a_new_statement_is_kept(editor_client, article):
    Candidacy.objects.create(person=article["speaker"], race=RaceFactory())
    general = Candidacy.objects.create(
        person=article["speaker"], race=RaceFactory(date=datetime.date(2020, 11, 3))
    )
    add_page = editor_client.get(admin_url(Statement, "add"))
    data = {**statement_post(add_page, article), "candidacy": general.pk}

    response = editor_client.post(admin_url(Statement, "add"), data)

    assert response.status_code == 302, form_errors(response)
    assert Statement.objects.get().candidacy == general


def test_a_race_the_speaker_did_not_run_in_is_refused(editor_client, article):
    someone_elses = Candidacy.objects.create(person=PersonFactory(), race=RaceFactory())
    add_page = editor_client.get(admin_url(Statement, "add"))
    data = {**statement_post(add_page, article), "candidacy": someone_elses.pk}

    response = editor_client.post(admin_url(Statement, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["candidacy"] == [
        "Choose a race the speaker was a candidate in."
    ]
    assert not Statement.objects.exists()


def test_a_publisher_may_clear_a_published_statements_race(publisher_client):
    statement = make_statement()
    candidacy = Candidacy.objects.create(person=statement.speaker, race=RaceFactory())
    Statement.objects.filter(pk=statement.pk).update(
        candidacy=candidacy, said_on=datetime.date(2020, 5, 30)
    )
    url = admin_url(Statement, "change", statement.pk)
    data = page_form_data(publisher_client.get(url))
    assert data["candidacy"] == str(candidacy.pk)

    # The race is not the words, attribution, date or kind: no correction note needed.
    response = publisher_client.post(url, {**data, "candidacy": ""})

    assert response.status_code == 302, form_errors(response)
    # Not suggested again: on a statement that exists, empty is the editor's choice.
    assert Statement.objects.get(pk=statement.pk).candidacy is None


def test_editor_enters_a_whole_article_from_the_statement_form(editor_client, article):
    add_page = editor_client.get(admin_url(Statement, "add"))

    response = editor_client.post(admin_url(Statement, "add"), statement_post(add_page, article))

    assert response.status_code == 302, form_errors(response)
    statement = Statement.objects.get()
    assert statement.text == QUOTE
    assert statement.speaker == article["speaker"]
    assert statement.speaker_name == "Jon Ossoff"
    assert statement.speaker_party == article["party"]
    assert statement.event == article["event"]
    assert statement.said_on == datetime.date(2020, 5, 30)
    assert statement.date_inferred
    assert set(statement.sources.all()) == set(article["sources"])
    assert set(statement.topics.all()) == set(article["topics"])
    reactions = {reaction.respondent.name: reaction for reaction in statement.reactions.all()}
    assert set(reactions) == {"Bhavin Patel", "Ira Mehlman"}
    assert reactions["Bhavin Patel"].stance == Reaction.Stance.AGREES
    assert reactions["Bhavin Patel"].interpretation == "an endorsement of sanctuary cities"
    assert reactions["Bhavin Patel"].respondent_organization == article["students"]
    assert reactions["Ira Mehlman"].stance == Reaction.Stance.DISAGREES
    assert reactions["Ira Mehlman"].respondent_role == "spokesman"
    silence = statement.comment_requests.get()
    assert silence.asked == article["campaign"]
    assert silence.outcome == CommentRequest.Outcome.NO_RESPONSE
    assert silence.repeated
    assert statement.state == DRAFT
    assert {reaction.state for reaction in reactions.values()} == {DRAFT}


def test_a_statement_needs_at_least_one_source(editor_client, article):
    add_page = editor_client.get(admin_url(Statement, "add"))
    data = statement_post(add_page, article)
    prefix = inline_prefixes(add_page)[Statement.sources.through]
    data[f"{prefix}-TOTAL_FORMS"] = "0"

    response = editor_client.post(admin_url(Statement, "add"), data)

    assert response.status_code == 200
    assert "every statement cites at least one" in form_errors(response)
    assert "Please submit" not in response.content.decode()
    assert not Statement.objects.exists()


def test_deleting_the_last_source_of_a_statement_is_refused(publisher_client):
    statement = StatementFactory()
    url = admin_url(Statement, "change", statement.pk)
    page = publisher_client.get(url)
    prefix = inline_prefixes(page)[Statement.sources.through]
    data = page_form_data(page) | {f"{prefix}-0-DELETE": "on"}

    response = publisher_client.post(url, data)

    assert response.status_code == 200
    assert "every statement cites at least one" in form_errors(response)
    assert "Please submit" not in response.content.decode()
    assert statement.sources.count() == 1


def test_changing_the_speaker_updates_the_speaker_name(editor_client):
    statement = StatementFactory(state=DRAFT)
    other = PersonFactory(name="Teresa Tomlinson")
    url = admin_url(Statement, "change", statement.pk)
    data = page_form_data(editor_client.get(url)) | {"speaker": str(other.pk)}

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    statement.refresh_from_db()
    assert (statement.speaker, statement.speaker_name) == (other, "Teresa Tomlinson")


# 3. Only publishers publish ------------------------------------------------------------


def test_editor_sees_state_read_only_and_publisher_can_edit_it(editor_client, publisher_client):
    statement = StatementFactory(state=DRAFT)
    url = admin_url(Statement, "change", statement.pk)

    assert "state" not in editor_client.get(url).context["adminform"].form.fields
    assert "state" in publisher_client.get(url).context["adminform"].form.fields


def test_editor_cannot_publish_by_posting_state_on_add(editor_client, article):
    add_page = editor_client.get(admin_url(Statement, "add"))

    response = editor_client.post(
        admin_url(Statement, "add"), statement_post(add_page, article, state=PUBLISHED)
    )

    assert response.status_code == 302, form_errors(response)
    statement = Statement.objects.get()
    assert statement.state == DRAFT
    assert statement.published_at is None
    assert set(statement.reactions.values_list("state", flat=True)) == {DRAFT}


@pytest.mark.parametrize("model", EDITORIAL, ids=model_id)
def test_editor_cannot_publish_by_posting_state_on_change(editor_client, model):
    obj = MAKERS[model]()
    model.objects.filter(pk=obj.pk).update(state=DRAFT)
    url = admin_url(model, "change", obj.pk)
    data = page_form_data(editor_client.get(url)) | {"state": PUBLISHED}

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    obj.refresh_from_db()
    assert (obj.state, obj.published_at) == (DRAFT, None)


def test_save_model_refuses_a_state_change_from_an_editor(editor, publisher):
    """Even if a form carrying `state` reached save_model, an editor's change is undone."""
    topic = TopicFactory(state=DRAFT)
    topic_admin = admin.site._registry[Topic]
    request = RequestFactory().post("/")
    request.user = publisher
    form = topic_admin.get_form(request, topic)(
        {"name": topic.name, "slug": topic.slug, "state": PUBLISHED}, instance=topic
    )
    assert form.is_valid(), form.errors
    request.user = editor

    topic_admin.save_model(request, form.save(commit=False), form, change=True)

    topic.refresh_from_db()
    assert topic.state == DRAFT


@pytest.mark.parametrize("model", EDITORIAL, ids=model_id)
def test_publish_actions_are_offered_to_publishers_only(editor, publisher, model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")

    request.user = editor
    assert not {"publish_selected", "withdraw_selected"} & set(model_admin.get_actions(request))
    request.user = publisher
    assert {"publish_selected", "withdraw_selected"} <= set(model_admin.get_actions(request))


def test_editor_changelist_has_no_publish_action(editor_client):
    StatementFactory(state=DRAFT)

    response = editor_client.get(admin_url(Statement, "changelist"))

    action_form = response.context["action_form"]
    offered = [] if action_form is None else dict(action_form.fields["action"].choices)
    assert "publish_selected" not in offered


def test_editor_cannot_publish_with_a_crafted_action_post(editor_client):
    statement = StatementFactory(state=DRAFT)

    editor_client.post(
        admin_url(Statement, "changelist"),
        {"action": "publish_selected", "_selected_action": [statement.pk], "index": "0"},
    )

    statement.refresh_from_db()
    assert (statement.state, statement.published_at) == (DRAFT, None)


def test_publisher_publishes_and_withdraws_through_the_actions(publisher_client, publisher):
    drafts = [StatementFactory(state=DRAFT) for _ in range(2)]
    untouched = StatementFactory(state=DRAFT)
    url = admin_url(Statement, "changelist")
    chosen = [statement.pk for statement in drafts]

    response = publisher_client.post(
        url, {"action": "publish_selected", "_selected_action": chosen, "index": "0"}
    )

    assert response.status_code == 302
    published = Statement.objects.filter(pk__in=chosen)
    assert {(s.state, s.published_at is not None) for s in published} == {(PUBLISHED, True)}
    untouched.refresh_from_db()
    assert untouched.state == DRAFT
    assert LogEntry.objects.filter(user=publisher, object_id__in=map(str, chosen)).count() == 2

    # Withdrawing asks for the reason first (an intermediate page); nothing changes yet.
    asked = publisher_client.post(
        url, {"action": "withdraw_selected", "_selected_action": chosen[:1], "index": "0"}
    )
    assert asked.status_code == 200
    assert "admin/statements/withdraw_confirmation.html" in [t.name for t in asked.templates]
    assert Statement.objects.get(pk=chosen[0]).state == PUBLISHED

    publisher_client.post(
        url,
        {
            "action": "withdraw_selected",
            "_selected_action": chosen[:1],
            "reason": "The quote was misattributed by the source.",
            "apply": "1",
        },
    )

    assert Statement.objects.get(pk=chosen[0]).state == PublicationState.WITHDRAWN
    assert Statement.objects.get(pk=chosen[1]).state == PUBLISHED


def test_publisher_publishes_from_the_change_form(publisher_client):
    statement = StatementFactory(state=DRAFT)
    url = admin_url(Statement, "change", statement.pk)
    data = page_form_data(publisher_client.get(url)) | {"state": PUBLISHED}

    response = publisher_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    statement.refresh_from_db()
    assert statement.state == PUBLISHED
    assert statement.published_at is not None


# 4. Changelists cost the same at 3 rows as at 30 --------------------------------------


def changelist_queries(client, model) -> tuple[int, int]:
    url = admin_url(model, "changelist")
    client.get(url)  # warm per-process caches (content types, …)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_changelist_query_count_does_not_grow_with_rows(superuser, model):
    client = logged_in(superuser)
    for _ in range(3):
        MAKERS[model]()
    queries_at_3, rows_at_3 = changelist_queries(client, model)
    for _ in range(27):
        MAKERS[model]()
    queries_at_30, rows_at_30 = changelist_queries(client, model)

    print(
        f"{model.__name__} changelist: {queries_at_3} queries at {rows_at_3} rows, "
        f"{queries_at_30} at {rows_at_30} rows"
    )
    assert rows_at_30 > rows_at_3 >= 3
    assert queries_at_30 == queries_at_3


# 5. A record that fails validation is refused by the actions, not a server error ------

# Each workflow action, the state it starts from and what else it posts.
WORKFLOW_ACTIONS = [
    ("publish_selected", DRAFT, {}),
    ("submit_selected", DRAFT, {}),
    ("return_to_draft_selected", PublicationState.REVIEW, {}),
    ("withdraw_selected", PUBLISHED, {"reason": "The link was wrong.", "apply": "1"}),
]


@pytest.mark.parametrize("bad_url", ["ftp://example.org/x", "javascript:alert(1)"])
@pytest.mark.parametrize(
    "action, state, extra", WORKFLOW_ACTIONS, ids=[a[0] for a in WORKFLOW_ACTIONS]
)
def test_workflow_actions_refuse_a_record_that_fails_validation(
    publisher_client, action, state, extra, bad_url
):
    source = SourceFactory(title="Bad link", state=state)
    # Saved without validation (an import, an older release): full_clean() now fails.
    Source.objects.filter(pk=source.pk).update(url=bad_url)
    source.refresh_from_db()
    history_rows = source.history.count()

    response = publisher_client.post(
        admin_url(Source, "changelist"),
        {"action": action, "_selected_action": [source.pk], "index": "0", **extra},
    )

    assert response.status_code == 302
    refusals = [str(m) for m in response.wsgi_request._messages if str(m).startswith(f"{source}: ")]
    assert len(refusals) == 1
    assert refusals[0].startswith(f"{source}: Not saved: ")
    assert "Enter a web address starting with http:// or https://." in refusals[0]
    after = Source.objects.get(pk=source.pk)
    assert (after.state, after.version, after.published_at, after.url) == (
        state,
        source.version,
        source.published_at,
        bad_url,
    )
    assert after.history.count() == history_rows
    assert not StateChange.objects.exists()
    assert not LogEntry.objects.filter(object_id=str(source.pk)).exists()


def test_a_refused_record_does_not_stop_the_others(publisher_client):
    bad = SourceFactory(title="Bad link", state=DRAFT)
    Source.objects.filter(pk=bad.pk).update(url="javascript:alert(1)")
    good = SourceFactory(title="Good link", state=DRAFT)

    response = publisher_client.post(
        admin_url(Source, "changelist"),
        {"action": "publish_selected", "_selected_action": [bad.pk, good.pk], "index": "0"},
    )

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Published 1 record(s)." in messages
    assert any(m.startswith(f"{bad}: Not saved:") for m in messages)
    assert Source.objects.get(pk=good.pk).state == PUBLISHED
    assert Source.objects.get(pk=bad.pk).state == DRAFT


# 6. Errors beside the fields they are about -------------------------------------------


def test_a_constraint_error_shows_beside_its_field(editor_client, article):
    add_page = editor_client.get(admin_url(Statement, "add"))
    data = statement_post(add_page, article) | {"kind": "paraphrase", "frame": "said that"}

    response = editor_client.post(admin_url(Statement, "add"), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["frame"] == ["Only a partial quote has a frame around its words."]
    assert not form.non_field_errors()
    assert not Statement.objects.exists()


def test_an_inferred_date_without_a_note_is_said_beside_the_note(editor_client, article):
    add_page = editor_client.get(admin_url(Statement, "add"))
    data = statement_post(add_page, article) | {"date_inference_note": ""}

    response = editor_client.post(admin_url(Statement, "add"), data)

    form = response.context["adminform"].form
    assert form.errors["date_inference_note"] == [
        "An inferred date needs a note saying how it was inferred."
    ]


def test_help_text_speaks_to_editors_not_of_code():
    """Editors read help text: no module paths ("statements.services.publish")."""
    from django.apps import apps

    for model in apps.get_app_config("statements").get_models():
        for field in model._meta.get_fields():
            help_text = str(getattr(field, "help_text", ""))
            assert "statements." not in help_text, (model.__name__, field.name, help_text)


def test_the_race_form_asks_for_the_name_and_election_first(editor_client):
    form = editor_client.get(admin_url(Race, "add")).context["adminform"].form

    assert list(form.fields)[:2] == ["name", "election"]


def test_a_race_left_without_an_address_gets_one_from_its_election(editor_client):
    election = make_race().election
    url = admin_url(Race, "add")
    data = {"name": "Democratic primary", "election": election.pk, "stage": "primary"}
    data |= {"date_precision": "day", "slug": "", "form_token": ""}
    data |= {
        "candidacies-TOTAL_FORMS": "0",
        "candidacies-INITIAL_FORMS": "0",
        "candidacies-MIN_NUM_FORMS": "0",
        "candidacies-MAX_NUM_FORMS": "100",
    }

    first = editor_client.post(url, data)
    second = editor_client.post(url, data)

    assert first.status_code == second.status_code == 302, form_errors(first)
    slugs = sorted(Race.objects.filter(name="Democratic primary").values_list("slug", flat=True))
    assert slugs == [f"{election.slug}-democratic-primary", f"{election.slug}-democratic-primary-2"]
