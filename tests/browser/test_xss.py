"""The XSS matrix: hostile text in every text and URL field of every model, then every page.

Every text field of every record gets each payload, every URL field gets `javascript:` and
`data:` URLs (written straight to the database, past validation, to prove the templates
hold on their own). Real Chromium then opens every public page, feed and admin page that
shows them, and we assert that no dialog fires, no injected element exists, and no
`javascript:` link is there to click.
"""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.test import Client
from playwright.sync_api import Page

from statements.models import (
    Affiliation,
    BackgroundNote,
    CommentRequest,
    Correction,
    Position,
    QuoteKind,
    Statement,
)
from tests.factories import (
    CandidacyFactory,
    EventFactory,
    OrganizationFactory,
    PartyFactory,
    PersonFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.browser

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "end-script": "</script><script>alert(1)</script>",
    "javascript-url": "javascript:alert(1)",
}
HOSTILE_URLS = ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>"]
SKIPPED_FIELDS = {
    "slug",
    "state",
    "kind",
    "stance",
    "outcome",
    "date_precision",
    "result",
    "stage",
    "sort_name",
}

INJECTED = """() => {
  const found = [];
  document.querySelectorAll('img[src="x"], img[onerror]').forEach(e => found.push(e.outerHTML));
  document.querySelectorAll('script').forEach(s => {
    if (s.type !== 'application/ld+json' && s.textContent.includes('alert(1)')) {
      found.push(s.outerHTML);
    }
  });
  document.querySelectorAll('[onerror], [onload], [onclick]').forEach(e => found.push(e.outerHTML));
  document.querySelectorAll('a[href], area[href], iframe[src], form[action]').forEach(e => {
    const url = (e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || '');
    if (/^\\s*(javascript|data|vbscript):/i.test(url)) found.push(e.outerHTML);
  });
  return found;
}"""


def poison_every_field(payload: str, hostile_url: str) -> list[str]:
    """Write the payload into every text field and the URL into every URL field."""
    poisoned = []
    for model in apps.get_app_config("statements").get_models():
        for field in model._meta.concrete_fields:
            if (
                field.name in SKIPPED_FIELDS
                or field.choices
                or not field.editable
                and (field.name != "speaker_name")
            ):
                continue
            if isinstance(field, models.URLField):
                value = hostile_url
            elif isinstance(field, models.CharField | models.TextField) and not isinstance(
                field, models.SlugField
            ):
                value = payload[: field.max_length] if field.max_length else payload
            else:
                continue
            try:
                with transaction.atomic():
                    model.objects.update(**{field.name: value})
                poisoned.append(f"{model.__name__}.{field.name}")
            except IntegrityError:
                pass  # e.g. a partial quote's frame on a direct quote: not a state we show
    return poisoned


@pytest.fixture
def hostile_world(live_server):
    party = PartyFactory(slug="party")
    outlet = OrganizationFactory(slug="outlet", kind="news")
    person = PersonFactory(slug="speaker")
    other = PersonFactory(slug="respondent")
    topic = TopicFactory(slug="topic", parent=TopicFactory(slug="parent-topic"))
    event = EventFactory(slug="event", date_inferred=True, date_inference_note="note")
    source = SourceFactory(outlet=outlet)
    statements = [
        StatementFactory(
            speaker=person,
            speaker_party=party,
            event=event,
            topics=[topic],
            sources=[source],
            kind=kind,
            frame="called it" if kind == QuoteKind.PARTIAL else "",
            said_on=datetime.date(2020, 5, 30),
            date_inferred=True,
            date_inference_note="n",
        )
        for kind in QuoteKind.values
    ]
    for stance in ("agrees", "disagrees", "interprets", "adds_context"):
        ReactionFactory(
            statement=statements[0],
            respondent=other,
            source=source,
            stance=stance,
            interpretation="reading",
            respondent_organization=outlet,
            channel="email",
        )
    Affiliation.objects.create(person=person, organization=party, role="member")
    race = CandidacyFactory(person=person, party=party).race
    CommentRequest.objects.create(
        statement=statements[0],
        asked_person=person,
        requested_by=outlet,
        subject="x",
        source=source,
        requested_on=datetime.date(2020, 6, 1),
    )
    position = Position.objects.create(
        person=person,
        topic=topic,
        summary="s",
        as_of=datetime.date(2020, 5, 30),
        state="published",
    )
    position.statements.set(statements)
    position.sources.set([source])
    note = BackgroundNote.objects.create(title="t", text="t", state="published")
    note.topics.set([topic])
    note.sources.set([source])
    Correction.objects.create(statement=statements[0], note="n", material=True, record_version=1)
    admin_user = get_user_model().objects.create_superuser("xss-admin", "a@example.org", "x")
    return {"statement": statements[0], "race": race, "admin": admin_user}


def public_paths(world) -> list[str]:
    statement_paths = [
        f"/statements/{pk}/" for pk in Statement.objects.values_list("pk", flat=True)
    ]
    return [
        "/",
        "/statements/",
        "/statements/?q=alert",
        "/statements/?speaker=speaker&topic=topic",
        *statement_paths,
        "/people/",
        "/people/speaker/",
        "/people/respondent/",
        "/topics/",
        "/topics/topic/",
        "/topics/parent-topic/",
        "/events/",
        "/events/event/",
        "/races/",
        f"/races/{world['race'].slug}/",
        "/compare/?people=speaker,respondent&topic=topic",
        "/corrections/",
        "/statements/feed/",
        "/statements/feed/atom/",
        "/people/speaker/feed/",
        "/topics/topic/feed/",
        "/api/v1/statements/",
        f"/api/v1/statements/{world['statement'].pk}/",
        "/api/v1/popolo.json",
    ]


def admin_paths() -> list[str]:
    from django.contrib import admin

    paths = []
    for model in admin.site._registry:
        if model._meta.app_label != "statements":
            continue
        base = f"/admin/statements/{model._meta.model_name}/"
        paths.append(base)
        first = model._default_manager.first()
        if first is not None:
            paths.append(f"{base}{first.pk}/change/")
            paths.append(f"{base}{first.pk}/history/")
    return paths


def visit(page: Page, url: str, dialogs: list) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status < 500, (url, response and response.status)
    page.wait_for_load_state("load")
    return page.evaluate(INJECTED)


@pytest.mark.parametrize("hostile_url", HOSTILE_URLS)
@pytest.mark.parametrize("payload_name", list(PAYLOADS))
def test_no_payload_runs_anywhere(
    page: Page, live_server, hostile_world, payload_name, hostile_url
):
    poisoned = poison_every_field(PAYLOADS[payload_name], hostile_url)
    assert "Statement.text" in poisoned and "Source.url" in poisoned
    assert "Person.name" in poisoned and "Reaction.text" in poisoned

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    client = Client()
    client.force_login(hostile_world["admin"])
    session = client.cookies["sessionid"].value

    visited, findings = [], {}
    for path in public_paths(hostile_world):
        found = visit(page, live_server.url + path, dialogs)
        visited.append(path)
        if found:
            findings[path] = found
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    for path in admin_paths():
        found = visit(page, live_server.url + path, dialogs)
        visited.append(path)
        if found:
            findings[path] = found
    print(
        f"\n{payload_name} / {hostile_url[:11]}: {len(visited)} pages, "
        f"{len(poisoned)} fields poisoned"
    )
    assert not dialogs, dialogs
    assert not findings, findings
