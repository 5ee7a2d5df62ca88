"""A statement cited in house styles: AP, Chicago, APA, MLA, BibTeX, and a plain link.

Every style cites the statement *as reported by its source*: the speaker's words, when
and where they were said, and the news article that reported them (outlet, headline,
author, date, URL). The tracker's permalink is given as the plain link and in BibTeX.

Each style follows a worked example from its guide (tests/test_citations.py checks each
against it; the rule followed is named at each function). Plain text cannot carry
italics: the titles a guide sets in italics (the newspaper's name) are left roman.

Author names are stored as written ("Farhad Manjoo"). The styles that invert them
(APA, MLA) take the last word as the surname and the words before it as the given
names; a name that does not follow that pattern comes out as written, uninverted.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ..models import DatePrecision, QuoteKind, Statement
from ..models.base import format_partial_date
from . import visibility

# AP Stylebook, "months": abbreviate Jan., Feb., Aug., Sept., Oct., Nov. and Dec. with a
# specific date; spell out March, April, May, June and July.
AP_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
# MLA Handbook (9th ed.): months abbreviated in the works-cited list, except
# May, June and July.
MLA_MONTHS = (
    "Jan.",
    "Feb.",
    "Mar.",
    "Apr.",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
# BibTeX's predefined month macros (btxdoc, "The month field").
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Article:
    """The news article that reported the words."""

    outlet: str
    title: str
    published_on: datetime.date
    author: str = ""
    url: str = ""


@dataclass(frozen=True)
class Cited:
    """What every style needs of a statement."""

    speaker: str
    speaker_sort_name: str
    role: str
    kind: str
    words: str
    frame: str
    said_on: datetime.date
    precision: str
    event: str
    article: Article | None
    permalink: str
    key: str


def cited(statement: Statement, permalink: str) -> Cited:
    """From a statement loaded for its page: its first published source is the article."""
    links = getattr(statement, "source_links", None)
    if links is None:
        links = list(
            visibility.source_links(["statement"])
            .filter(statement=statement)
            .order_by("source__published_on", "id")
        )
    article = None
    if links:
        source = links[0].source
        article = Article(
            outlet=source.outlet.name,
            title=source.title,
            published_on=source.published_on,
            author=source.author,
            url=source.link,
        )
    event = statement.event if visibility.shown(statement.event) else None
    return Cited(
        speaker=statement.speaker.name,
        speaker_sort_name=statement.speaker.sort_name or statement.speaker.name,
        role=statement.speaker_role,
        kind=statement.kind,
        words=" ".join(line.strip() for line in statement.text.splitlines() if line.strip()),
        frame=statement.frame,
        said_on=statement.said_on,
        precision=statement.date_precision,
        event=event.name if event else "",
        article=article,
        permalink=permalink,
        key=f"{surname_of(statement.speaker.sort_name or statement.speaker.name)}"
        f"{statement.said_on.year}-{statement.pk}",
    )


def all_styles(c: Cited) -> list[tuple[str, str, str]]:
    """(slug, label, text) for each style, in the order the page shows them."""
    return [
        ("ap", "AP", ap(c)),
        ("chicago", "Chicago (notes and bibliography, 17th ed.): note", chicago_note(c)),
        ("apa", "APA (7th ed.): reference and in-text citation", apa(c)),
        ("mla", "MLA (9th ed.): works-cited entry and in-text citation", mla(c)),
        ("bibtex", "BibTeX", bibtex(c)),
        ("link", "Plain link", c.permalink),
    ]


# Names and dates ---------------------------------------------------------------------


def surname_of(name: str) -> str:
    """'Ossoff' from 'Ossoff, Jon' or 'Jon Ossoff'; a key-safe ASCII lower-case word."""
    last = name.split(",", 1)[0] if "," in name else (name.split() or [""])[-1]
    return re.sub(r"[^a-z0-9]", "", last.lower()) or "statement"


def family_name(sort_name: str) -> str:
    """'Ossoff' from the sort name 'Ossoff, Jon' (or from 'Jon Ossoff')."""
    if "," in sort_name:
        return sort_name.split(",", 1)[0].strip()
    return (sort_name.split() or [sort_name])[-1]


def split_name(name: str) -> tuple[str, list[str]] | None:
    """('Manjoo', ['Farhad']) from 'Farhad Manjoo'; None for one word or several people."""
    words = name.split()
    if len(words) < 2 or "," in name or " and " in f" {name} ":
        return None
    return words[-1], words[:-1]


def ap_date(day: datetime.date, precision: str) -> str:
    """AP Stylebook, "dates" and "months": 'Feb. 14, 1987', 'June 2020', '2020'."""
    if precision == DatePrecision.YEAR:
        return str(day.year)
    if precision == DatePrecision.MONTH:
        return f"{day.strftime('%B')} {day.year}"
    return f"{AP_MONTHS[day.month - 1]} {day.day}, {day.year}"


def mla_date(day: datetime.date) -> str:
    """MLA 9: day month year, the month abbreviated: '8 Mar. 2017'."""
    return f"{day.day} {MLA_MONTHS[day.month - 1]} {day.year}"


def end_with(text: str, mark: str) -> str:
    """``text`` followed by ``mark``, unless it already ends in a full stop, question mark
    or exclamation mark (the guides never double terminal punctuation)."""
    return text if text.endswith((".", "?", "!")) else text + mark


def without_scheme(url: str) -> str:
    """MLA 9, on URLs: omit http:// or https:// from a URL."""
    return re.sub(r"^https?://", "", url)


