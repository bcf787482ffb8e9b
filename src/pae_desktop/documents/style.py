"""The house style of every PDF: page geometry, colours, the embedded DejaVu fonts, paragraph styles, safe text."""

from __future__ import annotations

import re
import threading
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, TableStyle
from reportlab.platypus import Paragraph as _ReportlabParagraph

from pae_desktop.core.errors import UserError
from pae_desktop.core.resources import resource

# --- page geometry and colours ------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 18 * mm
MARGIN_RIGHT = 18 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 26 * mm  # leaves room for the footer (GDPR mention and page number)
FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
FOOTER_TOP = MARGIN_BOTTOM - 5 * mm
FOOTER_BOTTOM = 9 * mm

PRIMARY = colors.HexColor("#1F4E79")
PRIMARY_LIGHT = colors.HexColor("#EAF1F8")
RULE = colors.HexColor("#B7C9DB")
GREY = colors.HexColor("#555555")
LIGHT_GREY = colors.HexColor("#F4F4F4")
WARNING_BG = colors.HexColor("#FFF4E0")
WARNING_RULE = colors.HexColor("#E0A040")

EMPTY = "—"  # what an empty value prints as

# --- fonts --------------------------------------------------------------------------------------------------

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
# Compressed streams written as bytes, not also ASCII85-encoded (reportlab's default, for 7-bit channels no PDF
# goes through any more): a quarter smaller, and a twentieth of a batch's rendering time less.
rl_config.useA85 = 0

_FONT_LOCK = threading.Lock()
_fonts_registered = False


def register_fonts() -> None:
    """Register the DejaVu family from `resources/fonts/` once (thread-safe); reportlab embeds a subset."""
    global _fonts_registered
    with _FONT_LOCK:
        if _fonts_registered:
            return
        from reportlab.lib.fonts import addMapping

        for name in (FONT, FONT_BOLD, FONT_ITALIC, FONT_BOLD_ITALIC):
            path = resource("fonts", f"{name}.ttf")
            if not path.is_file():
                raise UserError(f"Police de caractères introuvable : {path}. Réinstallez l'application.")
            pdfmetrics.registerFont(TTFont(name, str(path)))
        addMapping(FONT, 0, 0, FONT)
        addMapping(FONT, 1, 0, FONT_BOLD)
        addMapping(FONT, 0, 1, FONT_ITALIC)
        addMapping(FONT, 1, 1, FONT_BOLD_ITALIC)
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
        _fonts_registered = True


# --- styles -------------------------------------------------------------------------------------------------

_STYLES: dict[str, ParagraphStyle] | None = None


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles, by name.

    body, body_bold, small, muted (grey italic), title, subtitle, h2 (section title), h3 (the titles kept with
    what follows them: see `blocks.KeepWithNext`), label (left column
    of label/value tables), cell, cell_bold, header_cell (white on blue), school_name, school_detail,
    footer, center, right, notice (text of `notice_box`).
    """
    global _STYLES
    if _STYLES is not None:
        return _STYLES
    register_fonts()
    base = ParagraphStyle(
        "body", fontName=FONT, bulletFontName=FONT, fontSize=10, leading=13.5, spaceAfter=3, splitLongWords=1
    )

    def derive(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    result = {
        "body": base,
        "body_bold": derive("body_bold", fontName=FONT_BOLD),
        "small": derive("small", fontSize=8.5, leading=11, spaceAfter=2),
        "muted": derive("muted", fontName=FONT_ITALIC, fontSize=9, leading=12, textColor=GREY),
        "title": derive(
            "title",
            fontName=FONT_BOLD,
            fontSize=17,
            leading=21,
            textColor=PRIMARY,
            spaceBefore=4,
            spaceAfter=2,
        ),
        "subtitle": derive("subtitle", fontSize=10.5, leading=14, textColor=GREY, spaceAfter=6),
        "h2": derive(
            "h2",
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            textColor=PRIMARY,
            spaceBefore=9,
            spaceAfter=1,
            keepWithNext=1,
        ),
        "h3": derive(
            "h3", fontName=FONT_BOLD, fontSize=10, leading=13, spaceBefore=4, spaceAfter=2, keepWithNext=1
        ),
        "label": derive(
            "label",
            fontName=FONT_BOLD,
            fontSize=9,
            leading=12,
            textColor=colors.HexColor("#24384D"),
            spaceAfter=0,
        ),
        "cell": derive("cell", fontSize=9.5, leading=12.5, spaceAfter=0),
        "cell_bold": derive("cell_bold", fontName=FONT_BOLD, fontSize=9.5, leading=12.5, spaceAfter=0),
        "header_cell": derive(
            "header_cell", fontName=FONT_BOLD, fontSize=9, leading=12, textColor=colors.white, spaceAfter=0
        ),
        "school_name": derive(
            "school_name", fontName=FONT_BOLD, fontSize=12.5, leading=15.5, textColor=PRIMARY, spaceAfter=1
        ),
        "school_detail": derive("school_detail", fontSize=8.5, leading=11, textColor=GREY, spaceAfter=0),
        "footer": derive("footer", fontSize=6.8, leading=8.4, textColor=GREY, spaceAfter=0),
        "center": derive("center", alignment=TA_CENTER),
        "right": derive("right", alignment=TA_RIGHT),
        "notice": derive("notice", fontSize=9, leading=12, spaceAfter=0),
    }
    _STYLES = result
    return result


def _table_style(commands: list[tuple]) -> TableStyle:
    """A TableStyle whose plain-string cells also use DejaVu (never a non-embedded standard font)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def _style(style: str | ParagraphStyle) -> ParagraphStyle:
    return style if isinstance(style, ParagraphStyle) else styles()[style]


