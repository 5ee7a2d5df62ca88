"""The article desk: an outlet's own finding on a claim (a rated reaction that names no
one) is by the article's outlet, even when the outlet is created with the article."""

import pytest

from statements.models import Organization, Reaction, Statement

from .factories import OutletFactory, SourceFactory
from .support import INTAKE_URL, desk_post
from .test_intake import PERDUE_AGENDA, debate_rows, new_event, new_source, race  # noqa: F401

pytestmark = pytest.mark.django_db

AP_WORDS = (
    "falsely accusing Ossoff of backing the Green New Deal and socialized medicine, neither "
    "of which Ossoff supports"
)


def finding(**extra):
    """The AP's finding as a row gives it: no respondent, organization or kind."""
    return {
        "to_row": 3,
        "stance": "disagrees",
        "rating": "false",
        "text": AP_WORDS,
        **extra,
    }


def test_a_finding_by_a_new_outlet_is_saved_as_the_articles_outlets(editor_client, race):  # noqa: F811
    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source=new_source(),
            event=new_event(),
            statements=debate_rows(race),
            reactions=[finding()],
        ),
    )

    assert response.status_code == 302, response.content.decode()[:4000]
    outlet = Organization.objects.get(name="Associated Press")
    reaction = Reaction.objects.get(rating="false")
    assert reaction.statement == Statement.objects.get(text=PERDUE_AGENDA)
    assert (reaction.respondent, reaction.respondent_organization) == (None, outlet)
    assert (reaction.stance, reaction.kind, reaction.text) == ("disagrees", "paraphrase", AP_WORDS)
    assert reaction.source.outlet == outlet


def test_a_finding_on_a_recorded_article_takes_that_articles_outlet(editor_client, race):  # noqa: F811
    outlet = OutletFactory(name="Associated Press")
    source = SourceFactory(outlet=outlet)

    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source={"source": source},
            event=new_event(),
            statements=debate_rows(race),
            reactions=[finding()],
        ),
    )

    assert response.status_code == 302, response.content.decode()[:4000]
    assert Reaction.objects.get(rating="false").respondent_organization == outlet


def test_a_named_organization_is_kept_and_an_unrated_reaction_still_needs_someone(
    editor_client,
    race,  # noqa: F811
):
    checker = OutletFactory(name="PolitiFact")
    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source=new_source(),
            event=new_event(),
            statements=debate_rows(race),
            reactions=[finding(respondent_organization=checker)],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:4000]
    assert Reaction.objects.get(rating="false").respondent_organization == checker

    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source=new_source(title="Another story"),
            event=new_event(name="Another debate"),
            statements=debate_rows(race)[:1],
            reactions=[finding(to_row=0, rating="")],
        ),
    )
    assert response.status_code == 200
    assert "Say who reacted" in response.content.decode()
    assert not Statement.objects.filter(sources__title="Another story").exists()


def test_an_unrated_reaction_left_without_a_kind_is_a_direct_quote(editor_client, race):  # noqa: F811
    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source=new_source(),
            event=new_event(),
            statements=debate_rows(race),
            reactions=[
                {
                    "to_row": 0,
                    "respondent": race["perdue"],
                    "stance": "disagrees",
                    "text": "a grave crisis",
                }
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:4000]
    assert Reaction.objects.get(text="a grave crisis").kind == "direct"
