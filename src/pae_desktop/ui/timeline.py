"""The pathway's timeline: one row per module over the pathway's months, weeks marked, today's line, PFMP shaded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from pae_desktop.core import rules
from pae_desktop.core.dates import MONTHS
from pae_desktop.core.vocabulary import CarrierKind, ModuleType

KIND_COLOURS = {
    CarrierKind.ETABLISSEMENT: QColor("#2E75B6"),
    CarrierKind.ENTREPRISE: QColor("#C55A11"),
    CarrierKind.PARTENAIRE: QColor("#548235"),
}
PFMP_SHADE = QColor(197, 90, 17, 40)
TODAY_COLOUR = QColor("#C00000")
OUT_OF_RANGE = QColor("#C00000")


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
            colour = KIND_COLOURS.get(module.carrier_kind, QColor("#777777"))
            bar = QRectF(left, top + 5, max(2.0, right - left), self.ROW_HEIGHT - 10)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(bar, 3, 3)
            outside = (
                self.start and self.end and (module.start_date < self.start or module.end_date > self.end)
            )
            if outside:
                painter.setPen(QPen(OUT_OF_RANGE, 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(bar, 3, 3)
            if module.module_type == ModuleType.PFMP:
                painter.setPen(QPen(QColor("white")))
                painter.drawText(bar, Qt.AlignmentFlag.AlignCenter, "PFMP")

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
        entries = [(KIND_COLOURS[kind], kind.label) for kind in CarrierKind] + [
            (PFMP_SHADE, "semaines de PFMP")
        ]
        painter.setFont(small)
        small_metrics = QFontMetrics(small)
        for colour, text in entries:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRect(QRectF(x, y + 2, 10, 10))
            painter.setPen(QPen(self.palette().text().color()))
            painter.drawText(QRectF(x + 14, y, 400, 14), Qt.AlignmentFlag.AlignLeft, text)
            x += 14 + small_metrics.horizontalAdvance(text) + 16
