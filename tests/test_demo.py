"""The demo data set reproduces the Free Beacon article exactly, completely and idempotently,
written through the editorial services like any edit."""

import datetime
import re
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command

from statements import editorial
from statements.demo import LOADER_USERNAME, load_demo, ossoff
from statements.demo.loader import CORRECTION_NOTE, loader_rights
from statements.models import (
    Affiliation,
    BackgroundNote,
    Candidacy,
    CommentRequest,
    Correction,
    EditorialModel,
    Election,
    Event,
    Organization,
    Person,
    Position,
    Race,
    Reaction,
    Source,
    StateChange,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)

# The first article; the second has tests of its own (tests/test_demo_debate.py).
FIRST_ARTICLE = (ossoff,)
FIXTURE = Path(__file__).parent / "fixtures" / "ossoff-2020-06-05.txt"
ARTICLE = FIXTURE.read_text(encoding="utf-8")
NBSP = "\u00a0"

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """The loader itself and its report: these tests are about the loader (the shared
    `demo` of conftest.py may insert a copy of its rows instead of running it)."""
    return load_demo(FIRST_ARTICLE)


def statement(text_start):
    return Statement.objects.get(text__startswith=text_start)


def snapshot():
    """Every row of every model of the app, auto-created M2M tables included."""
    config = apps.get_app_config("statements")
    return {
        model._meta.label: serializers.serialize(
            "json", model._default_manager.order_by("pk"), use_natural_foreign_keys=False
        )
        for model in config.get_models(include_auto_created=True)
    }


def assert_quoted_in_article(text):
    """Verbatim, and standing inside quotation marks: opens one, closes one (after . or ,)."""
    assert text in ARTICLE, text
    assert re.search('"' + re.escape(text) + '[.,]?"', ARTICLE), text


# --------------------------------------------------------------------------- the article


def test_fixture_is_the_article_byte_for_byte():
    raw = FIXTURE.read_bytes()
    assert raw.startswith(b"Ossoff: Local Law Enforcement Should Not Enforce Federal")
    assert raw.count("\u00a0".encode()) == 2
    assert raw.count("\u2014".encode()) == 2
    assert "communities....\u00a0We can't" in ARTICLE
    assert "told the\u00a0Washington Free Beacon" in ARTICLE
    assert not raw.endswith(b"\n")


def test_source_holds_the_article_byte_for_byte(demo):
    source = Source.objects.get()
    assert source.text.encode("utf-8") == FIXTURE.read_bytes()
    assert (
        source.title == "Ossoff: Local Law Enforcement Should Not Enforce Federal Immigration Law"
    )
    assert source.title == ARTICLE.split("\n\n")[0]
    assert source.outlet.slug == "washington-free-beacon"
    assert source.published_on == datetime.date(2020, 6, 5)
    # Not given by the article: not invented.
    assert (source.url, source.author, source.archive_url) == ("", "", "")


# --------------------------------------------------------------------------- completeness


def test_counts_of_every_entity(demo):
    expected = {
        Organization: 9,
        Person: 6,
        Affiliation: 7,
        Election: 1,
        Race: 2,
        Candidacy: 4,
        Event: 1,
        Source: 1,
        Topic: 8,
        Statement: 7,
        StatementTopic: 9,
        StatementSource: 7,
        Reaction: 2,
        CommentRequest: 1,
        Position: 4,
        BackgroundNote: 2,
    }
    actual = {model: model.objects.count() for model in expected}
    assert actual == expected
    for model, n in expected.items():
        assert demo.counts[model] == n, model
    assert Event.hosts.through.objects.count() == 1
    assert Position.statements.through.objects.count() == 7
    assert Position.sources.through.objects.count() == 4
    assert BackgroundNote.topics.through.objects.count() == 2
    assert BackgroundNote.organizations.through.objects.count() == 4
    assert BackgroundNote.sources.through.objects.count() == 2


