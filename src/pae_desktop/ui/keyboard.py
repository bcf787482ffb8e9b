"""Keyboard helpers: Enter on a list does what a double-click does, focus moves into a panel, the focus is seen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

class _EnterFilter(QObject):
    """Runs its action on the keys it watches, pressed on its view (which then does not pass them on)."""

    def __init__(self, view: QWidget, action: Callable[[], object], keys: tuple[Qt.Key, ...]) -> None:
        super().__init__(view)
        self.action = action
        self.keys = keys

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.KeyPress or event.key() not in self.keys:
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False  # Ctrl+Enter and the like stay the window's
        self.action()
        return True


def on_enter(view: QWidget, action: Callable[[], object], *, space: bool = False) -> None:
    """Enter (both keys) on `view` — when it has the focus — runs `action`, as a double-click does; with `space`,
    the space bar too. Only there: Enter in a field of the same dialog still presses its default button."""
    keys = ENTER_KEYS + ((Qt.Key.Key_Space,) if space else ())
    view.installEventFilter(_EnterFilter(view, action, keys))


def tab_stops(widget: QWidget) -> list[QWidget]:
    """What Tab stops on in `widget`: itself when it takes the focus, else its fields, in the Tab order."""
    if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return [widget]
    stops = []
    other = widget.nextInFocusChain()
    while other is not None and other is not widget:
        if widget.isAncestorOf(other) and other.focusPolicy() & Qt.FocusPolicy.TabFocus:
            stops.append(other)
        other = other.nextInFocusChain()
    return stops


def tab_after(anchor: QWidget, *widgets: QWidget) -> None:
    """Put `widgets` (or the fields they hold) right after `anchor` in the Tab order, in this order: for what
    is built after the rest of its window (a card added, a row's combo, a table set below the buttons), which
    Qt puts at the end of the Tab order."""
    stops = tab_stops(anchor)
    previous = stops[-1] if stops else anchor
    for widget in widgets:
        for stop in tab_stops(widget):
            QWidget.setTabOrder(previous, stop)
            previous = stop


def tab_before(target: QWidget, *widgets: QWidget) -> None:
    """Put `widgets` (or the fields they hold) right before `target` in the Tab order, in this order."""
    previous = target.previousInFocusChain()
    while previous is not target and (
        not previous.focusPolicy() & Qt.FocusPolicy.TabFocus
        or any(widget is previous or widget.isAncestorOf(previous) for widget in widgets)
    ):
        previous = previous.previousInFocusChain()
    tab_after(previous, *widgets)


def focus_first_field(panel: QWidget) -> bool:
    """Give the focus to the first widget of `panel` the Tab key would reach; False when there is none."""
    widget = panel.nextInFocusChain()
    while widget is not None and widget is not panel:
        if (
            panel.isAncestorOf(widget)
            and widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        widget = widget.nextInFocusChain()
    return False


# The keyboard focus drawn where it can be seen: Fusion (Linux) marks a focused button with a 1-pixel tint and a
# focused list not at all. A 2-pixel ring in the highlight colour instead, on what Tab reaches. (A QProxyStyle
# would keep the platform's look, but PySide 6.12 loses a reference to None at each call of a Python
# override of a style's drawing function, which ends in a crash.)
FOCUS_STYLE = """
QAbstractItemView:focus, QPushButton:focus, QToolButton:focus {
    border: 2px solid palette(highlight); border-radius: 3px;
}
QCheckBox:focus, QRadioButton:focus { border: 2px solid palette(highlight); border-radius: 3px; }
"""


def tab_leaves_tables(window: QWidget) -> None:
    """Tab moves to the next field, not to the next cell: Qt's tables take Tab for their cells by default, so a
    keyboard user had to walk every cell to get out (RGAA 12.8). The arrows still move within a table; the
    widgets set in cells (combos) stay in the Tab chain."""
    for view in window.findChildren(QAbstractItemView):
        if view.tabKeyNavigation():
            view.setTabKeyNavigation(False)


def show_focus(app: QApplication) -> None:
    """The focus ring for the whole application (added once to whatever style sheet it has)."""
    if FOCUS_STYLE not in app.styleSheet():
        app.setStyleSheet(app.styleSheet() + FOCUS_STYLE)


class KeyboardAids:
    """The application's mnemonics (`ui/mnemonics.py`) and focus ring, from now until the end of a `with`."""

    def __init__(self, app: QApplication) -> None:
        from pae_desktop.ui.mnemonics import install_mnemonics

        self.app = app
        self.style_sheet = app.styleSheet()
        self.mnemonics = install_mnemonics(app)
        show_focus(app)

    def __enter__(self) -> KeyboardAids:
        return self

    def __exit__(self, *_exc) -> None:
        self.app.removeEventFilter(self.mnemonics)
        self.mnemonics.setParent(None)
        self.app.setStyleSheet(self.style_sheet)
