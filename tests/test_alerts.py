"""Saved searches mailed as digests: opt-in, links, the run, the mail itself."""

import datetime
import html
import os
import re
import socket
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import time_machine
from django.core import mail, signing
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from statements import editorial
from statements.alerts import delivery, tokens
from statements.alerts.models import SavedSearch, Subscriber
from statements.models import PublicationState, QuoteKind

from .factories import PersonFactory, StatementFactory, TopicFactory
from .support import logged_in, user_with_role

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
PAGE_BUDGET = 8


class FakeClock:
    """The rate limiter's clock and sleep: sleeping moves the clock, nobody waits."""

    def __init__(self):
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def run(now, clock=None, **options):
    clock = clock or FakeClock()
    limiter = delivery.RateLimiter(options.pop("per_minute", 6000), clock=clock, sleep=clock.sleep)
    return delivery.send_alerts(now=now, limiter=limiter, **options)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def links(text: str, path: str) -> list[str]:
    return [path_of(url) for url in re.findall(r"https?://\S+", text) if path in url]


def ask(client, query: str, email: str, label: str = ""):
    form = client.get(f"/alerts/new/?{query}")
    assert form.status_code == 200
    field = re.search(r'<input[^>]*name="query"[^>]*>', form.content.decode())
    assert field is not None
    value = re.search(r'value="([^"]*)"', field.group(0))
    query = html.unescape(value.group(1)) if value else ""
    return client.post("/alerts/new/", {"email": email, "label": label, "query": query})


def subscribe(client, query: str, email: str, label: str = "") -> SavedSearch:
    """The whole opt-in: ask, follow the link in the mail, press confirm."""
    sent = len(mail.outbox)
    assert ask(client, query, email, label).status_code == 200
    assert len(mail.outbox) == sent + 1
    (confirm,) = links(mail.outbox[-1].body, "/alerts/confirm/")
    assert client.post(confirm).status_code == 200
    query = tokens.read_confirm_token(confirm.split("token=")[1]).query
    return SavedSearch.objects.get(subscriber__email__iexact=email, query=query)