def test_organizations_and_people(demo):
    orgs = {o.name: (o.slug, o.abbreviation, o.kind) for o in Organization.objects.all()}
    assert orgs == {
        "Democratic Party": ("democratic-party", "", "party"),
        "Republican Party": ("republican-party", "", "party"),
        "College Democrats of Georgia": ("college-democrats-of-georgia", "", "student"),
        "Federation for American Immigration Reform": (
            "federation-for-american-immigration-reform",
            "FAIR",
            "advocacy",
        ),
        "U.S. Immigration and Customs Enforcement": (
            "us-immigration-and-customs-enforcement",
            "ICE",
            "agency",
        ),
        "U.S. Customs and Border Protection": ("us-customs-and-border-protection", "CBP", "agency"),
        "Georgia Department of Corrections": ("georgia-department-of-corrections", "", "agency"),
        "Washington Free Beacon": ("washington-free-beacon", "", "news"),
        "Ossoff campaign": ("ossoff-campaign", "", "campaign"),
    }
    people = {p.slug: (p.name, p.sort_name) for p in Person.objects.all()}
    assert people == {
        "jon-ossoff": ("Jon Ossoff", "Ossoff, Jon"),
        "bhavin-patel": ("Bhavin Patel", "Patel, Bhavin"),
        "ira-mehlman": ("Ira Mehlman", "Mehlman, Ira"),
        "david-perdue": ("David Perdue", "Perdue, David"),
        "teresa-tomlinson": ("Teresa Tomlinson", "Tomlinson, Teresa"),
        "sarah-riggs-amico": ("Sarah Riggs Amico", "Amico, Sarah Riggs"),
    }
    assert all(p.summary for p in Person.objects.all())
    assert "Sen. David Perdue (R.)" in Person.objects.get(slug="david-perdue").summary


def test_affiliations(demo):
    found = {
        (a.person.slug, a.organization.slug, a.role, a.start_date, a.end_date)
        for a in Affiliation.objects.select_related("person", "organization")
    }
    assert found == {
        ("bhavin-patel", "college-democrats-of-georgia", "president", None, None),
        ("ira-mehlman", "federation-for-american-immigration-reform", "spokesman", None, None),
        ("jon-ossoff", "democratic-party", "member", None, None),
        ("jon-ossoff", "ossoff-campaign", "candidate", None, None),
        ("teresa-tomlinson", "democratic-party", "member", None, None),
        ("sarah-riggs-amico", "democratic-party", "member", None, None),
        ("david-perdue", "republican-party", "member", None, None),
    }
    assert set(Affiliation.objects.values_list("note", flat=True)) == {
        "As reported by the Washington Free Beacon, June 5, 2020"
    }


def test_topic_tree(demo):
    tree = {t.slug: (t.name, t.parent.slug if t.parent else None) for t in Topic.objects.all()}
    assert tree == {
        "immigration": ("Immigration", None),
        "287g-program": ("287(g) program", "immigration"),
        "sanctuary-jurisdictions": ("Sanctuary jurisdictions", "immigration"),
        "local-enforcement-of-immigration-law": (
            "Local enforcement of federal immigration law",
            "immigration",
        ),
        "employer-enforcement": ("Employer enforcement", "immigration"),
        "border-security": ("Border security", "immigration"),
        "public-safety": ("Public safety", None),
        "policing": ("Policing", "public-safety"),
    }


def test_everything_is_published_by_the_loader_account(demo):
    # publish() stamps the moment of publication: the first load's, kept by later runs.
    editorial = [
        m for m in apps.get_app_config("statements").get_models() if issubclass(m, EditorialModel)
    ]
    assert Statement in editorial and Reaction in editorial
    for model in editorial:
        for obj in model.objects.select_related("published_by"):
            assert obj.state == "published", obj
            assert obj.published_at is not None, obj
            assert obj.published_by.username == LOADER_USERNAME, obj


def test_every_record_passes_full_clean(demo):
    for model in apps.get_app_config("statements").get_models():
        for obj in model._default_manager.all():
            obj.full_clean()


# --------------------------------------------------------------------------- election