# AP ------------------------------------------------------------------------------------


def ap(c: Cited) -> str:
    """AP Stylebook: attribution with "said" after the name ("said" entry), commas and
    periods inside the quotation marks ("quotation marks" entry), dates without "on" and
    with the year set off by commas ("dates"), months as in "months", and the outlet
    credited as "… reported" (as in AP's "Jones said, the Post reported")."""
    who = f"{c.speaker}, {c.role}," if c.role else c.speaker
    when = ap_date(c.said_on, c.precision)
    if c.precision == DatePrecision.YEAR:
        when = f"in {when}"
    # "said May 30, 2020, at …": the comma closes the year (AP, "dates").
    said = when + (
        f"{',' if c.precision == DatePrecision.DAY else ''} at {c.event}" if c.event else ""
    )
    reported = (
        f"the {c.article.outlet} reported {ap_date(c.article.published_on, DatePrecision.DAY)}"
        if c.article
        else "according to the statement tracker"
    )
    if c.article and c.article.outlet.lower().startswith("the "):
        reported = reported[4:]
    if c.kind == QuoteKind.DIRECT:
        words = c.words[:-1] + "," if c.words.endswith(".") else end_with(c.words, ",")
        # "…,” Jon Ossoff, candidate, said …": the name keeps its role as an appositive.
        return f"“{words}” {who} said {said}, {reported}."
    if c.kind == QuoteKind.PARTIAL:
        verb = c.frame or "said"
        return f"{who} {verb} “{c.words}” {said}, {reported}."
    return f"{who} said {said} that {c.words.rstrip('.')}, {reported}."


# Chicago -------------------------------------------------------------------------------


def chicago_article_note(article: Article) -> str:
    """The Chicago Manual of Style, 17th ed., chapter 14 on news articles (full note), as in its
    example: Farhad Manjoo, “Snap Makes a Bet on the Cultural Supremacy of the Camera,”
    New York Times, March 8, 2017, https://www.nytimes.com/…  An unsigned article starts
    with its headline."""
    parts = [article.author] if article.author else []
    parts.append(f"“{end_with(article.title, ',')}”")
    parts.append(article.outlet)
    parts.append(format_partial_date(article.published_on, DatePrecision.DAY))
    if article.url:
        parts.append(article.url)
    # The headline's own comma sits inside the quotation marks: join it without another.
    text = ", ".join(parts).replace(",”,", ",”").replace("?”,", "?”").replace("!”,", "!”")
    return text + "."


def chicago_note(c: Cited) -> str:
    """Chicago 14.260, a source quoted in another ("quoted in"), as in its example:
    Louis Zukofsky, “Sincerity and Objectification,” Poetry 37 (February 1931): 269, quoted
    in Bonnie Costello, Marianne Moore … The remark is named by its occasion and date."""
    said = format_partial_date(c.said_on, c.precision)
    occasion = f"{c.speaker}, {c.event}, {said}" if c.event else f"{c.speaker}, remarks, {said}"
    if c.article is None:
        return f"{occasion}, {c.permalink}."
    # A paraphrase was reported, not quoted.
    verb = "reported" if c.kind == QuoteKind.PARAPHRASE else "quoted"
    return f"{occasion}, {verb} in {chicago_article_note(c.article)}"


# APA -----------------------------------------------------------------------------------


def apa_author(name: str) -> str:
    """APA 7, the author element: surname, then initials: 'Carey, B.'; 'Smith, J. A.'."""
    split = split_name(name)
    if split is None:
        return name
    last, given = split
    initials = " ".join(
        "-".join(f"{part[0]}." for part in word.split("-") if part) for word in given
    )
    return f"{last}, {initials}"


