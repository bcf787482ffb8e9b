"""Keyboard mnemonics (Alt+letter) on every button, check box, labelled field and tab, without clashes in a window.

Like KDE's KAcceleratorManager: when a dialog or window is shown (and when a tab page or stacked page appears),
the letters written with «&» that do not clash are kept, a clash loses its letter, and every text without one
gets a free letter — the first letter of a word first, then any letter, then a digit; accented letters are
skipped (Alt+É is not a key of every keyboard). Widgets of one page of a tab widget or stacked widget compete
with each other and with the window around them, never with another page (one page shows at a time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMenuBar,
    QStackedWidget,
    QTabBar,
    QToolButton,
    QWidget,
)

from pae_desktop.ui.keyboard import tab_leaves_tables

LETTERS = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"


def plain_text(text: str) -> str:
    """The text a user reads: «&» marks removed, «&&» back to «&»."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def mnemonic_of(text: str) -> str | None:
    """The letter after a single «&», lower case, or None."""
    index = 0
    while True:
        index = text.find("&", index)
        if index < 0 or index + 1 >= len(text):
            return None
        if text[index + 1] == "&":
            index += 2
            continue
        return text[index + 1].lower()


def _strip(text: str) -> str:
    return plain_text(text).replace("&", "&&")


def _candidates(plain: str) -> Iterator[int]:
    """Positions in `plain` worth a mnemonic: first letters of words, then other letters, then digits."""
    starts, others, digits = [], [], []
    for index, char in enumerate(plain):
        lower = char.lower()
        if lower in DIGITS:
            digits.append(index)
        elif lower in LETTERS:
            previous = plain[index - 1] if index else " "
            (others if previous.isalnum() else starts).append(index)
    yield from starts
    yield from others
    yield from digits


def with_mnemonic(text: str, is_free: Callable[[str], bool]) -> tuple[str, str | None]:
    """`text` with the first free letter (`is_free`) marked, and the letter; without a free one, the text
    without a mark, and None."""
    plain = plain_text(text)
    for index in _candidates(plain):
        letter = plain[index].lower()
        if is_free(letter):
            return plain[:index].replace("&", "&&") + "&" + plain[index:].replace("&", "&&"), letter
    return _strip(text), None


# Who keeps a letter when two want it: buttons and check boxes first, then tabs, then the labels of fields.
BUTTON, TAB, LABEL = 0, 1, 2


@dataclass
class _Holder:
    """A text carrying a mnemonic, read and written through its widget. A letter given here is remembered
    (a property of the widget) so that the next assignment starts again from the text as written: the letters
    of a window stay the best ones as its content changes, and a letter the code wrote stays its choice."""

    read: Callable[[], str]
    write: Callable[[str], None]
    rank: int
    scope: _Scope
    widget: QWidget
    key: str = "pae_mnemonic"

    def get(self) -> str:
        shown = self.read()
        given = self.widget.property(self.key)
        return given[1] if isinstance(given, list) and len(given) == 2 and given[0] == shown else shown

    def set(self, text: str) -> None:
        source = self.get()
        self.write(text)
        if text != source:
            self.widget.setProperty(self.key, [text, source])


@dataclass
class _Scope:
    """A window, or a page of a stacked widget inside it: its letters exclude those of the scopes around it and
    inside it, never those of another page."""

    parent: _Scope | None
    used: set[str] = field(default_factory=set)
    below: set[str] = field(default_factory=set)  # the letters of the pages inside it

    def depth(self) -> int:
        return 0 if self.parent is None else 1 + self.parent.depth()

    def free(self, letter: str) -> bool:
        if letter in self.used or letter in self.below:
            return False
        scope = self.parent
        while scope is not None:
            if letter in scope.used:
                return False
            scope = scope.parent
        return True

    def take(self, letter: str) -> None:
        self.used.add(letter)
        scope = self.parent
        while scope is not None:
            scope.below.add(letter)
            scope = scope.parent


def _is_plain(text: str) -> bool:
    return bool(plain_text(text).strip()) and not text.lstrip().startswith("<")


def _holders_of(widget: QWidget, scope: _Scope) -> list[_Holder]:
    if isinstance(widget, QToolButton) and widget.defaultAction() is not None:
        return []  # a toolbar's action: its menu entry carries the letter, its shortcut the key
    if isinstance(widget, QAbstractButton) and _is_plain(widget.text()):
        return [_Holder(widget.text, widget.setText, BUTTON, scope, widget)]
    if isinstance(widget, QLabel) and widget.buddy() is not None and _is_plain(widget.text()):
        return [_Holder(widget.text, widget.setText, LABEL, scope, widget)]
    if isinstance(widget, QTabBar):
        return [
            _Holder(
                lambda i=i: widget.tabText(i), lambda text, i=i: widget.setTabText(i, text), TAB, scope, widget,
                f"pae_mnemonic_{i}",
            )
            for i in range(widget.count())
            if _is_plain(widget.tabText(i)) and widget.isTabVisible(i)
        ]
    return []


def _menu_letters(window: QWidget) -> set[str]:
    """The letters of the window's menu titles (Alt+F opens «Fichier»): taken for everything else."""
    letters = set()
    for bar in window.findChildren(QMenuBar):
        for action in bar.actions():
            letter = mnemonic_of(action.text()) if isinstance(action, QAction) else None
            if letter:
                letters.add(letter)
    return letters