def test_election_races_and_candidacies(demo):
    election = Election.objects.get()
    assert (election.slug, election.name, election.office, election.jurisdiction) == (
        "2020-georgia-us-senate",
        "2020 U.S. Senate election in Georgia",
        "U.S. Senate",
        "Georgia",
    )
    assert election.year == 2020
    assert "Perdue" in election.description

    primary = Race.objects.get(slug="2020-georgia-us-senate-democratic-primary")
    assert (primary.name, primary.stage, primary.party.slug) == (
        "Democratic primary",
        "primary",
        "democratic-party",
    )
    assert primary.election == election
    assert primary.date == datetime.date(2020, 6, 9)
    assert primary.date.strftime("%A") == "Tuesday"
    assert primary.date_inferred is True
    assert "Tuesday's primary" in primary.date_inference_note
    assert "June 9, 2020" in primary.date_inference_note
    candidates = {
        (c.person.slug, c.party.slug, c.incumbent, c.result) for c in primary.candidacies.all()
    }
    assert candidates == {
        ("jon-ossoff", "democratic-party", False, "pending"),
        ("teresa-tomlinson", "democratic-party", False, "pending"),
        ("sarah-riggs-amico", "democratic-party", False, "pending"),
    }

    general = Race.objects.get(slug="2020-georgia-us-senate-general")
    assert (general.name, general.stage, general.date, general.party) == (
        "General election",
        "general",
        None,
        None,
    )
    assert general.election == election
    perdue = general.candidacies.get()
    assert (perdue.person.slug, perdue.party.slug, perdue.incumbent) == (
        "david-perdue",
        "republican-party",
        True,
    )


# --------------------------------------------------------------------------- event


def test_event_date_is_inferred_from_saturday(demo):
    event = Event.objects.get()
    assert event.slug == "online-town-hall-college-democrats-of-georgia-2020-05-30"
    assert event.name == "Online town hall with the College Democrats of Georgia"
    assert (event.kind, event.online, event.location) == ("town_hall", True, "")
    assert [o.slug for o in event.hosts.all()] == ["college-democrats-of-georgia"]
    assert event.date == datetime.date(2020, 5, 30)
    assert event.date.strftime("%A") == "Saturday"
    assert event.date_precision == "day"
    assert event.date_inferred is True
    assert "June 5" in event.date_inference_note
    assert "Saturday" in event.date_inference_note
    assert "said Saturday" in ARTICLE


# --------------------------------------------------------------------------- statements


def test_statement_kinds(demo):
    kinds = Counter(Statement.objects.values_list("kind", flat=True))
    assert kinds == {"direct": 4, "partial": 1, "paraphrase": 2}
    misguided = Statement.objects.get(text="misguided")
    assert misguided.kind == "partial"
    assert misguided.frame == "called the 287(g) program"
    assert set(Statement.objects.exclude(kind="partial").values_list("frame", flat=True)) == {""}
    paraphrases = set(Statement.objects.filter(kind="paraphrase").values_list("text", flat=True))
    assert paraphrases == {
        "he would target those who hire illegal immigrants",
        "the country needs border control",
    }


def test_the_exact_texts(demo):
    assert set(Statement.objects.values_list("text", flat=True)) == {
        "I don't think it's the role of local law enforcement to enforce federal immigration law",
        "It is important that there be bonds of trust between local law enforcement and local "
        "communities....\u00a0We can't live in a society where people are afraid to call the "
        "police while someone's being assaulted in their home, because everyone's going to get "
        "their papers checked when the local PD arrives.",
        "misguided",
        "he would target those who hire illegal immigrants",
        "the country needs border control",
        "That's what makes us a country.... This isn't something that a lot of Democrats say",
        "It is right that we have a problem that we don't know and can't control who's flowing "
        "across our borders. We need to fix that problem.",
    }
    s2 = statement("It is important")
    assert NBSP in s2.text
    assert s2.text.count(NBSP) == 1
    assert "communities....\u00a0We" in s2.text
    assert not statement("I don't think").text.endswith(",")


