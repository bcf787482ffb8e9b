"""Windows and dialogs that fit the screen they open on: first size from the screen, clamped, scrollable forms."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QWidget

# The first window: this share of the screen's available area, never more than MAX_FIRST_SIZE, maximised when the
# screen is smaller than SMALL_SCREEN (a 1366×768 laptop, 1920×1080 at 150 % or 200 %).
FIRST_SHARE = 0.9
MAX_FIRST_SIZE = QSize(1600, 1000)
SMALL_SCREEN = QSize(1400, 800)
# What the window manager adds around a window not yet shown (its title bar), kept free when clamping.
TITLE_BAR = 32


def available_area(widget: QWidget | None = None) -> QRect:
    """The available geometry (without task bars) of the screen `widget` is on, else of the primary screen."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)


def clamp_rect(rect: QRect, area: QRect, minimum: QSize | None = None) -> QRect:
    """`rect` no larger than `area` (never below `minimum`) and moved inside it, as far as its size allows."""
    width, height = min(rect.width(), area.width()), min(rect.height(), area.height())
    if minimum is not None:
        width, height = max(width, minimum.width()), max(height, minimum.height())
    x = max(area.left(), min(rect.left(), area.left() + area.width() - width))
    y = max(area.top(), min(rect.top(), area.top() + area.height() - height))
    return QRect(x, y, width, height)


def first_geometry(area: QRect) -> tuple[QRect, bool]:
    """The first window's geometry on a screen of available `area`, centred, and whether to maximise it."""
    width = min(int(area.width() * FIRST_SHARE), MAX_FIRST_SIZE.width())
    height = min(int(area.height() * FIRST_SHARE), MAX_FIRST_SIZE.height())
    rect = QRect(0, 0, width, height)
    rect.moveCenter(area.center())
    small = area.width() < SMALL_SCREEN.width() or area.height() < SMALL_SCREEN.height()
    return rect, small


def _frame_extra(widget: QWidget) -> tuple[int, int]:
    """Width and height the window frame adds (a title bar's worth before the window is first shown)."""
    frame, inner = widget.frameGeometry(), widget.geometry()
    extra = (frame.width() - inner.width(), frame.height() - inner.height())
    return extra if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Created) and extra != (0, 0) else (0, TITLE_BAR)


def fit_to_screen(widget: QWidget, area: QRect | None = None) -> None:
    """A top-level window no larger than the available area of its screen and moved onto it (its frame too)."""
    if widget.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
        return
    area = area or available_area(widget)
    extra_w, extra_h = _frame_extra(widget)
    inner = QRect(area.left(), area.top() + extra_h, area.width() - extra_w, area.height() - extra_h)
    current = widget.geometry()
    fitted = clamp_rect(current, inner, widget.minimumSize())
    if fitted != current:
        widget.setGeometry(fitted)


def place_first_window(window: QWidget) -> None:
    """The main window's first geometry: most of the screen, centred; maximised on a small screen."""
    rect, small = first_geometry(available_area(window))
    window.setGeometry(rect)
    fit_to_screen(window)
    if small:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


def scrolled(widget: QWidget) -> QScrollArea:
    """`widget` in a frameless scroll area: a long form or a wide screen stays usable on a small screen (the
    scroll bars appear only when the window is smaller than what `widget` needs)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


class ScreenClamp(QObject):
    """Watches the whole application: every window or dialog, when shown, is clamped to its screen."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            if watched.windowType() in (Qt.WindowType.Dialog, Qt.WindowType.Window, Qt.WindowType.Sheet):
                fit_to_screen(watched)
        return False


def install_screen_clamp(app: QApplication) -> ScreenClamp:
    """Once per application (idempotent): every dialog shown is clamped to its screen."""
    existing = app.findChild(ScreenClamp)
    if existing is not None:
        return existing
    clamp = ScreenClamp(app)
    app.installEventFilter(clamp)
    return clamp
