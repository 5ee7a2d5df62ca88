"""The OpenAPI document of /api/v1/: valid, complete, and true to what the API answers.

The schemathesis run drives every operation of the schema, in process, against the WSGI
application with the demo data loaded: positive and negative cases (malformed dates,
unknown slugs, out-of-range page sizes, garbage cursors...) must never cause a server
error, and every response must match what the schema promises for its status code.
"""

import json
import re
from collections import Counter

import pytest
import schemathesis
import yaml
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

API = "/api/v1"
# The in-process transport sends "Accept-Encoding: gzip" but does not decode: ask for the
# plain body (tests/test_page_cache.py checks that both bodies are the same).
PLAIN = {"Accept-Encoding": "identity"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
RESOURCES = [
    "statements",
    "people",
    "topics",
    "events",
    "races",
    "reactions",
    "organizations",
    "sources",
]


def load_schema(client, **params) -> dict:
    response = client.get(f"{API}/schema/", params)
    assert response.status_code == 200
    return yaml.safe_load(response.content)


@pytest.mark.django_db
def test_the_schema_is_valid_openapi_3(client):
    document = load_schema(client)
    validate(document)  # raises if it is not a valid OpenAPI 3 document
    assert document["openapi"].startswith("3.")
    as_json = client.get(f"{API}/schema/", {"format": "json"})
    assert as_json["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert as_json.json() == document


@pytest.mark.django_db
def test_the_schema_covers_every_resource_and_the_popolo_export(client):
    paths = load_schema(client)["paths"]
    for resource in RESOURCES:
        key = "{id}" if resource in ("statements", "reactions", "sources") else "{slug}"
        assert f"{API}/{resource}/" in paths
        assert f"{API}/{resource}/{key}/" in paths
        assert set(paths[f"{API}/{resource}/"]) == {"get"}  # read-only
        assert "400" in paths[f"{API}/{resource}/"]["get"]["responses"]
        assert "404" in paths[f"{API}/{resource}/{key}/"]["get"]["responses"]
    assert f"{API}/popolo.json" in paths
    assert "PopoloExport" in str(paths[f"{API}/popolo.json"]["get"]["responses"]["200"])


@pytest.mark.django_db
def test_the_statement_filters_are_documented(client):
    operation = load_schema(client)["paths"][f"{API}/statements/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    for name in (
        "q",
        "speaker",
        "topic",
        "party",
        "race",
        "event",
        "kind",
        "said_after",
        "said_before",
        "has_reactions",
        "ordering",
        "cursor",
        "page_size",
    ):
        assert name in parameters, name
    assert parameters["speaker"]["schema"]["type"] == "array"
    assert parameters["said_after"]["schema"] == {"type": "string", "format": "date"}
    flag = parameters["has_reactions"]["schema"]
    assert flag.get("type") == "boolean" or {"true", "false"} <= set(flag.get("enum", []))
    assert parameters["kind"]["schema"]["items"]["enum"] == ["direct", "paraphrase", "partial"]
    assert "relevance" in parameters["ordering"]["schema"]["enum"]
    assert parameters["page_size"]["schema"]["maximum"] == 100
    assert "relevance" in operation["description"]
    error = operation["responses"]["400"]["content"]["application/json"]["schema"]
    assert error["additionalProperties"]["items"]["type"] == "string"


@pytest.mark.django_db
def test_the_docs_page_loads_nothing_from_another_host(client):
    response = client.get(f"{API}/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="swagger-ui"' in body
    # Every script, style sheet and icon is ours: no address with a host of its own.
    assets = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert assets and all(url.startswith("/") and not url.startswith("//") for url in assets)
    assert "<style" not in body and "<script>" not in body  # nothing inline for the CSP
    # The start-up script is a file of its own, and it points at our schema.
    script = next(url for url in assets if "script" in url)
    code = client.get(script)
    assert code.status_code == 200 and code["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in code.content.decode()
    for url in assets:
        if url.startswith(django_settings.STATIC_URL):  # shipped with the project's static files
            assert finders.find(url.removeprefix(django_settings.STATIC_URL)), url
    policy = response.headers["Content-Security-Policy"]
    assert policy == client.get(f"{API}/statements/").headers["Content-Security-Policy"]
    assert "http" not in policy.replace("upgrade-insecure-requests", "")


# --------------------------------------------------------------------------- schemathesis
#
# The schema is generated in Python at collection time (no request, no database), the
# same document /api/v1/schema/ serves (checked below), and schemathesis calls the WSGI
# application in process, so the demo data loaded in each test's transaction is what it
# sees. (schemathesis.pytest.from_fixture, the lazy loader, does not run under pytest 9.2:
# it sets Function._nodeid, which pytest no longer has.)

MAX_EXAMPLES = 25


def generated_schema() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


class InProcessApp:
    """The Django WSGI application, addressed as the test client addresses it."""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        environ = {**environ, "HTTP_HOST": "testserver", "SERVER_NAME": "testserver"}
        environ["wsgi.url_scheme"] = "https"  # no HTTPS redirect whatever DEBUG says
        return self.handler(environ, start_response)


schema = schemathesis.openapi.from_dict(generated_schema())
schema.app = InProcessApp()


@pytest.mark.django_db
def test_the_served_schema_is_the_one_fuzzed(client):
    assert load_schema(client, format="json") == generated_schema()


@pytest.fixture
def demo_world(db, demo):
    """Demo data in the test's transaction; Django's per-request connection cleanup is
    switched off meanwhile, as the test client does, or the first request would close
    the connection and with it the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def cases_run(request):
    """Counts the cases of one operation's run, prints them, and fails the run if there
    were none: every operation is driven at least once."""
    counts = Counter()
    yield counts
    print(f"\nschemathesis: {counts['cases']} cases, {counts['failing']} failing")
    assert counts["cases"] >= 1, request.node.name


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_promises(case, demo_world, cases_run):
    cases_run["cases"] += 1
    try:
        case.call_and_validate(checks=CHECKS, headers=PLAIN)
    except BaseException:
        cases_run["failing"] += 1
        raise


def test_the_fuzzed_schema_is_every_operation_of_the_api():
    """The run above is one test per operation of `schema` (each fails without a case
    run): those must be every operation of the API, all of them reads."""
    operations = [result.ok() for result in schema.get_all_operations()]
    key = {"statements": "id", "reactions": "id", "sources": "id"}
    assert sorted(operation.label for operation in operations) == sorted(
        [f"GET {API}/{resource}/" for resource in RESOURCES]
        + [f"GET {API}/{resource}/{{{key.get(resource, 'slug')}}}/" for resource in RESOURCES]
        + [f"GET {API}/popolo.json"]
    )
    assert len(operations) == 2 * len(RESOURCES) + 1


def demo_addresses():
    """Every demo record's address, and lists with filters, as (path template, params)."""
    from statements.models import (
        Event,
        Organization,
        Person,
        Race,
        Reaction,
        Source,
        Statement,
        Topic,
    )

    def by(model, key, template, param):
        return [(template, {"path": {param: getattr(r, key)}}) for r in model.objects.all()]

    yield from by(Statement, "pk", "/statements/{id}/", "id")
    yield from by(Reaction, "pk", "/reactions/{id}/", "id")
    yield from by(Source, "pk", "/sources/{id}/", "id")
    yield from by(Person, "slug", "/people/{slug}/", "slug")
    yield from by(Topic, "slug", "/topics/{slug}/", "slug")
    yield from by(Event, "slug", "/events/{slug}/", "slug")
    yield from by(Race, "slug", "/races/{slug}/", "slug")
    yield from by(Organization, "slug", "/organizations/{slug}/", "slug")
    for query in (
        {},
        {"speaker": ["jon-ossoff"], "kind": ["direct", "partial"]},
        {"topic": ["immigration"], "has_reactions": "true", "ordering": "said_on"},
        {"q": "border", "page_size": 2},
        {"said_after": "2020-05-30", "said_before": "2020-05-30", "page_size": 3},
        {"said_after": "yesterday"},
        {"cursor": "garbage"},
    ):
        yield "/statements/", {"query": query}
    for resource in RESOURCES:
        yield f"/{resource}/", {"query": {"page_size": 2}}
    yield "/people/", {"query": {"q": "ossoff"}}
    yield "/popolo.json", {}


def test_every_demo_record_matches_the_schema(demo_world):
    """Generated slugs and ids mostly miss: here every real record's JSON is checked."""
    checked = 0
    for template, data in demo_addresses():
        operation = schema[f"{API}{template}"]["GET"]
        case = operation.Case(path_parameters=data.get("path"), query=data.get("query"))
        response = case.call_and_validate(checks=CHECKS, headers=PLAIN)
        assert response.status_code in (200, 400), (template, data, response.status_code)
        checked += 1
    assert checked > 40
    follow = schema[f"{API}/statements/"]["GET"].Case(query={"page_size": 2})
    body = follow.call(headers=PLAIN).json()
    assert body["next"] and len(body["results"]) == 2