def test_quotes_and_paraphrases_are_verbatim_from_the_article(demo):
    for s in Statement.objects.all():
        if s.kind in ("direct", "partial"):
            assert_quoted_in_article(s.text)
        else:
            # Reported speech: the article's own words, outside quotation marks.
            assert s.text in ARTICLE, s.text
            assert "said " + s.text in ARTICLE or "and that " + s.text in ARTICLE
            assert '"' + s.text not in ARTICLE
    misguided = Statement.objects.get(kind="partial")
    assert misguided.frame in ARTICLE
    for reaction in Reaction.objects.all():
        fragments = reaction.text.split("\n\n")
        assert len(fragments) == 2
        assert fragments == reaction.fragments
        for fragment in fragments:
            assert_quoted_in_article(fragment)


def test_statements_share_speaker_event_date_and_source(demo):
    event, source = Event.objects.get(), Source.objects.get()
    for s in Statement.objects.select_related("speaker", "speaker_party"):
        assert s.speaker.slug == "jon-ossoff"
        assert s.speaker_name == "Jon Ossoff"
        assert s.speaker_role == "candidate, U.S. Senate, Georgia"
        assert s.speaker_party.slug == "democratic-party"
        assert s.event == event
        assert s.said_on == datetime.date(2020, 5, 30)
        assert (s.date_precision, s.date_inferred) == ("day", True)
        assert s.date_inference_note == event.date_inference_note
        assert list(s.sources.all()) == [source]
        assert s.context
    notes = dict(StatementSource.objects.values_list("statement__text", "note"))
    assert notes["misguided"] == "paragraph 6 after the dateline"
    assert notes["the country needs border control"] == "paragraph 8 after the dateline"


def test_statements_belong_to_the_primary_not_the_general(demo):
    # Said at the May 30 town hall: the June 9 primary is the race Ossoff was running in.
    # (The general election is on the data too, with Perdue as its one candidate.)
    races = set(Statement.objects.values_list("candidacy__race__slug", "candidacy__person__slug"))
    assert races == {("2020-georgia-us-senate-democratic-primary", "jon-ossoff")}
    assert not Statement.objects.filter(candidacy=None).exists()


def test_a_rerun_gives_a_statement_its_race_again(demo):
    s1 = statement("I don't think")
    Statement.objects.filter(pk=s1.pk).update(candidacy=None)  # as if an editor cleared it

    report = load_demo(FIRST_ARTICLE)

    assert report.updated == 1
    assert statement("I don't think").candidacy.race.slug == (
        "2020-georgia-us-senate-democratic-primary"
    )
    assert load_demo(FIRST_ARTICLE).updated == 0


def test_statement_topics(demo):
    topics = {s.text[:20]: sorted(t.slug for t in s.topics.all()) for s in Statement.objects.all()}
    local = ["local-enforcement-of-immigration-law", "policing"]
    assert topics == {
        "I don't think it's t": local,
        "It is important that": local,
        "misguided": ["287g-program"],
        "he would target thos": ["employer-enforcement"],
        "the country needs bo": ["border-security"],
        "That's what makes us": ["border-security"],
        "It is right that we ": ["border-security"],
    }
    s1 = statement("I don't think")
    assert "Bhavin Patel" in s1.context
    assert "did not respond" in s1.context


# --------------------------------------------------------------------------- reactions


def test_patel_agrees_and_interprets(demo):
    r = Reaction.objects.get(respondent__slug="bhavin-patel")
    assert r.statement == statement("I don't think")
    assert r.stance == "agrees"
    assert r.interpretation == "an endorsement of sanctuary cities"
    assert "which I understood as " + r.interpretation in ARTICLE
    assert r.stances == ["agrees", "interprets"]
    assert r.respondent_role == "president"
    assert r.respondent_organization.slug == "college-democrats-of-georgia"
    assert r.channel == "email to the Washington Free Beacon"
    assert r.kind == "direct"
    assert r.reacted_on is None
    assert r.source == Source.objects.get()
    assert r.text == (
        "I agreed with Jon that local law enforcement should not be required to enforce federal "
        "immigration law, which I understood as an endorsement of sanctuary cities"
        "\n\n"
        "Jon explained that there should be 'bonds of trust between local law enforcement and "
        "communities.' I agree with Jon because it is profoundly unsafe to have local law "
        "enforcement act as de facto federal immigration agents for enforcing the federal "
        "immigration law."
    )


