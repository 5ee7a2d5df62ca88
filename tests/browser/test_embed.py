"""The embeddable card in a page from another origin, in real Chromium; the copy buttons
beside the citations, with and without JavaScript."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Frame, Page, expect

from statements.models import QuoteKind, Statement

pytestmark = pytest.mark.browser


@pytest.fixture
def other_origin():
    """A server on another port of another loopback name than the live server's: its pages
    are of another origin. ``serve(html)`` returns the address of a page holding ``html``."""
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(html: str) -> str:
        path = f"/page-{len(pages)}.html"
        pages[path] = html.encode()
        return f"http://127.0.0.1:{server.server_address[1]}{path}"

    yield serve
    server.shutdown()
    server.server_close()


def partial_quote() -> Statement:
    return Statement.objects.get(kind=QuoteKind.PARTIAL, text="misguided")


def test_another_site_can_frame_the_embed_but_no_other_page(page: Page, demo_site, other_origin):
    statement = partial_quote()
    base = demo_site  # http://localhost:<port>; the other origin is 127.0.0.1:<another>
    embed = f"{base}/statements/{statement.pk}/embed/"
    refused = f"{base}/statements/{statement.pk}/"
    host = other_origin(
        "<!doctype html><title>A newspaper</title>"
        f'<iframe name="embed" title="card" src="{embed}" width="550" height="320"></iframe>'
        f'<iframe name="page" title="page" src="{refused}" width="550" height="320"></iframe>'
    )
    assert not host.startswith(base)
    page.goto(host)
    embed_frame = loaded_frame(page, "embed")
    expect(embed_frame.locator(".quoted")).to_have_text("“misguided”")
    expect(
        embed_frame.get_by_role("link", name=re.compile("Sources, reactions"))
    ).to_have_attribute("target", "_top")
    # The statement page is refused: Chromium puts its error page in the frame instead.
    refused_frame = loaded_frame(page, "page")
    assert refused_frame.url.startswith("chrome-error://"), refused_frame.url
    assert refused_frame.locator("article.statement").count() == 0

    # A second load comes from the page cache, and is still allowed in the frame.
    page.goto(other_origin(f'<iframe name="embed" title="card" src="{embed}"></iframe>'))
    expect(loaded_frame(page, "embed").locator(".quoted")).to_have_text("“misguided”")


def loaded_frame(page: Page, name: str) -> Frame:
    """The frame of the iframe named ``name``, once it has navigated somewhere."""
    handle = page.locator(f'iframe[name="{name}"]').element_handle()
    for _ in range(100):
        frame = handle.content_frame()
        if frame is not None and frame.url not in ("", "about:blank"):
            frame.wait_for_load_state()
            return frame
        page.wait_for_timeout(100)
    raise AssertionError(f"the {name} frame never loaded")


def test_embed_passes_axe_and_fits_a_narrow_frame(page: Page, demo_site):
    statement = partial_quote()
    page.set_viewport_size({"width": 300, "height": 400})
    response = page.goto(f"{demo_site}/statements/{statement.pk}/embed/")
    assert response is not None and response.status == 200
    assert "set-cookie" not in response.headers
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_copy_buttons_copy_each_citation(page: Page, demo_site):
    statement = partial_quote()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{demo_site}/statements/{statement.pk}/")  # localhost: a secure context
    button = page.get_by_role("button", name="Copy AP", exact=True)
    expect(button).to_be_visible()
    button.click()
    expect(page.locator(".copy-status")).to_have_text("AP copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#cite-ap").input_value()
    assert "“misguided”" in copied
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_without_javascript_the_citations_stay_selectable(browser: Browser, demo_site):
    statement = partial_quote()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_site}/statements/{statement.pk}/")
    expect(page.locator("button.copy").first).to_be_hidden()
    box = page.get_by_label("BibTeX")
    expect(box).to_be_visible()
    expect(box).to_have_attribute("readonly", "")
    box.focus()
    page.keyboard.press("Control+A")
    selected = page.evaluate(
        "(() => { const b = document.getElementById('cite-bibtex');"
        " return b.value.substring(b.selectionStart, b.selectionEnd); })()"
    )
    assert selected.startswith("@misc{")
    context.close()
