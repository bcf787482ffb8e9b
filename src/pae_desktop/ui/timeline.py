"""The pathway's timeline: one row per module over the pathway's months, weeks marked, today's line, PFMP shaded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from pae_desktop.core import palette, rules
from pae_desktop.core.dates import MONTHS, french_date
from pae_desktop.core.vocabulary import CarrierKind, ModuleType

KIND_COLOURS = {kind: QColor(colour) for kind, colour in zip(CarrierKind, palette.CARRIERS, strict=True)}
# The carrier kind is not told by its colour alone: a white hatching of its own over the colour.
KIND_PATTERNS = {
    CarrierKind.ETABLISSEMENT: None,
    CarrierKind.ENTREPRISE: Qt.BrushStyle.BDiagPattern,
    CarrierKind.PARTENAIRE: Qt.BrushStyle.CrossPattern,
}
PFMP_SHADE = QColor(213, 94, 0, 40)
TODAY_COLOUR = QColor(palette.OUTSIDE)
OUT_OF_RANGE = QColor(palette.OUTSIDE)
OUTSIDE_TEXT = "hors des dates du parcours"


def paint_kind(painter: QPainter, rect: QRectF, kind: CarrierKind, outside: bool = False) -> None:
    """A bar (or a legend's swatch) of a carrier kind: its colour, its hatching; red cross-hatched and framed
    when the module lies outside the pathway's dates."""
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(KIND_COLOURS.get(kind, QColor(palette.GREY)))
    painter.drawRoundedRect(rect, 3, 3)
    pattern = KIND_PATTERNS.get(kind)
    if pattern is not None:
        painter.setBrush(QBrush(QColor("white"), pattern))
        painter.drawRoundedRect(rect, 3, 3)
    if outside:
        painter.setBrush(QBrush(OUT_OF_RANGE, Qt.BrushStyle.DiagCrossPattern))
        painter.setPen(QPen(OUT_OF_RANGE, 2))
        painter.drawRoundedRect(rect, 3, 3)


def text_colour_on(colour: QColor) -> QColor:
    """Black or white, whichever reads better on `colour` (4.5:1 where it can)."""
    white = palette.contrast_ratio(colour.name(), palette.WHITE)
    return QColor("white") if white >= palette.contrast_ratio(colour.name(), palette.BLACK) else QColor("black")


@dataclass(frozen=True)
class TimelineModule:
    label: str
    module_type: str
    start_date: dt.date
    end_date: dt.date
    carrier_kind: CarrierKind = CarrierKind.ETABLISSEMENT


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return rules.add_months(day.replace(day=1), 1)


class TimelineWidget(QWidget):
    """Paints the modules of a pathway side by side; `set_pathway` feeds it, nothing is edited here."""

    ROW_HEIGHT = 24
    HEADER_HEIGHT = 34
    LABEL_WIDTH = 190

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setAccessibleName("Frise du parcours")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.start: dt.date | None = None
        self.end: dt.date | None = None
        self.modules: list[TimelineModule] = []
        self.today: dt.date = dt.date.today()
        self.first_day = dt.date.today().replace(month=9, day=1)
        self.last_day = dt.date.today().replace(month=12, day=31)
        self.pfmp_weeks: set[dt.date] = set()

    # --- data -------------------------------------------------------------------------------------------

    def set_pathway(
        self,
        start: dt.date | None,
        end: dt.date | None,
        modules: list[TimelineModule],
        *,
        today: dt.date | None = None,
        campaign_year: int | None = None,
    ) -> None:
        """Show the pathway: months from September to December of the campaign, widened to the pathway's."""
        self.start, self.end, self.modules = start, end, list(modules)
        self.today = today or dt.date.today()
        year = campaign_year or (start.year if start else self.today.year)
        first, last = dt.date(year, 9, 1), dt.date(year, 12, 31)
        days = [d for d in (start, end) if d] + [d for m in modules for d in (m.start_date, m.end_date)]
        if days:
            first = min(first, _month_start(min(days)))
            last = max(last, _next_month(max(days)) - dt.timedelta(days=1))
        if (last - first).days > 400:  # a typing slip (year 2205): keep the drawing readable
            last = first + dt.timedelta(days=400)
        self.first_day, self.last_day = first, last
        self.pfmp_weeks = rules.pfmp_weeks(
            [rules.ModuleFacts(m.module_type, m.start_date, m.end_date) for m in modules]
        )
        self.setMinimumHeight(self._height())
        self.setToolTip(self.describe())
        self.setAccessibleDescription(self.describe())
        self.updateGeometry()
        self.update()

    LEGEND_HEIGHT = 20

    def _height(self) -> int:
        return self.HEADER_HEIGHT + max(1, len(self.modules)) * self.ROW_HEIGHT + 8 + self.LEGEND_HEIGHT

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(760, self._height())

    # --- geometry ---------------------------------------------------------------------------------------

    def _x(self, day: dt.date) -> float:
        span = max(1, (self.last_day - self.first_day).days + 1)
        width = max(10, self.width() - self.LABEL_WIDTH - 8)
        return self.LABEL_WIDTH + width * (day - self.first_day).days / span

    def _clamp(self, day: dt.date) -> dt.date:
        return min(max(day, self.first_day), self.last_day + dt.timedelta(days=1))

    # --- painting ---------------------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Paint, in this order: PFMP shading, months, weeks, the pathway's span, modules, today, legend."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        bottom = self._height() - 4 - self.LEGEND_HEIGHT
        font = QFont(self.font())
        metrics = QFontMetrics(font)
        self._paint_pfmp_weeks(painter, bottom)
        self._paint_months(painter, bottom)
        small = self._paint_weeks(painter, font, bottom)
        self._paint_span(painter, bottom)
        self._paint_modules(painter, metrics)
        self._paint_today(painter, bottom)
        self._paint_legend(painter, small, bottom)
        painter.end()

    def _paint_pfmp_weeks(self, painter: QPainter, bottom: int) -> None:
        """The PFMP weeks, shaded over every row."""
        for monday in self.pfmp_weeks:
            left, right = self._x(self._clamp(monday)), self._x(self._clamp(monday + dt.timedelta(days=7)))
            painter.fillRect(
                QRectF(left, self.HEADER_HEIGHT - 14, right - left, bottom - self.HEADER_HEIGHT + 14),
                PFMP_SHADE,
            )

    def _paint_months(self, painter: QPainter, bottom: int) -> None:
        """The months: their names (the year on January and the first) and a separator line."""
        month = self.first_day
        painter.setPen(QPen(self.palette().text().color()))
        while month <= self.last_day:
            following = _next_month(month)
            left, right = self._x(month), self._x(min(following, self.last_day + dt.timedelta(days=1)))
            name = MONTHS[month.month - 1].capitalize()
            if month.month == 1 or month == self.first_day:
                name += f" {month.year}"
            painter.drawText(QRectF(left + 3, 2, right - left - 3, 16), Qt.AlignmentFlag.AlignLeft, name)
            painter.setPen(QPen(QColor("#888888"), 1))
            painter.drawLine(int(left), 2, int(left), bottom)
            painter.setPen(QPen(self.palette().text().color()))
            month = following

    def _paint_weeks(self, painter: QPainter, font: QFont, bottom: int) -> QFont:
        """The weeks: a tick and a faint line at each Monday, its day in a small font (returned)."""
        day = self.first_day + dt.timedelta(days=(7 - self.first_day.weekday()) % 7)
        small = QFont(font)
        small.setPointSizeF(max(6.0, font.pointSizeF() * 0.75))
        painter.setFont(small)
        while day <= self.last_day:
            x = self._x(day)
            painter.setPen(QPen(QColor("#DDDDDD"), 1))
            painter.drawLine(int(x), self.HEADER_HEIGHT - 4, int(x), bottom)
            painter.setPen(QPen(QColor("#777777"), 1))
            painter.drawText(QRectF(x + 1, 18, 30, 12), Qt.AlignmentFlag.AlignLeft, str(day.day))
            day += dt.timedelta(days=7)
        painter.setFont(font)
        return small

    def _paint_span(self, painter: QPainter, bottom: int) -> None:
        """The pathway's own span, as a dashed frame."""
        if self.start and self.end and self.end >= self.start:
            left, right = (
                self._x(self._clamp(self.start)),
                self._x(self._clamp(self.end + dt.timedelta(days=1))),
            )
            painter.setPen(QPen(QColor("#1F4E79"), 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(
                QRectF(left, self.HEADER_HEIGHT - 2, right - left, bottom - self.HEADER_HEIGHT + 2)
            )

    def _paint_modules(self, painter: QPainter, metrics: QFontMetrics) -> None:
        """One row per module: its label, then its bar coloured by carrier kind (framed red when outside)."""
        if not self.modules:
            painter.setPen(QPen(QColor("#777777")))
            painter.drawText(
                QRectF(8, self.HEADER_HEIGHT, self.width() - 16, self.ROW_HEIGHT),
                Qt.AlignmentFlag.AlignVCenter,
                "Aucun module : ajoutez-en pour les voir sur la frise.",
            )
        for index, module in enumerate(self.modules):
            top = self.HEADER_HEIGHT + index * self.ROW_HEIGHT
            label = metrics.elidedText(module.label, Qt.TextElideMode.ElideRight, self.LABEL_WIDTH - 12)
            painter.setPen(QPen(self.palette().text().color()))
            painter.drawText(
                QRectF(6, top, self.LABEL_WIDTH - 10, self.ROW_HEIGHT), Qt.AlignmentFlag.AlignVCenter, label
            )
            if module.end_date < module.start_date:
                painter.setPen(QPen(OUT_OF_RANGE))
                painter.drawText(
                    QRectF(self.LABEL_WIDTH, top, self.width() - self.LABEL_WIDTH, self.ROW_HEIGHT),
                    Qt.AlignmentFlag.AlignVCenter,
                    "  dates inversées",
                )
                continue
            left = self._x(self._clamp(module.start_date))
            right = self._x(self._clamp(module.end_date + dt.timedelta(days=1)))
            bar = QRectF(left, top + 5, max(2.0, right - left), self.ROW_HEIGHT - 10)
            paint_kind(painter, bar, module.carrier_kind, self.is_outside(module))
            if module.module_type == ModuleType.PFMP:
                painter.setPen(QPen(text_colour_on(KIND_COLOURS.get(module.carrier_kind, QColor(palette.GREY)))))
                painter.drawText(bar, Qt.AlignmentFlag.AlignCenter, "PFMP")

    def is_outside(self, module: TimelineModule) -> bool:
        """The module starts before the pathway or ends after it."""
        return bool(self.start and self.end and (module.start_date < self.start or module.end_date > self.end))

    def describe(self) -> str:
        """What the timeline shows, in words (its tooltip and what a screen reader reads)."""
        if not self.modules:
            return "Aucun module."
        lines = []
        for module in self.modules:
            kind = module.carrier_kind.label if isinstance(module.carrier_kind, CarrierKind) else ""
            line = f"{module.label} ({kind}) : du {french_date(module.start_date)} au {french_date(module.end_date)}"
            lines.append(line + (f", {OUTSIDE_TEXT}" if self.is_outside(module) else ""))
        return "\n".join(lines)

    def _paint_today(self, painter: QPainter, bottom: int) -> None:
        """Today's line, in the middle of today's column, when today is on the timeline."""
        if self.first_day <= self.today <= self.last_day:
            half_day = (self._x(self.first_day + dt.timedelta(days=1)) - self._x(self.first_day)) / 2
            x = self._x(self.today) + half_day
            painter.setPen(QPen(TODAY_COLOUR, 2))
            painter.drawLine(int(x), 16, int(x), bottom)
            painter.drawText(QRectF(x + 3, bottom - 14, 80, 14), Qt.AlignmentFlag.AlignLeft, "aujourd'hui")

    def _paint_legend(self, painter: QPainter, small: QFont, bottom: int) -> None:
        """The legend under the rows: the carrier kinds' colours and the PFMP shading."""
        x = 6.0
        y = bottom + 6
        def pfmp(p: QPainter, rect: QRectF) -> None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(PFMP_SHADE)
            p.drawRect(rect)

        entries = [
            (lambda p, rect, kind=kind: paint_kind(p, rect, kind), kind.label) for kind in CarrierKind
        ] + [
            (lambda p, rect: paint_kind(p, rect, CarrierKind.ETABLISSEMENT, outside=True), OUTSIDE_TEXT),
            (pfmp, "semaines de PFMP"),
        ]
        painter.setFont(small)
        small_metrics = QFontMetrics(small)
        for swatch, text in entries:
            swatch(painter, QRectF(x, y + 1, 14, 12))
            x += 4
            painter.setPen(QPen(self.palette().text().color()))
            painter.drawText(QRectF(x + 14, y, 400, 14), Qt.AlignmentFlag.AlignLeft, text)
            x += 14 + small_metrics.horizontalAdvance(text) + 16
