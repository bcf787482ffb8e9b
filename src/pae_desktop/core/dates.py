"""French dates and times for every screen and PDF («17 septembre 2024», «mardi 17 septembre 2024», «14 h 30»)."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
SHORT_WEEKDAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def french_date(value: dt.date | dt.datetime | None, *, weekday: bool = False, default: str = "") -> str:
    """«17 septembre 2024» («1er septembre 2024» for the first of a month); `weekday` prefixes «mardi».

    `None` gives `default` so that callers can pass optional dates straight through.
    """
    if value is None:
        return default
    day = _as_date(value)
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def french_time(value: dt.time | dt.datetime | None, default: str = "") -> str:
    """«9 h 00», «14 h 30» (French typography: spaces around «h»)."""
    if value is None:
        return default
    return f"{value.hour} h {value.minute:02d}"


def french_datetime(value: dt.datetime | None, *, weekday: bool = True, default: str = "") -> str:
    """«mardi 17 septembre 2024 à 14 h 30»."""
    if value is None:
        return default
    return f"{french_date(value, weekday=weekday)} à {french_time(value)}"


def short_date(value: dt.date | dt.datetime | None, default: str = "") -> str:
    """«17/09/2024», for tables where space is short."""
    if value is None:
        return default
    return f"{_as_date(value):%d/%m/%Y}"


def week_label(monday: dt.date) -> str:
    """«Semaine du 2 au 6 septembre 2024» (or «du 30 septembre au 4 octobre 2024», across years too)."""
    friday = monday + dt.timedelta(days=4)
    if monday.year != friday.year:
        return f"Semaine du {french_date(monday)} au {french_date(friday)}"
    if monday.month != friday.month:
        first = "1er" if monday.day == 1 else str(monday.day)
        return f"Semaine du {first} {MONTHS[monday.month - 1]} au {french_date(friday)}"
    first = "1er" if monday.day == 1 else str(monday.day)
    return f"Semaine du {first} au {french_date(friday)}"


def monday_of(value: dt.date) -> dt.date:
    return value - dt.timedelta(days=value.weekday())


def parse_french_date(text: str) -> dt.date:
    """Parse «17/09/2024» or «2024-09-17»; raises ValueError otherwise."""
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
