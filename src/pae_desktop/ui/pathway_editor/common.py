"""What the pathway editor's parts share: rule messages on the house's message labels, typed dates."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QWidget

from pae_desktop.core.rules import Problem
from pae_desktop.ui.widgets import DateField, MessageLabel
from pae_desktop.ui.widgets import show_error as warn  # noqa: F401 - the print and export call sites' pop-up

OK_STYLE = "color: #2E7D32;"
BAD_FIELD = "border: 1px solid #B00020;"


def date_field(name: str, accessible: str, day: dt.date | None = None) -> DateField:
    """A JJ/MM/AAAA field of `ui.widgets`, named for the tests and screen readers, holding `day`."""
    field = DateField()
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.set_value(day)
    return field


def message_label(name: str) -> MessageLabel:
    label = MessageLabel()
    label.setObjectName(name)
    return label


def show_problems(label: MessageLabel, problems: list[Problem]) -> None:
    """French reasons next to a field: red when one refuses the save, amber for warnings only."""
    text = "\n".join(("✖ " if p.hard else "⚠ ") + p.message for p in problems)
    if any(p.hard for p in problems):
        label.show_error(text)
    else:
        label.show_warning(text)


def read_date(field: DateField, label: str, errors: dict[str, str], key: str) -> dt.date | None:
    """The field's date; a date impossible or missing goes to `errors[key]` (a French sentence) and gives None."""
    try:
        value = field.value()
    except ValueError as error:
        errors[key] = f"{label} : {error}"
        return None
    if value is None:
        errors[key] = f"{label} : obligatoire (JJ/MM/AAAA)."
    return value


def mark_field(widget: QWidget, bad: bool) -> None:
    widget.setStyleSheet(BAD_FIELD if bad else "")
