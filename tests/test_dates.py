"""The one French date parser (every typed date: the window's fields, the command line) and the one time writer."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest

from pae_desktop.core.dates import day_and_time, french_time, parse_french_date, short_datetime

AUG_27 = dt.date(2025, 8, 27)

ACCEPTED = [
    ("27/08/2025", AUG_27),
    ("27082025", AUG_27),
    ("27-08-2025", AUG_27),
    ("27.08.25", AUG_27),
    ("270825", AUG_27),
    ("27/8/2025", AUG_27),
    ("27/8/25", AUG_27),
    ("2025-08-27", AUG_27),
    ("  27/08/2025  ", AUG_27),
    ("1/9/2025", dt.date(2025, 9, 1)),
    ("29/02/2028", dt.date(2028, 2, 29)),
    ("31.12.99", dt.date(2099, 12, 31)),  # two-digit years are 20YY
]

REFUSED = [
    ("31/02/2025", "Le 31/02/2025 n'existe pas."),
    ("29/02/2025", "Le 29/02/2025 n'existe pas."),
    ("00/01/2025", "Le 00/01/2025 n'existe pas."),
    ("12/13/2025", "Le 12/13/2025 n'existe pas."),
    ("32/01/2025", "Le 32/01/2025 n'existe pas."),
    ("2025-02-30", "Le 30/02/2025 n'existe pas."),
    ("hier", "« hier » n'est pas une date au format JJ/MM/AAAA."),
    ("27/août/2025", "« 27/août/2025 » n'est pas une date au format JJ/MM/AAAA."),
    ("27/08", "« 27/08 » n'est pas une date au format JJ/MM/AAAA."),
    ("2708202", "« 2708202 » n'est pas une date au format JJ/MM/AAAA."),
    ("27/08/202", "« 27/08/202 » n'est pas une date au format JJ/MM/AAAA."),
    ("27/08/2025/1", "« 27/08/2025/1 » n'est pas une date au format JJ/MM/AAAA."),
]


@pytest.mark.parametrize(("typed", "expected"), ACCEPTED)
def test_accepted_dates(typed, expected):
    assert parse_french_date(typed) == expected


@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_refused_dates_say_why_in_french(typed, message):
    with pytest.raises(ValueError) as refused:
        parse_french_date(typed)
    assert str(refused.value) == message


@pytest.mark.parametrize(("typed", "expected"), ACCEPTED)
def test_the_command_line_takes_the_same_dates(typed, expected):
    from pae_desktop.commands import iso_date

    assert iso_date(typed) == expected


@pytest.mark.parametrize(("typed", "message"), REFUSED[:3] + REFUSED[6:7])
def test_the_command_line_refuses_the_same_dates(typed, message):
    from pae_desktop.commands import iso_date

    with pytest.raises(argparse.ArgumentTypeError) as refused:
        iso_date(typed)
    assert str(refused.value) == f"{message} Formats acceptés : AAAA-MM-JJ ou JJ/MM/AAAA."


FIELD_CASES = [(typed, day) for typed, day in ACCEPTED if len(typed) <= 10]  # the field holds 10 characters


@pytest.mark.parametrize(("typed", "expected"), [*FIELD_CASES, ("", None), ("  ", None), ("__/__/____", None)])
def test_the_date_field_reads_the_same_dates(qtbot, typed, expected):
    from pae_desktop.ui.widgets import DateField

    field = DateField()
    qtbot.addWidget(field)
    field.setText(typed)
    assert field.value() == expected
    field.editingFinished.emit()  # a date typed another way is shown as JJ/MM/AAAA once the field is left
    assert field.text() == (f"{expected:%d/%m/%Y}" if expected else typed)


def test_the_date_field_refuses_the_same_dates(qtbot):
    from pae_desktop.ui.widgets import DateField

    field = DateField()
    qtbot.addWidget(field)
    field.setText("31/02/2025")
    with pytest.raises(ValueError, match="Le 31/02/2025 n'existe pas."):
        field.value()
    field.editingFinished.emit()
    assert field.text() == "31/02/2025"  # left as typed: saving says what is wrong


def test_times_are_written_one_way():
    assert french_time(dt.time(9, 45)) == "9 h 45"
    assert french_time(dt.datetime(2025, 8, 27, 14, 0)) == "14 h 00"
    assert french_time(dt.time(9, 5)) == "9 h 05"
    assert french_time("09:30") == "9 h 30"  # a phase 1 workshop's stored «HH:MM»
    assert french_time("") == "" and french_time(None, "—") == "—" and french_time("matin") == "matin"
    moment = dt.datetime(2025, 8, 27, 9, 5)
    assert short_datetime(moment) == "27/08/2025 9 h 05"
    assert short_datetime(moment, joiner=" à ") == "27/08/2025 à 9 h 05"
    assert short_datetime(None, "date inconnue") == "date inconnue"
    assert day_and_time(moment) == "27/08 à 9 h 05"


def test_the_time_fields_show_hours_the_same_way(qtbot):
    from PySide6.QtCore import QDate, QDateTime, QTime
    from PySide6.QtWidgets import QDateTimeEdit, QTimeEdit

    from pae_desktop.core.dates import QT_DATETIME_FORMAT, QT_TIME_FORMAT, french_time, short_datetime

    edit = QTimeEdit(QTime(9, 45))
    edit.setDisplayFormat(QT_TIME_FORMAT)
    qtbot.addWidget(edit)
    assert edit.text() == french_time(dt.time(9, 45)) == "9 h 45"
    both = QDateTimeEdit(QDateTime(QDate(2025, 8, 27), QTime(14, 0)))
    both.setDisplayFormat(QT_DATETIME_FORMAT)
    qtbot.addWidget(both)
    assert both.text() == short_datetime(dt.datetime(2025, 8, 27, 14, 0)) == "27/08/2025 14 h 00"


def test_no_user_facing_time_is_written_with_a_colon_or_hhmm():
    """Every time a person reads goes through core.dates (`%H:%M`/`%Hh%M` are for files and machines only)."""
    import re
    from pathlib import Path

    source = Path(__file__).resolve().parents[1] / "src" / "pae_desktop"
    allowed = {  # machine formats: file names, iCalendar, the FOQUALE CSV's spec, ISO exports, the audit log
        "storage/backup.py",
        "storage/diagnosis.py",
        "storage/database.py",
        "io/icalendar.py",
        "io/foquale.py",
        "core/services/worklist_export.py",
        "ui/audit_view.py",
    }
    found = []
    for path in source.rglob("*.py"):
        where = path.relative_to(source).as_posix()
        if where in allowed or where.startswith("storage/migrations"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            # Python's strftime, and Qt's display formats of the time and date-time fields
            if re.search(r"%H:%M|%Hh%M|%H h %M|HH:mm|hh:mm|H:mm", line):
                found.append(f"{where}:{number}: {line.strip()}")
    assert found == []
