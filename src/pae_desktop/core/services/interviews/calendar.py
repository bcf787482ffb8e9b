"""The `.ics` export of a partner's slots: the events built from the database, the file written by
`io.icalendar`, the export audited (nominative or not) in the same operation."""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pae_desktop.core import audit
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign, InterviewSlot, Partner, SlotBooking
from pae_desktop.core.operations import AUDIT, Changes, changes
from pae_desktop.core.scheme import scheme_of
from pae_desktop.core.services.interviews.slots import active_booking
from pae_desktop.core.services.school import get_school
from pae_desktop.io.icalendar import SlotEvent, write_calendar


def _description(slot: InterviewSlot, school) -> str:
    details = []
    if slot.advisor is not None:
        details.append(f"Conseiller(ère) : {slot.advisor.full_name}")
    if school is not None:
        details.append(f"Établissement : {school.name} ({school.uai})")
        if school.phone:
            details.append(f"Contact : {school.phone}")
    if slot.note:
        details.append(slot.note)
    return "\n".join(details)


def partner_events(
    session: Session, partner_id: int, campaign_id: int, *, with_names: bool = True
) -> list[SlotEvent]:
    """The events of a partner's slots in a campaign, cancelled ones included (so calendars drop them)."""
    school = get_school(session)
    scheme_name = scheme_of(session.get(Campaign, campaign_id)).name
    slots = session.scalars(
        select(InterviewSlot)
        .where(InterviewSlot.partner_id == partner_id, InterviewSlot.campaign_id == campaign_id)
        .options(
            selectinload(InterviewSlot.advisor),
            selectinload(InterviewSlot.bookings).selectinload(SlotBooking.youth),
        )
        .order_by(InterviewSlot.starts_at)
    ).all()
    return slot_events(slots, school, scheme_name, with_names=with_names)


def slot_events(slots, school, scheme_name: str, *, with_names: bool = True) -> list[SlotEvent]:
    """The events of `slots` (bookings, youths and advisor loaded): one UID per slot, so that a calendar that
    imported them once updates them (and drops the cancelled ones) on the next import."""
    domain = f"{(school.uai if school else 'pae').lower()}.pae-desktop"
    events = []
    for slot in slots:
        booking = active_booking(slot)
        if booking is not None:
            who = booking.youth.display_name if with_names else "jeune réservé"
        else:
            who = "créneau libre"
        cancelled = sum(1 for b in slot.bookings if b.cancelled_at)
        events.append(
            SlotEvent(
                uid=f"creneau-{slot.id}@{domain}",
                starts_at=slot.starts_at,
                minutes=slot.duration_minutes,
                summary=f"Entretien {scheme_name} – {who}",
                location=slot.place,
                description=_description(slot, school),
                cancelled=slot.cancelled_at is not None,
                sequence=len(slot.bookings) + cancelled + (1 if slot.cancelled_at else 0),
            )
        )
    return events


def export_partner_calendar(
    session: Session,
    partner_id: int,
    campaign_id: int,
    target: str | os.PathLike,
    *,
    with_names: bool = True,
    now: dt.datetime | None = None,
) -> Changes:
    """Write a partner's slots of a campaign to an `.ics` file and record the export in the audit log (marked
    nominative when it names the youths booked); `count` is the number of events, `file` the file written."""
    audit.require_allowed(session, "export")  # a refused export writes no file
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise UserError("Ce partenaire n'existe plus dans l'annuaire.")
    events = partner_events(session, partner_id, campaign_id, with_names=with_names)
    if not events:
        raise UserError(f"Aucun créneau avec « {partner.name} » dans cette campagne.")
    scheme_name = scheme_of(session.get(Campaign, campaign_id)).name
    try:
        path = write_calendar(target, events, f"Entretiens {scheme_name} – {partner.name}", now)
    except OSError as error:
        raise UserError(f"Impossible d'écrire le fichier {target} : {error.strerror or error}.") from error
    audit.record(
        session,
        "export",
        "partner",
        partner_id,
        nominative=with_names,
        detail=f"iCalendar : {len(events)} créneaux",
    )
    return changes(AUDIT, ids={"partner": [partner_id]}, file=path, count=len(events))
