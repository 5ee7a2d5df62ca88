"""The API docs page in real Chromium: it renders from our own files, under our CSP."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_api_docs_render_from_our_own_files_under_our_csp(page: Page, live_server):
    requested: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + "/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Statement Tracker API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
    assert refused == []
