"""Outlets' findings: a reaction by an organization (no person) with a rating from a
controlled list, its reporter's wording kept as the text; shown beside the claim as the
outlet's, published as schema.org ClaimReview, entered in the admin and on the desk,
exposed by the API, and never shown while a draft."""

import datetime
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from statements.models import PublicationState, QuoteKind, Rating, Reaction, Statement
from statements.reading.people import with_statement_counts

from .factories import (
    OrganizationFactory,
    OutletFactory,
    PersonFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
)
from .support import INTAKE_URL, admin_url, desk_post
from .test_views import PAGE_BUDGET, get_ok, page_text

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)

PERDUE_AGENDA = (
    "He will say and do anything to hide this radical socialist agenda. The number one thing "
    "that will bankrupt us is the Green New Deal and socialized medicine"
)
AP_WORDING = (
    "falsely accusing Ossoff of backing the Green New Deal and socialized medicine, neither "
    "of which Ossoff supports"
)


@pytest.fixture
def uncached_pages(settings):
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("AnonymousPageCacheMiddleware")
    ]


@pytest.fixture
def claim():
    """Perdue's Green New Deal claim, and the AP's finding on it: false."""
    ap = OutletFactory(name="Associated Press", slug="associated-press")
    article = SourceFactory(
        outlet=ap,
        title="Perdue, Ossoff meet in 2nd Georgia Senate debate",
        author="Ben Nadler",
        published_on=datetime.date(2020, 10, 28),
        url="https://apnews.com/article/perdue-ossoff-second-debate",
    )
    perdue = PersonFactory(name="David Perdue", sort_name="Perdue, David", slug="david-perdue")
    statement = StatementFactory(
        speaker=perdue,
        text=PERDUE_AGENDA,
        said_on=datetime.date(2020, 10, 28),
        sources=[article],
    )
    finding = ReactionFactory(
        statement=statement,
        respondent=None,
        respondent_role="",
        respondent_organization=ap,
        stance=Reaction.Stance.DISAGREES,
        rating=Rating.FALSE,
        kind=QuoteKind.PARAPHRASE,
        text=AP_WORDING,
        source=article,
    )
    return {
        "ap": ap,
        "article": article,
        "perdue": perdue,
        "statement": statement,
        "finding": finding,
    }


def claim_reviews(response) -> list[dict]:
    blocks = [json.loads(block) for block in JSON_LD.findall(response.content.decode())]
    return [block for block in blocks if block.get("@type") == "ClaimReview"]


# --------------------------------------------------------------------------- the model


def test_a_rating_is_only_an_organizations(claim):
    reaction = Reaction(
        statement=claim["statement"],
        respondent=PersonFactory(),
        stance=Reaction.Stance.DISAGREES,
        rating=Rating.FALSE,
        text="Not so.",
        source=claim["article"],
    )
    with pytest.raises(ValidationError) as refused:
        reaction.full_clean()
    assert "rating" in refused.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        reaction.save()


def test_a_reaction_names_a_person_or_an_organization(claim):
    reaction = Reaction(
        statement=claim["statement"],
        stance=Reaction.Stance.DISAGREES,
        text="Not so.",
        source=claim["article"],
    )
    with pytest.raises(ValidationError) as refused:
        reaction.full_clean()
    assert "Say who reacted" in str(refused.value)
    with transaction.atomic(), pytest.raises(IntegrityError):
        reaction.save()


def test_the_rating_comes_from_the_controlled_list(claim):
    assert Rating.values == [
        "true",
        "mostly-true",
        "half-true",
        "misleading",
        "false",
        "unsupported",
    ]
    finding = claim["finding"]
    finding.rating = "baloney"
    with pytest.raises(ValidationError):
        finding.full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        Reaction.objects.filter(pk=finding.pk).update(rating="baloney")


def test_a_person_may_give_a_finding_for_their_outlet(claim):
    """A named fact-checker writing for the outlet: still the outlet's finding."""
    checker = PersonFactory(name="Fay Checker")
    finding = ReactionFactory(
        statement=claim["statement"],
        respondent=checker,
        respondent_organization=claim["ap"],
        rating=Rating.MISLEADING,
        text="Misleading, the record shows.",
        source=claim["article"],
    )
    finding.full_clean()
    assert finding.by == "Fay Checker"


