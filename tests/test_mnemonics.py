"""Alt+letter on every button, check box, labelled field and tab of every screen, never twice in a window."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMenuBar, QTabBar, QToolButton

from pae_desktop.ui.mnemonics import install_mnemonics, mnemonic_of, plain_text, with_mnemonic
from ui_catalogue import screens

pytest_plugins = ("ui_catalogue",)


@pytest.fixture
def mnemonics(qapp):
    installed = install_mnemonics(qapp)
    yield installed
    qapp.removeEventFilter(installed)
    installed.setParent(None)


# The proposals and module cards of the pathway tab: more buttons than their letters allow (with Alt+F, J and A
# of the menus); the buttons repeated on each row, «Tout accepter» and «Ajouter la sélection» (whose text counts
# the ticked lines) are reached with Tab.
TOO_MANY_ON_THE_PATHWAY = {"Écarter", "Retirer", "Tout accepter", "Ajouter la sélection"}


def _shown_texts(window) -> list[tuple[str, str]]:
    """(where, text) of every visible text that carries a mnemonic in `window`."""
    texts = []
    for bar in window.findChildren(QMenuBar):
        texts += [("menu", action.text()) for action in bar.actions() if bar.isVisible()]
    for button in window.findChildren(QAbstractButton):
        if button.isVisible() and plain_text(button.text()).strip():
            if isinstance(button, QToolButton) and button.defaultAction() is not None:
                continue  # a toolbar's action: the menu carries its letter
            if not any(char.isalnum() for char in button.text()) and not button.shortcut().isEmpty():
                continue  # ◀ ▶: a key of their own
            texts.append((type(button).__name__, button.text()))
    for label in window.findChildren(QLabel):
        if label.isVisible() and label.buddy() is not None and plain_text(label.text()).strip():
            texts.append(("QLabel", label.text()))
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            texts += [("tab", bar.tabText(i)) for i in range(bar.count()) if bar.isTabVisible(i)]
    return texts


def test_every_screen_has_letters_without_clashes(qtbot, mnemonics, demo_window, tmp_path):
    problems = []
    buttons = 0
    for name, window in screens(qtbot, demo_window, tmp_path):
        seen: dict[str, str] = {}  # the same text on several rows shares its letter (Alt+letter goes round)
        for kind, text in _shown_texts(window):
            letter = mnemonic_of(text)
            buttons += kind != "menu"
            if "Parcours" in name and plain_text(text) in TOO_MANY_ON_THE_PATHWAY:
                continue
            if letter is None and kind in ("QPushButton", "QCheckBox", "QRadioButton", "QToolButton"):
                problems.append(f"{name}: {kind} «{plain_text(text)}» sans lettre")
            elif letter is None:
                continue
            elif letter in seen and seen[letter] != plain_text(text):
                problems.append(f"{name}: Alt+{letter.upper()} pour «{plain_text(text)}» et «{seen[letter]}»")
            else:
                seen[letter] = plain_text(text)
    assert buttons > 300
    assert not problems, "\n".join(problems)


def test_the_partner_dialog_no_longer_uses_one_letter_twice(qtbot, mnemonics, demo_window):
    from pae_desktop.ui.directory import PartnerDialog

    dialog = PartnerDialog(demo_window.context, None, demo_window)
    qtbot.addWidget(dialog)
    dialog.show()
    for _round in range(3):
        QApplication.processEvents()
    shown = _shown_texts(dialog)
    letters = [mnemonic_of(text) for _kind, text in shown if mnemonic_of(text)]
    assert len(letters) == len(set(letters)) and len(letters) == len(shown)


def test_letters_prefer_word_starts_keep_explicit_ones_and_skip_accents():
    def free_but(*taken):
        return lambda letter: letter not in taken

    assert with_mnemonic("Enregistrer et fermer", free_but("e")) == ("Enregistrer et &fermer", "f")
    assert with_mnemonic("Enregistrer et fermer", free_but("e", "f")) == ("E&nregistrer et fermer", "n")
    assert with_mnemonic("Élève", free_but()) == ("É&lève", "l")
    assert with_mnemonic("Tom && Jerry", free_but("t")) == ("Tom && &Jerry", "j")
    assert with_mnemonic("&éé", free_but()) == ("éé", None)
    assert mnemonic_of("Tous « &Admis »") == "a" and mnemonic_of("A && B") is None
    assert plain_text("Tom && &Jerry") == "Tom & Jerry"
