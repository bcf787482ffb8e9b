"""The charts of the «Bilan» tab, drawn with QPainter, and the way its numbers are written.

QtCharts lives in PySide6-Addons (about 150 MB more to install and ship) for a few bar charts that fit in a
hundred lines here.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from pae_desktop.core import indicators as ind
from pae_desktop.core import trend as tr
from pae_desktop.core.vocabulary import ExitCategory

SCHOOL = QColor(tr.CURRENT_COLOUR)
ACADEMIE = QColor(tr.ACADEMIE_COLOUR)
PREVIOUS = QColor(tr.EARLIER_COLOURS[0])
GRID = QColor("#C9D6E3")

FUNNEL = ("effectif", "informes", "contactes", "entretiens_acceptes", "entretiens_realises", "engages", "parcours")
COMPARED = (
    ("taux_acceptation_entretien", "Acceptation"),
    ("taux_engagement", "Engagement"),
    ("part_diplomes_parcours", "Diplômés"),
    ("part_entretiens_avec_ml", "Avec la ML"),
    ("part_entretiens_avant_echeance", "Avant la date cible"),
    ("part_parcours_partenariaux", "Partenariaux"),
    ("part_parcours_mono_module", "Un seul module"),
    ("taux_abandon", "Abandon"),
)
EXITS = tuple((f"sorties.{c}", ExitCategory.label_of(c)) for c in ind.EXIT_CATEGORIES)


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + "\u202f%"


def value_text(key: str, value) -> str:
    if value is None:
        return "—"
    return percent(value) if ind.is_rate(key) else f"{value:,}".replace(",", "\u202f")


# --- charts ---------------------------------------------------------------------------------------------


def _percent_grid(painter: QPainter, plot: QRectF, text_colour: QColor) -> None:
    """The horizontal lines at 0, 25, 50, 75 and 100 % of a chart's plot, labelled on its left."""
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = plot.top() + plot.height() * (1 - tick)
        painter.setPen(QPen(GRID, 1))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(text_colour)
        painter.drawText(QRectF(0, y - 8, plot.left() - 4, 16),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{int(tick * 100)} %")


class FunnelChart(QWidget):
    """Horizontal bars from the census to the pathways; a click on a bar — or Enter or Space on the bar chosen
    with the arrow keys — emits its population key."""

    clicked = Signal(str)
    BAR, GAP, LABEL = 22, 8, 190

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: dict[str, int] = {}
        self.current = 0  # the bar the keyboard is on
        self.setMinimumHeight(len(FUNNEL) * (self.BAR + self.GAP) + 10)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Entonnoir du repérage au parcours")
        self.setToolTip(
            "Cliquez sur une barre pour voir les jeunes concernés (au clavier : flèches, puis Entrée ou Espace)"
        )

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self._describe()
        self.update()

    def _describe(self) -> None:
        key = FUNNEL[self.current]
        self.setAccessibleDescription(
            f"Barre choisie : {ind.POPULATION[key].label} : {self.counts.get(key, 0)} ; Entrée pour voir les "
            "jeunes. " + ", ".join(f"{ind.POPULATION[k].label} : {self.counts.get(k, 0)}" for k in FUNNEL)
        )

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(600, self.minimumHeight())

    def bar_at(self, y: float) -> str | None:
        index = int((y - 5) // (self.BAR + self.GAP))
        return FUNNEL[index] if 0 <= index < len(FUNNEL) else None

    def mousePressEvent(self, event) -> None:  # noqa: N802
        key = self.bar_at(event.position().y())
        if key is not None:
            self.current = FUNNEL.index(key)
            self.clicked.emit(key)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        moves = {Qt.Key.Key_Up: self.current - 1, Qt.Key.Key_Down: self.current + 1,
                 Qt.Key.Key_Home: 0, Qt.Key.Key_End: len(FUNNEL) - 1}
        if event.key() in moves:
            self.current = min(max(moves[event.key()], 0), len(FUNNEL) - 1)
            self._describe()
            self.update()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit(FUNNEL[self.current])
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.update()
        super().focusOutEvent(event)

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        total = self.counts.get("effectif", 0)
        usable = max(self.width() - self.LABEL - 130, 50)
        bold = QFont(self.font())
        bold.setBold(True)
        for index, key in enumerate(FUNNEL):
            y = 5 + index * (self.BAR + self.GAP)
            count = self.counts.get(key, 0)
            painter.setPen(self.palette().text().color())
            painter.setFont(self.font())
            painter.drawText(QRectF(6, y, self.LABEL - 14, self.BAR), Qt.AlignmentFlag.AlignVCenter, ind.POPULATION[key].label)
            length = usable * count / total if total else 0
            painter.fillRect(QRectF(self.LABEL, y, max(length, 1), self.BAR), SCHOOL)
            painter.setFont(bold)
            painter.drawText(
                QRectF(self.LABEL + length + 6, y, 130, self.BAR),
                Qt.AlignmentFlag.AlignVCenter,
                f"{count}  ({percent(ind.rate(count, total))})",
            )
        if self.hasFocus():  # the bar Enter would open, outlined
            y = 5 + self.current * (self.BAR + self.GAP)
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(1, y - 3, self.width() - 2, self.BAR + 6))
        painter.end()


class BarChart(QWidget):
    """Grouped vertical bars from 0 to 100 %: one group per indicator, one bar per series, with a legend."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.groups: Sequence[tuple[str, str]] = ()
        self.series: list[tuple[str, QColor, dict]] = []
        self.setMinimumHeight(230)
        self.setAccessibleName(title)

    def set_data(self, groups: Sequence[tuple[str, str]], series: list[tuple[str, QColor, dict]]) -> None:
        self.groups, self.series = groups, series
        self.setAccessibleDescription(
            "; ".join(
                f"{label} : " + ", ".join(f"{name} {percent(values.get(key))}" for name, _c, values in series)
                for key, label in groups
            )
        )
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(600, 240)

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().text().color()
        left, top, bottom = 42, 26, 38
        plot_w = self.width() - left - 8
        plot_h = self.height() - top - bottom
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() - 1.5, 6))
        painter.setFont(small)
        _percent_grid(painter, QRectF(left, top, plot_w, plot_h), text_colour)
        _legend(painter, left, text_colour, [(name, lambda p, x, c=colour: p.fillRect(QRectF(x, 6, 12, 12), c), 16)
                                             for name, colour, _values in self.series])
        if not self.groups:
            painter.end()
            return
        group_w = plot_w / len(self.groups)
        bar_w = min(26.0, (group_w - 10) / max(len(self.series), 1))
        for g, (key, label) in enumerate(self.groups):
            x0 = left + g * group_w + (group_w - bar_w * len(self.series)) / 2
            for s, (_name, colour, values) in enumerate(self.series):
                value = values.get(key)
                x = x0 + s * bar_w
                painter.setPen(text_colour)
                if value is None:
                    painter.drawText(QRectF(x, top + plot_h - 16, bar_w, 16), Qt.AlignmentFlag.AlignCenter, "—")
                    continue
                h = plot_h * max(0.0, min(float(value), 1.0))
                painter.fillRect(QRectF(x + 1, top + plot_h - h, bar_w - 2, max(h, 1)), colour)
                painter.drawText(QRectF(x - 4, top + plot_h - h - 15, bar_w + 8, 14), Qt.AlignmentFlag.AlignCenter,
                                 f"{round(value * 100)}")
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(left + g * group_w, top + plot_h + 2, group_w, bottom - 2),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                label,
            )
        painter.end()


def comparison_series(report) -> list[tuple[str, QColor, dict]]:
    """The bars of the comparison charts: the earlier campaigns the table shows, the campaign, the académie,
    each in its one colour (`core.trend`)."""
    return [(label, QColor(colour), values) for label, colour, values in tr.comparison_series(report)]


def _legend(painter: QPainter, left: float, text_colour: QColor, items) -> None:
    """A chart's legend along its top: (label, draw its swatch at x, the swatch's width) for each series."""
    x = left
    for label, swatch, swatch_width in items:
        swatch(painter, x)
        painter.setPen(text_colour)
        width = painter.fontMetrics().horizontalAdvance(label)
        painter.drawText(QRectF(x + swatch_width, 2, width + 4, 20), Qt.AlignmentFlag.AlignVCenter, label)
        x += width + swatch_width + 18


def _line_swatch(painter: QPainter, x: float, colour: QColor, shape: str) -> None:
    painter.setPen(QPen(colour, 2))
    painter.drawLine(QPointF(x, 12), QPointF(x + 18, 12))
    _marker(painter, shape, QPointF(x + 9, 12), colour)


def _marker(painter: QPainter, shape: str, centre: QPointF, colour: QColor) -> None:
    """A point of the trend chart: its shape tells the rate apart without its colour."""
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    x, y = centre.x(), centre.y()
    if shape == "circle":
        painter.drawEllipse(centre, 4, 4)
    elif shape == "square":
        painter.drawRect(QRectF(x - 3.5, y - 3.5, 7, 7))
    elif shape == "triangle":
        painter.drawPolygon(QPolygonF([QPointF(x - 4.5, y + 3.5), QPointF(x + 4.5, y + 3.5), QPointF(x, y - 4.5)]))
    else:
        painter.drawPolygon(QPolygonF([QPointF(x, y - 5), QPointF(x + 5, y), QPointF(x, y + 5), QPointF(x - 5, y)]))


class TrendChart(QWidget):
    """The funnel's rates across the school's campaigns, 0 to 100 %: one line per rate, a gap where a rate is
    null (no denominator that year), with a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[int, dict[str, float | None]]] = []
        self.setMinimumHeight(260)
        self.setAccessibleName("Évolution des taux sur les campagnes de l'établissement")

    def set_points(self, points: list[tuple[int, dict[str, float | None]]]) -> None:
        self.points = points
        self.setAccessibleDescription(
            "; ".join(
                f"{label} : " + ", ".join(f"{year} {percent(values.get(key))}" for year, values in points)
                for key, label in tr.TREND
            )
        )
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(800, 280)

    def lines(self) -> dict[str, list[list[tuple[int, float]]]]:
        """Rate → its runs of known values (index of the campaign, value): what is drawn, gaps between runs."""
        return {key: tr.segments([values.get(key) for _year, values in self.points]) for key in tr.TREND_KEYS}

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().text().color()
        left, top, bottom, right = 42, 30, 24, 16
        plot_w, plot_h = self.width() - left - right, self.height() - top - bottom
        _percent_grid(painter, QRectF(left, top, plot_w, plot_h), text_colour)
        _legend(painter, left, text_colour, [
            (label, lambda p, x, c=colour, m=shape: _line_swatch(p, x, QColor(c), m), 22)
            for (_key, label), colour, shape in zip(tr.TREND, tr.TREND_COLOURS, tr.TREND_MARKERS, strict=True)
        ])
        if not self.points:
            painter.end()
            return
        step = plot_w / len(self.points)

        def at(index: int, value: float) -> QPointF:
            return QPointF(left + step * (index + 0.5), top + plot_h * (1 - max(0.0, min(value, 1.0))))

        for index, (year, _values) in enumerate(self.points):
            painter.drawText(QRectF(left + step * index, top + plot_h + 2, step, bottom - 2),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, str(year))
        runs = self.lines()
        for key, colour, shape in zip(tr.TREND_KEYS, tr.TREND_COLOURS, tr.TREND_MARKERS, strict=True):
            for run in runs[key]:
                points = [at(i, v) for i, v in run]
                painter.setPen(QPen(QColor(colour), 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                for a, b in zip(points, points[1:], strict=False):
                    painter.drawLine(a, b)
                for point in points:
                    _marker(painter, shape, point, QColor(colour))
        painter.end()