def minutes_ago(minutes: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


def published(at, **fields):
    """A statement published at ``at`` (factories skip the services, which stamp it)."""
    return StatementFactory(published_at=at, **fields)


# Opt-in -----------------------------------------------------------------------------------


def test_the_list_page_links_to_the_alert_form_with_its_filters_and_sets_no_cookie(client):
    TopicFactory(slug="trade")
    response = client.get("/statements/?topic=trade&kind=direct")

    assert response.status_code == 200
    assert 'href="/alerts/new/?topic=trade&amp;kind=direct"' in response.content.decode()
    assert not response.cookies


def test_opt_in_stores_nothing_until_the_signed_link_is_confirmed():
    client = Client(enforce_csrf_checks=True)
    TopicFactory(slug="trade", name="Trade")
    PersonFactory(slug="jon-ossoff", name="Jon Ossoff")

    form = client.get("/alerts/new/?topic=trade&speaker=jon-ossoff&page=3&ordering=said_on")
    assert form.status_code == 200
    page = form.content.decode()
    assert "Speaker: Jon Ossoff" in page and "Topic: Trade" in page
    assert 'value="speaker=jon-ossoff&amp;topic=trade"' in page  # normalised: sorted, no paging
    assert form["Cache-Control"].startswith("max-age=0") or "no-cache" in form["Cache-Control"]
    csrf = client.cookies["csrftoken"].value

    refused = client.post("/alerts/new/", {"email": "reader@example.org", "query": ""})
    assert refused.status_code == 403  # the subscribe form is CSRF-protected

    asked = client.post(
        "/alerts/new/",
        {
            "email": "Reader@Example.ORG",
            "label": "Ossoff on trade",
            "query": "speaker=jon-ossoff&topic=trade",
            "csrfmiddlewaretoken": csrf,
        },
    )
    assert asked.status_code == 200
    assert "Check your inbox" in asked.content.decode()
    assert Subscriber.objects.count() == 0 and SavedSearch.objects.count() == 0
    (message,) = mail.outbox
    assert message.to == ["Reader@example.org"]
    assert "Ossoff on trade" in message.subject
    html = message.alternatives[0][0]
    (confirm,) = links(message.body, "/alerts/confirm/")
    assert confirm.split("token=")[1] in html

    shown = client.get(confirm)
    assert shown.status_code == 200 and "Confirm the alert" in shown.content.decode()
    assert Subscriber.objects.count() == 0  # a mail scanner's GET confirms nothing

    assert client.post(confirm).status_code == 200  # the signature is the authority
    assert client.post(confirm).status_code == 200  # twice: still one of each
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Reader@example.org" and subscriber.confirmed_at is not None
    search = SavedSearch.objects.get()
    assert (search.query, search.label) == ("speaker=jon-ossoff&topic=trade", "Ossoff on trade")

    # The same search asked again in another order, and another address's case: one row.
    subscribe(Client(), "topic=trade&speaker=jon-ossoff", "reader@example.org", "Ossoff on trade")
    assert Subscriber.objects.count() == 1 and SavedSearch.objects.count() == 1


def test_a_search_naming_an_unknown_record_cannot_be_saved(client):
    response = client.get("/alerts/new/?speaker=nobody-at-all")

    assert response.status_code == 400
    assert "cannot be saved" in response.content.decode()
    assert 'name="email"' not in response.content.decode()
    posted = client.post("/alerts/new/", {"email": "a@example.org", "query": "speaker=nobody"})
    assert posted.status_code == 400 and not mail.outbox


def test_a_search_with_a_line_break_makes_a_one_line_subject(client, speakers):
    with time_machine.travel(START, tick=False) as traveller:
        search = subscribe(client, "q=enforce%0Alaw", "reader@example.org")
        assert "\n" not in mail.outbox[0].subject
        assert mail.outbox[0].subject == "Confirm your alert: Search: enforce law"
        traveller.shift(datetime.timedelta(hours=1))
        published(minutes_ago(5), speaker=speakers["ossoff"], text="We enforce the law.")

        report = run(timezone.now())

    assert search.query == "q=enforce%0Alaw"
    assert report.digests == 1
    assert mail.outbox[1].subject == "1 new statement: Search: enforce law · Statement Tracker"


def test_a_bad_address_is_a_form_error(client):
    response = client.post("/alerts/new/", {"email": "not an address", "query": ""})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not mail.outbox


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "x" * 5000,
        "eyJlIjoiYUBleGFtcGxlLm9yZyJ9:1tAAAA:forged",
    ],
)
def test_a_forged_confirmation_link_is_refused_with_400(client, token):
    response = client.get("/alerts/confirm/", {"token": token})
    posted = client.post(f"/alerts/confirm/?token={token}")

    assert response.status_code == posted.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert Subscriber.objects.count() == 0


def test_a_token_made_for_another_purpose_is_refused(client):
    search = subscribe(client, "", "reader@example.org")
    manage = tokens.manage_token(search.subscriber)
    unsubscribe = tokens.unsubscribe_token(search)
    # Signed with our key, but for another use.
    other = signing.TimestampSigner(salt=tokens.MANAGE_SALT).sign_object(
        {"e": "victim@example.org", "q": "", "l": ""}
    )

    assert client.post(f"/alerts/confirm/?token={other}").status_code == 400
    assert client.post(f"/alerts/manage/?token={unsubscribe}").status_code == 400
    assert client.post(f"/alerts/unsubscribe/?token={manage}").status_code == 400
    assert not Subscriber.objects.filter(email="victim@example.org").exists()
    assert SavedSearch.objects.filter(pk=search.pk).exists()


def test_an_expired_confirmation_link_is_refused_with_410(client, settings):
    with time_machine.travel(START, tick=False) as traveller:
        ask(client, "", "reader@example.org")
        (confirm,) = links(mail.outbox[0].body, "/alerts/confirm/")
        traveller.shift(datetime.timedelta(seconds=settings.ALERTS_CONFIRM_MAX_AGE - 60))
        assert client.get(confirm).status_code == 200
        traveller.shift(datetime.timedelta(seconds=120))

        response = client.post(confirm)

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert Subscriber.objects.count() == 0


