"""Corrections are public: changing the words, attribution, date or kind of a published
statement or reaction needs a note; material corrections are listed on /corrections/
and on the statement's page; typo fixes stay in the history only."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from statements import editorial
from statements.models import Correction, PublicationState, Reaction, Statement
from statements.reading.corrections import corrections_for, corrections_page

from .factories import PersonFactory, ReactionFactory, StatementFactory
from .support import admin_url, form_errors, inline_prefixes, logged_in, page_form_data

pytestmark = pytest.mark.django_db


def test_a_material_change_without_a_note_is_refused(publisher):
    statement = StatementFactory(text="Original.")

    with pytest.raises(editorial.CorrectionNeeded) as refusal:
        editorial.correct(record=statement, user=publisher, changes={"text": "Changed."}, note=" ")

    assert "correction note" in refusal.value.message
    assert refusal.value.field == "correction_note"
    fresh = Statement.objects.get(pk=statement.pk)
    assert (fresh.text, fresh.version) == ("Original.", 1)
    assert not Correction.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"text": "Other words."},
        {"kind": "paraphrase"},
        {"speaker_role": "candidate"},
        {"said_on": datetime.date(2020, 5, 31)},
        {"date_precision": "month"},
    ],
    ids=lambda c: next(iter(c)),
)
def test_words_attribution_date_and_kind_are_corrections(publisher, changes):
    statement = StatementFactory()
    statement.__dict__.update(changes)
    with pytest.raises(editorial.CorrectionNeeded):
        editorial.update_record(record=statement, user=publisher, loaded_version=statement.version)


def test_other_fields_and_drafts_need_no_note(publisher):
    published = StatementFactory(context="Old context.")
    published.context = "New context."
    editorial.update_record(record=published, user=publisher, loaded_version=published.version)
    draft = StatementFactory(state=PublicationState.DRAFT)
    draft.text = "Rewritten while still a draft."
    editorial.update_record(record=draft, user=publisher, loaded_version=draft.version)

    assert Statement.objects.get(pk=published.pk).context == "New context."
    assert Statement.objects.get(pk=draft.pk).text == "Rewritten while still a draft."
    assert not Correction.objects.exists()


def test_the_admin_form_asks_for_the_note(publisher):
    client = logged_in(publisher)
    statement = StatementFactory(text="I don't think it's the role of police.")
    url = admin_url(Statement, "change", statement.pk)
    page = client.get(url)
    assert "correction_note" in page.context["adminform"].form.fields
    assert "correction_not_material" in page.context["adminform"].form.fields

    response = client.post(url, page_form_data(page) | {"text": "I don't think it's the role."})

    assert response.status_code == 200
    assert "correction note" in str(response.context["adminform"].form.errors["correction_note"])
    assert Statement.objects.get(pk=statement.pk).text == "I don't think it's the role of police."

    response = client.post(
        url,
        page_form_data(client.get(url))
        | {"text": "I don't think it's the role.", "correction_note": "We misquoted the ending."},
    )

    assert response.status_code == 302, form_errors(response)
    correction = Correction.objects.get()
    assert (correction.statement, correction.reaction, correction.material) == (
        statement,
        None,
        True,
    )
    assert correction.note == "We misquoted the ending."
    assert correction.fields == ["text"]
    assert correction.created_by == publisher
    assert correction.record_version == Statement.objects.get(pk=statement.pk).version == 2


def test_a_draft_form_has_no_correction_fields(publisher):
    statement = StatementFactory(state=PublicationState.DRAFT)
    page = logged_in(publisher).get(admin_url(Statement, "change", statement.pk))
    assert "correction_note" not in page.context["adminform"].form.fields


def test_a_typo_fix_is_kept_in_history_but_not_listed(publisher, client):
    statement = StatementFactory(text="Teh words.")
    editorial.correct(
        record=statement, user=publisher, changes={"text": "The words."}, note="", material=False
    )

    correction = Correction.objects.get()
    assert not correction.material
    assert statement.history.latest().history_change_reason.startswith("Typo fix")
    assert corrections_for(statement) == []
    assert "The words." not in client.get(reverse("statements:corrections")).content.decode()


def test_a_correction_shows_on_the_corrections_page(publisher, client):
    statement = StatementFactory(speaker=PersonFactory(name="Jon Ossoff"), text="Original.")
    editorial.correct(
        record=statement,
        user=publisher,
        changes={"text": "Corrected.", "said_on": datetime.date(2020, 5, 29)},
        note="The source gave the wrong day.",
    )

    response = client.get(reverse("statements:corrections"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "The source gave the wrong day." in page
    assert "Jon Ossoff" in page
    assert "wording and date" in page
    assert statement.get_absolute_url() in page


def test_the_partial_renders_a_statements_corrections(publisher):
    statement = StatementFactory()
    reaction = ReactionFactory(statement=statement, respondent=PersonFactory(name="Ira Mehlman"))
    editorial.correct(
        record=statement, user=publisher, changes={"kind": "paraphrase"}, note="A paraphrase."
    )
    editorial.correct(
        record=reaction, user=publisher, changes={"respondent_role": "spokesman"}, note="His title."
    )

    corrections = corrections_for(statement)
    html = render_to_string("statements/_partials/corrections.html", {"corrections": corrections})

    assert [c.note for c in corrections] == ["His title.", "A paraphrase."]  # newest first
    assert "A paraphrase." in html and "the kind of quote" in html
    assert "His title." in html and "reaction by Ira Mehlman" in html
    assert f'id="correction-{corrections[0].pk}"' in html
    assert (
        render_to_string("statements/_partials/corrections.html", {"corrections": []}).strip() == ""
    )


def test_a_reaction_corrected_from_the_statement_form(publisher):
    client = logged_in(publisher)
    reaction = ReactionFactory(text="Nobody is compelling them.")
    statement = reaction.statement
    url = admin_url(Statement, "change", statement.pk)
    page = client.get(url)
    prefix = inline_prefixes(page)[Reaction]
    data = page_form_data(page) | {f"{prefix}-0-text": "Nobody is compelling them to."}

    refused = client.post(url, data)
    assert refused.status_code == 200
    assert Reaction.objects.get(pk=reaction.pk).text == "Nobody is compelling them."

    done = client.post(url, data | {"correction_note": "The quote was cut short."})
    assert done.status_code == 302, form_errors(done)
    correction = Correction.objects.get()
    assert (correction.statement, correction.reaction) == (statement, reaction)
    assert Reaction.objects.get(pk=reaction.pk).text == "Nobody is compelling them to."


def test_an_editor_cannot_record_a_correction(editor):
    client = logged_in(editor)
    statement = StatementFactory(text="Original.")
    url = admin_url(Statement, "change", statement.pk)

    response = client.post(
        url, page_form_data(client.get(url)) | {"text": "Changed.", "correction_note": "Why."}
    )

    assert response.status_code == 200
    assert "You may not change a published statement" in response.content.decode()
    assert Statement.objects.get(pk=statement.pk).text == "Original."
    assert not Correction.objects.exists()


def test_the_corrections_page_is_newest_first_paged_and_constant_in_queries(publisher, client):
    def add(n):
        for _ in range(n):
            statement = StatementFactory()
            editorial.correct(
                record=statement, user=publisher, changes={"text": "New."}, note="Fix."
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("statements:corrections")).status_code == 200
        return len(captured)

    add(3)
    at_3 = queries()
    add(57)
    at_60 = queries()
    assert at_60 == at_3

    first = corrections_page()
    assert len(first["corrections"]) == 50 and first["next_before"] is not None
    stamps = [(c.created_at, c.pk) for c in first["corrections"]]
    assert stamps == sorted(stamps, reverse=True)
    second = corrections_page(before=str(first["next_before"]))
    assert len(second["corrections"]) == 10 and second["next_before"] is None
    assert not {c.pk for c in first["corrections"]} & {c.pk for c in second["corrections"]}
    assert (
        client.get(reverse("statements:corrections"), {"before": first["next_before"]}).status_code
        == 200
    )