# --------------------------------------------------------------------------- the pages


def test_the_finding_shows_beside_the_claim_as_the_outlets(client, claim):
    response = get_ok(client, claim["statement"].get_absolute_url())
    text = page_text(response)
    beside = text[text.index("What the outlets found") : text.index("Context")]
    assert "Associated Press's finding: False" in beside
    assert f"Associated Press's wording: {AP_WORDING}" in beside
    # Never a quotation of the speaker: not in quotation marks, not in the speaker's words.
    body = response.content.decode()
    assert f"“{AP_WORDING}”" not in body
    words = body[
        body.index('class="statement-words') : body.index(
            "</div>", body.index('class="statement-words')
        )
    ]
    assert "falsely" not in words
    # Under Reactions too (it is one), by the outlet, without a person.
    reactions = text[text.index("Reactions What other people") : text.index("Sources")]
    assert "Associated Press's finding: False" in reactions
    assert "Associated Press's wording, not Perdue's:" in reactions


def test_the_card_shows_the_finding(client, claim):
    text = page_text(get_ok(client, "/statements/"))
    assert "Associated Press's finding: False" in text
    assert "Associated Press's wording, not David Perdue's: falsely accusing Ossoff" in text
    assert "1 reaction" in text  # the finding is one of the statement's reactions


def test_counts_include_the_finding_as_a_reaction_to_the_statement_only(client, claim):
    """A finding is a reaction by the outlet: the statement's reaction count includes it;
    it is no person's reaction, so no person's count does."""
    person = with_statement_counts(
        type(claim["perdue"]).objects.filter(pk=claim["perdue"].pk)
    ).get()
    assert (person.statement_count, person.reaction_count) == (1, 0)
    text = page_text(get_ok(client, "/people/"))
    assert "1 statement · 0 reactions to others" in text


def test_a_draft_finding_never_shows(client, claim):
    Reaction.objects.filter(pk=claim["finding"].pk).update(state=PublicationState.REVIEW)
    response = get_ok(client, claim["statement"].get_absolute_url())
    assert "falsely accusing" not in response.content.decode()
    assert "finding" not in page_text(response).lower()
    assert claim_reviews(response) == []
    assert "falsely accusing" not in get_ok(client, "/statements/").content.decode()
    body = get_ok(client, "/api/v1/reactions/").content.decode()
    assert "falsely accusing" not in body
    assert client.get(f"/api/v1/reactions/{claim['finding'].pk}/").status_code == 404


def test_a_finding_by_a_draft_outlet_never_shows(client, claim):
    """The finding is the outlet's own: without a public outlet there is nobody to show
    it as, so it is hidden (a person's reaction only loses the organization's name)."""
    type(claim["ap"]).objects.filter(pk=claim["ap"].pk).update(state=PublicationState.DRAFT)
    response = get_ok(client, claim["statement"].get_absolute_url())
    assert "falsely accusing" not in response.content.decode()
    assert claim_reviews(response) == []
    assert client.get(f"/api/v1/reactions/{claim['finding'].pk}/").status_code == 404


def test_the_statement_page_keeps_its_query_budget(client, claim, uncached_pages):
    url = claim["statement"].get_absolute_url()

    def queries() -> int:
        get_ok(client, url)
        with CaptureQueriesContext(connection) as captured:
            get_ok(client, url)
        return len(captured)

    one = queries()
    for n in range(4):
        ReactionFactory(
            statement=claim["statement"],
            respondent=None,
            respondent_organization=OutletFactory(),
            rating=Rating.MISLEADING,
            kind=QuoteKind.PARAPHRASE,
            text=f"misleading, finding {n}",
        )
    assert queries() == one <= PAGE_BUDGET
    text = page_text(get_ok(client, url))
    assert text.count("finding: Misleading") == 2 * 4  # beside the claim and under Reactions