# --- paragraphs ---------------------------------------------------------------------------------------------


class Paragraph(_ReportlabParagraph):
    """A reportlab Paragraph that breaks its lines once per width.

    A paragraph's line breaking depends only on the width it is given, yet reportlab asks for it again and
    again: a Table wraps every cell to size its rows, then again to draw it (and again for each piece when it
    splits across pages); KeepTogether and section titles wrap ahead of the frame. Here a second `wrap` at the
    same width returns the first one's result, which `draw` and `split` use as before.
    """

    _pae_wrap: tuple[float, float, float, Any, Any] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab's
        memo = self._pae_wrap
        if memo is not None and memo[0] == availWidth and self.__dict__.get("blPara") is memo[3]:
            self.width, self.height, self._wrapWidths = memo[1], memo[2], memo[4]
            return memo[1], memo[2]
        width, height = super().wrap(availWidth, availHeight)
        blpara = self.__dict__.get("blPara")  # absent when the width was too small to break lines at all
        self._pae_wrap = None if blpara is None else (availWidth, width, height, blpara, self._wrapWidths)
        return width, height


# --- safe text ----------------------------------------------------------------------------------------------

_ENTITIES = {'"': "&quot;", "'": "&#39;"}
_CONTROL_CHARACTERS = re.compile("[\x00-\x09\x0b-\x1f]")  # below a space, but the newline


def escape_text(text: object) -> str:
    """Paragraph markup that prints `text` literally: `<`, `>`, `&` and quotes escaped, newlines as line breaks.

    Control characters (but tabs, shown as a space) are dropped; `None` gives "".
    """
    if text is None:
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    value = _CONTROL_CHARACTERS.sub("", value)
    return "<br/>".join(_xml_escape(line, _ENTITIES) for line in value.split("\n"))


def paragraph(text: object, style: str | ParagraphStyle = "body", *, empty: str = "") -> Paragraph:
    """A Paragraph of user text, printed literally (see `escape_text`); `empty` is shown when text is blank."""
    value = "" if text is None else str(text)
    if not value.strip():
        return Paragraph(escape_text(empty), _style("muted") if empty else _style(style))
    return Paragraph(escape_text(value), _style(style))


def markup_paragraph(markup: str, style: str | ParagraphStyle = "body") -> Paragraph:
    """A Paragraph of trusted markup written in code (`<b>`, `<i>`, `<br/>`); escape interpolated values."""
    return Paragraph(markup, _style(style))


def text_block(
    text: object, style: str | ParagraphStyle = "body", *, empty: str = "Non renseigné"
) -> list[Flowable]:
    """Long free text as paragraphs (one per block separated by a blank line), free to split across pages."""
    value = "" if text is None else str(text).replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b.strip("\n") for b in value.split("\n\n") if b.strip()]
    if not blocks:
        return [paragraph("", style, empty=empty)]
    return [paragraph(block, style) for block in blocks]


def _cell(value: object, style: str | ParagraphStyle = "cell") -> Flowable | list[Flowable]:
    """A table cell: flowables are kept, anything else becomes a safe Paragraph («—» when empty)."""
    if isinstance(value, Flowable):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, Flowable) for v in value):
        return list(value)
    text = "" if value is None else str(value)
    if not text.strip():
        return Paragraph(EMPTY, _style("muted"))
    return paragraph(text, style)