def test_requests_are_limited_per_address_without_saying_so(client, settings):
    settings.ALERTS_REQUESTS_PER_ADDRESS = 2
    subscribe(client, "", "reader@example.org")
    mail.outbox.clear()

    pages = [ask(client, "kind=direct", "reader@example.org") for _ in range(3)]
    stranger = ask(client, "kind=direct", "stranger@example.org")

    # The same page for a subscribed address, one over its limit, and a new one.
    assert [page.status_code for page in pages] == [200, 200, 200]
    assert stranger.status_code == 200
    texts = {page.content.decode().replace("stranger@", "reader@") for page in [*pages, stranger]}
    assert len(texts) == 1
    assert [m.to for m in mail.outbox] == [["reader@example.org"], ["stranger@example.org"]]


def test_requests_are_limited_per_client_address(client, settings):
    settings.ALERTS_REQUESTS_PER_CLIENT = 2

    answers = [ask(client, "", f"reader{n}@example.org").status_code for n in range(3)]
    other_client = Client(REMOTE_ADDR="192.0.2.7")
    elsewhere = ask(other_client, "", "reader9@example.org")

    assert answers == [200, 200, 429]
    assert elsewhere.status_code == 200
    assert len(mail.outbox) == 3


# Unsubscribe and delete --------------------------------------------------------------------


