"""Every interactive widget of every screen has a name a screen reader can say."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QTableWidget, QVBoxLayout, QWidget

from a11y_checks import describe, interactive_widgets, is_named, tab_order_problems
from ui_catalogue import screens

pytest_plugins = ("ui_catalogue",)


def test_every_interactive_widget_of_every_screen_is_named(qtbot, demo_window, tmp_path):
    unnamed = []
    checked = 0
    for name, window in screens(qtbot, demo_window, tmp_path):
        for widget in interactive_widgets(window):
            checked += 1
            if not is_named(widget, window):
                unnamed.append(f"{name}: {describe(widget)}")
    assert checked > 400
    assert not unnamed, "\n".join(unnamed)


def test_the_tab_order_follows_the_reading_order_on_every_screen(qtbot, demo_window, tmp_path):
    problems = []
    for name, window in screens(qtbot, demo_window, tmp_path):
        problems += [f"{name}: {problem}" for problem in tab_order_problems(window)]
    assert not problems, "\n".join(problems)


def test_the_tab_order_check_sees_a_field_built_last(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    layout = QVBoxLayout(page)
    top, bottom = QLineEdit(), QLineEdit()
    top.setAccessibleName("haut")
    bottom.setAccessibleName("bas")
    layout.addWidget(bottom)  # built first, shown below
    layout.insertWidget(0, top)
    QWidget.setTabOrder(top, bottom)
    third = QLineEdit()
    layout.insertWidget(1, third)  # built last, shown between them
    QWidget.setTabOrder(bottom, third)  # where Qt puts what is built last: after the rest
    page.show()
    assert tab_order_problems(page)
    QWidget.setTabOrder(top, third)
    QWidget.setTabOrder(third, bottom)
    assert tab_order_problems(page) == []


def test_the_check_sees_an_unnamed_widget(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    layout = QVBoxLayout(page)
    combo, edit, table = QComboBox(), QLineEdit(), QTableWidget(1, 1)
    combo.addItem("Toutes")
    label = QLabel("&Recherche :")
    label.setBuddy(edit)
    for widget in (combo, label, edit, table):
        layout.addWidget(widget)
    page.show()
    assert not is_named(combo, page) and not is_named(table, page)
    assert is_named(edit, page)
    assert interactive_widgets(page) == [combo, edit, table] or set(interactive_widgets(page)) == {combo, edit, table}