def test_mehlman_disagrees(demo):
    r = Reaction.objects.get(respondent__slug="ira-mehlman")
    assert r.statement == Statement.objects.get(text="misguided")
    assert r.stance == "disagrees"
    assert r.interpretation == ""
    assert r.stances == ["disagrees"]
    assert r.respondent_role == "spokesman"
    assert r.respondent_organization.abbreviation == "FAIR"
    assert r.channel == ""  # the article says only "said"
    assert r.kind == "direct"
    assert r.reacted_on is None
    assert r.text == (
        "Nobody is compelling them to enforce federal immigration laws"
        "\n\n"
        "Many police departments have been using these programs for years. This is simply local "
        "governments deciding on their own that this is beneficial to their community."
    )


def test_the_campaign_did_not_respond(demo):
    request = CommentRequest.objects.get()
    assert request.statement == statement("I don't think")
    assert request.asked_person is None
    assert request.asked_organization.slug == "ossoff-campaign"
    assert request.requested_by.slug == "washington-free-beacon"
    assert request.subject == "his immigration policy and sanctuary cities"
    assert "requests for comment on " + request.subject in ARTICLE
    assert request.repeated is True
    assert request.outcome == "no_response"
    assert request.response == ""
    assert request.requested_on == datetime.date(2020, 6, 1)
    assert (request.date_precision, request.date_inferred) == ("month", True)
    assert request.date_inference_note
    assert request.source == Source.objects.get()


# --------------------------------------------------------------------------- summaries


def test_positions_cite_their_statements(demo):
    found = {
        p.topic.slug: (p.summary, sorted(s.text[:12] for s in p.statements.all()))
        for p in Position.objects.select_related("topic")
    }
    assert found == {
        "local-enforcement-of-immigration-law": (
            "Opposes local enforcement of federal immigration law",
            ["I don't thin", "It is import"],
        ),
        "287g-program": ("Calls the 287(g) program misguided", ["misguided"]),
        "employer-enforcement": (
            "Would target employers who hire illegal immigrants",
            ["he would tar"],
        ),
        "border-security": (
            "Says the country needs border control",
            ["It is right ", "That's what ", "the country "],
        ),
    }
    source = Source.objects.get()
    for p in Position.objects.all():
        assert p.person.slug == "jon-ossoff"
        assert p.as_of == datetime.date(2020, 5, 30)
        assert list(p.sources.all()) == [source]


def test_background_notes(demo):
    program = BackgroundNote.objects.get(title="The 287(g) program")
    assert "Renewed by the Georgia Department of Corrections in February" in program.text
    assert [t.slug for t in program.topics.all()] == ["287g-program"]
    assert {o.slug for o in program.organizations.all()} == {
        "georgia-department-of-corrections",
        "us-immigration-and-customs-enforcement",
    }
    assert program.as_of == datetime.date(2020, 2, 1)
    assert (program.date_precision, program.date_inferred) == ("month", True)
    assert "February" in program.date_inference_note

    sanctuary = BackgroundNote.objects.get(title="Sanctuary cities")
    assert sanctuary.text in ARTICLE
    assert [t.slug for t in sanctuary.topics.all()] == ["sanctuary-jurisdictions"]
    assert {o.abbreviation for o in sanctuary.organizations.all()} == {"ICE", "CBP"}
    for note in (program, sanctuary):
        assert list(note.sources.all()) == [Source.objects.get()]


# --------------------------------------------------------------------------- idempotence


def test_a_second_run_changes_nothing(demo):
    before = snapshot()
    assert '"Jon Ossoff"' in before["statements.Person"]
    again = load_demo(FIRST_ARTICLE)
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == demo.created
    assert again.counts == demo.counts
    assert snapshot() == before