def test_one_click_unsubscribe_deletes_the_address_without_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    search = subscribe(Client(), "", "reader@example.org")
    subscribe(Client(), "kind=direct", "reader@example.org", "Quotes")
    manage = path_of(search.subscriber.get_absolute_url())

    response = client.post(
        manage, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert Subscriber.objects.count() == 0 and SavedSearch.objects.count() == 0
    again = client.post(manage, "List-Unsubscribe=One-Click", content_type="text/plain")
    assert again.status_code == 200
    gone = client.get(manage)
    assert gone.status_code == 404 and "Nothing stored" in gone.content.decode()


def test_the_manage_page_lists_the_alerts_and_stops_one(client):
    first = subscribe(client, "", "reader@example.org")
    second = subscribe(client, "kind=paraphrase", "reader@example.org", "Paraphrases")

    page = client.get(first.subscriber.get_absolute_url())

    assert page.status_code == 200
    text = page.content.decode()
    assert "reader@example.org" in text and "Paraphrases" in text and "All statements" in text
    assert page["Referrer-Policy"] == "same-origin"
    assert "csrftoken" not in page.cookies
    stops = re.findall(r'action="(/alerts/unsubscribe/[^"]+)"', text)
    assert len(stops) == 2
    stop = stops[1].replace("&amp;", "&")
    shown = client.get(stop)
    assert shown.status_code == 200 and "Paraphrases" in shown.content.decode()
    assert SavedSearch.objects.filter(pk=second.pk).exists()

    assert client.post(stop).status_code == 200
    assert list(SavedSearch.objects.all()) == [first]
    assert client.get(stop).status_code == 404
    # The last alert stopped: the address goes with it.
    assert client.post(f"/alerts/unsubscribe/?token={tokens.unsubscribe_token(first)}")
    assert Subscriber.objects.count() == 0


def test_the_delete_button_deletes_everything(client):
    search = subscribe(client, "", "reader@example.org")
    url = search.subscriber.get_absolute_url()

    response = client.post(url)

    assert response.status_code == 200 and "Deleted" in response.content.decode()
    assert not Subscriber.objects.exists() and not SavedSearch.objects.exists()


# The run -----------------------------------------------------------------------------------


@pytest.fixture
def speakers():
    return {
        "ossoff": PersonFactory(slug="jon-ossoff", name="Jon Ossoff"),
        "perdue": PersonFactory(slug="david-perdue", name="David Perdue"),
    }


def test_a_digest_holds_every_search_of_an_address_once_with_the_words_verbatim(client, speakers):
    with time_machine.travel(START, tick=False) as traveller:
        by_ossoff = subscribe(client, "speaker=jon-ossoff", "reader@example.org", "Ossoff")
        topic = TopicFactory(slug="immigration", name="Immigration")
        on_topic = subscribe(client, "topic=immigration", "reader@example.org")
        mail.outbox.clear()
        traveller.shift(datetime.timedelta(hours=1))
        later = timezone.now() - datetime.timedelta(minutes=30)
        direct = published(
            later,
            speaker=speakers["ossoff"],
            kind=QuoteKind.DIRECT,
            text="I don't think it's the role of local law enforcement … [to] enforce it.",
            topics=[topic],
        )
        partial = published(
            later,
            speaker=speakers["ossoff"],
            kind=QuoteKind.PARTIAL,
            frame="called the 287(g) program",
            text="misguided",
        )
        paraphrase = published(
            later,
            speaker=speakers["perdue"],
            kind=QuoteKind.PARAPHRASE,
            text="that the border needed “more agents”",
            topics=[topic],
        )
        published(later, speaker=speakers["perdue"], text="Nobody follows this one.")

        report = run(timezone.now())

    assert report.digests == 1 and report.failed == 0
    (message,) = mail.outbox
    assert message.to == ["reader@example.org"]
    assert message.subject.startswith("4 new statements")
    text = message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    # Words byte for byte, each with its kind; a paraphrase never in quotation marks.
    words = "I don't think it's the role of local law enforcement … [to] enforce it."
    assert f"DIRECT QUOTE\n“{words}”" in text
    assert "PARTIAL QUOTE\nJon Ossoff called the 287(g) program “misguided”" in text
    paraphrase_line = "David Perdue said that the border needed “more agents”"
    assert f"PARAPHRASE\n(Paraphrase, not a quotation) {paraphrase_line}" in text
    assert "Nobody follows this one." not in text
    assert words.replace("'", "&#x27;") in html
    assert "<strong>PARAPHRASE</strong>" in html and "“misguided”" in html
    # The direct quote is in both searches: once in each section, both in one mail.
    assert text.count("local law enforcement") == 2
    assert "== Ossoff ==" in text and "== Topic: Immigration ==" in text
    for statement in (direct, partial, paraphrase):
        assert f"http://127.0.0.1:8000/statements/{statement.pk}/" in text
        assert f'href="http://127.0.0.1:8000/statements/{statement.pk}/"' in html
    # Links: each search, stopping each, and managing everything (also the header).
    assert links(text, "/alerts/unsubscribe/") == [
        f"/alerts/unsubscribe/?token={tokens.unsubscribe_token(by_ossoff)}",
        f"/alerts/unsubscribe/?token={tokens.unsubscribe_token(on_topic)}",
    ]
    manage = f"http://127.0.0.1:8000{by_ossoff.subscriber.get_absolute_url()}"
    assert manage in text and manage in html
    assert message.extra_headers["List-Unsubscribe"] == f"<{manage}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "http://127.0.0.1:8000/statements/?speaker=jon-ossoff" in text


def test_nothing_is_sent_twice_across_runs(client, speakers):
    with time_machine.travel(START, tick=False) as traveller:
        subscribe(client, "speaker=jon-ossoff", "reader@example.org")
        mail.outbox.clear()
        traveller.shift(datetime.timedelta(hours=1))
        first = published(
            timezone.now() - datetime.timedelta(minutes=5), speaker=speakers["ossoff"]
        )
        run(timezone.now())
        traveller.shift(datetime.timedelta(hours=1))
        run(timezone.now())  # nothing new
        traveller.shift(datetime.timedelta(hours=1))
        second = published(
            timezone.now() - datetime.timedelta(minutes=5), speaker=speakers["ossoff"]
        )
        run(timezone.now())
        run(timezone.now())  # at once again

    assert len(mail.outbox) == 2
    assert first.text in mail.outbox[0].body and second.text not in mail.outbox[0].body
    assert second.text in mail.outbox[1].body and first.text not in mail.outbox[1].body


def test_only_what_is_published_after_confirming_is_mailed(client, speakers):
    with time_machine.travel(START, tick=False) as traveller:
        published(timezone.now() - datetime.timedelta(days=1), speaker=speakers["ossoff"])
        subscribe(client, "", "reader@example.org")
        mail.outbox.clear()
        traveller.shift(datetime.timedelta(hours=1))

        report = run(timezone.now())

    assert report.digests == 0 and not mail.outbox


def test_a_draft_is_never_mailed_and_is_mailed_once_published(client, speakers, publisher):
    with time_machine.travel(START, tick=False) as traveller:
        subscribe(client, "speaker=jon-ossoff", "reader@example.org")
        mail.outbox.clear()
        draft = StatementFactory(
            speaker=speakers["ossoff"], state=PublicationState.DRAFT, text="Not yet public."
        )
        withdrawn = published(timezone.now(), speaker=speakers["ossoff"], text="Taken back.")
        withdrawn.state = PublicationState.WITHDRAWN
        withdrawn.save()
        traveller.shift(datetime.timedelta(hours=1))
        assert run(timezone.now()).digests == 0
        assert not mail.outbox

        editorial.publish(record=draft, user=publisher)
        traveller.shift(datetime.timedelta(minutes=59))
        assert run(timezone.now()).digests == 1
        traveller.shift(datetime.timedelta(hours=1))
        assert run(timezone.now()).digests == 0

    (message,) = mail.outbox
    assert "Not yet public." in message.body and "Taken back." not in message.body


def test_a_statement_published_during_the_settling_time_goes_in_the_next_run(client, speakers):
    with time_machine.travel(START, tick=False) as traveller:
        subscribe(client, "", "reader@example.org")
        mail.outbox.clear()
        traveller.shift(datetime.timedelta(hours=1))
        fresh = published(
            timezone.now() - datetime.timedelta(seconds=5), speaker=speakers["perdue"]
        )
        assert run(timezone.now()).digests == 0
        traveller.shift(datetime.timedelta(minutes=10))
        assert run(timezone.now()).digests == 1
        assert run(timezone.now()).digests == 0

    (message,) = mail.outbox
    assert fresh.text in message.body


def test_identical_searches_are_filtered_once_per_run(client, speakers, monkeypatch):
    calls = []
    original = delivery.matches
    monkeypatch.setattr(
        delivery, "matches", lambda query, ids: calls.append(query) or original(query, ids)
    )
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(5):
            subscribe(Client(), "kind=direct&speaker=jon-ossoff", f"reader{n}@example.org")
        subscribe(Client(), "speaker=jon-ossoff&kind=direct&page=2", "reader0@example.org", "x")
        subscribe(Client(), "", "reader0@example.org", "all")
        mail.outbox.clear()
        traveller.shift(datetime.timedelta(hours=1))
        published(minutes_ago(5), speaker=speakers["ossoff"])

        report = run(timezone.now(), batch_size=2)

    assert sorted(calls) == ["", "kind=direct&speaker=jon-ossoff"]
    assert report.distinct_searches == 2
    assert report.digests == 5 and len(mail.outbox) == 5
    assert sorted(m.to[0] for m in mail.outbox) == [f"reader{n}@example.org" for n in range(5)]


def test_sending_is_rate_limited(client, speakers):
    clock = FakeClock()
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(4):
            subscribe(Client(), "", f"reader{n}@example.org")
        mail.outbox.clear()
        traveller.shift(datetime.timedelta(hours=1))
        published(minutes_ago(5), speaker=speakers["ossoff"])

        run(timezone.now(), clock=clock, per_minute=30, batch_size=3)

    assert len(mail.outbox) == 4
    assert clock.slept == [2.0, 2.0, 2.0]  # 30 a minute: one every two seconds, across batches


class FailingForSomeBackend:
    """A mail backend that refuses addresses starting with "bounce"."""

    def __init__(self, **kwargs):
        pass

    def open(self):
        return False

    def close(self):
        pass

    def send_messages(self, messages):
        for message in messages:
            if message.to[0].startswith("bounce"):
                raise OSError("The mail server hung up")
            mail.outbox.append(message)
        return len(messages)


def test_a_digest_that_fails_goes_in_the_next_run_and_others_are_not_held_up(
    client, speakers, settings
):
    with time_machine.travel(START, tick=False) as traveller:
        subscribe(Client(), "", "bounce@example.org")
        subscribe(Client(), "", "reader@example.org")
        mail.outbox.clear()
        traveller.shift(datetime.timedelta(hours=1))
        statement = published(
            timezone.now() - datetime.timedelta(minutes=5), speaker=speakers["ossoff"]
        )
        settings.EMAIL_BACKEND = f"{__name__}.FailingForSomeBackend"

        report = run(timezone.now())
        assert (report.digests, report.failed) == (1, 1)
        assert [m.to for m in mail.outbox] == [["reader@example.org"]]

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        traveller.shift(datetime.timedelta(hours=1))
        report = run(timezone.now())

    assert (report.digests, report.failed) == (1, 0)
    assert [m.to for m in mail.outbox] == [["reader@example.org"], ["bounce@example.org"]]
    assert statement.text in mail.outbox[1].body


def test_the_command_reports_and_needs_a_site_url(client, speakers, settings):
    subscribe(client, "", "reader@example.org")
    out = __import__("io").StringIO()
    call_command("send_alerts", stdout=out)
    assert "0 digests sent, 0 failed" in out.getvalue()

    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="SITE_URL"):
        call_command("send_alerts")


