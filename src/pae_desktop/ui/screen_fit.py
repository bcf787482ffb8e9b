"""Windows and dialogs that fit the screen they open on: first size from the screen, clamped, scrollable forms,
tab labels never clipped."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMargins, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QGridLayout,
    QProxyStyle,
    QScrollArea,
    QStyle,
    QStyleFactory,
    QTabBar,
    QWidget,
)

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
    """The first window's geometry on a screen of available `area`, centred, and whether to maximise it. On a
    small screen the whole area even before maximising: where no window manager maximises (a kiosk, a remote
    session) or once the user restores it, the window still gets every pixel the screen has."""
    small = area.width() < SMALL_SCREEN.width() or area.height() < SMALL_SCREEN.height()
    if small:
        return QRect(area), True
    width = min(int(area.width() * FIRST_SHARE), MAX_FIRST_SIZE.width())
    height = min(int(area.height() * FIRST_SHARE), MAX_FIRST_SIZE.height())
    rect = QRect(0, 0, width, height)
    rect.moveCenter(area.center())
    return rect, small


def _frame_margins(widget: QWidget) -> QMargins:
    """What the window frame adds on each side (a title bar above it before the window is first shown)."""
    frame, inner = widget.frameGeometry(), widget.geometry()
    margins = QMargins(
        inner.left() - frame.left(),
        inner.top() - frame.top(),
        frame.right() - inner.right(),
        frame.bottom() - inner.bottom(),
    )
    if widget.windowFlags() & Qt.WindowType.FramelessWindowHint:
        return QMargins()
    created = widget.testAttribute(Qt.WidgetAttribute.WA_WState_Created)
    return margins if created and not margins.isNull() else QMargins(0, TITLE_BAR, 0, 0)


def fit_to_screen(widget: QWidget, area: QRect | None = None, grow: bool = False) -> None:
    """A top-level window no larger than the available area of its screen and moved onto it (its frame too).
    `grow`: first given the size it asks for (Qt opens a window at most at 2/3 of the screen), as far as the
    screen allows; a window not placed by the program is centred over its parent (else the screen)."""
    if widget.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
        return
    area = area or available_area(widget)
    inner = area.marginsRemoved(_frame_margins(widget))
    current = widget.geometry()
    wanted = QRect(current)
    if grow:
        wanted.setSize(widget.sizeHint().boundedTo(inner.size()).expandedTo(current.size()))
    if not widget.testAttribute(Qt.WidgetAttribute.WA_Moved):
        parent = widget.parentWidget()
        wanted.moveCenter(parent.window().geometry().center() if parent is not None else inner.center())
    fitted = clamp_rect(wanted, inner, widget.minimumSize())
    if fitted != current:
        widget.setGeometry(fitted)


def place_first_window(window: QWidget) -> None:
    """The main window's first geometry: most of the screen, centred; maximised on a small screen."""
    rect, small = first_geometry(available_area(window))
    window.setGeometry(rect)
    fit_to_screen(window)
    if small:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


def shrinkable(combo: QComboBox, characters: int = 18) -> QComboBox:
    """A combo box whose width does not grow with its longest choice (the list still shows them whole)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    if combo.count():  # its list as wide as the longest choice
        combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
    return combo


class ResponsiveColumns(QWidget):
    """Widgets side by side while the width allows it (at least `threshold` pixels), one under the other below:
    two charts, or two halves of a form, each keep a readable width on a small screen."""

    def __init__(self, widgets: list[QWidget], threshold: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._widgets = list(widgets)
        self._threshold = threshold
        self._columns = 0
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.arrange(len(self._widgets))

    def columns(self) -> int:
        return self._columns

    def arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        for widget in self._widgets:
            self._grid.removeWidget(widget)
        for index, widget in enumerate(self._widgets):
            self._grid.addWidget(widget, index // columns, index % columns)
        for column in range(len(self._widgets)):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        self._columns = columns

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.arrange(len(self._widgets) if event.size().width() >= self._threshold else 1)
        super().resizeEvent(event)


class FittingScrollArea(QScrollArea):
    """A scroll area that asks for the room its widget would like: a dialog opens at its natural size (then
    clamped to the screen), yet can shrink to a small screen."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        inner = self.widget()
        if inner is None:
            return super().sizeHint()
        bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        frame = 2 * self.frameWidth()
        return inner.sizeHint().expandedTo(inner.minimumSizeHint()) + QSize(frame + bar, frame)


def scrolled(widget: QWidget) -> QScrollArea:
    """`widget` in a frameless scroll area: a long form or a wide screen stays usable on a small screen (the
    scroll bars appear only when the window is smaller than what `widget` needs)."""
    area = FittingScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no extra Tab stop: it scrolls to the field Tab reaches
    area.setWidget(widget)
    return area


ACCENTED_CAPITALS = "ÉÈÊÀÂÎÔÛÇ"
TAB_STYLED = "pae_tab_text_room"  # property set on a tab bar given TabTextRoom


class TabTextRoom(QProxyStyle):
    """The application's style, except that a tab's text gets the height of its capital accents: Fusion gives
    an unselected tab a text rectangle shorter than the font, which clipped the accent of «É» («Élèves»)."""

    def subElementRect(self, element, option, widget=None) -> QRect:  # noqa: N802 - Qt's name
        rect = super().subElementRect(element, option, widget)
        if element == QStyle.SubElement.SE_TabBarTabText and rect.isValid():
            metrics = option.fontMetrics
            above = max(0, -metrics.tightBoundingRect(ACCENTED_CAPITALS).top() - metrics.ascent())
            need = metrics.height() + 2 * above + 2  # centred: as much room below as the accents take above
            if rect.height() < need:
                grow = need - rect.height()
                rect.adjust(0, -((grow + 1) // 2), 0, grow // 2)
        return rect


def tab_text_room(app: QApplication) -> TabTextRoom:
    """One TabTextRoom for the application, over a fresh instance of its current style."""
    existing = app.findChild(TabTextRoom)
    if existing is not None:
        return existing
    style = TabTextRoom(QStyleFactory.create(app.style().name()))
    style.setParent(app)
    return style


def give_tab_text_room(bar: QTabBar) -> None:
    """`bar` drawn with TabTextRoom (once)."""
    if not bar.property(TAB_STYLED):
        bar.setProperty(TAB_STYLED, True)
        bar.setStyle(tab_text_room(QApplication.instance()))


class ScreenClamp(QObject):
    """Watches the whole application: every window or dialog, when shown, is clamped to its screen; every tab
    bar, when first polished, is drawn with TabTextRoom."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            if watched.windowType() in (Qt.WindowType.Dialog, Qt.WindowType.Window, Qt.WindowType.Sheet):
                fit_to_screen(watched, grow=not watched.testAttribute(Qt.WidgetAttribute.WA_Resized))
        elif kind == QEvent.Type.Polish and isinstance(watched, QTabBar):
            give_tab_text_room(watched)
        return False


def remove_screen_clamp(app: QApplication) -> None:
    clamp = app.findChild(ScreenClamp)
    if clamp is not None:
        app.removeEventFilter(clamp)
        clamp.deleteLater()
        clamp.setParent(None)


def install_screen_clamp(app: QApplication) -> ScreenClamp:
    """Once per application (idempotent): every dialog shown is clamped to its screen."""
    from pae_desktop.ui.widgets import install_once

    return install_once(app, ScreenClamp)