def test_a_rerun_restores_edited_records_in_place(demo):
    person = Person.objects.get(slug="jon-ossoff")
    Person.objects.filter(pk=person.pk).update(summary="Edited.")
    s1 = statement("I don't think")
    StatementTopic.objects.filter(statement=s1, topic__slug="policing").delete()
    StatementTopic.objects.create(statement=s1, topic=Topic.objects.get(slug="border-security"))
    ids = {label: sorted(rows) for label, rows in _ids().items()}

    report = load_demo(FIRST_ARTICLE)

    assert report.updated == 1
    assert Person.objects.get(pk=person.pk).summary == person.summary
    assert sorted(s1.topics.values_list("slug", flat=True)) == [
        "local-enforcement-of-immigration-law",
        "policing",
    ]
    after = _ids()
    for label, rows in ids.items():
        if label != "statements.StatementTopic":
            assert sorted(after[label]) == rows, label
    assert StatementTopic.objects.count() == 9


def history_rows():
    """Every history row of every model: (model, history id, record id, user, reason)."""
    return {
        (model._meta.label, row.history_id, row.id, row.history_user_id, row.history_change_reason)
        for model in apps.get_app_config("statements_history").get_models()
        if hasattr(model, "history_user")
        for row in model._default_manager.all()
    }


def _ids():
    return {
        m._meta.label: list(m._default_manager.values_list("pk", flat=True))
        for m in apps.get_app_config("statements").get_models()
    }


def test_load_demo_command():
    # Both articles: the Free Beacon's and the AP's (tests/test_demo_debate.py).
    call_command("load_demo", stdout=StringIO())
    before = snapshot()
    out = StringIO()
    call_command("load_demo", stdout=out)
    line = out.getvalue().strip()
    assert "\n" not in line
    assert "14 organizations" in line
    assert "7 people" in line
    assert f"{Statement.objects.count()} statements" in line
    assert "6 reactions" in line  # the first article's two; three retorts and the AP's finding
    assert "0 created, 0 updated" in line
    assert snapshot() == before


def test_load_demo_command_on_an_empty_database():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "1 comment request," in out.getvalue()
    assert Statement.objects.filter(sources__outlet__slug="washington-free-beacon").count() == 7


# --------------------------------------------------------------------------- as any edit


def editorial_records():
    for model in apps.get_app_config("statements").get_models():
        if issubclass(model, EditorialModel):
            yield from model.objects.all()


def loader():
    return User.objects.get(username=LOADER_USERNAME)


def test_the_loader_account_holds_what_its_writes_need_and_cannot_sign_in(demo):
    account = loader()
    assert account.is_active
    assert not account.has_usable_password()
    assert not (account.is_staff or account.is_superuser)
    assert not account.groups.exists()
    granted = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in account.user_permissions.select_related("content_type")
    }
    assert granted == loader_rights()
    assert account.get_all_permissions() == granted
    assert {editorial.PUBLISH, editorial.CORRECT, "statements.delete_statementtopic"} <= granted
    assert editorial.MERGE not in granted
    load_demo(FIRST_ARTICLE)
    assert User.objects.filter(username=LOADER_USERNAME).count() == 1


def test_every_row_has_history_by_the_loader_account(demo):
    account = loader()
    for s in Statement.objects.all():
        rows = s.history.order_by("history_date", "history_id")
        assert [(r.history_type, r.history_change_reason) for r in rows] == [
            ("+", "Created"),
            ("~", "Published"),
        ]
        assert {r.history_user for r in rows} == {account}
        assert [r.version for r in rows] == [1, 2]
    for model in (StatementTopic, StatementSource, Affiliation, Candidacy, CommentRequest):
        for row in model.objects.all():
            created = model.history.get(id=row.pk)
            assert (created.history_type, created.history_user) == ("+", account), row
    assert {user for _, _, _, user, _ in history_rows()} == {account.pk}


