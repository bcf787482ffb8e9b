"""The interview day's operations (issue 17 §2), for the window («Préparer la journée…») and the command line
(`pae-desktop document journee`): the day's pack in one PDF, the convocations of a day or of a series in one PDF,
and the day's agenda as an `.ics`. Each records its print or export inside the caller's transaction (the print
operation's `record_print`, once per youth named) and returns `Changes`."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from pae_desktop.core import audit
from pae_desktop.core.dates import french_date
from pae_desktop.core.errors import UserError
from pae_desktop.core.operations import AUDIT, Changes, changes
from pae_desktop.core.operations.printing import (
    Progress,
    document_options,
    print_batch,
    record_print,
    school_info,
)
from pae_desktop.core.services import interview_day as day_records
from pae_desktop.core.vocabulary import DocumentKind

JOURNEE = DocumentKind.JOURNEE.value


def _none_booked(first: dt.date, last: dt.date | None) -> UserError:
    if last is None or last == first:
        return UserError(day_records.NO_BOOKING)
    return UserError(f"Aucun entretien réservé du {french_date(first)} au {french_date(last)}")


def print_interview_day(
    session,
    campaign_id: int,
    day: dt.date,
    target: str | os.PathLike,
    *,
    partner_id: int | None = None,
    agenda: bool = True,
    sheets: bool = True,
    convocations: bool = False,
    options: Any = None,
    progress: Progress | None = None,
) -> Changes:
    """The day's pack (agenda, pre-filled sheets, convocations when asked) of one Mission locale or of all, in
    one PDF; recorded once per youth booked (kind «journee»). `count` is the number of youths. UserError
    «Aucun entretien réservé ce jour-là» when the day has none: nothing written."""
    from pae_desktop.core.models import Campaign
    from pae_desktop.documents import journee

    record = day_records.interview_day_record(
        session,
        campaign_id,
        day,
        partner_id,
        agenda=agenda,
        sheets=sheets,
        convocations=convocations,
        progress=progress,
    )
    options = options or document_options(session, session.get(Campaign, campaign_id))
    target = Path(target)
    data = journee.render(target, school_info(session), record, options)
    rows = [record_print(session, JOURNEE, youth_id, data, target) for youth_id in record.youth_ids]
    return changes(AUDIT, ids={"generated_document": [r.id for r in rows]}, file=target, count=len(rows))


def print_convocations(
    session,
    campaign_id: int,
    first: dt.date,
    target: str | os.PathLike,
    *,
    last: dt.date | None = None,
    partner_id: int | None = None,
    options: Any = None,
    progress: Progress | None = None,
) -> Changes:
    """The convocation of every booking from `first` to `last` (a day, or the days of a series) with one
    Mission locale or all, in slot order, in one PDF: the print operation's batch of «convocation»."""
    from pae_desktop.core.models import Campaign

    bookings = day_records.day_bookings(session, campaign_id, first, last, partner_id)
    if not bookings:
        raise _none_booked(first, last)
    options = options or document_options(session, session.get(Campaign, campaign_id))
    items = [(b.youth_id, b.id) for b in bookings]
    return print_batch(session, DocumentKind.CONVOCATION.value, items, target, options, progress)


def export_day_calendar(
    session,
    campaign_id: int,
    day: dt.date,
    target: str | os.PathLike,
    *,
    partner_id: int | None = None,
    with_names: bool = True,
    now: dt.datetime | None = None,
) -> Changes:
    """The day's slots of one Mission locale or of all as an `.ics` (the same events, with the same UIDs, as the
    partner's whole export), recorded in the audit log (nominative when it names the youths)."""
    audit.require_allowed(session, "export")  # a refused export writes no file
    from pae_desktop.core.models import Campaign
    from pae_desktop.core.scheme import scheme_of
    from pae_desktop.core.services.interviews.calendar import slot_events
    from pae_desktop.core.services.school import get_school
    from pae_desktop.io.icalendar import write_calendar

    slots = day_records.day_slots(session, campaign_id, day, None, partner_id, include_cancelled=True)
    if not any(slot.cancelled_at is None for slot in slots):
        raise UserError(f"Aucun créneau le {french_date(day)}.")
    scheme_name = scheme_of(session.get(Campaign, campaign_id)).name
    events = slot_events(slots, get_school(session), scheme_name, with_names=with_names)
    name = f"Entretiens {scheme_name} – {french_date(day)}"
    try:
        path = write_calendar(target, events, name, now)
    except OSError as error:
        raise UserError(f"Impossible d'écrire le fichier {target} : {error.strerror or error}.") from error
    entity, entity_id = ("partner", partner_id) if partner_id is not None else ("campaign", campaign_id)
    detail = f"iCalendar : journée du {day.isoformat()}, {len(events)} créneaux"
    audit.record(session, "export", entity, entity_id, nominative=with_names, detail=detail)
    return changes(AUDIT, ids={entity: [entity_id]}, file=path, count=len(events))
