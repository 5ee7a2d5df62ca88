"""Asking for an alert in real Chromium, without JavaScript help: the form, the link in the
mail, the confirmation, the manage page; each checked with axe and at phone width."""

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def check_page(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.set_viewport_size(PHONE)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 360px wide"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_reader_asks_for_an_alert_and_confirms_it(page: Page, demo_site):
    page.goto(demo_site + "/statements/?speaker=jon-ossoff")
    page.get_by_role("link", name="Get these by email").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Get these statements by email")
    expect(page.get_by_text("Speaker: Jon Ossoff")).to_be_visible()
    check_page(page)
    page.get_by_label("Your email address").fill("reader@example.org")
    page.get_by_label("Name this alert (optional)").fill("Ossoff")
    page.get_by_role("button", name="Send me a confirmation link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/alerts/confirm/\S+", message.body).group(0)
    parts = urlsplit(link)
    page.goto(f"{demo_site}{parts.path}?{parts.query}")
    check_page(page)
    page.get_by_role("button", name="Confirm the alert").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alert confirmed")

    page.get_by_role("link", name="See or delete your alerts").click()
    expect(page.get_by_role("link", name="Ossoff")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Delete my address and all alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deleted")
