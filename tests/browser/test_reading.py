"""What a reader does, in real Chromium: search, open, filter, read on a phone, with axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from statements.models import QuoteKind, Rating, Reaction

from ..factories import (
    OutletFactory,
    PersonFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def open_the_misguided_statement(page: Page, site: str) -> None:
    """Follow the card's permalink the way a reader does, and wait for the page to load:
    a script run while the click's navigation is under way sees no document."""
    page.goto(site + "/statements/?q=misguided")
    page.locator("article.card").first.get_by_role("link", name=re.compile("Permalink")).click()
    page.wait_for_url(re.compile(r"/statements/\d+/$"), wait_until="load")


def test_reader_finds_the_287g_remark_and_mehlmans_reaction(page: Page, demo_site):
    page.goto(demo_site + "/")
    page.get_by_role("searchbox").first.fill("287(g)")
    page.get_by_role("searchbox").first.press("Enter")
    expect(page).to_have_url(re.compile(r"/statements/\?q=287%28g%29"))
    card = page.locator("article.card", has_text="misguided")
    expect(card).to_have_count(1)
    expect(card.locator(".kind-label")).to_have_text(re.compile("Partial quote", re.I))
    card.get_by_role("link", name=re.compile("Permalink")).click()
    expect(page).to_have_url(re.compile(r"/statements/\d+/$"))
    reactions = page.locator("#reactions")
    expect(reactions).to_contain_text("Ira Mehlman")
    expect(reactions).to_contain_text("spokesman")
    expect(reactions).to_contain_text("Federation for American Immigration Reform")
    expect(reactions).to_contain_text(
        "Nobody is compelling them to enforce federal immigration laws"
    )


def test_filtering_by_topic_and_speaker_is_in_the_url(page: Page, demo_site):
    page.goto(demo_site + "/statements/")
    page.get_by_label("Topic", exact=True).select_option("border-security")
    # A text field with suggestions: picking "Jon Ossoff" from them puts in his slug.
    speaker = page.get_by_label("Speaker", exact=True)
    expect(speaker).to_have_attribute("list", "speaker-suggestions")
    expect(page.locator('#speaker-suggestions option[value="jon-ossoff"]')).to_have_count(1)
    speaker.fill("jon-ossoff")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"topic=border-security"))
    expect(page).to_have_url(re.compile(r"speaker=jon-ossoff"))
    cards = page.locator("article.card")
    expect(cards).to_have_count(3)
    shown = sorted(cards.all_inner_texts())
    # The same URL, opened fresh, reproduces the same view and keeps the form's choices.
    url = page.url
    other = page.context.new_page()
    other.goto(url)
    expect(other.locator("article.card")).to_have_count(3)
    assert sorted(other.locator("article.card").all_inner_texts()) == shown
    expect(other.get_by_label("Topic", exact=True)).to_have_value("border-security")
    expect(other.get_by_label("Speaker", exact=True)).to_have_value("jon-ossoff")
    other.close()


@pytest.mark.parametrize("path", ["/", "/statements/", "STATEMENT"])
def test_phone_width_has_no_sideways_scrolling(page: Page, demo_site, path):
    page.set_viewport_size(PHONE)
    if path == "STATEMENT":
        open_the_misguided_statement(page, demo_site)
    else:
        page.goto(demo_site + path)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px wide"


AXE_PAGES = [
    "/",
    "/statements/",
    "/statements/?q=immigration",
    "STATEMENT",
    "/people/jon-ossoff/",
    "/topics/immigration/",
    "/races/2020-georgia-us-senate-democratic-primary/",
    "/compare/?people=jon-ossoff,teresa-tomlinson&topic=immigration",
]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_violations(page: Page, demo_site, path):
    if path == "STATEMENT":
        open_the_misguided_statement(page, demo_site)
    else:
        response = page.goto(demo_site + path)
        assert response.status == 200
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("failure", ["404", "500", "503", "503 cache"])
def test_error_pages_pass_axe_and_fit_a_phone(page: Page, demo_site, monkeypatch, failure):
    """What a reader gets when an address is wrong (404), the site fails (500), a query
    runs out of time (503) or a write cannot reach the shared cache (503 cache): a page
    that says so, accessible and readable on a phone."""
    from django.db import OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError

    from statements.public.views import home as home_view

    class Cancelled(Exception):
        pgcode = "57014"  # query_canceled: how PostgreSQL ends a query past its time limit

    def fail(*args, **kwargs):
        if failure == "500":
            raise RuntimeError("boom")
        if failure == "503 cache":
            raise RedisConnectionError("Error 111 connecting to the cache. Connection refused.")
        raise OperationalError("canceling statement due to statement timeout") from Cancelled()

    status = int(failure.split()[0])
    if status != 404:
        monkeypatch.setattr(home_view.reading, "home_page", fail)
    page.set_viewport_size(PHONE)
    response = page.goto(demo_site + ("/people/no-such-person/" if status == 404 else "/"))
    assert response is not None and response.status == status
    expect(page.locator("h1")).to_have_count(1)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the {failure} page scrolls sideways by {overflow}px at 360px wide"


@pytest.fixture
def debate_site(live_server, db):
    """A claim with an outlet's finding, and a retort to it: both statements' pages."""
    ap = OutletFactory(name="Associated Press")
    article = SourceFactory(outlet=ap, title="Perdue, Ossoff meet in 2nd Georgia Senate debate")
    perdue = PersonFactory(name="David Perdue", sort_name="Perdue, David")
    ossoff = PersonFactory(name="Jon Ossoff", sort_name="Ossoff, Jon")
    claim = StatementFactory(
        speaker=perdue,
        text="The number one thing that will bankrupt us is the Green New Deal",
        sources=[article],
    )
    retort = StatementFactory(
        speaker=ossoff, text="There's the senator with the catchphrases again", sources=[article]
    )
    ReactionFactory(
        statement=claim,
        respondent=None,
        respondent_organization=ap,
        rating=Rating.FALSE,
        kind=QuoteKind.PARAPHRASE,
        text="falsely accusing Ossoff of backing the Green New Deal",
        source=article,
    )
    ReactionFactory(
        statement=claim, respondent=ossoff, text="", response_statement=retort, source=article
    )
    assert Reaction.objects.count() == 2
    return live_server.url, [claim.get_absolute_url(), retort.get_absolute_url(), "/statements/"]


def test_findings_and_retorts_pass_axe_and_fit_a_phone(page: Page, debate_site):
    base, paths = debate_site
    page.set_viewport_size(PHONE)
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200
        results = Axe().run(page)
        assert results.violations_count == 0, (path, results.generate_report())
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px wide"
    page.goto(base + paths[0])
    expect(page.get_by_text("Associated Press's finding: False").first).to_be_visible()