def test_each_editorial_record_was_published_once_by_the_loader_account(demo):
    account = loader()
    records = list(editorial_records())
    assert len(records) == 43  # 9 + 6 + 1 + 2 + 1 + 1 + 8 + 7 + 2 + 4 + 2
    for record in records:
        changes = StateChange.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )
        assert [(c.from_state, c.to_state, c.user) for c in changes] == [
            ("draft", "published", account)
        ], record
        # Publishing was the last write to the record.
        assert record.published_at <= changes.get().at == record.updated_at
    assert StateChange.objects.count() == 43


def test_versions_count_the_writes(demo):
    # Created (version 1), then published (version 2); rows without a state are created only.
    for record in editorial_records():
        assert record.version == 2, record
    for model in (Affiliation, Candidacy, CommentRequest):
        assert set(model.objects.values_list("version", flat=True)) == {1}, model


def test_a_second_run_adds_no_history_state_change_or_version(demo):
    history, before = history_rows(), snapshot()
    versions = {(type(r), r.pk): (r.version, r.updated_at) for r in editorial_records()}
    counts = (StateChange.objects.count(), Correction.objects.count(), User.objects.count())

    load_demo(FIRST_ARTICLE)

    assert history_rows() == history
    assert {(type(r), r.pk): (r.version, r.updated_at) for r in editorial_records()} == versions
    assert (StateChange.objects.count(), Correction.objects.count(), User.objects.count()) == counts
    assert snapshot() == before


def test_a_rerun_writes_its_restoring_edits_as_the_loader_account(demo):
    person = Person.objects.get(slug="jon-ossoff")
    Person.objects.filter(pk=person.pk).update(summary="Edited.")
    history = history_rows()

    assert load_demo(FIRST_ARTICLE).updated == 1

    person.refresh_from_db()
    assert person.version == 3
    added = history_rows() - history
    assert {(label, user, reason) for label, _, _, user, reason in added} == {
        ("statements_history.HistoricalPerson", loader().pk, "Changed summary")
    }


def test_a_rerun_that_changes_a_published_statements_attribution_is_a_correction(demo):
    s1 = statement("I don't think")
    Statement.objects.filter(pk=s1.pk).update(speaker_role="candidate")

    report = load_demo(FIRST_ARTICLE)

    assert (report.created, report.updated) == (0, 1)
    s1.refresh_from_db()
    assert (s1.speaker_role, s1.version, s1.state) == (
        "candidate, U.S. Senate, Georgia",
        3,
        "published",
    )
    correction = Correction.objects.get()
    assert (correction.statement, correction.reaction) == (s1, None)
    assert (correction.note, correction.material) == (CORRECTION_NOTE, True)
    assert (correction.fields, correction.record_version) == (["speaker_role"], 3)
    assert correction.created_by == loader()
    latest = s1.history.latest("history_date", "history_id")
    assert latest.history_change_reason == "Correction: " + CORRECTION_NOTE
    assert latest.history_user == loader()


def test_a_rerun_publishes_a_withdrawn_record_again(demo):
    # A record nothing published stands on (withdrawing a statement would take its
    # reactions and positions with it).
    note = BackgroundNote.objects.get(title="The 287(g) program")
    editorial.withdraw(record=note, user=loader(), reason="Checking the facts.")

    report = load_demo(FIRST_ARTICLE)

    assert (report.created, report.updated) == (0, 1)
    note.refresh_from_db()
    assert (note.state, note.version) == ("published", 4)
    changes = StateChange.objects.filter(object_id=note.pk, content_type__model="backgroundnote")
    assert [(c.from_state, c.to_state) for c in changes.order_by("at", "id")] == [
        ("draft", "published"),
        ("published", "withdrawn"),
        ("withdrawn", "published"),
    ]


def test_the_loader_does_not_depend_on_the_editorial_roles():
    # A flushed database has permissions but no roles (the migrations write those).
    Group.objects.all().delete()
    report = load_demo(FIRST_ARTICLE)
    assert (report.created, report.updated, report.unchanged) == (71, 0, 0)
    assert Statement.objects.published().count() == 7
