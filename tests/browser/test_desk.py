"""The editor's desk in real Chromium: an editor enters the AP's story of the second
Perdue–Ossoff debate (the practice case) through the article desk, a publisher publishes it
from the review queue, and readers find it. Clicks and form submissions are counted.

What counts as a click: every press of the mouse a person needs (a button, a link, a
checkbox, opening a menu and choosing in it: two for an autocomplete, one for a native
menu). Typing into a field is not a click: a person tabs from field to field.
"""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect

from statements import editorial
from statements.models import (
    Candidacy,
    Election,
    Event,
    Organization,
    PublicationState,
    Race,
    Reaction,
    Source,
    Statement,
)
from tests.factories import PartyFactory, PersonFactory, TopicFactory
from tests.support import logged_in, user_with_role

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}

# The practice case, items 1–5: the quoted words, verbatim.
DEBATE_2 = [
    # (speaker, kind, frame, words, answers row, stance)
    (
        "Jon Ossoff",
        "direct",
        "",
        "We are in the middle of a grave public health crisis. It is spiraling out of control "
        "because Washington politicians downplayed the crisis, ignored the medical science, "
        "undermined the doctors and scientists who knew what they\u2019re doing",
        None,
        "",
    ),
    (
        "Jon Ossoff",
        "direct",
        "",
        "And senator David Perdue, in the middle of this health crisis, is still supporting "
        "efforts to repeal protections for Georgians with preexisting conditions.",
        None,
        "",
    ),
    (
        "David Perdue",
        "direct",
        "",
        "Right now we\u2019ve got to get serious about beating COVID and then getting our "
        "economy going again. If you leave it to the Democrats, they want us locked down and "
        "continue to stay locked down",
        1,
        "disagrees",
    ),
    (
        "David Perdue",
        "direct",
        "",
        "He will say and do anything to hide this radical socialist agenda. The number one "
        "thing that will bankrupt us is the Green New Deal and socialized medicine",
        None,
        "",
    ),
    (
        "Jon Ossoff",
        "direct",
        "",
        "There\u2019s the senator with the catchphrases again. But no substance, little truth "
        "and no sense of personal responsibility",
        4,
        "disagrees",
    ),
]
DEBATE_1 = [
    (
        "Jon Ossoff",
        "partial",
        "said Perdue has enabled President Donald Trump",
        "in a pandemic response that everybody from all parties knows has been a disaster.",
        None,
        "",
    ),
    ("David Perdue", "partial", "called Ossoff\u2019s remarks", "idle chatter", 1, "disagrees"),
    (
        "David Perdue",
        "direct",
        "",
        "What we really did is we brought help to the people of Georgia, both in the "
        "hospitals, schools, communities and in the workplace",
        None,
        "",
    ),
]


class Counted:
    """A page whose clicks and form submissions are counted."""

    def __init__(self, page: Page):
        self.page = page
        self.clicks = 0
        self.submissions = 0
        page.on("request", self._request)

    def _request(self, request) -> None:
        if request.method == "POST" and request.resource_type == "document":
            self.submissions += 1

    def click(self, target: Locator) -> None:
        self.clicks += 1
        target.click()

    def choose(self, select: Locator, value: str) -> None:
        """A native menu: one click (open and choose)."""
        self.clicks += 1
        select.select_option(value)

    def pick(self, field_id: str, term: str, choice: str) -> None:
        """An autocomplete: click to open it, type, click the choice."""
        self.click(self.page.locator(f"#{field_id} + .select2"))
        self.page.locator(".select2-container--open .select2-search__field").fill(term)
        option = self.page.locator(".select2-results__option", has_text=choice).first
        expect(option).to_be_visible()
        self.click(option)


@pytest.fixture
def before_the_story(transactional_db):
    """What the tracker knew before the story: the people, parties, race and topics."""
    democrats = PartyFactory(name="Democratic Party")
    republicans = PartyFactory(name="Republican Party")
    election = Election.objects.create(
        name="2020 U.S. Senate election in Georgia",
        slug="2020-georgia-us-senate",
        office="U.S. Senate",
        jurisdiction="Georgia",
        year=2020,
        state=PublicationState.PUBLISHED,
    )
    general = Race.objects.create(
        election=election,
        stage=Race.Stage.GENERAL,
        name="General election",
        slug="2020-georgia-us-senate-general",
        date=datetime.date(2020, 11, 3),
        state=PublicationState.PUBLISHED,
    )
    ossoff = PersonFactory(name="Jon Ossoff", slug="jon-ossoff")
    perdue = PersonFactory(name="David Perdue", slug="david-perdue")
    Candidacy.objects.create(person=ossoff, race=general, party=democrats)
    Candidacy.objects.create(person=perdue, race=general, party=republicans, incumbent=True)
    TopicFactory(name="Public health", slug="public-health")


