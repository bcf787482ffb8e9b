"""What a screen reader finds on a screen: the interactive widgets and the names Qt's accessibility gives them."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
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
