"""The article desk: another outlet's copy of a recorded quote, entered with its words
only (no speaker, no date, no event), is offered as the recorded statement and added to
it as one more source; entered anew, it needs its speaker and date as any statement."""

import pytest

from statements.models import Statement

from .factories import OutletFactory, SourceFactory, StatementFactory
from .support import INTAKE_URL, desk_post
from .test_intake import OSSOFF_RETORT, race  # noqa: F401

pytestmark = pytest.mark.django_db

AJC_RETORT = OSSOFF_RETORT.replace("\u2019", "'")


def ajc_copy():
    return {
        "new_outlet": "Atlanta Journal-Constitution",
        "title": "Perdue, Ossoff meet in 2nd Georgia Senate debate",
        "published_on": "2020-10-28",
    }


@pytest.fixture
def ap_retort(race):  # noqa: F811
    """The retort as the AP printed it, recorded and in review (not yet published)."""
    ap = SourceFactory(outlet=OutletFactory(name="Associated Press"), state="review")
    return StatementFactory(
        speaker=race["ossoff"], text=OSSOFF_RETORT, sources=[ap], state="review"
    )


def test_words_alone_are_offered_and_added_as_one_more_source(editor_client, ap_retort):
    data = desk_post(source=ajc_copy(), statements=[{"text": AJC_RETORT}])

    offered = editor_client.post(INTAKE_URL, data)

    assert offered.status_code == 200
    assert offered.context["rows"][0]["plan"].reprint_of == [ap_retort]
    errors = offered.context["desk"].statements.forms[0].errors
    assert "already has this quote" in str(errors)
    assert set(errors) == {"text"}  # no speaker or date asked for a quote already recorded

    added = editor_client.post(INTAKE_URL, data | {"statements-0-reprint": f"add:{ap_retort.pk}"})

    assert added.status_code == 302, added.content.decode()[:3000]
    assert Statement.objects.get() == ap_retort
    assert ap_retort.text == OSSOFF_RETORT  # the first outlet's words stay
    assert sorted(ap_retort.sources.values_list("outlet__name", flat=True)) == [
        "Associated Press",
        "Atlanta Journal-Constitution",
    ]


def test_entered_anew_the_words_need_a_speaker_and_a_date(editor_client, ap_retort):
    response = editor_client.post(
        INTAKE_URL,
        desk_post(source=ajc_copy(), statements=[{"text": AJC_RETORT, "reprint": "new"}]),
    )

    assert response.status_code == 200
    errors = response.context["desk"].statements.forms[0].errors
    assert "Who said it?" in str(errors["speaker"])
    assert "When was it said?" in str(errors["said_on"])
    assert Statement.objects.count() == 1


def test_new_words_without_a_speaker_are_not_offered_anything(editor_client, ap_retort):
    response = editor_client.post(
        INTAKE_URL, desk_post(source=ajc_copy(), statements=[{"text": "Something else."}])
    )

    assert response.context["rows"][0]["plan"].reprint_of == []
    assert "Who said it?" in str(response.context["desk"].statements.forms[0].errors)
