"""What a screen reader finds on a screen: the interactive widgets and the names Qt's accessibility gives them."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

INTERACTIVE = (
    QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QTabBar, QTextEdit, QPlainTextEdit,
    QAbstractSlider,
)
# parts of another widget, named through it
PARTS = (QHeaderView, QScrollBar)


def _painted_by_us(widget: QWidget) -> bool:
    """A widget of ours that paints itself (a chart, the timeline): a screen reader needs its name too."""
    cls = type(widget)
    return cls.__module__.startswith("pae_desktop") and "paintEvent" in vars(cls)


def interactive_widgets(window: QWidget) -> list[QWidget]:
    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or isinstance(widget, PARTS):
            continue
        if widget.objectName().startswith("qt_") or isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
            continue  # a table's corner button, a combo's or spin box's own line edit
        if isinstance(widget, INTERACTIVE) or _painted_by_us(widget):
            found.append(widget)
    return found


def has_buddy(widget: QWidget, window: QWidget) -> bool:
    return any(label.buddy() is widget and label.text() for label in window.findChildren(QLabel))


def accessible_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def is_named(widget: QWidget, window: QWidget) -> bool:
    """Named the way AT-SPI reads it; a combo or spin box only by its own name or its label (Qt would
    otherwise read its current value as its name)."""
    if widget.accessibleName().strip() or has_buddy(widget, window):
        return True
    if isinstance(widget, (QComboBox, QAbstractSpinBox)):
        return False
    return bool(accessible_name(widget).replace("&", "").strip())


def describe(widget: QWidget) -> str:
    parent = widget.parentWidget()
    return f"{type(widget).__name__}({widget.objectName()!r}) in {type(parent).__name__ if parent else None}"


def tab_stops(window: QWidget) -> list[QWidget]:
    """The widgets Tab goes through in `window`, in order, starting from the top left one."""
    stops, seen = [], set()
    widget = window.nextInFocusChain()
    while widget is not None and widget is not window and id(widget) not in seen:
        seen.add(id(widget))
        if (
            widget.isVisible() and widget.isEnabled() and widget.window() is window
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.focusProxy() is None
        ):
            stops.append(widget)
        widget = widget.nextInFocusChain()
    if not stops:
        return stops
    first = min(range(len(stops)), key=lambda i: (_seen_at(stops[i], window).y() // 20, _seen_at(stops[i], window).x()))
    return stops[first:] + stops[:first]


def _seen_at(widget: QWidget, window: QWidget) -> QPoint:
    """Where the widget shows in the window; one scrolled out of a scroll area, at the area's edge."""
    point = widget.mapTo(window, QPoint(0, 0))
    area = widget.parentWidget()
    while area is not None and area is not window and not isinstance(area, QAbstractScrollArea):
        area = area.parentWidget()
    if isinstance(area, QAbstractScrollArea) and area is not window:
        top = area.viewport().mapTo(window, QPoint(0, 0))
        point.setY(min(max(point.y(), top.y()), top.y() + area.viewport().height()))
    return point


def tab_order_problems(window: QWidget) -> list[str]:
    """Each step of the Tab order that goes back up and to the left: against the reading order (a step up and
    to the right is the next column of a form)."""
    stops = tab_stops(window)
    problems = []
    for before, after in itertools.pairwise(stops):
        first, second = _seen_at(before, window), _seen_at(after, window)
        if second.y() < first.y() - 20 and second.x() <= first.x() + 5:
            problems.append(f"{describe(before)} → {describe(after)}")
    return problems
