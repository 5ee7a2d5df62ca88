"""`make bench`: the reference views (bench mode only) and the bench tool's pure pieces.
No server is started and no number is asserted."""

import importlib.util
import re
import sys
from pathlib import Path

import django
import pytest
from django.test import override_settings

from benchmarks import bare_settings

from .factories import PersonFactory, StatementFactory, TopicFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def bench_mode(settings):
    """tracker/urls.py as it is read with BENCH_REFERENCE_VIEWS on."""
    settings.BENCH_REFERENCE_VIEWS = True
    name = "bench_mode_urls"
    spec = importlib.util.spec_from_file_location(name, ROOT / "tracker" / "urls.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    settings.ROOT_URLCONF = name
    yield
    del sys.modules[name]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/_bench/bare/", "/_bench/stock/"])
def test_reference_views_do_not_exist_outside_bench_mode(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_bare_view_in_bench_mode(client, bench_mode):
    response = client.get("/_bench/bare/")
    assert response.status_code == 200 and response.content == b"ok"
    assert "X-Request-ID" in response  # the project's own middleware ran


def test_limit_has_djangos_default_middleware_only(client):
    template = Path(django.__file__).parent / "conf/project_template/project_name/settings.py-tpl"
    listed = re.search(r"MIDDLEWARE = \[(.*?)\]", template.read_text(), re.S).group(1)
    assert bare_settings.MIDDLEWARE == re.findall(r"'([\w.]+)'", listed)
    with override_settings(
        MIDDLEWARE=bare_settings.MIDDLEWARE, ROOT_URLCONF=bare_settings.ROOT_URLCONF
    ):
        response = client.get("/_bench/bare/")
        assert response.status_code == 200 and response.content == b"ok"
        # None of the project's extra middleware: no request id, no CSP.
        assert "X-Request-ID" not in response
        assert "Content-Security-Policy" not in response


@pytest.mark.django_db
def test_stock_view_filters_searches_and_pages(client, bench_mode, django_assert_max_num_queries):
    parent = TopicFactory(slug="economy", name="Economy")
    child = TopicFactory(slug="taxes", name="Taxes", parent=parent)
    speaker = PersonFactory(slug="pat-rivera", name="Pat Rivera")
    taxed = StatementFactory(speaker=speaker, text="Cut the lamplighter tax.", kind="direct")
    taxed.topics.add(child)
    for _ in range(25):
        StatementFactory(text="Something else entirely.")

    with django_assert_max_num_queries(4):  # count, page, topics, and nothing per row
        page = client.get("/_bench/stock/")
    assert page.status_code == 200 and page.context["paginator"].count == 26
    assert len(page.context["object_list"]) == 20
    assert client.get("/_bench/stock/?page=2").context["object_list"][0].text
    for query in ("topic=economy", "q=LAMPLIGHTER", "speaker=pat-rivera&kind=direct"):
        found = client.get(f"/_bench/stock/?{query}").context["object_list"]
        assert list(found) == [taxed], query
        assert b"Pat Rivera" in client.get(f"/_bench/stock/?{query}").content
    assert client.get("/_bench/stock/?page=99").status_code == 404