def _collect(root: QWidget, scope: _Scope, holders: list[_Holder]) -> None:
    """The holders shown with `root` (hidden ones wait for their turn), pages of stacked widgets in their own
    scopes."""
    stack = list(root.children())
    while stack:
        child = stack.pop(0)
        if not isinstance(child, QWidget) or child.isWindow() or not child.isVisibleTo(root):
            continue
        holders.extend(_holders_of(child, scope))
        if isinstance(child, QStackedWidget):
            for index in range(child.count()):
                page = child.widget(index)
                _collect(page, _Scope(scope), holders)
            continue
        stack.extend(child.children())


def assign_mnemonics(window: QWidget) -> list[str]:
    """Give every button, check box, labelled field and tab of `window` its own letter (see the module);
    returns the texts of the buttons left without one (more buttons than letters)."""
    root = _Scope(None, used=_menu_letters(window))
    holders: list[_Holder] = []
    _collect(window, root, holders)
    left: list[str] = []
    for rank in (BUTTON, TAB, LABEL):
        # the same text in one scope (a «Retirer» on each row) shares one letter: Alt+R goes from one to the next
        groups: dict[tuple[int, str], list[_Holder]] = {}
        for holder in holders:
            if holder.rank == rank:
                groups.setdefault((id(holder.scope), plain_text(holder.get())), []).append(holder)
        by_scope: dict[int, list[list[_Holder]]] = {}
        for group in groups.values():  # the letters written with «&» stay, unless taken already
            first = group[0]
            letter = mnemonic_of(first.get())
            if letter is not None and letter in LETTERS + DIGITS and first.scope.free(letter):
                first.scope.take(letter)
                _set_all(group, first.get())
            else:
                by_scope.setdefault(id(first.scope), []).append(group)
        left += _give_by_scope(by_scope, rank)
    return left


def _give_by_scope(by_scope: dict[int, list[list[_Holder]]], rank: int) -> list[str]:
    """The busiest scope first, matched together with what the scopes around it still need (their letters
    exclude each other); a button of each row last: Tab reaches those."""
    left = []
    for scope_id in sorted(by_scope, key=lambda key: -len(by_scope[key])):
        if scope_id not in by_scope:
            continue
        own = by_scope.pop(scope_id)
        around: list[list[_Holder]] = []
        scope = own[0][0].scope.parent
        while scope is not None:
            around = by_scope.pop(id(scope), []) + around
            scope = scope.parent
        left += _give_letters(around + sorted(own, key=lambda group: len(group) > 1), rank)
    return left


def _give_letters(groups: list[list[_Holder]], rank: int) -> list[str]:
    """Free letters for the groups, as many as can be (a matching: a text whose letters are all taken may get
    one another text gives up for its next choice), the first groups first."""
    chosen = _match([(plain_text(group[0].get()), group[0].scope.free) for group in groups])
    left = []
    for index, group in enumerate(groups):
        letter = chosen.get(index)
        if letter is None:
            text = _strip(group[0].get())
            if rank == BUTTON:
                left.append(plain_text(text))
        else:
            group[0].scope.take(letter)
            text, _letter = with_mnemonic(group[0].get(), lambda candidate, letter=letter: candidate == letter)
        _set_all(group, text)
    return left


def _match(texts: list[tuple[str, Callable[[str], bool]]]) -> dict[int, str]:
    """A letter for as many texts as possible (Kuhn's augmenting paths), each text's own preferences first and
    the first texts first; each text comes with what says a letter is free for it."""
    choices = []
    for text, is_free in texts:
        letters = dict.fromkeys(text[index].lower() for index in _candidates(text))
        choices.append([letter for letter in letters if is_free(letter)])
    owner: dict[str, int] = {}

    def place(index: int, seen: set[str]) -> bool:
        for letter in choices[index]:
            if letter not in seen:
                seen.add(letter)
                if letter not in owner or place(owner[letter], seen):
                    owner[letter] = index
                    return True
        return False

    for index in range(len(texts)):
        place(index, set())
    return {index: letter for letter, index in owner.items()}


def _set_all(group: list[_Holder], text: str) -> None:
    for holder in group:
        if holder.read() != text:
            holder.set(text)


class MnemonicFilter(QObject):
    """Assigns the letters of a window once the event loop is back after something in it was shown: the window
    itself, a page of a tab widget (the main window's tabs build their content in their own showEvent, after
    this filter has seen the event), a panel that appears once a youth is chosen."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: list[QWidget] = []

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            window = watched.window()
            if isinstance(window, (QDialog, QMainWindow)):
                self._later(window)
        return False

    def _later(self, window: QWidget) -> None:
        if not any(pending is window for pending in self._pending):
            self._pending.append(window)
            if len(self._pending) == 1:
                QTimer.singleShot(0, self.flush)

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        for window in pending:
            if shiboken6.isValid(window) and window.isVisible():
                assign_mnemonics(window)
                tab_leaves_tables(window)  # the same pass: what a keyboard user needs of what was just shown


def install_mnemonics(app: QApplication) -> MnemonicFilter:
    """Once, for the whole application."""
    from pae_desktop.ui.widgets import install_once

    return install_once(app, MnemonicFilter)
