"""iCalendar (RFC 5545) export of a Mission locale's interview slots, for the advisor's own calendar."""

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


# --- from the database ---------------------------------------------------------------------------------------


def partner_events(session, partner_id: int, campaign_id: int, *, with_names: bool = True) -> list[SlotEvent]:
    """The events of a partner's slots in a campaign, cancelled ones included (so calendars drop them)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from pae_desktop.core.models import Campaign, InterviewSlot, School, SlotBooking
    from pae_desktop.core.scheme import scheme_of

    school = session.scalars(select(School).limit(1)).first()
    scheme_name = scheme_of(session.get(Campaign, campaign_id)).name
    domain = f"{(school.uai if school else 'pae').lower()}.pae-desktop"
    slots = session.scalars(
        select(InterviewSlot)
        .where(InterviewSlot.partner_id == partner_id, InterviewSlot.campaign_id == campaign_id)
        .options(
            selectinload(InterviewSlot.advisor),
            selectinload(InterviewSlot.bookings).selectinload(SlotBooking.youth),
        )
        .order_by(InterviewSlot.starts_at)
    ).all()
    events = []
    for slot in slots:
        active = next((b for b in slot.bookings if b.cancelled_at is None), None)
        if active is not None:
            youth = active.youth
            who = youth.display_name if with_names else "jeune réservé"
            summary = f"Entretien {scheme_name} – {who}"
        else:
            summary = f"Entretien {scheme_name} – créneau libre"
        details = []
        if slot.advisor is not None:
            details.append(f"Conseiller(ère) : {slot.advisor.full_name}")
        if school is not None:
            details.append(f"Établissement : {school.name} ({school.uai})")
            if school.phone:
                details.append(f"Contact : {school.phone}")
        if slot.note:
            details.append(slot.note)
        sequence = len(slot.bookings) + sum(1 for b in slot.bookings if b.cancelled_at) + (1 if slot.cancelled_at else 0)
        events.append(
            SlotEvent(
                uid=f"creneau-{slot.id}@{domain}",
                starts_at=slot.starts_at,
                minutes=slot.duration_minutes,
                summary=summary,
                location=slot.place,
                description="\n".join(details),
                cancelled=slot.cancelled_at is not None,
                sequence=sequence,
            )
        )
    return events


def export_partner_slots(
    session,
    partner_id: int,
    campaign_id: int,
    target: str | os.PathLike,
    *,
    with_names: bool = True,
    now: dt.datetime | None = None,
) -> int:
    """Write a partner's slots to an `.ics` file and record the export in the audit log; returns the event count."""
    from pae_desktop.core import audit
    from pae_desktop.core.errors import UserError
    from pae_desktop.core.models import Campaign, Partner
    from pae_desktop.core.scheme import scheme_of

    partner = session.get(Partner, partner_id)
    if partner is None:
        raise UserError("Ce partenaire n'existe plus dans l'annuaire.")
    events = partner_events(session, partner_id, campaign_id, with_names=with_names)
    if not events:
        raise UserError(f"Aucun créneau avec « {partner.name} » dans cette campagne.")
    scheme_name = scheme_of(session.get(Campaign, campaign_id)).name
    text = calendar(events, f"Entretiens {scheme_name} – {partner.name}", now)
    path = Path(target)
    try:
        path.write_bytes(text.encode("utf-8"))
    except OSError as error:
        raise UserError(f"Impossible d'écrire le fichier {path} : {error.strerror or error}.") from error
    audit.record(
        session,
        "export",
        "partner",
        partner_id,
        nominative=with_names,
        detail=f"iCalendar : {len(events)} créneaux",
    )
    return len(events)
