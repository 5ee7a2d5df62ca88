"""Citations in house styles, each against a worked example from its guide, then the demo
article's statements in every style."""

import datetime
import re

import pytest

from statements.models import DatePrecision, QuoteKind, Statement
from statements.reading import citations
from statements.reading.citations import Article, Cited

# The Chicago Manual of Style's own news-article example (17th ed., chapter 14, and its
# quick guide), also the MLA template's data below.
MANJOO = Article(
    outlet="New York Times",
    title="Snap Makes a Bet on the Cultural Supremacy of the Camera",
    published_on=datetime.date(2017, 3, 8),
    author="Farhad Manjoo",
    url="https://www.nytimes.com/2017/03/08/technology/snap-makes-a-bet-on-the-cultural-supremacy-of-the-camera.html",
)
# The APA Publication Manual's newspaper-article example (7th ed., 10.1, example 16).
CAREY = Article(
    outlet="The New York Times",
    title="Can we get better at forgetting?",
    published_on=datetime.date(2019, 3, 22),
    author="Benedict Carey",
    url="https://www.nytimes.com/2019/03/22/health/memory-forgetting-psychology.html",
)


def cited(**changes) -> Cited:
    values = {
        "speaker": "Jon Ossoff",
        "speaker_sort_name": "Ossoff, Jon",
        "role": "candidate, U.S. Senate, Georgia",
        "kind": QuoteKind.DIRECT,
        "words": "We need to fix that problem.",
        "frame": "",
        "said_on": datetime.date(2020, 5, 30),
        "precision": DatePrecision.DAY,
        "event": "an online town hall",
        "article": Article(
            outlet="Washington Free Beacon",
            title="Ossoff: Local Law Enforcement Should Not Enforce Federal Immigration Law",
            published_on=datetime.date(2020, 6, 5),
        ),
        "permalink": "https://tracker.example/statements/7/",
        "key": "ossoff2020-7",
    }
    return Cited(**(values | changes))


# Worked examples from the guides ------------------------------------------------------


def test_chicago_note_matches_the_manuals_news_article_example():
    assert citations.chicago_article_note(MANJOO) == (
        "Farhad Manjoo, “Snap Makes a Bet on the Cultural Supremacy of the Camera,” New York "
        "Times, March 8, 2017, https://www.nytimes.com/2017/03/08/technology/snap-makes-a-bet-"
        "on-the-cultural-supremacy-of-the-camera.html."
    )


def test_apa_reference_matches_the_manuals_newspaper_example():
    assert citations.apa_reference(CAREY) == (
        "Carey, B. (2019, March 22). Can we get better at forgetting? The New York Times. "
        "https://www.nytimes.com/2019/03/22/health/memory-forgetting-psychology.html"
    )


def test_mla_entry_follows_the_core_elements_as_in_the_handbooks_examples():
    assert citations.mla_entry(MANJOO) == (
        "Manjoo, Farhad. “Snap Makes a Bet on the Cultural Supremacy of the Camera.” New York "
        "Times, 8 Mar. 2017, www.nytimes.com/2017/03/08/technology/snap-makes-a-bet-on-the-"
        "cultural-supremacy-of-the-camera.html."
    )
    # A headline ending in a question mark takes no full stop after it.
    assert citations.mla_entry(CAREY).startswith(
        "Carey, Benedict. “Can we get better at forgetting?” The New York Times, 22 Mar. 2019, "
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # AP Stylebook, "months" and "dates".
        (datetime.date(1987, 2, 14), "Feb. 14, 1987"),
        (datetime.date(2020, 3, 6), "March 6, 2020"),
        (datetime.date(2020, 6, 5), "June 5, 2020"),
        (datetime.date(2020, 9, 1), "Sept. 1, 2020"),
        (datetime.date(2020, 12, 25), "Dec. 25, 2020"),
    ],
)
def test_ap_dates_follow_the_stylebooks_months(day, expected):
    assert citations.ap_date(day, DatePrecision.DAY) == expected


def test_ap_month_and_year_dates_take_no_comma():
    assert citations.ap_date(datetime.date(1980, 2, 1), DatePrecision.MONTH) == "February 1980"
    assert citations.ap_date(datetime.date(1980, 2, 1), DatePrecision.YEAR) == "1980"


def test_ap_attribution_puts_the_comma_inside_the_quotation_marks():
    # AP: "said" after the name; the quote's full stop becomes a comma inside the marks;
    # the date without "on", the year set off by commas.
    assert citations.ap(cited()) == (
        "“We need to fix that problem,” Jon Ossoff, candidate, U.S. Senate, Georgia, said "
        "May 30, 2020, at an online town hall, the Washington Free Beacon reported June 5, 2020."
    )
    question = citations.ap(cited(words="Who is flowing across our borders?", role=""))
    assert question.startswith("“Who is flowing across our borders?” Jon Ossoff said May 30")


def test_ap_keeps_a_partial_quotes_frame_outside_the_marks_and_never_quotes_a_paraphrase():
    partial = cited(kind=QuoteKind.PARTIAL, frame="called the 287(g) program", words="misguided")
    assert citations.ap(partial) == (
        "Jon Ossoff, candidate, U.S. Senate, Georgia, called the 287(g) program “misguided” "
        "May 30, 2020, at an online town hall, the Washington Free Beacon reported June 5, 2020."
    )
    paraphrase = cited(kind=QuoteKind.PARAPHRASE, words="the country needs border control")
    assert citations.ap(paraphrase) == (
        "Jon Ossoff, candidate, U.S. Senate, Georgia, said May 30, 2020, at an online town "
        "hall that the country needs border control, the Washington Free Beacon reported "
        "June 5, 2020."
    )
    assert "“" not in citations.ap(paraphrase)