def test_the_list_keeps_its_query_budget(client, claim, uncached_pages):
    def queries() -> int:
        get_ok(client, "/statements/")
        with CaptureQueriesContext(connection) as captured:
            get_ok(client, "/statements/")
        return len(captured)

    one = queries()
    for _ in range(5):
        statement = StatementFactory()
        ReactionFactory(
            statement=statement,
            respondent=None,
            respondent_organization=OutletFactory(),
            rating=Rating.HALF_TRUE,
            text="half right",
        )
    assert queries() == one <= PAGE_BUDGET
    assert page_text(get_ok(client, "/statements/")).count("finding: Half true") == 5


# --------------------------------------------------------------------------- ClaimReview


def test_claim_review_has_schema_orgs_shape(client, claim):
    statement = claim["statement"]
    response = get_ok(client, statement.get_absolute_url())
    [review] = claim_reviews(response)
    permalink = f"http://testserver{statement.get_absolute_url()}"
    # Google's ClaimReview guidance: claimReviewed, reviewRating.alternateName, author, url.
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == permalink
    assert review["claimReviewed"] == PERDUE_AGENDA
    assert review["author"] == {"@type": "Organization", "name": "Associated Press"}
    assert review["datePublished"] == "2020-10-28"
    assert review["reviewBody"] == AP_WORDING
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"]["@type"] == "Person" and item["author"]["name"] == "David Perdue"
    assert item["datePublished"] == "2020-10-28"
    appearance = item["firstAppearance"]
    assert appearance["@type"] == "CreativeWork"
    assert appearance["url"] == "https://apnews.com/article/perdue-ossoff-second-debate"
    assert appearance["headline"] == "Perdue, Ossoff meet in 2nd Georgia Senate debate"
    assert item["appearance"] == [appearance]
    rating = review["reviewRating"]
    assert rating == {
        "@type": "Rating",
        "alternateName": "False",
        "author": {"@type": "Organization", "name": "Associated Press"},
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    # The statement's own Quotation is still there, alone of its kind.
    blocks = [json.loads(block) for block in JSON_LD.findall(response.content.decode())]
    assert [block["@type"] for block in blocks] == ["Quotation", "ClaimReview"]


@pytest.mark.parametrize(
    ("rating", "value"),
    [("true", 5), ("mostly-true", 4), ("half-true", 3), ("misleading", 2), ("false", 1)],
)
def test_the_rating_scale(client, claim, rating, value):
    Reaction.objects.filter(pk=claim["finding"].pk).update(rating=rating)
    [review] = claim_reviews(get_ok(client, claim["statement"].get_absolute_url()))
    assert review["reviewRating"]["ratingValue"] == value
    assert review["reviewRating"]["alternateName"] == Rating(rating).label


def test_unsupported_has_a_name_but_no_place_on_the_scale(client, claim):
    Reaction.objects.filter(pk=claim["finding"].pk).update(rating="unsupported")
    [review] = claim_reviews(get_ok(client, claim["statement"].get_absolute_url()))
    assert review["reviewRating"]["alternateName"] == "Unsupported"
    assert "ratingValue" not in review["reviewRating"]


def test_no_claim_review_without_a_finding(client, claim):
    ReactionFactory(statement=claim["statement"], text="I disagree.")  # a person's reaction
    Reaction.objects.filter(pk=claim["finding"].pk).update(rating="")
    Reaction.objects.filter(pk=claim["finding"].pk).update(respondent=PersonFactory())
    assert claim_reviews(get_ok(client, claim["statement"].get_absolute_url())) == []


def test_claim_review_cannot_break_out_of_its_script(client, claim):
    Reaction.objects.filter(pk=claim["finding"].pk).update(text="</script><script>alert(1)")
    response = get_ok(client, claim["statement"].get_absolute_url())
    [review] = claim_reviews(response)
    assert review["reviewBody"] == "</script><script>alert(1)"
    assert "<script>alert(1)" not in response.content.decode()


# --------------------------------------------------------------------------- the API


def test_the_api_gives_the_rating_and_no_person(client, claim):
    data = client.get(f"/api/v1/reactions/{claim['finding'].pk}/").json()
    assert data["rating"] == "false"
    assert data["rating_label"] == "False"
    assert data["respondent"] is None
    assert data["respondent_organization"]["name"] == "Associated Press"
    assert data["kind"] == "paraphrase"
    assert data["text"] == AP_WORDING
    assert data["response_statement"] is None
    [nested] = client.get(f"/api/v1/statements/{claim['statement'].pk}/").json()["reactions"]
    assert nested["rating"] == "false" and nested["respondent"] is None


# --------------------------------------------------------------------------- entering it


def test_the_admin_enters_a_finding(claim, editor_client):
    statement = StatementFactory()
    url = admin_url(Reaction, "add")
    data = {
        "statement": statement.pk,
        "respondent": "",
        "respondent_role": "",
        "respondent_organization": claim["ap"].pk,
        "stance": "disagrees",
        "interpretation": "",
        "rating": "misleading",
        "kind": "paraphrase",
        "text": "misleadingly describing the bill",
        "response_statement": "",
        "channel": "",
        "source": claim["article"].pk,
        "reacted_on": "",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 302, page_text(response)[:3000]
    finding = Reaction.objects.get(statement=statement)
    assert (finding.respondent, finding.respondent_organization, finding.rating) == (
        None,
        claim["ap"],
        "misleading",
    )


def test_the_admin_refuses_a_persons_rating(claim, editor_client):
    statement = StatementFactory()
    data = {
        "statement": statement.pk,
        "respondent": PersonFactory().pk,
        "stance": "disagrees",
        "rating": "false",
        "kind": "direct",
        "text": "Wrong.",
        "source": claim["article"].pk,
    }
    response = editor_client.post(admin_url(Reaction, "add"), data)
    assert response.status_code == 200
    assert "Only an organization's reaction carries a rating" in page_text(response)
    assert not Reaction.objects.filter(statement=statement).exists()


def test_the_desk_enters_the_aps_finding(editor_client):
    perdue = PersonFactory(name="David Perdue")
    ap = OutletFactory(name="Associated Press")
    article = SourceFactory(
        outlet=ap,
        title="Perdue, Ossoff meet in 2nd Georgia Senate debate",
        published_on=datetime.date(2020, 10, 28),
        text=f"Perdue was {AP_WORDING}. “{PERDUE_AGENDA},” Perdue said.",
    )
    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source={"source": article},
            shared={"said_on": "2020-10-28", "kind": "direct"},
            statements=[{"speaker": perdue, "text": PERDUE_AGENDA}],
            reactions=[
                {
                    "to_row": "0",
                    "respondent_organization": ap,
                    "stance": "disagrees",
                    "rating": "false",
                    "kind": "paraphrase",
                    "text": AP_WORDING,
                }
            ],
        ),
    )
    assert response.status_code == 302, page_text(response)[:3000]
    statement = Statement.objects.get(speaker=perdue)
    finding = Reaction.objects.get(statement=statement)
    assert finding.respondent is None
    assert finding.respondent_organization == ap
    assert finding.rating == "false"
    assert finding.kind == "paraphrase"
    assert finding.text == AP_WORDING
    assert finding.state == PublicationState.DRAFT


