"""The one document layout every PDF of the application uses: fonts, A4 page, school header, styles, helpers.

How to write a new document (see `convocation.py` and `fiche_entretien.py` for complete examples)::

    from pae_desktop.documents import layout as L

    def build_my_document(target, school, youth, options: L.DocumentOptions | None = None) -> bytes:
        def story(ctx: L.DocContext) -> list:
            return [
                L.section("Identité"),
                L.label_value_table([("Nom", youth.last_name), ("Né(e) le", L.french_date(youth.birth_date))]),
                L.section("Observations"),
                *L.text_block(youth.notes),
                L.signature_block([("Le jeune", youth.display_name), ("Le référent", "")]),
            ]
        return L.build_pdf(target, school, "Mon document", story, options=options)

Rules the helpers enforce, so that every document is safe and readable:

- Any text coming from the user or the database goes through `paragraph`, `text_block`, `label_value_table`,
  `data_table` or `escape_text`: `<`, `&` and quotes print literally, newlines are kept, long words wrap.
  Only constant markup written in code may go through `markup_paragraph` (escape the values you interpolate
  with `escape_text`).
- Tables built by the helpers have fixed column widths that add up to the frame width and cells that are
  Paragraphs, so a long cell wraps instead of overflowing; rows split across pages (`splitInRow`).
- `build_pdf` draws the school header (logo from `School.logo`, name, UAI, address) on the first page, a
  running header on the others, a GDPR mention and «Page n / N» in every footer. It embeds the DejaVu fonts
  (any name renders), sets the PDF metadata and returns the PDF's bytes.
- Dates: `french_date` («17 septembre 2024»), `french_datetime`, `french_time` — re-exported from
  `core.dates`, shared with the UI.

This module imports reportlab at the top: the window must import `documents` modules lazily.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as _ReportlabParagraph

from pae_desktop.core.dates import french_date, french_datetime, french_time, short_date
from pae_desktop.core.errors import UserError
from pae_desktop.core.scheme import Scheme, default_scheme, scheme_of
from pae_desktop.storage.paths import resource

__all__ = [
    "PAGE_WIDTH",
    "PAGE_HEIGHT",
    "MARGIN_LEFT",
    "MARGIN_RIGHT",
    "MARGIN_TOP",
    "MARGIN_BOTTOM",
    "FRAME_WIDTH",
    "FONT",
    "FONT_BOLD",
    "FONT_ITALIC",
    "FONT_BOLD_ITALIC",
    "PRIMARY",
    "SchoolInfo",
    "DocumentOptions",
    "DocContext",
    "register_fonts",
    "styles",
    "escape_text",
    "paragraph",
    "markup_paragraph",
    "text_block",
    "section",
    "label_value_table",
    "data_table",
    "checkbox_grid",
    "bullet_list",
    "signature_block",
    "notice_box",
    "done_at",
    "gdpr_mention",
    "campaign_options",
    "gdpr_block",
    "build_pdf",
    "build_pdf_parts",
    "Part",
    "record_print",
    "document_file_name",
    "french_date",
    "french_datetime",
    "french_time",
    "short_date",
]

log = logging.getLogger(__name__)

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

    body, body_bold, small, muted (grey italic), title, subtitle, h2 (section title), h3, label (left column
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


# --- building blocks ----------------------------------------------------------------------------------------


class _SectionTitle(Flowable):
    """A section title that moves to the next page when less than `min_after` would remain under it.

    Drawn directly (the heading, then a rule under it, 2 points lower), as a one-cell Table with those
    paddings and a LINEBELOW would draw it, without the Table's measuring and styling.
    """

    RULE_GAP = 2  # points between the heading's last line and the rule

    def __init__(self, title: str, min_after: float) -> None:
        super().__init__()
        self.title = title
        self.min_after = min_after
        self.spaceBefore = 9
        self.spaceAfter = 5
        self.heading = Paragraph(escape_text(title), styles()["h2"])

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _, heading_height = self.heading.wrap(FRAME_WIDTH, avail_height)
        width, height = FRAME_WIDTH, heading_height + self.RULE_GAP
        self.width, self.height = width, height
        at_top = avail_height >= FRAME_HEIGHT - 1
        if not at_top and avail_height < height + self.min_after:
            return width, avail_height + 1  # does not fit: the frame moves on to the next page
        return width, height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        canvas = self.canv
        self.heading.drawOn(canvas, 0, self.RULE_GAP)
        canvas.saveState()
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        canvas.setStrokeColor(PRIMARY)
        canvas.setLineWidth(0.8)
        canvas.line(0, 0, self.width, 0)
        canvas.restoreState()


def section(title: str, *, min_after: float = 22 * mm) -> Flowable:
    """A section title: bold blue with a rule under it; it starts a new page rather than end one alone
    (when less than `min_after` points would remain under it)."""
    return _SectionTitle(title, min_after)


def _widths(col_widths: Sequence[float] | None, count: int, width: float) -> list[float]:
    """Absolute widths from relative weights (any unit: they are scaled to `width`)."""
    weights = list(col_widths) if col_widths else [1.0] * count
    if len(weights) != count:
        raise ValueError("col_widths and columns differ in number")
    total = float(sum(weights))
    return [width * w / total for w in weights]


def label_value_table(
    rows: Iterable[tuple[str, object]],
    *,
    label_width: float = 48 * mm,
    width: float = FRAME_WIDTH,
    columns: int = 1,
) -> Table:
    """A two-column table «label | value» (labels on a light background); values are user text or flowables.

    `columns=2` lays the pairs out side by side (label | value | label | value), for short values.
    Empty values print «—». Long values wrap; a row taller than a page splits.
    """
    pairs = [(label, value) for label, value in rows]
    st = styles()
    if columns == 2:
        value_width = (width - 2 * label_width) / 2
        col_widths = [label_width, value_width, label_width, value_width]
        data = []
        for index in range(0, len(pairs), 2):
            row: list[Any] = []
            for label, value in pairs[index : index + 2]:
                row += [Paragraph(escape_text(label), st["label"]), _cell(value)]
            while len(row) < 4:
                row += ["", ""]
            data.append(row)
    else:
        col_widths = [label_width, width - label_width]
        data = [[Paragraph(escape_text(label), st["label"]), _cell(value)] for label, value in pairs]
    if not data:
        data = [["", ""] * (2 if columns == 2 else 1)]
    table = Table(data, colWidths=col_widths, splitInRow=1, hAlign="LEFT")
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ]
    label_columns = (0, 2) if columns == 2 else (0,)
    for col in label_columns:
        commands.append(("BACKGROUND", (col, 0), (col, -1), PRIMARY_LIGHT))
    table.setStyle(_table_style(commands))
    table.spaceAfter = 4
    return table


def data_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    col_widths: Sequence[float] | None = None,
    width: float = FRAME_WIDTH,
    empty: str = "Aucun élément.",
) -> Flowable:
    """A table with a blue header row repeated on every page; `col_widths` are relative weights.

    Every cell is a wrapped Paragraph (or your flowable), so long cells grow in height, never in width.
    With no rows, `empty` is printed instead of an empty table.
    """
    body = [list(row) for row in rows]
    if not body:
        return paragraph(empty, "muted")
    st = styles()
    widths = _widths(col_widths, len(headers), width)
    data = [[Paragraph(escape_text(h), st["header_cell"]) for h in headers]]
    data += [[_cell(value) for value in row] for row in body]
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
    commands: list[tuple] = [
        ("BACKGROUND", (0, 0), (-1, 0), PRIMARY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for index in range(2, len(data), 2):
        commands.append(("BACKGROUND", (0, index), (-1, index), LIGHT_GREY))
    table.setStyle(_table_style(commands))
    table.spaceAfter = 4
    return table


CHECKED = "☒"
UNCHECKED = "☐"


def checkbox_grid(
    items: Iterable[tuple[str, bool]], *, columns: int = 2, width: float = FRAME_WIDTH
) -> Table:
    """Ticked or empty boxes («☒ Logement», «☐ Santé») laid out in `columns`; ticked ones in bold."""
    st = styles()
    cells = [
        Paragraph(
            f"{CHECKED if ticked else UNCHECKED}&nbsp;{escape_text(label)}",
            st["cell_bold" if ticked else "cell"],
        )
        for label, ticked in items
    ]
    data = [cells[i : i + columns] for i in range(0, len(cells), columns)] or [[""]]
    for row in data:
        row += [""] * (columns - len(row))
    table = Table(data, colWidths=[width / columns] * columns, hAlign="LEFT")
    table.setStyle(
        _table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    table.spaceAfter = 4
    return table


def bullet_list(items: Iterable[object], style: str | ParagraphStyle = "body") -> list[Flowable]:
    """User texts as a bulleted list (each item printed literally)."""
    base = _style(style)
    bullet_style = ParagraphStyle(
        f"{base.name}_bullet", parent=base, leftIndent=12, bulletIndent=2, spaceAfter=1
    )
    return [Paragraph(escape_text(item), bullet_style, bulletText="•") for item in items]


def notice_box(text: object, *, title: str = "", warning: bool = False, width: float = FRAME_WIDTH) -> Table:
    """A framed box for something to notice (what to bring, a reminder); `warning` colours it orange."""
    st = styles()
    content: list[Flowable] = []
    if title:
        content.append(Paragraph(escape_text(title), st["cell_bold"]))
    content.append(paragraph(text, "notice"))
    table = Table([[content]], colWidths=[width], splitInRow=1, hAlign="LEFT")
    table.setStyle(
        _table_style(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, WARNING_RULE if warning else PRIMARY),
                ("BACKGROUND", (0, 0), (-1, -1), WARNING_BG if warning else PRIMARY_LIGHT),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    table.spaceBefore = 4
    table.spaceAfter = 6
    return table


def signature_block(
    signers: Sequence[tuple[str, str]],
    *,
    place_date: str = "",
    height: float = 24 * mm,
    width: float = FRAME_WIDTH,
) -> Flowable:
    """One framed signature box per signer: `(role, name)` pairs, e.g. («Le jeune», «Léa MARTIN»).

    `place_date` («Fait à Nancy, le 17 septembre 2024», see `done_at`) is printed above the boxes. The block
    is kept on one page.
    """
    st = styles()
    count = max(len(signers), 1)
    gap = 5 * mm
    box = (width - gap * (count - 1)) / count
    row_roles: list[Any] = []
    row_space: list[Any] = []
    col_widths: list[float] = []
    for index, (role, name) in enumerate(signers):
        if index:
            row_roles.append("")
            row_space.append("")
            col_widths.append(gap)
        cell = [Paragraph(escape_text(role), st["cell_bold"])]
        if name:
            cell.append(paragraph(name, "cell"))
        row_roles.append(cell)
        row_space.append(Paragraph("Signature :", st["muted"]))
        col_widths.append(box)
    table = Table([row_roles, row_space], colWidths=col_widths, rowHeights=[None, height], hAlign="LEFT")
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ]
    for index in range(len(signers)):
        col = index * 2
        commands.append(("BOX", (col, 0), (col, 1), 0.6, RULE))
        commands.append(("BACKGROUND", (col, 0), (col, 0), PRIMARY_LIGHT))
    table.setStyle(_table_style(commands))
    parts: list[Flowable] = [Spacer(1, 4)]
    if place_date:
        parts.append(paragraph(place_date, "body"))
    parts.append(table)
    return KeepTogether(parts)


def done_at(school: Any, on: dt.date | None = None) -> str:
    """«Fait à Nancy, le 17 septembre 2024» (without the city when the school has none)."""
    on = on or dt.date.today()
    city = (getattr(school, "city", "") or "").strip() if school is not None else ""
    return f"Fait à {city}, le {french_date(on)}" if city else f"Fait le {french_date(on)}"


# --- school, options, GDPR ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolInfo:
    """What the header needs of the school, detached from the session (safe to hand to a background task)."""

    name: str = "Établissement non paramétré"
    uai: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    head_name: str = ""
    head_title: str = "Chef d'établissement"
    logo: bytes | None = None

    @classmethod
    def of(cls, school: Any) -> SchoolInfo:
        """From a `models.School` (or anything with the same attributes); `None` gives a placeholder."""
        if school is None:
            return cls()
        if isinstance(school, SchoolInfo):
            return school
        return cls(
            name=school.name or cls.name,
            uai=school.uai or "",
            address=school.address or "",
            postal_code=school.postal_code or "",
            city=school.city or "",
            phone=school.phone or "",
            email=school.email or "",
            head_name=school.head_name or "",
            head_title=school.head_title or "Chef d'établissement",
            logo=school.logo,
        )

    @property
    def town_line(self) -> str:
        return " ".join(p for p in (self.postal_code.strip(), self.city.strip()) if p)


@dataclass(frozen=True)
class DocumentOptions:
    """Settings every document shares. `scheme` is the scheme of the document's campaign: a document of a
    youth always takes their campaign's (`for_campaign`), so that a 2025 certificate printed again in 2027
    still names the 2025 scheme and codes."""

    scheme: Scheme | None = None
    dpo_contact: str = ""
    printed_on: dt.date | None = None  # «Édité le …» in the footer; today by default
    gdpr_footer: bool = True

    @classmethod
    def from_session(cls, session: Any, campaign: Any = None, **overrides: Any) -> DocumentOptions:
        """The database's settings, and the scheme of `campaign` (by default the most recent campaign's: the
        documents of no youth, such as the information notice, speak of the scheme as it stands now)."""
        from pae_desktop.core import settings
        from pae_desktop.core.services.campaigns import default_campaign_year, get_campaign

        campaign = campaign if campaign is not None else get_campaign(session)
        values = {
            "scheme": scheme_of(campaign) if campaign is not None else default_scheme(default_campaign_year()),
            "dpo_contact": settings.get(session, settings.DPO_CONTACT) or "",
        }
        values.update(overrides)
        return cls(**values)

    def for_campaign(self, campaign: Any) -> DocumentOptions:
        """The same options with the scheme of `campaign` (a model, or anything `scheme_of` reads)."""
        return replace(self, scheme=scheme_of(campaign))

    def with_scheme(self, scheme: Scheme) -> DocumentOptions:
        return self if scheme == self.scheme else replace(self, scheme=scheme)

    @property
    def scheme_name(self) -> str:
        return self.scheme.name if self.scheme is not None else ""

    @property
    def scheme_words(self) -> str:
        """«dispositif « AvenirPro+ »»: reads right after «le» or «du» whatever the name a campaign was given (no
        line break inside the quotes)."""
        return f"dispositif «\u00a0{self.scheme_name}\u00a0»" if self.scheme_name else "dispositif"


def campaign_options(session: Any, campaign: Any, options: DocumentOptions | None = None) -> DocumentOptions:
    """`options` (by default the database's) with the scheme of `campaign`: the options of a youth's document,
    whatever campaign the caller had in mind."""
    if options is None:
        return DocumentOptions.from_session(session, campaign)
    return options.for_campaign(campaign)


def gdpr_mention(school: SchoolInfo, options: DocumentOptions) -> str:
    """The short GDPR mention printed in every footer (plain text)."""
    return (
        f"Données personnelles traitées par {school.name} (responsable de traitement\u00a0: le chef "
        f"d'établissement) pour le suivi du {options.scheme_words}, mission d'intérêt public. Vous pouvez y "
        f"accéder, les faire rectifier ou limiter leur usage {_contact(options)}."
    )


def _contact(options: DocumentOptions) -> str:
    contact = options.dpo_contact.strip()
    return f"auprès de {contact}" if contact else "auprès du secrétariat de l'établissement"


def gdpr_block(school: Any, options: DocumentOptions | None = None, *, minor: bool = False) -> Flowable:
    """The full GDPR information paragraph for a document's end (controller, purpose, basis, rights, retention)."""
    info = SchoolInfo.of(school)
    options = options or DocumentOptions()
    who = "Vous et vos représentants légaux disposez" if minor else "Vous disposez"
    text = (
        f"Les informations de ce document sont traitées par {info.name}, sous la responsabilité du chef "
        f"d'établissement, pour organiser et suivre le {options.scheme_words}. Base légale\u00a0: mission d'intérêt "
        "public de l'Éducation nationale. Destinataires\u00a0: l'équipe de l'établissement et, pour ce qui les "
        "concerne, la Mission locale et les partenaires du parcours. Conservation\u00a0: jusqu'au 31 août qui suit "
        "la fin du parcours, puis anonymisation. "
        f"{who} d'un droit d'accès, de rectification, de limitation et d'opposition, à exercer "
        f"{_contact(options)}\u00a0; vous pouvez aussi saisir la CNIL (www.cnil.fr)."
    )
    return notice_box(text, title="Protection de vos données personnelles")


# --- the document -------------------------------------------------------------------------------------------


StoryBuilder = Callable[["DocContext"], list[Flowable]]


@dataclass
class DocContext:
    """Handed to a document's story builder: the school, options, styles and the usable width."""

    school: SchoolInfo
    title: str
    options: DocumentOptions
    width: float = FRAME_WIDTH
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def styles(self) -> dict[str, ParagraphStyle]:
        return styles()

    @property
    def printed_on(self) -> dt.date:
        return self.options.printed_on or dt.date.today()


def _logo(logo: bytes | None, max_width: float = 38 * mm, max_height: float = 22 * mm) -> Flowable | None:
    if not logo:
        return None
    try:
        reader = ImageReader(io.BytesIO(logo))
        width, height = reader.getSize()
        if width <= 0 or height <= 0:
            return None
        scale = min(max_width / width, max_height / height)
        return Image(io.BytesIO(logo), width=width * scale, height=height * scale, hAlign="LEFT")
    except Exception:  # an unreadable logo must not prevent printing
        log.warning("Logo de l'établissement illisible : ignoré.")
        return None


def school_header(school: SchoolInfo, title: str, subtitle: str = "") -> list[Flowable]:
    """The first page's header: logo, school name, address, UAI and contacts; then the document's title."""
    st = styles()
    details: list[Flowable] = [paragraph(school.name, "school_name")]
    if school.address.strip():
        details.append(paragraph(school.address, "school_detail"))
    if school.town_line:
        details.append(paragraph(school.town_line, "school_detail"))
    contacts = []
    if school.uai:
        contacts.append(f"UAI {school.uai}")
    if school.phone.strip():
        contacts.append(f"Tél. {school.phone.strip()}")
    if school.email.strip():
        contacts.append(school.email.strip())
    if contacts:
        details.append(paragraph(" · ".join(contacts), "school_detail"))
    logo = _logo(school.logo)
    if logo is not None:
        logo_width = 42 * mm
        row = [[logo, details]]
        widths = [logo_width, FRAME_WIDTH - logo_width]
    else:
        row = [[details]]
        widths = [FRAME_WIDTH]
    table = Table(row, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        _table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    parts: list[Flowable] = [
        table,
        HRFlowable(width="100%", thickness=1.2, color=PRIMARY, spaceBefore=0, spaceAfter=8),
        Paragraph(escape_text(title), st["title"]),
    ]
    if subtitle:
        parts.append(paragraph(subtitle, "subtitle"))
    else:
        parts.append(Spacer(1, 6))
    return parts


class _PartStart(Flowable):
    """Zero-size marker at the start of each part of a PDF: the canvas learns which part a page belongs to."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._pae_part = self.index


class _NumberedCanvas(rl_canvas.Canvas):
    """A canvas that knows the page counts when it saves: «Page n / N» within each part, and its title."""

    part_titles: list[str] = []
    printed_on: dt.date | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
        super().__init__(*args, **kwargs)
        self._page_states: list[dict] = []
        self._pae_part = 0

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        parts = [state.get("_pae_part", 0) for state in self._page_states]
        totals = {part: parts.count(part) for part in set(parts)}
        seen: dict[int, int] = {}
        printed = french_date(self.printed_on or dt.date.today())
        for state, part in zip(self._page_states, parts, strict=True):
            self.__dict__.update(state)
            seen[part] = seen.get(part, 0) + 1
            self.setFont(FONT, 7)
            self.setFillColor(GREY)
            title = self.part_titles[part] if part < len(self.part_titles) else ""
            left = f"{title} — édité le {printed}" if title else f"Édité le {printed}"
            self.drawString(MARGIN_LEFT, FOOTER_BOTTOM, _fit(left, FONT, 7, FRAME_WIDTH - 30 * mm))
            self.setFont(FONT, 8)
            self.drawRightString(
                PAGE_WIDTH - MARGIN_RIGHT, FOOTER_BOTTOM, f"Page {seen[part]} / {totals[part]}"
            )
            super().showPage()
        super().save()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """`text` shortened with «…» to fit `width` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _footer_paragraph(text: str, width: float, max_height: float) -> Paragraph:
    """The footer mention at the largest size (down to 5.5 pt) that fits its box."""
    base = styles()["footer"]
    size = base.fontSize
    while True:
        style = ParagraphStyle("footer_fit", parent=base, fontSize=size, leading=size * 1.22)
        para = Paragraph(escape_text(text), style)
        _, height = para.wrap(width, max_height)
        if height <= max_height or size <= 5.5:
            return para
        size -= 0.4


def _draw_frame(
    canvas: rl_canvas.Canvas,
    school: SchoolInfo,
    titles: Sequence[str],
    part_options: Sequence[DocumentOptions],
    first: bool,
) -> None:
    canvas.saveState()
    # A part's first page is drawn before its `_PartStart` marker: its index is the count of first pages so far.
    if first:
        part = getattr(canvas, "_pae_first_pages", 0)
        canvas._pae_first_pages = part + 1
    else:
        part = getattr(canvas, "_pae_part", 0)
    options = part_options[min(part, len(part_options) - 1)]
    if not first:  # running header: school name and the current part's title
        title = titles[part] if part < len(titles) else ""
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        y = PAGE_HEIGHT - 12 * mm
        right = _fit(title, FONT, 8, FRAME_WIDTH / 2)
        left = _fit(school.name, FONT, 8, FRAME_WIDTH - pdfmetrics.stringWidth(right, FONT, 8) - 8 * mm)
        canvas.drawString(MARGIN_LEFT, y, left)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y, right)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_LEFT, y - 2.5 * mm, PAGE_WIDTH - MARGIN_RIGHT, y - 2.5 * mm)
    # footer: rule and GDPR mention (title, edition date and page number are drawn by _NumberedCanvas)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_LEFT, FOOTER_TOP, PAGE_WIDTH - MARGIN_RIGHT, FOOTER_TOP)
    if options.gdpr_footer:
        text_width = FRAME_WIDTH
        box_height = FOOTER_TOP - FOOTER_BOTTOM - 5 * mm
        para, height = _fitted_footer(gdpr_mention(school, options), text_width, box_height)
        with _FOOTER_LOCK:  # a wrapped Paragraph draws again and again, one canvas at a time
            para.drawOn(canvas, MARGIN_LEFT, FOOTER_TOP - 1.5 * mm - height)
    canvas.restoreState()


