"""iCalendar (RFC 5545) writer of interview slots, for a Mission locale advisor's own calendar.

Pure: it takes `SlotEvent` records and writes text; the use case (which slots, the audit) is
`core.services.interviews.calendar.export_partner_calendar`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CRLF = "\r\n"
MAX_OCTETS = 75
TZID = "Europe/Paris"
PRODID = "-//PAE Desktop//Créneaux d'entretien//FR"

# Europe/Paris since 1996: CET (+01:00), CEST (+02:00) from the last Sunday of March to the last of October.
VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)


@dataclass(frozen=True)
class SlotEvent:
    """One slot as an event; `starts_at` is a naive local time in Europe/Paris (as the database stores it)."""

    uid: str
    starts_at: dt.datetime
    minutes: int
    summary: str
    location: str = ""
    description: str = ""
    cancelled: bool = False
    sequence: int = 0


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c for c in text if c == "\n" or c == "\t" or ord(c) >= 32)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (§3.1): CRLF and one space, never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size = " ", 1  # the continuation's leading space counts in its 75 octets
        current += char
        size += width
    out.append(current)
    return CRLF.join(out)


def _local(value: dt.datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def _utc(value: dt.datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%SZ")


def calendar(events: Iterable[SlotEvent], name: str = "", now: dt.datetime | None = None) -> str:
    """The whole VCALENDAR as text with CRLF line ends (write it as UTF-8 bytes, unchanged)."""
    stamp = _utc(now or dt.datetime.now(dt.UTC).replace(tzinfo=None))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
        lines.append(f"X-WR-TIMEZONE:{TZID}")
    lines += VTIMEZONE
    for event in events:
        end = event.starts_at + dt.timedelta(minutes=event.minutes)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;TZID={TZID}:{_local(event.starts_at)}",
            f"DTEND;TZID={TZID}:{_local(end)}",
            f"SEQUENCE:{event.sequence}",
            f"SUMMARY:{escape(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape(event.description)}")
        lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
        lines.append("TRANSP:OPAQUE")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


def unfold(text: str) -> list[str]:
    """The content lines of an iCalendar text (folding undone): the inverse of `fold`, for checks and tests."""
    lines: list[str] = []
    for raw in text.split(CRLF):
        if raw.startswith((" ", "\t")) and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def unescape(value: str) -> str:
    out = []
    chars = iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def write_calendar(
    target: str | os.PathLike, events: list[SlotEvent], name: str = "", now: dt.datetime | None = None
) -> Path:
    """Write the calendar of `events` to `target` as UTF-8 bytes (CRLF kept); OSError when it cannot."""
    path = Path(target)
    path.write_bytes(calendar(events, name, now).encode("utf-8"))
    return path
