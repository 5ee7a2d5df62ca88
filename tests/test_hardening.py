"""Small things a hostile probe found, each reproduced first, then fixed."""

import base64
import json
import logging

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory

from statements import editorial
from statements.admin.inlines import StatementTopicInline
from statements.admin.mixins import INLINE_ROWS
from statements.models import Statement

from .factories import StatementFactory

PUBLIC_PATHS = [
    "/",
    "/statements/",
    "/statements/feed/",
    "/statements/export.csv",
    "/people/",
    "/topics/",
    "/events/",
    "/races/",
    "/compare/",
    "/corrections/",
    "/healthz",
    "/sitemap.xml",
    "/robots.txt",
]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["trace", "post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_answer_get_and_head_only(client, path, method):
    assert getattr(client, method)(path).status_code == 405
    for response in (client.get(path), client.head(path)):
        assert response.status_code == 200
        response.close()  # as a WSGI server does: an export gives back its stream slot


@pytest.mark.django_db
def test_a_statement_page_refuses_trace(client):
    statement = StatementFactory()
    response = client.generic("TRACE", statement.get_absolute_url())
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "digits",
    # Other scripts' digits, and a line break or a tab before or among them (the API's
    # catch-all once missed those and answered the site's HTML page).
    ["%D9%A1", "%DB%B1", "%EF%BC%91", "%E0%A5%A7", "%0A0%25%F3%B1%90%9B", "1%0A", "%091"],
)
def test_api_ids_are_ascii_digits_only(client, digits):
    statement = StatementFactory()
    for resource in ("statements", "sources", "reactions"):
        response = client.get(f"/api/v1/{resource}/{digits}/")
        assert response.status_code == 404, resource
        assert response.json() == {"detail": "Not found."}
    assert client.get(f"/api/v1/statements/{statement.pk}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["//evil.example/", "https://evil.example/x", ""])
def test_signing_in_with_a_refused_next_leads_to_the_admin_index(next_url):
    User.objects.create_user("desk", password="a long pass phrase", is_staff=True)
    client = Client()
    response = client.post(
        "/admin/login/",
        {"username": "desk", "password": "a long pass phrase", "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected", "unexpected"),
    [
        ("has_reactions=true", "with reactions", "without reactions"),
        ("has_reactions=false", "without reactions", " with reactions"),
        ("", None, "reactions"),
    ],
)
def test_feed_titles_say_what_has_reactions_selects(client, query, expected, unexpected):
    StatementFactory()
    feed = client.get(f"/statements/feed/?{query}").content.decode()
    title = feed.split("<title>", 1)[1].split("</title>", 1)[0]
    if expected:
        assert expected in title
    assert unexpected not in title


@pytest.mark.django_db
def test_a_disallowed_host_is_one_warning_without_a_traceback(caplog, settings):
    settings.ALLOWED_HOSTS = ["tracker.example.org"]
    with caplog.at_level(logging.INFO):
        response = Client(HTTP_HOST="evil.example").get("/healthz")
    assert response.status_code == 400
    about_host = [r for r in caplog.records if "evil.example" in r.getMessage()]
    assert len(about_host) == 1
    assert about_host[0].levelno == logging.WARNING
    assert about_host[0].exc_info is None


@pytest.mark.django_db
def test_a_two_megabyte_statement_is_refused_with_its_length(publisher):
    statement = StatementFactory(state="draft")
    statement.text = "word " * 400_000
    with pytest.raises(ValidationError) as refusal:
        editorial.update_record(record=statement, user=publisher, loaded_version=statement.version)
    assert "at most 10000 characters (it has 2000000)" in " ".join(
        refusal.value.message_dict["text"]
    )
    request = RequestFactory().get("/")
    request.user = publisher
    form = admin.site._registry[Statement].get_form(request)
    assert form.base_fields["text"].max_length == 10_000


@pytest.mark.django_db
def test_an_inline_formset_claiming_a_hundred_million_rows_is_capped(publisher):
    statement = StatementFactory()
    request = RequestFactory().post("/")
    request.user = publisher
    inline = StatementTopicInline(Statement, admin.site)
    formset_class = inline.get_formset(request, statement)
    prefix = formset_class.get_default_prefix()
    formset = formset_class(
        {f"{prefix}-TOTAL_FORMS": "100000000", f"{prefix}-INITIAL_FORMS": "0"},
        instance=statement,
        prefix=prefix,
    )
    assert not formset.is_valid()
    assert len(formset.forms) <= INLINE_ROWS
    assert f"Please submit at most {INLINE_ROWS} forms." in formset.non_form_errors()


def api_cursor(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("resource", "keys"),
    [
        ("people", {"s": "sort_name,id", "k": ["\ud800", 1]}),
        ("people", {"s": "sort_name,id", "k": ["a\ud83d", 1]}),
        ("topics", {"s": "name,id", "k": ["\udfff", 1]}),
        ("races", {"s": "slug", "k": ["\ud800"]}),
    ],
)
def test_an_api_cursor_holding_a_lone_surrogate_is_a_400(client, resource, keys):
    # JSON can spell a surrogate that no UTF-8 text holds: it reached the database as a
    # key and failed there, a 500.
    response = client.get(f"/api/v1/{resource}/", {"cursor": api_cursor(keys)})
    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


@pytest.mark.django_db
@pytest.mark.parametrize("number", [2**63, 2**64, 10**20])
def test_a_statement_number_beyond_any_id_is_a_404(client, number):
    statement = StatementFactory()
    for suffix in ("", "embed/", "card.png"):
        assert client.get(f"/statements/{number}/{suffix}").status_code == 404, suffix
    assert client.head(f"/statements/{number}/").status_code == 404
    assert client.get(f"/statements/{2**63 - 1}/").status_code == 404  # the largest id
    assert client.get(statement.get_absolute_url()).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("before", ["²", "①", "1²", "١"])
def test_the_corrections_log_ignores_a_cursor_that_is_no_ascii_number(client, before):
    # str.isdigit() is true of "²", which int() cannot read: a 500.
    response = client.get("/corrections/", {"before": before})
    assert response.status_code == 200
    assert response.context["is_first_page"] is False


@pytest.mark.django_db
def test_the_api_docs_page_answers_get_and_head_only(client):
    assert client.get("/api/v1/docs/").status_code == 200
    assert client.head("/api/v1/docs/").status_code == 200
    for method in ("options", "post", "delete"):
        response = getattr(client, method)("/api/v1/docs/")
        assert response.status_code == 405, method
