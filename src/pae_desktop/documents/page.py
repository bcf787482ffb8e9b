"""The page of every PDF: the school header, the running header, the footer (GDPR mention, «Page n / N») and
`build_pdf` / `build_pdf_parts`, which lay a story out on it and write the file."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
)

from pae_desktop.core.dates import french_date
from pae_desktop.core.errors import UserError
from pae_desktop.documents.blocks import KeepWithNext
from pae_desktop.documents.options import DocumentOptions, SchoolInfo, gdpr_mention
from pae_desktop.documents.style import (
    FONT,
    FOOTER_BOTTOM,
    FOOTER_TOP,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    GREY,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PRIMARY,
    RULE,
    Paragraph,
    _table_style,
    escape_text,
    paragraph,
    register_fonts,
    styles,
)

log = logging.getLogger(__name__)

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


def school_details(school: SchoolInfo) -> list[Flowable]:
    """The school's name, address, UAI and contacts, one paragraph each."""
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
    return details


def letter_sender(school: SchoolInfo) -> list[Flowable]:
    """A letter's sender block, top left: the logo above the school's details (`school_details`)."""
    logo = _logo(school.logo)
    return ([logo, Spacer(1, 3 * mm)] if logo is not None else []) + school_details(school)


def school_header(school: SchoolInfo, title: str, subtitle: str = "") -> list[Flowable]:
    """The first page's header: logo, school name, address, UAI and contacts; then the document's title."""
    st = styles()
    details = school_details(school)
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
    part_recto: list[bool] = []  # parts that start on a recto: a blank verso is slipped in before them if needed
    two_sided: bool = False  # every part starts on a recto when one of them takes more than one page
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
        every_part = self.two_sided and any(count > 1 for count in totals.values())
        sheets, previous = 0, None
        for state, part in zip(self._page_states, parts, strict=True):
            recto = every_part or (part < len(self.part_recto) and self.part_recto[part])
            if part != previous and recto and sheets % 2:
                self._blank_verso(state)
                sheets += 1
            previous, sheets = part, sheets + 1
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

    def _blank_verso(self, state: dict) -> None:
        """A blank page (two-sided printing: the next part starts on a recto), with a discreet mention."""
        self.__dict__.update(state)  # the page's size and document; its content is dropped below
        self._restartAccumulators()
        self.init_graphics_state()
        self.state_stack = []
        self.setFont(FONT, 8)
        self.setFillColor(GREY)
        self.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT / 2, "Page laissée blanche intentionnellement")
        super().showPage()


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


class _DocTemplate(BaseDocTemplate):
    """The page builder, whose headings never end a page alone."""

    def handle_keepWithNext(self, flowables: list[Flowable]) -> None:  # noqa: N802 - reportlab's name
        """Group the headings at the head of `flowables` with the block that follows them (whatever it is, even a
        block kept together) in a `KeepWithNext`."""
        count = 0
        while count < len(flowables) and flowables[count].getKeepWithNext():
            count += 1
        if not count:
            return
        if count < len(flowables) and not isinstance(flowables[count], ActionFlowable):
            count += 1
        group = KeepWithNext(flowables[:count])
        for flowable in group._content:
            flowable.__dict__["keepWithNext"] = 0  # placed one by one once the group is split: never again
        flowables[:count] = [group]


@dataclass
class Part:
    """One document of a batch PDF: it starts on a new page with the school header and has its own page count.
    `options`, when given, replace the batch's for this part (a youth's document names their campaign's scheme).
    """

    title: str
    story: StoryBuilder | Sequence[Flowable]
    subtitle: str = ""
    options: DocumentOptions | None = None
    # flowables in place of the school header on the part's first page (a letter lays out its own)
    header: StoryBuilder | None = None
    # starts on a right-hand page: after an odd count of pages, a blank verso comes first (when the batch's
    # options are `two_sided`, as by default)
    recto: bool = False


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
    school header, and is numbered «Page n / N» on its own. Printed two-sided (`options.two_sided`, the
    default), every part starts on an odd page of the file (a blank verso is slipped in before it where needed)
    when one of them takes more than one page, and a part marked `recto` always does; with `two_sided` off no
    blank page is added. `title` is the file's metadata title."""
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
        header = part.header(ctx) if part.header else school_header(info, part.title, part.subtitle)
        story += [_PartStart(index), *header, *body]
    titles = [part.title for part in parts]
    buffer = io.BytesIO()
    doc = _DocTemplate(
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
        "_Canvas",
        (_NumberedCanvas,),
        {
            "part_titles": titles,
            "part_recto": [p.recto and options.two_sided for p in parts],
            "two_sided": options.two_sided and len(parts) > 1,
            "printed_on": options.printed_on,
        },
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


_UNSAFE = str.maketrans({c: "-" for c in '<>:"/\\|?*'})


def document_file_name(kind: str, last_name: str, first_names: str, id_jeune: str) -> str:
    """«<kind>_<NOM>_<Prénom>_<id_jeune>.pdf» (specs/cli.md), safe on every file system; accents are kept."""

    def clean(text: str) -> str:
        text = "".join(c for c in text if ord(c) >= 32).translate(_UNSAFE)
        return re.sub(r"-{2,}", "-", "-".join(text.split())).strip(".-") or "x"

    first = first_names.split()[0] if first_names.split() else ""
    return f"{clean(str(kind))}_{clean(last_name.upper())}_{clean(first)}_{clean(id_jeune)}.pdf"
