"""schema.org JSON-LD on statement pages, and Open Graph tags on every page."""

import json
import re

import pytest

from statements.models import Statement

from .factories import StatementFactory

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld_of(client, statement):
    body = client.get(statement.get_absolute_url()).content.decode()
    blocks = JSON_LD.findall(body)
    assert len(blocks) == 1
    return json.loads(blocks[0]), body


def test_quotation_carries_creator_date_sources_and_topics(client, demo):
    misguided = Statement.objects.get(text="misguided")
    data, _ = json_ld_of(client, misguided)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Quotation"
    assert data["text"] == "misguided"
    assert data["creator"]["name"] == "Jon Ossoff"
    assert data["creator"]["jobTitle"] == "candidate, U.S. Senate, Georgia"
    assert data["dateCreated"] == "2020-05-30"
    assert [topic["name"] for topic in data["about"]] == ["287(g) program"]
    [source] = data["citation"]
    assert source["publisher"]["name"] == "Washington Free Beacon"
    assert source["headline"] == (
        "Ossoff: Local Law Enforcement Should Not Enforce Federal Immigration Law"
    )
    assert source["datePublished"] == "2020-06-05"


def test_a_paraphrase_is_not_marked_up_as_a_quotation(client, demo):
    paraphrase = Statement.objects.get(text="the country needs border control")
    data, _ = json_ld_of(client, paraphrase)
    assert data["@type"] != "Quotation"
    assert "text" not in data
    assert data["description"].startswith("Paraphrase:")


def test_script_end_tag_in_the_text_cannot_break_out(client):
    payload = 'He said </script><script>alert(1)</script> & "<!--'
    statement = StatementFactory(text=payload, context="</SCRIPT >")
    data, body = json_ld_of(client, statement)
    assert data["text"] == payload  # round-trips exactly through the escaping
    block = JSON_LD.search(body).group(1)
    assert "</script" not in block.lower() and "<!--" not in block
    assert "<script>alert(1)</script>" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/statements/",
        "STATEMENT",
        "/people/",
        "/people/jon-ossoff/",
        "/topics/",
        "/topics/immigration/",
        "/events/",
        "/races/",
        "/compare/",
        "/corrections/",
    ],
)
def test_every_page_has_open_graph_and_description(client, path, demo):
    if path == "STATEMENT":
        path = Statement.objects.get(text="misguided").get_absolute_url()
    body = client.get(path).content.decode()
    for name in ("og:title", "og:description", "og:type", "og:url", "og:site_name"):
        assert re.search(rf'<meta property="{name}" content="[^"]+">', body), (path, name)
    assert re.search(r'<meta name="description" content="[^"]+">', body), path
