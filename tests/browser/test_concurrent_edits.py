"""Two editors, two real browser sessions, one statement: the second save must not win."""

import re

import pytest
from playwright.sync_api import Browser, expect

from statements.editorial import EDITOR
from statements.models import Statement
from tests.factories import StatementFactory
from tests.support import logged_in, user_with_role

pytestmark = pytest.mark.browser


def editor_context(browser: Browser, base_url: str):
    """A browser context signed in as a new member of the Editor group."""
    client = logged_in(user_with_role(EDITOR))
    context = browser.new_context(base_url=base_url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return context


def test_second_editor_is_refused_and_sees_what_changed(browser: Browser, live_server):
    statement = StatementFactory(state="draft", text="Original words.", context="")
    first = editor_context(browser, live_server.url).new_page()
    second = editor_context(browser, live_server.url).new_page()
    change_url = f"/admin/statements/statement/{statement.pk}/change/"
    first.goto(change_url)
    second.goto(change_url)

    first.locator("#id_text").fill("The first editor's words.")
    first.get_by_role("button", name="Save", exact=True).first.click()
    expect(first.locator(".messagelist")).to_contain_text("changed successfully")

    second.locator("#id_context").fill("The second editor's context.")
    second.get_by_role("button", name="Save", exact=True).first.click()
    message = second.locator(".errornote, .messagelist .error").first
    expect(message).to_contain_text("Someone else saved this statement while you were editing")
    expect(second.locator("body")).to_contain_text(re.compile("text", re.I))
    # The second editor's input is still on the form, and nothing was overwritten.
    expect(second.locator("#id_context")).to_have_value("The second editor's context.")
    saved = Statement.objects.get(pk=statement.pk)
    assert saved.text == "The first editor's words."
    assert saved.context == ""