def test_the_desk_refuses_a_rating_without_an_organization(editor_client):
    perdue = PersonFactory()
    article = SourceFactory()
    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source={"source": article},
            shared={"said_on": "2020-10-28"},
            statements=[{"speaker": perdue, "text": "Some words."}],
            reactions=[
                {
                    "to_row": "0",
                    "respondent": PersonFactory(),
                    "stance": "disagrees",
                    "rating": "false",
                    "kind": "paraphrase",
                    "text": "wrongly saying so",
                }
            ],
        ),
    )
    assert response.status_code == 200
    assert "Only an organization's reaction carries a rating" in page_text(response)
    assert not Statement.objects.filter(speaker=perdue).exists()


def test_an_organization_without_a_rating_is_not_a_finding(client, claim):
    """An organization's statement of disagreement (no rating): shown as its reaction,
    not as a finding, and with no ClaimReview."""
    group = OrganizationFactory(name="Clean Air Alliance")
    ReactionFactory(
        statement=claim["statement"],
        respondent=None,
        respondent_organization=group,
        text="We disagree.",
    )
    Reaction.objects.filter(pk=claim["finding"].pk).delete()
    response = get_ok(client, claim["statement"].get_absolute_url())
    text = page_text(response)
    assert "Clean Air Alliance" in text and "We disagree." in text
    assert "finding" not in text.lower()
    assert claim_reviews(response) == []
