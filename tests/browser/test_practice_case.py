"""The practice case end to end in real Chromium: the AP's story of the second
Perdue–Ossoff debate (October 28, 2020), entered by an editor through the article desk
from the case's facts, published by a publisher from the review queue, then read as the
case requires.

What the newsroom's database holds before the story (``before_the_story``): the demo's
first article only (the May 2020 online town hall, in the June 9 Democratic primary),
which already records David Perdue, the Democratic and Republican parties and the
general-election race with Perdue's candidacy. Added to that, what a newsroom following
the race would have recorded before this story, and what an editor does not enter from
an article: the general election's polling day (November 3, 2020), Ossoff's and Shane
Hazel's candidacies in it (Hazel and the Libertarian Party as records), and the topic
vocabulary. No statement, event, source, outlet, host or reaction of the case is
preloaded: the AP, the AJC, WTOC-TV, the Atlanta Press Club, both debates, every
statement, the retorts and the AP's finding are entered on the desk.

What counts as a click, as in test_desk.py: every press of the mouse a person needs (a
button, a link, a checkbox, a <details> summary, an autocomplete: two, to open it and to
choose; a native <select>: one). Typing into a field is not a click. A form submission
is a POST that loads a page.
"""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from statements import editorial
from statements.models import (
    Candidacy,
    Event,
    Organization,
    Person,
    PublicationState,
    Race,
    Reaction,
    Source,
    Statement,
    Topic,
)

from .test_desk import Counted, signed_in

pytestmark = pytest.mark.browser

GENERAL = "2020-georgia-us-senate-general"
PRIMARY = "2020-georgia-us-senate-democratic-primary"
AP_TITLE = "Perdue, Ossoff meet in 2nd Georgia Senate debate"

CRISIS = (
    "We are in the middle of a grave public health crisis. It is spiraling out of control "
    "because Washington politicians downplayed the crisis, ignored the medical science, "
    "undermined the doctors and scientists who knew what they\u2019re doing"
)
PROTECTIONS = (
    "And senator David Perdue, in the middle of this health crisis, is still supporting "
    "efforts to repeal protections for Georgians with preexisting conditions."
)
LOCKED_DOWN = (
    "Right now we\u2019ve got to get serious about beating COVID and then getting our "
    "economy going again. If you leave it to the Democrats, they want us locked down and "
    "continue to stay locked down"
)
GREEN_NEW_DEAL = (
    "He will say and do anything to hide this radical socialist agenda. The number one "
    "thing that will bankrupt us is the Green New Deal and socialized medicine"
)
RETORT = (
    "There\u2019s the senator with the catchphrases again. But no substance, little truth "
    "and no sense of personal responsibility"
)
RETORT_AJC = RETORT.replace("\u2019", "'")
ENABLED_TRUMP = "in a pandemic response that everybody from all parties knows has been a disaster."
ENABLED_FRAME = "said Perdue has enabled President Donald Trump"
IDLE_CHATTER = "idle chatter"
IDLE_FRAME = "called Ossoff\u2019s remarks"
BROUGHT_HELP = (
    "What we really did is we brought help to the people of Georgia, both in the hospitals, "
    "schools, communities and in the workplace"
)
HAZEL = "If you're tired of what you're seeing here between politicians, you've got a choice"
AP_FINDING = (
    "falsely accusing Ossoff of backing the Green New Deal and socialized medicine, neither "
    "of which Ossoff supports"
)

# The second debate's rows: (speaker or None for the defaults', words, answers row, stance).
SECOND_DEBATE = [
    (None, CRISIS, None),
    (None, PROTECTIONS, None),
    ("David Perdue", LOCKED_DOWN, 1),
    ("David Perdue", GREEN_NEW_DEAL, None),
    (None, RETORT, 4),
]


@pytest.fixture
def before_the_story(demo):
    """The demo's first article, and what the newsroom knew of the race (see above)."""
    general = Race.objects.get(slug=GENERAL)
    general.date = datetime.date(2020, 11, 3)
    general.save()
    libertarians = Organization.objects.create(
        name="Libertarian Party",
        slug="libertarian-party",
        kind=Organization.Kind.PARTY,
        state=PublicationState.PUBLISHED,
    )
    hazel = Person.objects.create(
        name="Shane Hazel",
        sort_name="Hazel, Shane",
        slug="shane-hazel",
        summary="Libertarian candidate for U.S. Senate in Georgia in 2020.",
        state=PublicationState.PUBLISHED,
    )
    published = {"state": PublicationState.PUBLISHED}
    Candidacy.objects.create(
        person=Person.objects.get(slug="jon-ossoff"),
        race=general,
        party=Organization.objects.get(slug="democratic-party"),
    )
    Candidacy.objects.create(person=hazel, race=general, party=libertarians)
    public_health = Topic.objects.create(name="Public health", slug="public-health", **published)
    Topic.objects.create(name="COVID-19", slug="covid-19", parent=public_health, **published)
    Topic.objects.create(name="Campaign conduct", slug="campaign-conduct", **published)