def test_chicago_quoted_in_follows_the_manuals_secondary_source_pattern():
    # 14.260: "Louis Zukofsky, … quoted in Bonnie Costello, …"
    assert citations.chicago_note(cited(article=MANJOO)) == (
        "Jon Ossoff, an online town hall, May 30, 2020, quoted in Farhad Manjoo, “Snap Makes "
        "a Bet on the Cultural Supremacy of the Camera,” New York Times, March 8, 2017, "
        "https://www.nytimes.com/2017/03/08/technology/snap-makes-a-bet-on-the-cultural-"
        "supremacy-of-the-camera.html."
    )
    paraphrase = citations.chicago_note(cited(kind=QuoteKind.PARAPHRASE))
    assert ", reported in “Ossoff:" in paraphrase and "quoted in" not in paraphrase


def test_apa_in_text_citation_of_a_secondary_source():
    # 8.6: (Ossoff, as cited in Carey, 2019)
    assert citations.apa(cited(article=CAREY)).endswith(
        "In text: (Ossoff, as cited in Carey, 2019)"
    )


def test_mla_in_text_citation_of_an_indirect_source():
    # MLA's indirect sources: (qtd. in Manjoo)
    assert citations.mla(cited(article=MANJOO)).endswith("In text: (qtd. in Manjoo)")


def test_unsigned_articles_start_with_their_headline():
    c = cited()
    title = "Ossoff: Local Law Enforcement Should Not Enforce Federal Immigration Law"
    assert citations.apa(c) == (
        f"{title}. (2020, June 5). Washington Free Beacon.\n\n"
        f"In text: (Ossoff, as cited in “{title},” 2020)"
    )
    assert citations.mla(c) == (
        f"“{title}.” Washington Free Beacon, 5 June 2020.\n\nIn text: (qtd. in “{title}”)"
    )
    assert citations.chicago_note(c) == (
        f"Jon Ossoff, an online town hall, May 30, 2020, quoted in “{title},” Washington Free "
        "Beacon, June 5, 2020."
    )


def test_bibtex_is_a_misc_entry_with_escaped_fields():
    # btxdoc, "Entry Types": misc (author, title, howpublished, month, year, note).
    entry = citations.bibtex(cited(words="50% of us & 100$ — {braces} #1_a~b^c\\d"))
    assert entry.startswith("@misc{ossoff2020-7,\n")
    assert entry.endswith("\n}")
    fields = dict(re.findall(r"^  (\w+) = (.*?),?$", entry, re.M))
    assert list(fields) == ["author", "title", "howpublished", "month", "year", "note", "url"]
    assert fields["author"] == "{Ossoff, Jon}"
    assert fields["title"] == (
        r"{{“50\% of us \& 100\$ — \{braces\} \#1\_a\textasciitilde{}b\textasciicircum{}c"
        r"\textbackslash{}d”}}"
    )
    assert fields["month"] == "may"  # the predefined macro, unbraced
    assert fields["year"] == "{2020}"
    assert fields["url"] == "{https://tracker.example/statements/7/}"
    # Braces balance, so BibTeX reads the entry to its end.
    depth = 0
    for char in entry.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0


def test_bibtex_leaves_out_the_month_of_a_year_only_date():
    entry = citations.bibtex(cited(precision=DatePrecision.YEAR))
    assert "month =" not in entry and "year = {2020}" in entry


def test_plain_link_is_the_permalink():
    styles = {slug: text for slug, _, text in citations.all_styles(cited())}
    assert list(styles) == ["ap", "chicago", "apa", "mla", "bibtex", "link"]
    assert styles["link"] == "https://tracker.example/statements/7/"


def test_author_names_that_do_not_split_stay_as_written():
    assert citations.apa_author("Staff") == "Staff"
    assert citations.mla_author("Jane Doe and John Roe") == "Jane Doe and John Roe"
    assert citations.apa_author("Mary-Jane Watson") == "Watson, M.-J."


# The demo article ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_partial_quote_in_every_style(demo, client):
    statement = Statement.objects.get(kind=QuoteKind.PARTIAL, text="misguided")
    body = client.get(statement.get_absolute_url()).content.decode()
    permalink = f"http://testserver/statements/{statement.pk}/"
    event = "Online town hall with the College Democrats of Georgia"
    title = "Ossoff: Local Law Enforcement Should Not Enforce Federal Immigration Law"
    expected = {
        "ap": (
            f"Jon Ossoff, candidate, U.S. Senate, Georgia, called the 287(g) program “misguided” "
            f"May 30, 2020, at {event}, the Washington Free Beacon reported June 5, 2020."
        ),
        "chicago": (
            f"Jon Ossoff, {event}, May 30, 2020, quoted in “{title},” Washington Free Beacon, "
            "June 5, 2020."
        ),
        "apa": (
            f"{title}. (2020, June 5). Washington Free Beacon.\n\n"
            f"In text: (Ossoff, as cited in “{title},” 2020)"
        ),
        "mla": (f"“{title}.” Washington Free Beacon, 5 June 2020.\n\nIn text: (qtd. in “{title}”)"),
        "link": permalink,
    }
    for slug, text in expected.items():
        box = re.search(
            rf'<textarea id="cite-{slug}" class="cite" readonly rows="\d+">(.*?)</textarea>',
            body,
            re.S,
        )
        assert box is not None, slug
        assert box[1] == text.replace("'", "&#x27;"), slug
    assert f"@misc{{ossoff2020-{statement.pk}," in body
    # The copy buttons are there for JavaScript to reveal; without it the text stays.
    assert body.count('<button type="button" class="copy" data-copy="cite-') == 7
    assert body.count(" hidden>Copy") == 7
    assert '<script src="/static/js/copy.js" defer></script>' in body
