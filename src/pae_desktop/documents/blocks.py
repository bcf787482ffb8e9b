"""The building blocks of a document's story: section titles, tables, check boxes, lists, boxes, signatures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table

from pae_desktop.core.dates import french_date
from pae_desktop.documents.style import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    LIGHT_GREY,
    PRIMARY,
    PRIMARY_LIGHT,
    RULE,
    WARNING_BG,
    WARNING_RULE,
    Paragraph,
    _cell,
    _style,
    _table_style,
    escape_text,
    paragraph,
    styles,
)

# --- building blocks ----------------------------------------------------------------------------------------


class _SectionTitle(Flowable):
    """A section title, kept with what follows it (`keepWithNext`, see `KeepWithNext`): it starts a new page
    rather than end one alone.

    Drawn directly (the heading, then a rule under it, 2 points lower), as a one-cell Table with those
    paddings and a LINEBELOW would draw it, without the Table's measuring and styling.
    """

    RULE_GAP = 2  # points between the heading's last line and the rule
    keepWithNext = 1

    def __init__(self, title: str, min_after: float) -> None:
        super().__init__()
        self.title = title
        self.min_after = min_after
        self.spaceBefore = 9
        self.spaceAfter = 5
        self.heading = Paragraph(escape_text(title), styles()["h2"])

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _, heading_height = self.heading.wrap(FRAME_WIDTH, avail_height)
        self.width, self.height = FRAME_WIDTH, heading_height + self.RULE_GAP
        return self.width, self.height

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
    """A section title: bold blue with a rule under it, kept with what follows: it starts a new page rather
    than end one alone, or above less than `min_after` points of a block that splits across pages."""
    return _SectionTitle(title, min_after)


def subheading(title: str) -> Paragraph:
    """A bold title inside a section («Participants»), kept with what follows it (style `h3`)."""
    return Paragraph(escape_text(title), styles()["h3"])


class KeepWithNext(KeepTogether):
    """The group the page builder makes of a heading (anything `keepWithNext`: `section`, `subheading`, the
    `h2`/`h3` styles) and the block that follows it (`BaseDocTemplate.keepTogetherClass`).

    reportlab's own group moves to the next page only when the whole group would fit there; a heading over a
    long text or table then stayed at the foot of a page whenever that block could not start under it. Here
    the heading moves on unless the block, or a first piece of it (two lines of a paragraph, a table's header
    row and a first row, at least `min_after` points of the heading), fits under it.
    """

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 - reportlab's names
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        content = self._content[:]
        frame = getattr(self, "_frame", None)
        at_top = frame is None or getattr(frame, "_atTop", True)
        if self._H <= aH or at_top or _room_under_headings(content, aW, aH, self.canv):
            return [self.NullActionFlowable(), *content]
        return [self.FrameBreak(), *content]


def _room_under_headings(content: list[Flowable], width: float, height: float, canv: Any) -> bool:
    """Whether the headings of `content` (all but its last flowable, or all when the last is a heading too) and
    the start of what follows fit in `height`."""
    following = None if content[-1].getKeepWithNext() else content[-1]
    headings = content if following is None else content[:-1]
    used = 0.0
    for heading in headings:
        used += heading.wrapOn(canv, width, height)[1] + heading.getSpaceBefore() + heading.getSpaceAfter()
    min_after = max((getattr(h, "min_after", 0.0) for h in headings), default=0.0)
    rest = height - used
    if following is None:
        return rest >= min_after
    return _starts_in(following, width, rest - following.getSpaceBefore(), min_after, canv)


def _starts_in(flowable: Flowable, width: float, height: float, min_after: float, canv: Any) -> bool:
    """Whether `flowable` fits in `height`, or splits there into a first piece (with `min_after` points)."""
    if height <= 0:
        return False
    if isinstance(flowable, KeepTogether):  # a group kept on one page: all of it, unless taller than a page
        flowable.wrapOn(canv, width, height)
        if flowable._H <= FRAME_HEIGHT:
            return flowable._H <= height
        return _starts_in(flowable._content[0], width, height, min_after, canv)
    if flowable.wrapOn(canv, width, height)[1] <= height:
        return True
    return height >= min_after and bool(flowable.splitOn(canv, width, height))


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


class _Box(Table):
    """A framed box that holds together: a box shorter than a third of a page never splits, a longer one leaves
    at least its title and three lines at the foot of a page (never its title alone)."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - reportlab's
        content = self._cellvalues[0][0]
        notice = styles()["notice"]
        first = sum(f.wrap(self._colWidths[0] - 16, availHeight)[1] for f in content[:-1])
        if self.wrap(availWidth, availHeight)[1] <= FRAME_HEIGHT / 3 or availHeight < first + 3 * notice.leading + 11:
            return []
        return super().split(availWidth, availHeight)


def notice_box(text: object, *, title: str = "", warning: bool = False, width: float = FRAME_WIDTH) -> Table:
    """A framed box for something to notice (what to bring, a reminder); `warning` colours it orange."""
    st = styles()
    content: list[Flowable] = []
    if title:
        content.append(Paragraph(escape_text(title), st["cell_bold"]))
    content.append(paragraph(text, "notice"))
    table = _Box([[content]], colWidths=[width], splitInRow=1, hAlign="LEFT")
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


def keep_together(flowables: Sequence[Flowable]) -> Flowable:
    """Keep a short group on one page (a title with its table, for instance)."""
    return KeepTogether(list(flowables))


def page_break_if_less_than(height: float) -> Flowable:
    """Start a new page unless `height` (points) remains on this one."""
    return CondPageBreak(height)


ALIGN_LEFT = TA_LEFT