def fill_rows(desk: Counted, rows, first: int = 0) -> None:
    page = desk.page
    for offset, (speaker, words, answers) in enumerate(rows):
        prefix = f"id_statements-{first + offset}"
        if speaker:
            desk.pick(f"{prefix}-speaker", speaker.split()[-1], speaker)
        page.locator(f"#{prefix}-text").fill(words)
        if answers is not None:
            desk.choose(page.locator(f"#{prefix}-replies_to"), str(answers - 1))
            desk.choose(page.locator(f"#{prefix}-stance"), "disagrees")


def submit(desk: Counted, *, expect_saved: bool = True) -> None:
    page = desk.page
    with page.expect_navigation():
        desk.click(page.get_by_role("button", name="Save and submit for review"))
    if expect_saved:
        expect(page.locator(".messagelist")).to_contain_text("submitted for review")


def enter_the_story(desk: Counted) -> None:
    page = desk.page
    page.goto("/admin/")
    desk.click(page.get_by_role("link", name="Enter an article"))

    # 1. The AP story, the second debate, its five statements and the AP's finding.
    page.locator("#id_source-new_outlet").fill("Associated Press")
    page.locator("#id_source-title").fill(AP_TITLE)
    page.locator("#id_source-author").fill("Ben Nadler")
    page.locator("#id_source-published_on").fill("2020-10-28")
    page.locator("#id_event-name").fill("Second Perdue–Ossoff debate")
    desk.choose(page.locator("#id_event-kind"), "debate")
    page.locator("#id_event-date").fill("2020-10-28")
    page.locator("#id_event-location").fill("Savannah, Georgia")
    page.locator("#id_event-new_hosts").fill("WTOC-TV")
    desk.pick("id_shared-speaker", "Ossoff", "Jon Ossoff")
    desk.pick("id_shared-topics", "health", "Public health")
    fill_rows(desk, SECOND_DEBATE)
    # The AP's own finding: no respondent, no organization (the article's outlet), and
    # the kind left blank (an outlet's finding is the reporter's wording: a paraphrase).
    desk.choose(page.locator("#id_reactions-0-to_row"), "3")
    desk.choose(page.locator("#id_reactions-0-stance"), "disagrees")
    desk.choose(page.locator("#id_reactions-0-rating"), "false")
    page.locator("#id_reactions-0-text").fill(AP_FINDING)
    submit(desk)

    # 2. The first debate, from the same story (the desk comes back with it chosen).
    ap = Source.objects.get(title=AP_TITLE, outlet__name="Associated Press")
    expect(page.locator("#id_source-source")).to_have_value(str(ap.pk))
    page.locator("#id_event-name").fill("First Perdue–Ossoff debate")
    desk.choose(page.locator("#id_event-kind"), "debate")
    page.locator("#id_event-date").fill("2020-10-12")
    desk.click(page.locator("#id_event-online"))
    page.locator("#id_event-new_hosts").fill("Atlanta Press Club")
    desk.pick("id_shared-speaker", "Perdue", "David Perdue")
    desk.pick("id_shared-topics", "health", "Public health")
    desk.pick("id_statements-0-speaker", "Ossoff", "Jon Ossoff")
    page.locator("#id_statements-0-text").fill(ENABLED_TRUMP)
    desk.choose(page.locator("#id_statements-0-kind"), "partial")
    page.locator("#id_statements-0-frame").fill(ENABLED_FRAME)
    page.locator("#id_statements-1-text").fill(IDLE_CHATTER)
    desk.choose(page.locator("#id_statements-1-kind"), "partial")
    page.locator("#id_statements-1-frame").fill(IDLE_FRAME)
    desk.choose(page.locator("#id_statements-1-replies_to"), "0")
    desk.choose(page.locator("#id_statements-1-stance"), "disagrees")
    page.locator("#id_statements-2-text").fill(BROUGHT_HELP)
    submit(desk)

    # 3. Hazel's quote, from the same story: no event, and the date not given.
    expect(page.locator("#id_source-source")).to_have_value(str(ap.pk))
    desk.pick("id_shared-speaker", "Hazel", "Shane Hazel")
    desk.pick("id_shared-topics", "conduct", "Campaign conduct")
    desk.choose(page.locator("#id_shared-date_precision"), "none")
    page.locator("#id_statements-0-text").fill(HAZEL)
    submit(desk)

    # 4. The AJC's copy (straight quotation marks): the desk offers the recorded quote.
    desk.click(page.locator("#id_source-source + .select2 .select2-selection__clear"))
    page.keyboard.press("Escape")  # clearing opens the menu of articles: close it
    page.locator("#id_source-new_outlet").fill("Atlanta Journal-Constitution")
    page.locator("#id_source-title").fill(AP_TITLE)
    page.locator("#id_source-author").fill("Ben Nadler")
    page.locator("#id_source-published_on").fill("2020-10-28")
    # No speaker, no date: the row only says which recorded quote the copy prints.
    page.locator("#id_statements-0-text").fill(RETORT_AJC)
    submit(desk, expect_saved=False)
    offer = page.locator(".desk-reprint")
    expect(offer).to_contain_text("Add this article as one more source of")
    expect(offer.locator("input[value^='add:']")).to_be_checked()  # offered first
    assert_no_axe_violations(page)
    submit(desk)
    expect(page.locator(".messagelist")).to_contain_text("The article is now also a source of")


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def check_the_desk_saved_it() -> None:
    in_review = Statement.objects.filter(state=PublicationState.REVIEW)
    assert in_review.count() == 9
    retort = Statement.objects.get(text=RETORT)
    assert sorted(retort.sources.values_list("outlet__name", flat=True)) == [
        "Associated Press",
        "Atlanta Journal-Constitution",
    ]
    hazel = Statement.objects.get(text=HAZEL)
    assert (hazel.event, hazel.date_precision) == (None, "none")
    assert hazel.said_on == datetime.date(2020, 10, 28)  # the day it was reported
    assert hazel.candidacy.race.slug == GENERAL
    finding = Reaction.objects.get(rating="false")
    assert finding.statement.text == GREEN_NEW_DEAL
    assert finding.respondent is None
    assert finding.respondent_organization.name == "Associated Press"
    assert Reaction.objects.filter(response_statement__isnull=False).count() == 3
    first = Event.objects.get(name="First Perdue–Ossoff debate")
    assert first.online and first.date == datetime.date(2020, 10, 12)
    assert Statement.objects.get(text=IDLE_CHATTER).frame == IDLE_FRAME