# A real SMTP server on loopback ----------------------------------------------------------


def test_a_digest_goes_through_a_real_smtp_server(client, speakers, settings):
    from aiosmtpd.controller import Controller

    class Collector:
        def __init__(self):
            self.envelopes = []

        async def handle_DATA(self, server, session, envelope):
            self.envelopes.append(envelope)
            return "250 Message accepted for delivery"

    collector = Collector()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with time_machine.travel(START, tick=False) as traveller:
            search = subscribe(client, "speaker=jon-ossoff", "reader@example.org", "Ossoff")
            traveller.shift(datetime.timedelta(hours=1))
            statement = published(
                timezone.now() - datetime.timedelta(minutes=5),
                speaker=speakers["ossoff"],
                text="It’s “verbatim” — with Unicode.",
            )
            settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST = "127.0.0.1"
            settings.EMAIL_PORT = port
            settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
            report = run(timezone.now())
    finally:
        controller.stop()

    assert report.digests == 1
    (envelope,) = collector.envelopes
    assert envelope.rcpt_tos == ["reader@example.org"]
    received = message_from_bytes(envelope.content, policy=policy.default)
    manage = f"http://127.0.0.1:8000{search.subscriber.get_absolute_url()}"
    assert received["To"] == "reader@example.org"
    assert received["List-Unsubscribe"].strip() == f"<{manage}>"  # folded: long
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["Subject"].startswith("1 new statement: Ossoff")
    assert received.get_content_type() == "multipart/alternative"
    plain = received.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "DIRECT QUOTE\n“It’s “verbatim” — with Unicode.”" in plain
    assert "It’s “verbatim” — with Unicode." in html
    assert f"/statements/{statement.pk}/" in plain and f"/statements/{statement.pk}/" in html
    assert manage in plain


