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


# The same writing in Qt's time and date-time fields (Qt's display-format syntax: quoted text is literal).
QT_TIME_FORMAT = "H' h 'mm"
QT_DATETIME_FORMAT = "dd/MM/yyyy H' h 'mm"


def french_time(value: dt.time | dt.datetime | str | None, default: str = "") -> str:
    """«9 h 00», «14 h 30» (French typography: spaces around «h»): every time a person reads. A time stored as
    «HH:MM» text (phase 1 workshops) is written alike; other text is given back as it is."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        try:
            value = dt.time.fromisoformat(value.strip())
        except ValueError:
            return value
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


def short_datetime(value: dt.datetime | None, default: str = "", *, joiner: str = " ") -> str:
    """«27/08/2025 14 h 30» for tables; `joiner=" à "` for sentences («le 27/08/2025 à 14 h 30»)."""
    if value is None:
        return default
    return f"{short_date(value)}{joiner}{french_time(value)}"


def day_and_time(value: dt.datetime, joiner: str = " à ") -> str:
    """«27/08 à 14 h 30»: the day without its year (this campaign's lists), then the time."""
    return f"{value:%d/%m}{joiner}{french_time(value)}"


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
    """The one parser of typed dates: «17/09/2024», «17/9/2024», «17-09-2024», «17.09.2024», «17/09/24», typed
    without separators («17092024», «170924») or ISO («2024-09-17»). Anything else raises ValueError with a
    French message («« x » n'est pas une date au format JJ/MM/AAAA.», «Le 31/02/2024 n'existe pas.»)."""
    text = text.strip().replace("_", "").strip("/ ")
    parts = [p for p in text.replace("-", "/").replace(".", "/").replace(" ", "/").split("/") if p]
    if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) in (6, 8):
        digits = parts[0]
        parts = [digits[:2], digits[2:4], digits[4:]]
    if len(parts) == 3 and len(parts[0]) == 4:  # ISO: year first
        parts = [parts[2], parts[1], parts[0]]
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) not in (2, 4):
        raise ValueError(f"« {text} » n'est pas une date au format JJ/MM/AAAA.")
    day, month, year = (int(p) for p in parts)
    if len(parts[2]) == 2:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"Le {day:02d}/{month:02d}/{year} n'existe pas.") from None
