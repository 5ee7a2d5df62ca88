"""The share image: a PNG card per published statement, for og:image and twitter:image.

What the card says is decided first (``card_content``), as plain data; the PNG is drawn
from that data and kept in the shared cache under a digest of it, so a card is drawn once
and drawn again only when something it shows changes (the words, the kind, the speaker,
the date, the event, the source). Old renderings are not removed one by one: they expire
after CARD_TIMEOUT, which bounds what the cache holds.

The font is Noto Sans, from the pinned ``fontpkg-noto-sans`` package (SIL Open Font
License), so that the card renders the same on any machine set up with pip alone.
Pillow's bundled default font (Aileron, since Pillow 10.1) was considered and left: it
lacks accented letters and dashes, which would come out as empty boxes ("tofu"). Noto
Sans covers Latin, Greek and Cyrillic, curly quotes and dashes included. It is a variable
font: the weights are named instances of it.

The words follow the site's rule: quotation marks only around what was quoted. A
partial quote's frame (the source's words) is set in a light, upright face, with no
quotation marks, and only the quoted words are bold and in quotation marks; a paraphrase
is set in italic under the label "Paraphrase: not a quotation".
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass
from importlib import resources

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from ..caching import shared
from ..models import QuoteKind, Statement
from ..reading import embed as reading
from ..templatetags.tracker import kind_label

FONT_PACKAGE = "fontpkg_noto_sans"
WIDTH, HEIGHT = 1200, 630
# Bump when the drawing changes, so that cached cards are drawn again.
DRAWING_VERSION = "1"
CARD_TIMEOUT = 7 * 24 * 3600
MARGIN = 72
TEXT_WIDTH = WIDTH - 2 * MARGIN
WORDS_TOP, WORDS_BOTTOM = 150, 430
WORD_SIZES = (56, 50, 44, 40, 36, 32, 28)

INK = (28, 28, 30)
MUTED = (90, 90, 96)
PAPER = (253, 252, 248)
ACCENTS = {
    QuoteKind.DIRECT: (26, 82, 118),
    QuoteKind.PARTIAL: (120, 66, 18),
    QuoteKind.PARAPHRASE: (88, 88, 88),
}

REGULAR, BOLD, LIGHT, ITALIC = "Regular", "Bold", "Light", "Italic"
SHORTENED = "[Shortened for this image: the full words are at the link below.]"


@functools.cache
def font(style: str, size: int) -> ImageFont.FreeTypeFont:
    # Looked up when a card is drawn: without the package, every other page still works.
    files = resources.files(FONT_PACKAGE) / "files"
    if style == ITALIC:
        loaded = ImageFont.truetype(str(files / "NotoSans-Italic[wdth,wght].ttf"), size)
        loaded.set_variation_by_name("Italic")
    else:
        loaded = ImageFont.truetype(str(files / "NotoSans[wdth,wght].ttf"), size)
        loaded.set_variation_by_name(style)
    return loaded


@dataclass(frozen=True)
class Run:
    """Words set in one style: ``style`` is REGULAR, BOLD, LIGHT or ITALIC."""

    text: str
    style: str
    muted: bool = False


@dataclass(frozen=True)
class CardContent:
    kind: str
    label: str
    words: tuple[Run, ...]
    lines: tuple[str, ...]
    footer: str

    def digest(self) -> str:
        return hashlib.sha256(repr((DRAWING_VERSION, self)).encode()).hexdigest()[:32]


def card_content(statement: Statement, permalink: str) -> CardContent:
    """What the card shows, from a statement loaded by ``reading.statement_for_embed``."""
    text = " ".join(line.strip() for line in statement.text.splitlines() if line.strip())
    label = kind_label(statement.kind).upper()
    if statement.kind == QuoteKind.DIRECT:
        words: tuple[Run, ...] = (Run(f"“{text}”", BOLD),)
    elif statement.kind == QuoteKind.PARTIAL:
        label += " · ONLY THE WORDS IN QUOTATION MARKS ARE THE SPEAKER'S"
        frame = " ".join(part for part in (statement.speaker.name, statement.frame) if part)
        words = (Run(frame, LIGHT, muted=True), Run(f"“{text}”", BOLD))
    else:
        label += " · REPORTED SPEECH, NOT A QUOTATION"
        words = (Run(f"{statement.speaker.name} said {text}", ITALIC),)
    return CardContent(
        kind=statement.kind,
        label=label,
        words=words,
        lines=(
            f"— {reading.speaker_then(statement)}",
            reading.said_where_when(statement),
            reading.reported_by(statement),
        ),
        footer=f"{settings.SITE_NAME} · {permalink.split('://', 1)[-1]}",
    )


def share_card_png(statement: Statement, permalink: str) -> bytes:
    """The card as PNG bytes: from the cache, or drawn and cached."""
    content = card_content(statement, permalink)
    key = f"share-card:{statement.pk}:{content.digest()}"
    return shared.kept(key, lambda: draw(content), CARD_TIMEOUT)


# Drawing -------------------------------------------------------------------------------

Placed = list[tuple[str, str, bool]]  # (text, style, muted) pieces of one line


def flow(runs: tuple[Run, ...], size: int, width: int) -> list[Placed]:
    """The runs broken into lines no wider than ``width`` at ``size``, word by word."""
    lines: list[Placed] = [[]]
    used = 0.0
    space = font(REGULAR, size).getlength(" ")
    for run in runs:
        face = font(run.style, size)
        for word in run.text.split():
            length = face.getlength(word)
            needed = length + (space if lines[-1] else 0)
            if lines[-1] and used + needed > width:
                lines.append([])
                used, needed = 0.0, length
            lines[-1].append((word, run.style, run.muted))
            used += needed
    return lines


def fit(runs: tuple[Run, ...]) -> tuple[int, list[Placed], bool]:
    """The largest size at which the words fit their box; at the smallest, the lines that
    fit and whether words were left out."""
    room = WORDS_BOTTOM - WORDS_TOP
    for size in WORD_SIZES:
        lines = flow(runs, size, TEXT_WIDTH)
        if len(lines) * line_height(size) <= room:
            return size, lines, False
    size = WORD_SIZES[-1]
    lines = flow(runs, size, TEXT_WIDTH)
    # One line is left for the note that says the words were shortened.
    return size, lines[: max(1, room // line_height(size) - 1)], True


def line_height(size: int) -> int:
    return round(size * 1.3)


def draw(content: CardContent) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    pen = ImageDraw.Draw(image)
    accent = ACCENTS.get(QuoteKind(content.kind), MUTED)
    pen.rectangle((0, 0, 16, HEIGHT), fill=accent)
    pen.text((MARGIN, 64), content.label, font=font(BOLD, 22), fill=accent)

    size, lines, cut = fit(content.words)
    y = WORDS_TOP
    space = font(REGULAR, size).getlength(" ")
    for line in lines:
        x = float(MARGIN)
        for word, style, muted in line:
            face = font(style, size)
            pen.text((x, y), word, font=face, fill=MUTED if muted else INK)
            x += face.getlength(word) + space
        y += line_height(size)
    if cut:
        # Said outside the words, never with an ellipsis inside them: an ellipsis in a
        # quotation is the speaker's or the source's own.
        pen.text((MARGIN, y), SHORTENED, font=font(LIGHT, 24), fill=MUTED)

    y = WORDS_BOTTOM + 20
    for index, said in enumerate(content.lines):
        face = font(BOLD if index == 0 else REGULAR, 26)
        pen.text((MARGIN, y), ellipsize(said, face, TEXT_WIDTH), font=face, fill=INK)
        y += 38
    pen.text((MARGIN, HEIGHT - 50), content.footer, font=font(REGULAR, 20), fill=MUTED)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def ellipsize(text: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """``text``, cut with "…" to fit ``width`` (for the attribution lines, not the words)."""
    if face.getlength(text) <= width:
        return text
    while text and face.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