def apa_reference(article: Article) -> str:
    """APA Publication Manual, 7th ed., 10.1 example 16 (newspaper article):
    Carey, B. (2019, March 22). Can we get better at forgetting? The New York Times.
    https://www.nytimes.com/…  Without an author the title moves to the author's place
    (the rule for a missing author); the URL takes no full stop after it."""
    day = article.published_on
    date = f"({day.year}, {day.strftime('%B')} {day.day})."
    title = end_with(article.title, ".")
    parts = (
        [end_with(apa_author(article.author), "."), date, title]
        if article.author
        else [title, date]
    )
    parts.append(end_with(article.outlet, "."))
    if article.url:
        parts.append(article.url)
    return " ".join(parts)


def apa(c: Cited) -> str:
    """The reference for the article, and the in-text citation of a secondary source
    (APA 7, 8.6, secondary sources): (Ossoff, as cited in Carey, 2019)."""
    speaker = family_name(c.speaker_sort_name)
    if c.article is None:
        reference = f"{c.speaker}. ({c.said_on.year}). {c.permalink}"
        return f"{reference}\n\nIn text: ({speaker}, {c.said_on.year})"
    article = c.article
    split = split_name(article.author) if article.author else None
    # Without an author, the title in quotation marks, its comma inside them.
    if article.author:
        cited_as = (split[0] if split else article.author) + ","
    else:
        cited_as = f"“{end_with(article.title, ',')}”"
    return (
        f"{apa_reference(article)}\n\n"
        f"In text: ({speaker}, as cited in {cited_as} {article.published_on.year})"
    )


# MLA -----------------------------------------------------------------------------------


def mla_author(name: str) -> str:
    """MLA 9, the author element: the first author inverted: 'Manjoo, Farhad'."""
    split = split_name(name)
    if split is None:
        return name
    last, given = split
    return f"{last}, {' '.join(given)}"


def mla_entry(article: Article) -> str:
    """MLA Handbook, 9th ed., the core elements in order (author. “Title.” Container,
    date, location.), as in its newspaper-article examples: Manjoo, Farhad. “Snap Makes a
    Bet on the Cultural Supremacy of the Camera.” The New York Times, 8 Mar. 2017,
    www.nytimes.com/…"""
    parts = [end_with(mla_author(article.author), ".")] if article.author else []
    parts.append(f"“{end_with(article.title, '.')}”")
    tail = [article.outlet, mla_date(article.published_on)]
    if article.url:
        tail.append(without_scheme(article.url))
    parts.append(", ".join(tail) + ".")
    return " ".join(parts)


def mla(c: Cited) -> str:
    """The works-cited entry, and the in-text citation of an indirect source (MLA 9,
    indirect sources, "qtd. in"): (qtd. in Manjoo)."""
    if c.article is None:
        said = format_partial_date(c.said_on, c.precision)
        return f"{mla_author(c.speaker)}. {said}. {without_scheme(c.permalink)}."
    article = c.article
    split = split_name(article.author) if article.author else None
    cited_as = split[0] if split else (article.author or f"“{article.title}”")
    return f"{mla_entry(article)}\n\nIn text: (qtd. in {cited_as})"


# BibTeX --------------------------------------------------------------------------------

LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex(text: str) -> str:
    return "".join(LATEX_SPECIAL.get(char, char) for char in text)


def bibtex(c: Cited) -> str:
    """A @misc entry (btxdoc, "Entry Types": misc takes author, title, howpublished,
    month, year, note), with biblatex's url and urldate fields for the permalink. The
    author's name is given "Last, First", which BibTeX parses unambiguously; the title is
    braced so that BibTeX keeps its case."""
    if c.kind == QuoteKind.DIRECT:
        title = f"“{c.words}”"
    elif c.kind == QuoteKind.PARTIAL:
        title = f"{c.speaker} {c.frame} “{c.words}”" if c.frame else f"“{c.words}”"
    else:
        title = f"Paraphrase: {c.speaker} said {c.words}"
    notes = [QuoteKind.label_of(c.kind)]
    if c.event:
        notes.append(f"Said at {c.event}, {format_partial_date(c.said_on, c.precision)}")
    if c.article:
        notes.append(f"Reported in {chicago_article_note(c.article)[:-1]}")
    fields = [("author", f"{{{latex(c.speaker_sort_name)}}}"), ("title", f"{{{{{latex(title)}}}}}")]
    if c.article:
        fields.append(("howpublished", f"{{{latex(c.article.outlet)}}}"))
    if c.precision != DatePrecision.YEAR:
        fields.append(("month", BIBTEX_MONTHS[c.said_on.month - 1]))
    fields.append(("year", f"{{{c.said_on.year}}}"))
    fields.append(("note", f"{{{latex('. '.join(notes))}}}"))
    fields.append(("url", f"{{{c.permalink}}}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{c.key},\n{body}\n}}"
