"""Small widgets and dialogs shared by every screen: dates typed the French way, messages, form rows."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTextEdit,
    QWidget,
)

from pae_desktop.core.vocabulary import Vocabulary

DATE_FORMAT = "%d/%m/%Y"
Button = QDialogButtonBox.StandardButton


def parse_french_date(text: str) -> dt.date | None:
    """A typed date (`core.dates.parse_french_date`: «27/08/2025», «27082025»…) → date; "" → None; anything
    else → ValueError with a French message."""
    from pae_desktop.core.dates import parse_french_date as parse

    if not text.strip().replace("_", "").strip("/ "):
        return None
    return parse(text)


class DateField(QLineEdit):
    """A date typed as JJ/MM/AAAA, possibly empty; `value()` raises ValueError with a French message."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("JJ/MM/AAAA")
        self.setMaxLength(10)
        self.editingFinished.connect(lambda: self._tidy())  # not by name: PySide may emit it mid-destruction

    def _tidy(self) -> None:
        """A date typed another way («27082025», «27/8/25») shown as JJ/MM/AAAA once the field is left."""
        try:
            value = self.value()
        except ValueError:
            return  # left as typed: saving says what is wrong
        if value is not None and self.text() != value.strftime(DATE_FORMAT):
            self.set_value(value)

    def value(self) -> dt.date | None:
        return parse_french_date(self.text())

    def set_value(self, value: dt.date | None) -> None:
        self.setText(value.strftime(DATE_FORMAT) if value else "")


class CodeCombo(QComboBox):
    """A combo box over a vocabulary: shows the French labels, gives back the codes."""

    def __init__(self, vocabulary: type[Vocabulary], empty: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        if empty is not None:
            self.addItem(empty, "")
        for code, label in vocabulary.choices():
            self.addItem(label, code)

    def code(self) -> str:
        return self.currentData() or ""

    def set_code(self, code: str | None) -> None:
        index = self.findData(code or "")
        self.setCurrentIndex(max(index, 0))


class MessageLabel(QLabel):
    """A line under a field or form: red for a refusal, amber for a warning, hidden when empty."""

    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_error(self, text: str) -> None:
        self._show(text, "#b00020")

    def show_warning(self, text: str) -> None:
        self._show(text, "#8a5a00")

    def show_info(self, text: str) -> None:
        self._show(text, "#1b5e20")

    def _show(self, text: str, color: str) -> None:
        if not text:
            self.clear_message()
            return
        self.setText(text)
        self.setStyleSheet(f"color: {color};")
        self.setAccessibleDescription(text)
        self.show()

    def clear_message(self) -> None:
        self.setText("")
        self.hide()
        self.cleared.emit()


def show_error(parent: QWidget | None, text: str, title: str = "PAE Desktop") -> None:
    QMessageBox.warning(parent, title, text)


def show_info(parent: QWidget | None, text: str, title: str = "PAE Desktop") -> None:
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, text: str, title: str = "PAE Desktop", *, action: str = "") -> bool:
    """A question answered «Oui» or «Non», «Non» by default and on Échap. With `action` (a destructive question:
    «Supprimer le parcours»), the buttons are that act and «Annuler», the default and the Échap answer, and
    `text` names what will be lost (`ui.confirmations`)."""
    if action:
        from pae_desktop.ui.confirmations import confirm_action

        return confirm_action(parent, text, action, title)
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


DISCARD_QUESTION = "Abandonner les modifications ?"
NOT_TYPED = "discard_ignore"  # a widget with this property set is no typed data (a filter, a chooser)


def _typed_values(dialog: QWidget) -> list[object]:
    """What the user can type or tick in `dialog`, in the order of its widgets: compared, it says whether
    something was typed since."""
    values: list[object] = []
    for child in dialog.findChildren(QWidget):
        if child.property(NOT_TYPED):
            continue
        if isinstance(child, QLineEdit):
            values.append(child.text())
        elif isinstance(child, QPlainTextEdit | QTextEdit):
            values.append(child.toPlainText())
        elif isinstance(child, QComboBox):
            values.append(child.currentText())
        elif isinstance(child, QAbstractSpinBox):
            values.append(child.text())
        elif isinstance(child, QAbstractButton) and child.isCheckable():
            values.append(child.isChecked())
        elif isinstance(child, QListWidget):
            values.append(tuple(child.item(i).checkState() for i in range(child.count())))
        elif isinstance(child, QTableWidget):
            values.append(
                tuple(
                    (item.text(), item.checkState()) if (item := child.item(r, c)) else None
                    for r in range(child.rowCount())
                    for c in range(child.columnCount())
                )
            )
    return values


class GuardedDialog(QDialog):
    """A dialog holding typed data. Closing it without saving — Échap, «Annuler» or «Fermer», the window's
    cross (which Qt turns into `reject()`) — asks «Abandonner les modifications ?» (default «Non»: the dialog
    stays open) when something was typed since it was shown; with nothing typed it closes at once.

    «Typed» compares the dialog's fields with their values when it was first shown (`mark_clean` takes them
    again, after a save that keeps it open); a dialog that knows better overrides `has_unsaved_changes`."""

    _clean: list[object] | None = None

    def mark_clean(self) -> None:
        self._clean = _typed_values(self)

    def has_unsaved_changes(self) -> bool:
        return self._clean is not None and _typed_values(self) != self._clean

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._clean is None:
            self.mark_clean()
        super().showEvent(event)

    def reject(self) -> None:
        title = self.windowTitle() or "PAE Desktop"
        if self.has_unsaved_changes() and not confirm(self, DISCARD_QUESTION, title):
            return
        super().reject()


def labelled(text: str, field: QWidget, accessible: str | None = None) -> QLabel:
    """A label whose mnemonic (&) focuses `field`, which gets the same accessible name."""
    label = QLabel(text)
    label.setBuddy(field)
    field.setAccessibleName(accessible or text.replace("&", "").rstrip(" :"))
    return label


def dialog_buttons(
    dialog: QDialog, accept: Callable[[], object], labels: dict[Button, str]
) -> QDialogButtonBox:
    """The dialog's standard buttons, each with its French label (and its shortcut letter): the accepting one
    runs `accept`, the rejecting one closes the dialog."""
    buttons = QDialogButtonBox(functools.reduce(operator.or_, labels))
    for button, text in labels.items():
        buttons.button(button).setText(text)
    buttons.accepted.connect(accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def run_operation(
    context, operation: Callable, message: MessageLabel, on_conflict: Callable[[], object] | None = None
):
    """Run one core operation (`operation(session)`) in one transaction and refresh the screens from the
    `Changes` it returns (`context.apply`). A refusal shows in `message`, in red, nothing written; a conflict
    (the record changed elsewhere since it was loaded) first calls `on_conflict`, which reloads what is there
    now. Returns the operation's result, or None when it was refused."""
    from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError

    try:
        with context.db.transaction() as session:
            result = operation(session)
    except UserError as error:
        if on_conflict is not None and str(error) == CONFLICT_MESSAGE:
            on_conflict()
        message.show_error(str(error))
        return None
    context.apply(result)
    return result


def install_once(app, filter_class: type):
    """The application-wide event filter of `filter_class`: created and installed by the first call, found by
    the next ones (a test or a second window may ask again)."""
    found = app.findChild(filter_class)
    if found is not None:
        return found
    created = filter_class(app)
    app.installEventFilter(created)
    return created