def signed_in(browser: Browser, base_url: str, role: str) -> Page:
    client = logged_in(user_with_role(role))
    context = browser.new_context(base_url=base_url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return context.new_page()


def enter_rows(desk: Counted, rows) -> None:
    page = desk.page
    for index, (speaker, kind, frame, words, answers, stance) in enumerate(rows):
        prefix = f"id_statements-{index}"
        desk.pick(f"{prefix}-speaker", speaker.split()[-1], speaker)
        page.locator(f"#{prefix}-text").fill(words)
        if kind != "direct":
            desk.choose(page.locator(f"#{prefix}-kind"), kind)
            page.locator(f"#{prefix}-frame").fill(frame)
        if answers is not None:
            desk.choose(page.locator(f"#{prefix}-replies_to"), str(answers - 1))
            desk.choose(page.locator(f"#{prefix}-stance"), stance)


def test_an_editor_enters_the_debates_and_a_publisher_publishes_them(
    browser: Browser, live_server, before_the_story
):
    # The editor: from the admin's home, the whole second debate in one save.
    desk = Counted(signed_in(browser, live_server.url, editorial.EDITOR))
    page = desk.page
    page.goto("/admin/")
    desk.click(page.get_by_role("link", name="Enter an article"))
    page.locator("#id_source-new_outlet").fill("Associated Press")
    page.locator("#id_source-title").fill("Perdue, Ossoff meet in 2nd Georgia Senate debate")
    page.locator("#id_source-author").fill("Ben Nadler")
    page.locator("#id_source-published_on").fill("2020-10-28")
    page.locator("#id_source-url").fill("https://apnews.com/article/perdue-ossoff-debate")
    page.locator("#id_event-name").fill("Second Perdue–Ossoff debate")
    desk.choose(page.locator("#id_event-kind"), "debate")
    page.locator("#id_event-date").fill("2020-10-28")
    page.locator("#id_event-location").fill("Savannah, Georgia")
    page.locator("#id_event-new_hosts").fill("WTOC-TV")
    desk.pick("id_shared-topics", "health", "Public health")
    enter_rows(desk, DEBATE_2)
    desk.click(page.get_by_role("button", name="Save and submit for review"))
    expect(page.locator(".messagelist")).to_contain_text("submitted for review")

    # The first debate, from the same story: the desk comes back with the article chosen.
    expect(page.locator("#id_source-source")).to_have_value(
        str(Source.objects.get(title__startswith="Perdue, Ossoff").pk)
    )
    page.locator("#id_event-name").fill("First Perdue–Ossoff debate")
    desk.choose(page.locator("#id_event-kind"), "debate")
    page.locator("#id_event-date").fill("2020-10-12")
    desk.click(page.locator("#id_event-online"))
    page.locator("#id_event-new_hosts").fill("Atlanta Press Club")
    enter_rows(desk, DEBATE_1)
    desk.click(page.get_by_role("button", name="Save and submit for review"))
    expect(page.locator(".messagelist")).to_contain_text("submitted for review")
    editor_clicks, editor_submissions = desk.clicks, desk.submissions

    in_review = Statement.objects.filter(state=PublicationState.REVIEW)
    assert in_review.count() == len(DEBATE_2) + len(DEBATE_1)
    assert Reaction.objects.filter(state=PublicationState.REVIEW).count() == 3
    perdue = Statement.objects.get(text__startswith="He will say")
    assert perdue.speaker_role == "incumbent and candidate, U.S. Senate, Georgia"
    assert perdue.speaker_party.name == "Republican Party"
    first_debate = Event.objects.get(name="First Perdue–Ossoff debate")
    assert first_debate.online and first_debate.date == datetime.date(2020, 10, 12)
    assert Statement.objects.get(text="idle chatter").event == first_debate

    # The publisher: the review queue, the article's records with what they need.
    queue = Counted(signed_in(browser, live_server.url, editorial.PUBLISHER))
    page = queue.page
    page.goto("/admin/")
    queue.click(page.get_by_role("link", name="Review queue"))
    group = page.locator(".queue-group", has_text="Perdue, Ossoff meet in 2nd Georgia")
    queue.click(group.get_by_role("link", name="Publish with what it needs").first)
    queue.click(page.get_by_role("button", name=re.compile(r"^Publish all \d+ records$")))
    expect(page.locator(".messagelist")).to_contain_text("Published")
    expect(page.locator("body")).to_contain_text("Nothing is waiting for review.")

    print(
        f"\nEditor: {editor_clicks} clicks, {editor_submissions} form submissions "
        f"for {len(DEBATE_2) + len(DEBATE_1)} statements, 3 reactions, 2 events, a source."
        f"\nPublisher: {queue.clicks} clicks, {queue.submissions} form submissions."
    )
    assert editor_clicks <= 40
    assert queue.clicks <= 5
    assert not Statement.objects.exclude(state=PublicationState.PUBLISHED).exists()
    assert not Organization.objects.exclude(state=PublicationState.PUBLISHED).exists()

    # Readers: the public list shows every statement (a new, signed-out browser).
    reader = browser.new_context(base_url=live_server.url).new_page()
    reader.goto("/statements/?speaker=david-perdue")
    cards = reader.locator("article.card")
    expect(cards).to_have_count(4)
    expect(reader.locator("body")).to_contain_text("Green New Deal and socialized medicine")
    reader.goto("/statements/?speaker=jon-ossoff")
    expect(reader.locator("article.card")).to_have_count(4)
    expect(reader.locator("body")).to_contain_text("catchphrases again")


DESK_PAGES = [
    "/admin/",
    "/admin/statements/statement/intake/",
    "/admin/statements/statement/review/",
    "/admin/statements/statement/review/publish/",
]


@pytest.mark.parametrize("path", DESK_PAGES)
def test_the_desk_pages_pass_axe_and_fit_a_phone(browser: Browser, live_server, path):
    page = signed_in(browser, live_server.url, editorial.PUBLISHER)
    page.goto(path)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.set_viewport_size(PHONE)
    page.reload()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px wide"