# The footer mention is the same on every page of every document of a school: fitted and wrapped once.
_FOOTER_LOCK = threading.Lock()
_FOOTERS: dict[tuple[str, float, float], tuple[Paragraph, float]] = {}


def _fitted_footer(text: str, width: float, max_height: float) -> tuple[Paragraph, float]:
    key = (text, width, max_height)
    with _FOOTER_LOCK:
        if key not in _FOOTERS:
            if len(_FOOTERS) > 32:
                _FOOTERS.clear()
            para = _footer_paragraph(text, width, max_height)
            _FOOTERS[key] = (para, para.wrap(width, max_height)[1])
        return _FOOTERS[key]


@dataclass
class Part:
    """One document of a batch PDF: it starts on a new page with the school header and has its own page count.
    `options`, when given, replace the batch's for this part (a youth's document names their campaign's scheme).
    """

    title: str
    story: StoryBuilder | Sequence[Flowable]
    subtitle: str = ""
    options: DocumentOptions | None = None


def build_pdf(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    title: str,
    story_builder: StoryBuilder | Sequence[Flowable],
    *,
    subtitle: str = "",
    options: DocumentOptions | None = None,
    subject: str = "",
) -> bytes:
    """Build a PDF on the shared layout and return its bytes; also write them to `target` when given.

    `school`: a `models.School`, a `SchoolInfo` or None. `story_builder(ctx)` returns the flowables that
    follow the header and title (or pass the list itself). `target`: a path (written atomically), a binary
    file object, or None. Raises UserError (French) when the file cannot be written.
    """
    return build_pdf_parts(
        target, school, title, [Part(title, story_builder, subtitle)], options=options, subject=subject
    )