# Pages: queries, cache, admin ------------------------------------------------------------


def count_queries(client, url) -> int:
    assert client.get(url).status_code == 200  # warm up
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_alert_pages_run_a_constant_number_of_queries(client):
    TopicFactory(slug="trade")
    PersonFactory(slug="jon-ossoff")
    first = subscribe(client, "speaker=jon-ossoff&topic=trade", "reader@example.org", "a")
    ask(client, "", "reader@example.org")
    (confirm,) = links(mail.outbox[-1].body, "/alerts/confirm/")
    urls = {
        "new": "/alerts/new/?speaker=jon-ossoff&topic=trade&kind=direct",
        "confirm": confirm,
        "manage": first.subscriber.get_absolute_url(),
        "unsubscribe": f"/alerts/unsubscribe/?token={tokens.unsubscribe_token(first)}",
    }
    few = {name: count_queries(client, url) for name, url in urls.items()}
    for n in range(10):
        SavedSearch.objects.create(
            subscriber=first.subscriber,
            query=f"kind=direct&speaker=person-{n}",
            label=f"search {n}",
            sent_through=timezone.now(),
        )
    many = {name: count_queries(client, url) for name, url in urls.items()}

    print(f"alert pages, queries with 1 and 11 saved searches: {few} {many}")
    assert few == many, (few, many)
    assert max(many.values()) <= PAGE_BUDGET, many
    assert client.get(urls["manage"]).content.decode().count("Stop this alert") == 11


