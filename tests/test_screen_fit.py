"""Every screen fits small and scaled screens: minimum sizes, first window, dialogs clamped, tab labels whole."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
)

from pae_desktop.ui.screen_fit import (
    TITLE_BAR,
    available_area,
    clamp_rect,
    first_geometry,
    scrolled,
)
from ui_catalogue import screens

pytest_plugins = ("ui_catalogue",)  # the `demo_window` fixture

# The logical screens to support, without their task bar: 1366×768 at 100 %, 1920×1080 at 200 % (960×540).
SCREENS = (QSize(1366, 728), QSize(960, 500))
# The main window's frame and the scroll area around a tab: what a view may need on the smallest screen.
SMALLEST_VIEW_WIDTH = 950


def _tab_content(window: QMainWindow):
    """The current tab's view, inside the scroll area that lets it scroll when the window is smaller."""
    area = window.tabs.currentWidget().findChild(QScrollArea)
    return area.widget()


def test_every_tab_and_dialog_fits_the_small_screens(qtbot, demo_window, tmp_path):
    too_big = []
    for name, widget in screens(qtbot, demo_window, tmp_path):
        needed = widget.minimumSizeHint() + QSize(0, 0 if isinstance(widget, QMainWindow) else TITLE_BAR)
        for screen in SCREENS:
            if needed.width() > screen.width() or needed.height() > screen.height():
                too_big.append(f"{name}: {needed.toTuple()} > {screen.toTuple()}")
        if getattr(widget, "tabs", None) is not None and isinstance(widget, QMainWindow):  # the tab's view itself needs no sideways scrolling, even at 200 %
            view = _tab_content(widget)
            width = view.minimumSizeHint().width()
            if name.startswith("Parcours ›"):  # the list beside the editor, itself in a scroll area of its own
                width = view.findChild(QSplitter).widget(0).minimumSizeHint().width()
                width += view.editor.minimumSizeHint().width()
            if width > SMALLEST_VIEW_WIDTH:
                too_big.append(f"{name} (onglet sans défilement) : {width} > {SMALLEST_VIEW_WIDTH}")
    assert not too_big, "\n".join(too_big)


def test_first_window_takes_most_of_the_screen_and_is_maximised_on_a_small_one():
    rect, maximised = first_geometry(QRect(0, 0, 1920, 1040))
    assert (rect.size().toTuple(), maximised) == ((1600, 936), False)
    assert rect.center() == QRect(0, 0, 1920, 1040).center()
    for small in (QRect(0, 0, 1366, 728), QRect(0, 0, 1280, 680), QRect(0, 0, 960, 500)):
        rect, maximised = first_geometry(small)
        assert maximised and rect == small  # every pixel, even where nothing maximises it
    rect, maximised = first_geometry(QRect(0, 0, 1536, 824))  # 1920×1080 at 125 %: room for a window
    assert not maximised and rect.size().toTuple() == (1382, 741)
    rect, _ = first_geometry(QRect(0, 0, 3840, 2120))
    assert rect.size().toTuple() == (1600, 1000)


def test_clamp_rect_shrinks_and_moves_onto_the_screen():
    area = QRect(0, 0, 1366, 728)
    assert clamp_rect(QRect(200, 100, 1900, 1000), area) == area
    assert clamp_rect(QRect(-3000, 5000, 800, 600), area) == QRect(0, 128, 800, 600)
    assert clamp_rect(QRect(1000, 500, 800, 600), area) == QRect(566, 128, 800, 600)
    assert clamp_rect(QRect(10, 20, 300, 200), area) == QRect(10, 20, 300, 200)  # already fits: untouched
    assert clamp_rect(QRect(0, 0, 100, 100), area, QSize(2000, 100)).width() == 2000  # never below its minimum


def test_a_dialog_larger_than_the_screen_is_clamped_when_shown(qtbot, screen_clamp):
    area = available_area()
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    layout.addWidget(scrolled(QLabel("Une longue fiche")))
    dialog.resize(area.width() + 900, area.height() + 700)
    dialog.move(area.right() + 500, area.bottom() + 400)
    dialog.show()
    assert area.contains(dialog.frameGeometry())  # its title bar too