def publish_it(queue: Counted) -> None:
    page = queue.page
    page.goto("/admin/")
    queue.click(page.get_by_role("link", name="Review queue"))
    # count() does not wait: the queue's rows are counted only once the whole page is in,
    # not when the message above them has arrived.
    page.wait_for_load_state()
    while page.get_by_role("link", name="Publish with what it needs").count():
        queue.click(page.get_by_role("link", name="Publish with what it needs").first)
        queue.click(page.get_by_role("button", name=re.compile(r"^Publish all \d+ records?$")))
        expect(page.locator(".messagelist")).to_contain_text("Published")
        page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("Nothing is waiting for review.")


def statement_page(reader: Page, text: str) -> Page:
    reader.goto(Statement.objects.get(text=text).get_absolute_url())
    expect(reader.locator("blockquote, .statement-words").first).to_contain_text(text[:40])
    return reader


def read_it(reader: Page) -> None:
    general = Race.objects.get(slug=GENERAL)
    race_name = "2020 U.S. Senate election in Georgia: General election"

    # Each statement is in the general-election race, at its debate.
    at_debate = {
        CRISIS: "Second Perdue–Ossoff debate",
        LOCKED_DOWN: "Second Perdue–Ossoff debate",
        GREEN_NEW_DEAL: "Second Perdue–Ossoff debate",
        RETORT: "Second Perdue–Ossoff debate",
        ENABLED_TRUMP: "First Perdue–Ossoff debate",
        IDLE_CHATTER: "First Perdue–Ossoff debate",
        BROUGHT_HELP: "First Perdue–Ossoff debate",
        PROTECTIONS: "Second Perdue–Ossoff debate",
    }
    for text, event in at_debate.items():
        facts = statement_page(reader, text).locator("dl.facts")
        expect(facts).to_contain_text(race_name)
        expect(facts).to_contain_text(event)
    # The May town hall stays in the June 9 primary.
    town_hall = Statement.objects.filter(event__kind="town_hall").first()
    assert town_hall is not None
    reader.goto(town_hall.get_absolute_url())
    expect(reader.locator("dl.facts")).to_contain_text("Democratic primary")

    # The people's pages, the race page and the comparison show them, with the debate.
    for slug, texts in [
        ("jon-ossoff", [CRISIS, PROTECTIONS, RETORT, ENABLED_TRUMP]),
        ("david-perdue", [LOCKED_DOWN, GREEN_NEW_DEAL, IDLE_CHATTER, BROUGHT_HELP]),
    ]:
        reader.goto(f"/people/{slug}/")
        for text in texts:
            card = reader.locator("article.card", has_text=text[:40]).first
            expect(card).to_contain_text(re.compile(r"(First|Second) Perdue–Ossoff debate"))
    reader.goto(general.get_absolute_url())
    for text in at_debate:
        expect(reader.locator("main")).to_contain_text(text[:40])
    expect(reader.locator("main")).to_contain_text("Second Perdue–Ossoff debate")
    reader.goto(
        f"/compare/?people=jon-ossoff&people=david-perdue&topic=public-health&race={GENERAL}"
    )
    main = reader.locator("main")
    # Each person's latest three on the topic, in the race.
    for text in [CRISIS, PROTECTIONS, RETORT, LOCKED_DOWN, GREEN_NEW_DEAL, IDLE_CHATTER]:
        expect(main).to_contain_text(text[:40])
    expect(main).to_contain_text("Second Perdue–Ossoff debate")
    expect(main).to_contain_text("First Perdue–Ossoff debate")

    # Perdue's claim: the AP's finding beside it, as the AP's, with its rating.
    findings = statement_page(reader, GREEN_NEW_DEAL).locator(".findings")
    expect(findings).to_contain_text("Associated Press's finding: False")
    expect(findings).to_contain_text(AP_FINDING)
    expect(findings).to_contain_text("not Perdue's")
    assert_no_axe_violations(reader)

    # Ossoff's retort: his statement, and his reaction to Perdue, on both pages.
    retort = statement_page(reader, RETORT)
    expect(retort.locator("dl.facts")).to_contain_text("Jon Ossoff")
    expect(retort.locator(".in-reply")).to_contain_text(
        "In reply to David Perdue's direct quote of October 28, 2020"
    )
    expect(retort.locator(".in-reply")).to_contain_text("as Jon Ossoff's statement and as a")
    answered = statement_page(reader, GREEN_NEW_DEAL).locator("#reactions")
    expect(answered).to_contain_text("Jon Ossoff")
    expect(answered).to_contain_text("catchphrases again")
    reader.goto("/statements/?speaker=jon-ossoff")
    expect(reader.locator("article.card", has_text="catchphrases again")).to_have_count(1)

    # Hazel: date not given, no place, never an invented date; found by race and by him.
    hazel = statement_page(reader, HAZEL)
    facts = hazel.locator("dl.facts")
    expect(facts).to_contain_text("Place not given in the source")
    expect(facts).to_contain_text("the source does not say when it was said")
    when = facts.locator("dt:text-is('When') + dd")
    # Its only date is the day the story reported it, said as such: never invented.
    expect(when).to_have_text(
        re.compile(r"^\s*date not given in the source \(reported October 28, 2020\)\s*\(the")
    )
    expect(facts).to_contain_text(race_name)
    for path in [
        f"/statements/?race={GENERAL}",
        "/statements/?speaker=shane-hazel",
        "/people/shane-hazel/",
    ]:
        reader.goto(path)
        card = reader.locator("article.card", has_text="tired of what you").first
        expect(card).to_contain_text(re.compile("date not given", re.I))
    reader.goto(f"/statements/?race={PRIMARY}")
    expect(reader.locator("article.card", has_text="tired of what you")).to_have_count(0)


def test_the_practice_case_through_the_desk_and_the_queue(
    browser: Browser, live_server, before_the_story
):
    desk = Counted(signed_in(browser, live_server.url, editorial.EDITOR))
    enter_the_story(desk)
    check_the_desk_saved_it()

    queue = Counted(signed_in(browser, live_server.url, editorial.PUBLISHER))
    publish_it(queue)
    assert not Statement.objects.exclude(state=PublicationState.PUBLISHED).exists()
    assert not Reaction.objects.exclude(state=PublicationState.PUBLISHED).exists()
    assert not Source.objects.exclude(state=PublicationState.PUBLISHED).exists()
    assert not Event.objects.exclude(state=PublicationState.PUBLISHED).exists()

    print(
        f"\nPractice case, editor: {desk.clicks} clicks, {desk.submissions} form submissions "
        "(9 statements, 3 retorts, the AP's finding, 2 events, 2 sources)."
        f"\nPractice case, publisher: {queue.clicks} clicks, {queue.submissions} form "
        "submissions."
    )
    read_it(browser.new_context(base_url=live_server.url).new_page())
    assert queue.clicks <= 5
    assert desk.clicks <= 40