def build_pdf_parts(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    title: str,
    parts: Sequence[Part],
    *,
    options: DocumentOptions | None = None,
    subject: str = "",
) -> bytes:
    """Several documents in one PDF (a day's interview records, say): each part starts on a new page with the
    school header, and is numbered «Page n / N» on its own. `title` is the file's metadata title."""
    if not parts:
        raise UserError("Aucun document à imprimer.")
    register_fonts()
    info = SchoolInfo.of(school)
    options = options or DocumentOptions()
    part_options = [part.options or options for part in parts]
    story: list[Flowable] = []
    for index, part in enumerate(parts):
        if index:
            story += [NextPageTemplate("first"), PageBreak()]
        ctx = DocContext(info, part.title, part_options[index])
        body = part.story(ctx) if callable(part.story) else list(part.story)
        story += [_PartStart(index), *school_header(info, part.title, part.subtitle), *body]
    titles = [part.title for part in parts]
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=info.name,
        subject=subject or title,
        creator="PAE Desktop",
        lang="fr-FR",
        initialFontName=FONT,
    )

    def frame() -> Frame:  # no inner padding: the text spans exactly the margins
        return Frame(
            MARGIN_LEFT,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            FRAME_HEIGHT,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )

    doc.addPageTemplates(
        [
            PageTemplate(
                id="first",
                frames=[frame()],
                onPage=lambda c, d: _draw_frame(c, info, titles, part_options, True),
                autoNextPageTemplate="later",
            ),
            PageTemplate(
                id="later",
                frames=[frame()],
                onPage=lambda c, d: _draw_frame(c, info, titles, part_options, False),
            ),
        ]
    )
    canvas_class = type(
        "_Canvas", (_NumberedCanvas,), {"part_titles": titles, "printed_on": options.printed_on}
    )
    doc.build(story, canvasmaker=canvas_class)
    data = buffer.getvalue()
    if target is not None:
        write_bytes(target, data)
    return data