def test_the_alert_pages_are_not_kept_in_the_page_cache(client):
    search = subscribe(client, "", "reader@example.org")
    url = search.subscriber.get_absolute_url()

    client.get(url)
    response = client.get(url)

    assert response.get("X-Page-Cache") is None
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_the_admin_shows_alerts_to_administrators_only(client, administrator_client, editor):
    search = subscribe(client, "", "reader@example.org")

    listing = administrator_client.get("/admin/alerts/subscriber/")
    assert listing.status_code == 200 and "reader@example.org" in listing.content.decode()
    change = administrator_client.get(f"/admin/alerts/subscriber/{search.subscriber.pk}/change/")
    assert change.status_code == 200
    assert 'name="email"' not in change.content.decode()  # read only
    assert administrator_client.get("/admin/alerts/subscriber/add/").status_code == 403
    assert administrator_client.get("/admin/alerts/savedsearch/").status_code == 200
    assert logged_in(editor).get("/admin/alerts/subscriber/").status_code == 403
    publisher = logged_in(user_with_role("Publisher"))
    assert publisher.get("/admin/alerts/savedsearch/").status_code == 403

    deleted = administrator_client.post(
        f"/admin/alerts/subscriber/{search.subscriber.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert not Subscriber.objects.exists() and not SavedSearch.objects.exists()


# Bad input is never a server error ---------------------------------------------------------

FUZZ_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["jon-ossoff", "direct", "2020-05-30", "-1", "\x00", "x" * 3000, "true"]),
)


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pairs=st.lists(
        st.tuples(
            st.sampled_from(["q", "speaker", "topic", "kind", "said_after", "page", "zzz"]),
            FUZZ_VALUES,
        ),
        max_size=5,
    ),
    token=st.text(max_size=80),
)
def test_no_query_or_token_makes_an_alert_page_fail(client, pairs, token):
    # Each example from no requests counted: past ALERTS_REQUESTS_PER_CLIENT valid ones
    # (20) among the 40 of a run, the form rightly answers 429.
    caches["default"].clear()
    query = "&".join(f"{quote(name)}={quote(value)}" for name, value in pairs)

    assert client.get(f"/alerts/new/?{query}").status_code in (200, 400)
    posted = client.post("/alerts/new/", {"email": "a@example.org", "query": query})
    assert posted.status_code in (200, 400)
    for path in ("/alerts/confirm/", "/alerts/manage/", "/alerts/unsubscribe/"):
        assert client.get(path, {"token": token}).status_code == 400
        assert client.post(f"{path}?token={quote(token)}").status_code == 400


# The mail backend comes from the environment ---------------------------------------------


def email_backend(**env) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "EMAIL_BACKEND", "SECRET_KEY")
    }
    environment |= {"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "example.org", **env}
    result = subprocess.run(
        [sys.executable, "-c", "from tracker import settings; print(settings.EMAIL_BACKEND)"],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_mail_is_printed_in_development_and_sent_by_smtp_in_production():
    assert email_backend(DEBUG="true") == "django.core.mail.backends.console.EmailBackend"
    assert email_backend(DEBUG="false") == "django.core.mail.backends.smtp.EmailBackend"
    chosen = email_backend(
        DEBUG="false", EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
    )
    assert chosen == "django.core.mail.backends.dummy.EmailBackend"
