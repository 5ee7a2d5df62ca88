"""The timeline charts in real Chromium: axe, a phone's width, the site's CSP, links."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from statements.models import PublicationState, QuoteKind, Statement, StatementTopic

from ..factories import PersonFactory, TopicFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
CHART_PAGES = [
    "/people/jon-ossoff/",
    "/topics/immigration/",
    "/races/2020-georgia-us-senate-democratic-primary/",
    "/people/pat-prolific/",  # counted by month
]


@pytest.fixture
def site(demo_site):
    """The demo, and a speaker with 400 statements on two topics (past the density)."""
    speaker = PersonFactory(name="Pat Prolific", slug="pat-prolific")
    topics = [TopicFactory(name="Trade"), TopicFactory(name="Ferries and harbour dues")]
    made = Statement.objects.bulk_create(
        Statement(
            speaker=speaker,
            speaker_name=speaker.name,
            said_on=datetime.date(2021, 1, 1) - datetime.timedelta(days=3 * i),
            kind=list(QuoteKind)[i % 3],
            text=f"Remark {i}.",
            state=PublicationState.PUBLISHED,
        )
        for i in range(400)
    )
    StatementTopic.objects.bulk_create(
        StatementTopic(statement=s, topic=topics[n % 2]) for n, s in enumerate(made)
    )
    return demo_site


@pytest.mark.parametrize("path", CHART_PAGES)
def test_chart_pages_pass_axe_with_the_table_open(page: Page, site, path):
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    response = page.goto(site + path)
    assert response is not None and response.status == 200
    chart = page.locator("svg.timeline-chart")
    expect(chart).to_have_count(1)
    page.locator(".timeline-table summary").click()
    expect(page.locator("table.timeline-data")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert not [text for text in refused if "Content Security Policy" in text], refused


@pytest.mark.parametrize("path", CHART_PAGES)
def test_chart_reads_at_360_px(page: Page, site, path):
    page.set_viewport_size(PHONE)
    page.goto(site + path)
    page.locator(".timeline-table summary").click()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px wide"
    box = page.locator("svg.timeline-chart").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # Row labels stay legible: at least 11 px tall on the phone.
    label = page.locator("svg.timeline-chart text.row-label").first.bounding_box()
    assert label is not None and label["height"] >= 11, label


def test_a_mark_leads_to_its_statement(page: Page, site):
    page.goto(site + "/people/jon-ossoff/")
    mark = page.locator("svg.timeline-chart a.mark").first
    href = mark.get_attribute("href")
    assert href and href.startswith("/statements/")
    mark.click()
    expect(page).to_have_url(site + href)