def write_bytes(target: str | os.PathLike | BinaryIO, data: bytes) -> None:
    """Write a PDF to a path (through a temporary file, so a failure leaves no half file) or a file object."""
    if hasattr(target, "write"):
        target.write(data)  # type: ignore[union-attr]
        return
    path = Path(target)  # type: ignore[arg-type]
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as error:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
        raise UserError(f"Impossible d'écrire le fichier {path} : {error.strerror or error}.") from error


def keep_together(flowables: Sequence[Flowable]) -> Flowable:
    """Keep a short group on one page (a title with its table, for instance)."""
    return KeepTogether(list(flowables))


def page_break_if_less_than(height: float) -> Flowable:
    """Start a new page unless `height` (points) remains on this one."""
    return CondPageBreak(height)


ALIGN_LEFT = TA_LEFT


def record_print(
    session: Any, kind: str, youth_id: int | None, data: bytes, path: str | os.PathLike = ""
) -> Any:
    """Record a printed document in `GeneratedDocument` and the audit log («print»); returns the row.

    Call it inside the transaction of the print, once per youth (a batch records one row per youth).
    """
    import hashlib

    from pae_desktop.core import audit
    from pae_desktop.core.models import GeneratedDocument

    row = GeneratedDocument(
        youth_id=youth_id, kind=str(kind), path=str(path or ""), sha256=hashlib.sha256(data).hexdigest()
    )
    session.add(row)
    audit.record(
        session,
        "print",
        "youth" if youth_id else "document",
        youth_id,
        nominative=youth_id is not None,
        detail=str(kind),
    )
    return row


_UNSAFE = str.maketrans({c: "-" for c in '<>:"/\\|?*'})


def document_file_name(kind: str, last_name: str, first_names: str, id_jeune: str) -> str:
    """«<kind>_<NOM>_<Prénom>_<id_jeune>.pdf» (specs/cli.md), safe on every file system; accents are kept."""

    def clean(text: str) -> str:
        text = "".join(c for c in text if ord(c) >= 32).translate(_UNSAFE)
        return re.sub(r"-{2,}", "-", "-".join(text.split())).strip(".-") or "x"

    first = first_names.split()[0] if first_names.split() else ""
    return f"{clean(str(kind))}_{clean(last_name.upper())}_{clean(first)}_{clean(id_jeune)}.pdf"
