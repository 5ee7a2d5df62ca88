"""A statement on other sites: the embeddable card, oEmbed, and the share image."""

import html
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve, reverse
from PIL import Image

from statements.models import PublicationState, QuoteKind
from statements.public import sharecard

from .factories import PersonFactory, StatementFactory

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def statement():
    return StatementFactory(text="We can’t wait — the café opens at noon.")


@pytest.fixture
def draft():
    return StatementFactory(state=PublicationState.DRAFT, text="Not yet public.")


def csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in policy.split(";")
        if part.strip()
    }


def embed_url(statement) -> str:
    return f"/statements/{statement.pk}/embed/"


# The embeddable card --------------------------------------------------------------------


def test_embed_may_be_framed_by_any_site_and_runs_no_script(client, statement):
    response = client.get(embed_url(statement))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    policy = csp(response)
    assert policy["frame-ancestors"] == "*"
    assert policy["script-src"] == "'none'"
    # The rest of the policy is kept.
    assert policy["default-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    body = response.content.decode()
    assert "<script" not in body.lower()
    assert " style=" not in body  # inline styles are refused by the policy


def test_embed_sets_no_cookie(client, statement):
    response = client.get(embed_url(statement))
    assert not response.cookies
    assert "Set-Cookie" not in response
    assert not client.cookies


def test_embed_shows_the_card_and_every_link_leaves_the_frame(client, statement):
    body = client.get(embed_url(statement)).content.decode()
    assert "Direct quote" in body
    assert "“We can’t wait — the café opens at noon.”" in body
    assert statement.speaker.name in body
    assert "May 30, 2020" in body
    assert statement.event.name in body
    source = statement.sources.get()
    assert f"Reported by {source.outlet.name}" in body
    assert f'href="http://testserver/statements/{statement.pk}/" target="_top"' in body
    for link in re.findall(r"<a [^>]*>", body):
        assert 'target="_top"' in link or (
            'target="_blank"' in link and 'rel="noopener noreferrer"' in link
        ), link


def test_partial_quote_embed_keeps_the_frame_out_of_the_quotation_marks(client):
    partial = StatementFactory(
        kind=QuoteKind.PARTIAL, frame="called the 287(g) program", text="misguided"
    )
    body = client.get(embed_url(partial)).content.decode()
    words = re.search(r'<p class="words partial">(.*?)</p>', body, re.S)[1]
    assert '<span class="quoted">“misguided”</span>' in words
    frame = words.split('<span class="quoted">')[0]
    assert "called the 287(g) program" in frame
    assert "“" not in frame and "”" not in frame


def test_every_other_route_still_refuses_framing(client, statement):
    for url in [
        "/",
        statement.get_absolute_url(),
        "/statements/",
        f"/statements/{statement.pk}/card.png",
        f"/oembed?url=http://testserver/statements/{statement.pk}/",
        f"/people/{statement.speaker.slug}/",
        "/api/v1/statements/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Frame-Options"] == "DENY", url
        assert csp(response)["frame-ancestors"] == "'none'", url


def test_the_page_cache_replays_the_embed_headers_and_keeps_denying_elsewhere(client, statement):
    first = client.get(embed_url(statement))
    again = client.get(embed_url(statement))
    assert first["X-Page-Cache"] == "miss" and again["X-Page-Cache"] == "hit"
    assert "X-Frame-Options" not in again
    assert csp(again)["frame-ancestors"] == "*"
    assert not again.cookies
    assert again.content == first.content

    page = statement.get_absolute_url()
    client.get(page)
    cached = client.get(page)
    assert cached["X-Page-Cache"] == "hit"
    assert cached["X-Frame-Options"] == "DENY"
    assert csp(cached)["frame-ancestors"] == "'none'"


def test_drafts_and_unknown_ids_have_no_embed_card_or_image(client, draft):
    for url in [
        embed_url(draft),
        f"/statements/{draft.pk}/card.png",
        "/statements/999999/embed/",
        "/statements/999999/card.png",
    ]:
        assert client.get(url).status_code == 404, url


# oEmbed ---------------------------------------------------------------------------------


def oembed(client, url, **params):
    return client.get("/oembed", {"url": url, **params})


def test_oembed_answers_a_rich_type_with_the_required_fields(client, statement):
    response = oembed(client, f"http://testserver{statement.get_absolute_url()}", format="json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    # oEmbed 1.0, 2.3.4: required of every type, then of the rich type.
    assert data["version"] == "1.0"
    assert data["type"] == "rich"
    assert isinstance(data["width"], int) and isinstance(data["height"], int)
    iframe = re.fullmatch(
        r'<iframe src="([^"]+)" width="(\d+)" height="(\d+)" [^>]*></iframe>', data["html"]
    )
    assert iframe is not None, data["html"]
    assert iframe[1] == f"http://testserver{embed_url(statement)}"
    assert (int(iframe[2]), int(iframe[3])) == (data["width"], data["height"])
    assert data["provider_name"] and data["provider_url"] == "http://testserver/"
    assert data["author_name"] == statement.speaker.name
    assert data["author_url"] == f"http://testserver{statement.speaker.get_absolute_url()}"
    assert statement.speaker.name in data["title"]
    # The thumbnail: all three fields, or none.
    assert data["thumbnail_url"] == f"http://testserver/statements/{statement.pk}/card.png"
    assert (data["thumbnail_width"], data["thumbnail_height"]) == (1200, 630)


def test_oembed_honours_maxwidth_and_maxheight(client, statement):
    url = f"http://testserver{statement.get_absolute_url()}"
    data = oembed(client, url, maxwidth="300", maxheight="250").json()
    assert data["width"] <= 300 and data["height"] <= 250
    assert 'width="300"' in data["html"] and 'height="250"' in data["html"]
    # A thumbnail larger than the bounds is left out, with its size fields.
    assert not {"thumbnail_url", "thumbnail_width", "thumbnail_height"} & data.keys()
    assert oembed(client, url, maxwidth="50").status_code == 404


def test_oembed_finds_the_embed_address_too(client, statement):
    response = oembed(client, f"http://testserver{embed_url(statement)}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "http://testserver/statements/999999/",
        "http://elsewhere.example/statements/{pk}/",
        "http://testserver/people/someone/",
        "ftp://testserver/statements/{pk}/",
        "http://testserver/statements/{pk}/card.png",
        "not a url at all",
        "http://[::1/statements/{pk}/",
    ],
)
def test_oembed_answers_404_for_what_is_not_a_published_statement_here(client, statement, url):
    assert oembed(client, url.format(pk=statement.pk)).status_code == 404


def test_oembed_answers_404_for_a_draft(client, draft):
    assert oembed(client, f"http://testserver/statements/{draft.pk}/").status_code == 404


def test_oembed_xml_is_not_implemented_and_bad_parameters_are_400(client, statement):
    url = f"http://testserver{statement.get_absolute_url()}"
    assert oembed(client, url, format="xml").status_code == 501
    assert client.get("/oembed").status_code == 400
    for bad in ["abc", "-5", "0", "1e3", "9999999"]:
        assert oembed(client, url, maxwidth=bad).status_code == 400, bad
        assert oembed(client, url, maxheight=bad).status_code == 400, bad


def test_statement_page_links_its_oembed_and_share_image(client, statement):
    body = client.get(statement.get_absolute_url()).content.decode()
    link = re.search(
        r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)" title="[^"]+">', body
    )
    assert link is not None
    found = urlsplit(html.unescape(link[1]))
    data = client.get(f"{found.path}?{found.query}").json()
    assert data["type"] == "rich" and embed_url(statement) in data["html"]

    card = f"http://testserver/statements/{statement.pk}/card.png"
    assert f'<meta property="og:image" content="{card}">' in body
    assert f'<meta name="twitter:image" content="{card}">' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body
    assert '<meta property="og:image:width" content="1200">' in body
    assert '<meta property="og:image:height" content="630">' in body


# The share image ------------------------------------------------------------------------


def card(client, statement) -> bytes:
    response = client.get(f"/statements/{statement.pk}/card.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert not response.cookies
    return response.content


def test_share_image_is_a_png_of_the_stated_size(client, statement):
    png = card(client, statement)
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (sharecard.WIDTH, sharecard.HEIGHT) == (1200, 630)


def test_share_image_is_drawn_once_and_again_when_the_words_change(client, statement, monkeypatch):
    drawn = []
    real_draw = sharecard.draw

    def counting_draw(content):
        drawn.append(content)
        return real_draw(content)

    monkeypatch.setattr(sharecard, "draw", counting_draw)
    first = card(client, statement)
    assert card(Client(), statement) == first
    assert len(drawn) == 1

    statement.text = "Different words entirely."
    statement.save()
    second = card(client, statement)
    assert len(drawn) == 2
    assert second != first
    assert "Different words entirely." in drawn[-1].words[0].text


def test_share_image_changes_when_the_speaker_is_renamed(client, statement):
    first = card(client, statement)
    speaker = statement.speaker
    speaker.name = "Zoë Łukasiewicz-Ñúñez"
    speaker.save()
    assert card(client, statement) != first


def test_a_draft_never_gets_a_share_image(client, draft, monkeypatch):
    monkeypatch.setattr(sharecard, "draw", lambda content: pytest.fail("drew a draft"))
    assert client.get(f"/statements/{draft.pk}/card.png").status_code == 404


def test_partial_quote_card_sets_the_frame_apart_from_the_quoted_words():
    partial = StatementFactory(
        kind=QuoteKind.PARTIAL, frame="called the 287(g) program", text="misguided"
    )
    content = sharecard.card_content(partial, "https://example.org/statements/1/")
    frame, quoted = content.words
    assert frame.text == f"{partial.speaker.name} called the 287(g) program"
    assert "“" not in frame.text and "”" not in frame.text
    assert (frame.style, frame.muted) == (sharecard.LIGHT, True)
    assert (quoted.text, quoted.style) == ("“misguided”", sharecard.BOLD)
    assert "ONLY THE WORDS IN QUOTATION MARKS" in content.label


def test_paraphrase_card_has_no_quotation_marks():
    paraphrase = StatementFactory(kind=QuoteKind.PARAPHRASE, text="he would end the program")
    content = sharecard.card_content(paraphrase, "https://example.org/statements/1/")
    (words,) = content.words
    assert words.text == f"{paraphrase.speaker.name} said he would end the program"
    assert words.style == sharecard.ITALIC
    assert "NOT A QUOTATION" in content.label


@pytest.mark.parametrize(
    "style", [sharecard.REGULAR, sharecard.BOLD, sharecard.LIGHT, sharecard.ITALIC]
)
def test_the_font_has_curly_quotes_dashes_and_accents(style):
    """No "tofu": each character draws its own glyph, not the font's missing-glyph box."""
    face = sharecard.font(style, 40)
    missing = bytes(face.getmask("\U0010fffd"))
    for char in "“”‘’—–…éèêñüçÁŁőşžčßøå€":
        assert bytes(face.getmask(char)) != missing, (style, char)


def test_long_words_are_shortened_on_the_image_with_a_note_not_an_ellipsis():
    long = StatementFactory(text=" ".join(["word"] * 400))
    content = sharecard.card_content(long, "https://example.org/statements/1/")
    size, lines, cut = sharecard.fit(content.words)
    assert cut and size == sharecard.WORD_SIZES[-1]
    assert all("…" not in word for line in lines for word, _, _ in line)
    png = sharecard.draw(content)
    assert Image.open(io.BytesIO(png)).size == (1200, 630)


def test_a_speaker_without_role_party_or_event_still_gets_a_card(client):
    bare = StatementFactory(speaker=PersonFactory(name="Zoë Ångström"), event=None)
    assert card(client, bare).startswith(PNG_SIGNATURE)
    assert client.get(embed_url(bare)).status_code == 200
    data = json.loads(oembed(client, f"http://testserver/statements/{bare.pk}/").content)
    assert data["author_name"] == "Zoë Ångström"


def test_urls_reverse_and_resolve():
    for name, url in [
        ("statements:statement-embed", "/statements/7/embed/"),
        ("statements:statement-card", "/statements/7/card.png"),
    ]:
        assert reverse(name, args=[7]) == url
        assert resolve(url).url_name == name.split(":")[1]
    assert reverse("statements:oembed") == "/oembed"
    assert resolve("/oembed").url_name == "oembed"
