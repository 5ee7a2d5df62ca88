"""A reader follows a refrain from one statement to where it was said again, on a phone."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import (
    EventFactory,
    OutletFactory,
    PersonFactory,
    SourceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
RETORT = (
    "There\u2019s the senator with the catchphrases again. But no substance, little truth "
    "and no sense of personal responsibility,"
)


@pytest.fixture
def refrain(live_server):
    ossoff = PersonFactory(name="Jon Ossoff")
    debate = StatementFactory(
        speaker=ossoff,
        text=RETORT,
        said_on=datetime.date(2020, 10, 28),
        event=EventFactory(name="Second Senate debate"),
        sources=[SourceFactory(outlet=OutletFactory(name="Associated Press"))],
    )
    rally = StatementFactory(
        speaker=ossoff,
        text=RETORT.replace("little truth", "less truth"),
        said_on=datetime.date(2020, 11, 4),
        event=EventFactory(name="Rally in Macon, a long name that has to wrap on a phone"),
        sources=[SourceFactory(outlet=OutletFactory(name="Macon Telegraph"))],
    )
    return live_server.url, debate, rally


def test_the_reader_follows_the_refrain_on_a_phone(page: Page, refrain):
    site, debate, rally = refrain
    page.set_viewport_size(PHONE)
    page.goto(site + debate.get_absolute_url())
    section = page.get_by_role("region", name="Said before and again")
    expect(section.get_by_role("heading", name="Said again", exact=True)).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the statement page scrolls sideways by {overflow}px at 360px"
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    section.get_by_role("link", name="November 4, 2020").click()
    expect(page).to_have_url(site + rally.get_absolute_url())
    section = page.get_by_role("region", name="Said before and again")
    expect(section.get_by_role("heading", name="Said before", exact=True)).to_be_visible()
    expect(section).to_contain_text("Second Senate debate")
    expect(section).to_contain_text("Associated Press")
