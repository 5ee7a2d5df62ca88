"""/sitemap.xml lists published records only; /robots.txt points to it."""

import re
import xml.etree.ElementTree as ET

import pytest

from statements.models import Event, Person, Race, Statement, Topic

from .factories import EventFactory, PersonFactory, RaceFactory, StatementFactory, TopicFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap(client) -> dict[str, str | None]:
    """location -> lastmod."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    found = {}
    for url in root.findall("sm:url", NS):
        lastmod = url.find("sm:lastmod", NS)
        found[url.find("sm:loc", NS).text] = None if lastmod is None else lastmod.text
    return found


def test_sitemap_lists_published_records_and_no_drafts(client, demo):
    hidden = {
        "statement": StatementFactory(state="draft", speaker=PersonFactory(state="draft")),
        "review": StatementFactory(state="review"),
        "topic": TopicFactory(state="draft"),
        "event": EventFactory(state="withdrawn"),
        "race": RaceFactory(state="draft"),
    }
    urls = sitemap(client)
    base = "http://testserver"
    expected = set()
    for model in (Statement, Person, Topic, Event, Race):
        published = model.objects.published()
        assert published.exists()
        for record in published:
            location = base + record.get_absolute_url()
            expected.add(location)
            assert urls[location] == record.updated_at.date().isoformat()
    for name in ("/", "/statements/", "/people/", "/topics/", "/events/", "/races/", "/data/"):
        expected.add(base + name)
    assert set(urls) == expected
    for record in [*hidden.values(), hidden["statement"].speaker]:
        assert base + record.get_absolute_url() not in urls
    assert base + "/people/jon-ossoff/" in urls
    assert base + "/topics/287g-program/" in urls
    assert len([u for u in urls if re.fullmatch(rf"{base}/statements/\d+/", u)]) == 7


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    text = response.content.decode()
    lines = [line.strip() for line in text.splitlines()]
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "&" not in text and "<" not in text
