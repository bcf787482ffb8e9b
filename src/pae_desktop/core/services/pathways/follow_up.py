"""Follow-up of a pathway: dated events with their next action, absences and the attendance alert."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import attendance, audit, rules
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import FollowUpEvent, Youth
from pae_desktop.core.operations import PATHWAYS, Changes, changes, load_for_update
from pae_desktop.core.services.deletions import snapshot
from pae_desktop.core.services.pathways.context import (
    MAX_HALF_DAYS,
    MAX_NOTES,
    _d,
    _text_error,
    write_fields,
)
from pae_desktop.core.vocabulary import FollowUpKind

GONE = "Cet événement de suivi n'existe plus."
ATTENDANCE_ACTION = "Assiduité : faire le point avec le jeune et prévenir le service des bourses"


@dataclass
class FollowUpForm:
    on: dt.date
    kind: str
    note: str = ""
    next_action: str = ""
    due_on: dt.date | None = None
    done_on: dt.date | None = None
    absence_half_days: int = 0
    absence_justified: bool = False

    def errors(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if FollowUpKind.from_code(self.kind) is None:
            problems["kind"] = "Type d'événement : choisissez-le dans la liste."
        if self.kind == FollowUpKind.ABSENCE:
            if not 1 <= self.absence_half_days <= MAX_HALF_DAYS:
                problems["absence_half_days"] = (
                    f"Absence : nombre de demi-journées entre 1 et {MAX_HALF_DAYS}."
                )
        elif self.absence_half_days:
            problems["absence_half_days"] = (
                "Demi-journées d'absence : seulement pour un événement « Absence »."
            )
        if self.due_on is not None and self.due_on < self.on:
            problems["due_on"] = (
                f"Échéance : le {_d(self.due_on)} précède la date de l'événement ({_d(self.on)})."
            )
        if self.done_on is not None and self.done_on < self.on:
            problems["done_on"] = (
                f"Fait le : le {_d(self.done_on)} précède la date de l'événement ({_d(self.on)})."
            )
        if self.due_on is None and self.next_action.strip() and self.done_on is None:
            problems["due_on"] = (
                "Échéance : donnez une date à l'action suivante, pour qu'elle apparaisse dans les listes."
            )
        if (error := _text_error("Action suivante", self.next_action)) is not None:
            problems["next_action"] = error
        if (error := _text_error("Note", self.note, MAX_NOTES)) is not None:
            problems["note"] = error
        return problems


@dataclass(frozen=True)
class FollowUpChanges(Changes):
    """What recording a follow-up event did, plus the event, the youth's unjustified half-days after it and the
    attendance alert when they exceed 30 (also among the warnings)."""

    event_id: int = 0
    unjustified_half_days: int = 0
    alert: str | None = None


# The result's former name, kept for the callers that still say it.
FollowUpResult = FollowUpChanges

_FOLLOW_UP_FIELDS = (
    "on",
    "kind",
    "note",
    "next_action",
    "due_on",
    "done_on",
    "absence_half_days",
    "absence_justified",
)


def save_follow_up(
    session: Session,
    youth_id: int,
    form: FollowUpForm,
    event_id: int | None = None,
    version: int | None = None,
) -> FollowUpChanges:
    """Record (or edit, the event at the `version` the user loaded) a follow-up event; crossing 30 unjustified
    half-days of absence records an «Alerte» whose next action shows in the worklists."""
    problems = form.errors()
    if problems:
        raise UserError("\n".join(problems.values()))
    if session.get(Youth, youth_id) is None:
        raise UserError("Ce jeune n'existe plus dans la base.")
    values = {name: getattr(form, name) for name in _FOLLOW_UP_FIELDS}
    values["note"], values["next_action"] = form.note.strip(), form.next_action.strip()
    before = _unjustified_of(session, youth_id)
    if event_id is None:
        event = FollowUpEvent(youth_id=youth_id, **values)
        session.add(event)
        session.flush()
        audit.record(session, "create", "follow_up_event", event.id, detail=f"jeune {youth_id}")
    else:
        event = load_for_update(session, FollowUpEvent, event_id, version, GONE)
        if event.youth_id != youth_id:
            raise UserError(GONE)
        write_fields(session, event, "follow_up_event", values)
    session.flush()
    total = _unjustified_of(session, youth_id)
    alert, alert_ids = record_attendance_alert(session, youth_id, before, total, form.on)
    written = [event.id, *alert_ids]
    return FollowUpChanges(
        topics=frozenset({PATHWAYS}),
        ids={"follow_up_event": tuple(written)},
        versions={"follow_up_event": event.version},
        warnings=(alert,) if alert else (),
        event_id=event.id,
        unjustified_half_days=total,
        alert=alert,
    )


def record_attendance_alert(
    session: Session, youth_id: int, before: int, total: int, on: dt.date
) -> tuple[str | None, list[int]]:
    """The attendance alert of `total` unjustified half-days (None under 31) and, when a save crosses 30 (from
    `before`), the «Alerte» event it records on `on`, whose next action shows in the worklists (its id)."""
    alert = rules.attendance_warning(total)
    if not alert or rules.attendance_alert(before):
        return alert, []
    warning = FollowUpEvent(
        youth_id=youth_id,
        on=on,
        kind=FollowUpKind.ALERTE.value,
        note=alert,
        next_action=ATTENDANCE_ACTION,
        due_on=on,
    )
    session.add(warning)
    session.flush()
    audit.record(session, "create", "follow_up_event", warning.id, detail=f"jeune {youth_id}, alerte assiduité")
    return alert, [warning.id]


def _unjustified_of(session: Session, youth_id: int) -> int:
    return attendance.youth_totals(session, youth_id).unjustified


def mark_follow_up_done(
    session: Session, event_id: int, on: dt.date | None = None, version: int | None = None
) -> Changes:
    """The event's next action done (today by default), on the event as the user loaded it."""
    event = load_for_update(session, FollowUpEvent, event_id, version, GONE)
    on = on or dt.date.today()
    if on < event.on:
        raise UserError(f"Fait le : le {_d(on)} précède la date de l'événement ({_d(event.on)}).")
    write_fields(session, event, "follow_up_event", {"done_on": on})
    session.flush()
    return changes(
        PATHWAYS, ids={"follow_up_event": (event.id,)}, versions={"follow_up_event": event.version}
    )


def delete_follow_up(session: Session, event_id: int, version: int | None = None) -> Changes:
    event = load_for_update(session, FollowUpEvent, event_id, version, GONE)
    label = f"l'événement de suivi « {FollowUpKind.label_of(event.kind)} » du {_d(event.on)}"
    gone = snapshot(event, label)
    audit.record(session, "delete", "follow_up_event", event.id, detail=f"jeune {event.youth_id}")
    session.delete(event)
    session.flush()
    return changes(PATHWAYS, ids={"follow_up_event": (event_id,)}, deleted=[gone])


def follow_ups(session: Session, youth_id: int) -> list[FollowUpEvent]:
    return list(
        session.scalars(
            select(FollowUpEvent)
            .where(FollowUpEvent.youth_id == youth_id)
            .order_by(FollowUpEvent.on, FollowUpEvent.id)
        )
    )


def attendance_alerts(session: Session, campaign_id: int) -> dict[int, int]:
    """Youths of a campaign whose unjustified absences (events and grid) exceed 30 half-days → their total."""
    totals = attendance.unjustified_by_youth(session, campaign_id)
    return {youth_id: total for youth_id, total in totals.items() if rules.attendance_alert(total)}