def test_a_dialog_opens_at_the_size_its_form_asks_for_within_the_screen(qtbot, screen_clamp):
    area = available_area()
    form = QLabel("x")
    form.setMinimumSize(area.width() // 2 + 40, area.height() // 3)  # more than Qt's 2/3 rule would leave
    form.setMinimumSize(0, 0)
    form.sizeHint = lambda: QSize(area.width() * 3 // 4, area.height() // 2)  # noqa: E731 - what it would like
    dialog = QDialog()
    qtbot.addWidget(dialog)
    QVBoxLayout(dialog).addWidget(scrolled(form))
    dialog.show()
    assert dialog.width() >= area.width() * 3 // 4
    assert area.contains(dialog.geometry())


def test_a_dialog_is_centred_over_its_window(qtbot, screen_clamp):
    area = available_area()
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setGeometry(area.left() + 40, area.top() + 60, area.width() - 80, area.height() - 100)
    window.show()
    dialog = QDialog(window)
    QVBoxLayout(dialog).addWidget(scrolled(QLabel("Une fiche")))
    dialog.resize(300, 200)
    dialog.show()
    assert (dialog.geometry().center() - window.geometry().center()).manhattanLength() <= 2


def test_a_frameless_window_keeps_its_place(qtbot, screen_clamp):
    """The lock screen covers the main window exactly: no title bar to keep room for."""
    from PySide6.QtCore import Qt

    area = available_area()
    cover = QDialog(None, Qt.WindowType.FramelessWindowHint | Qt.WindowType.Dialog)
    qtbot.addWidget(cover)
    cover.setGeometry(area.left(), area.top(), area.width() // 2, area.height() // 2)
    cover.show()
    assert cover.geometry() == QRect(area.left(), area.top(), area.width() // 2, area.height() // 2)


def _tab_image(qtbot, text: str):
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QLabel(), "Accueil")
    tabs.addTab(QLabel(), text)  # not selected
    tabs.resize(400, 100)
    tabs.show()
    bar = tabs.findChild(QTabBar)
    image = bar.grab().toImage().copy(bar.tabRect(1))
    tabs.close()
    return image


@pytest.mark.parametrize("label", ["Élèves", "Événements", "À saisir"])
def test_the_accent_of_a_capital_on_an_unselected_tab_is_drawn(qtbot, screen_clamp, label):
    """Rendered: «Élèves» and «Elèves» must differ (Fusion clipped the accent, both looked like «Elèves»)."""
    plain = label.replace("É", "E").replace("À", "A")
    assert _tab_image(qtbot, label) != _tab_image(qtbot, plain)


def test_two_charts_side_by_side_only_when_there_is_room(qtbot):
    from pae_desktop.ui.screen_fit import ResponsiveColumns

    left, right = QLabel("Entonnoir"), QLabel("Taux")
    pair = ResponsiveColumns([left, right], threshold=700)
    qtbot.addWidget(pair)
    pair.resize(900, 300)
    pair.show()
    qtbot.waitUntil(lambda: pair.columns() == 2)
    assert right.geometry().left() > left.geometry().right() and right.geometry().top() == left.geometry().top()
    pair.resize(500, 300)
    qtbot.waitUntil(lambda: pair.columns() == 1)
    qtbot.waitUntil(lambda: right.geometry().top() > left.geometry().bottom())
    assert right.geometry().width() > 400  # the whole width for each


def test_the_bilan_stacks_its_first_charts_on_a_small_screen(qtbot, demo_window):
    from pae_desktop.ui.bilan import CHARTS_SIDE_BY_SIDE

    bilan = demo_window.view("BilanView")
    demo_window.tabs.setCurrentWidget(demo_window.views["BilanView"])
    demo_window.showNormal()
    demo_window.resize(960, 500)
    qtbot.waitUntil(lambda: bilan.top_charts.columns() == 1)
    demo_window.resize(CHARTS_SIDE_BY_SIDE + 200, 700)
    qtbot.waitUntil(lambda: bilan.top_charts.columns() == 2)


def test_a_scrolled_form_adds_no_tab_stop_and_scrolls_to_the_field_reached(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit, QWidget

    form = QWidget()
    fields = [QLineEdit(form) for _ in range(30)]
    column = QVBoxLayout(form)
    for field in fields:
        column.addWidget(field)
    dialog = QDialog()
    qtbot.addWidget(dialog)
    area = scrolled(form)
    QVBoxLayout(dialog).addWidget(area)
    dialog.resize(300, 150)
    dialog.show()
    qtbot.waitExposed(dialog)
    fields[0].setFocus()
    for _ in range(len(fields) - 1):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is fields[-1]
    assert area.verticalScrollBar().value() > 0  # scrolled down to it
    qtbot.keyClick(fields[-1], Qt.Key.Key_Tab)
    assert dialog.focusWidget() is fields[0]  # round again, never a stop on the scroll area itself


def test_the_welcome_text_is_whole_on_a_small_window(qtbot, db):
    """First launch on a 1920×1080 screen at 200 %: the wrapped introduction gets all its lines."""
    from pae_desktop.ui.main_window import MainWindow, WelcomePage

    window = MainWindow(db, maintenance=False)
    qtbot.addWidget(window)
    window.showNormal()
    window.resize(864, 486)
    window.show()
    qtbot.waitExposed(window)
    page = window.findChild(WelcomePage)
    intro = next(label for label in page.findChildren(QLabel) if label.wordWrap() and "accompagne" in label.text())
    assert intro.height() >= intro.heightForWidth(intro.width())
    window._quiet()
