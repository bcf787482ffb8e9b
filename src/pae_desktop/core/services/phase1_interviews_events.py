"""Recording phase 1 «AvenirPro», second half: the volunteers' individual interviews and the events (salons,
visites d'entreprise, forums de recrutement) with who went. Same contract as `core.services.phase1`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pae_desktop.core.dates import short_date
from pae_desktop.core.models import Phase1Event, Phase1EventParticipant, Phase1Interview, Youth
from pae_desktop.core.services.phase1 import (
    MAX_NOTE,
    Phase1Change,
    begin_save,
    campaign_students,
    date_error,
    delete_record,
    finish_save,
    load_versioned,
    partner_errors,
    require_phase1,
    sync_collection,
    text_error,
)
from pae_desktop.core.vocabulary import Phase1EventKind

MAX_PLACE = 300
INTERVIEW_GONE = "Cet entretien individuel a été supprimé entre-temps."
EVENT_GONE = "Cet événement a été supprimé entre-temps."


def _campaign_youth_error(session: Session, campaign_id: int, youth_ids) -> str:
    """ "" when every id is a student of the campaign (not anonymised)."""
    ids = set(youth_ids)
    if not ids:
        return ""
    found = set(
        session.scalars(
            select(Youth.id).where(
                Youth.id.in_(ids), Youth.campaign_id == campaign_id, Youth.anonymised_at.is_(None)
            )
        )
    )
    missing = len(ids - found)
    return f"{missing} élève(s) choisi(s) ne font pas partie de cette campagne." if missing else ""


# --- individual interviews ---------------------------------------------------------------------------------


@dataclass
class InterviewForm:
    youth_id: int | None = None
    held_on: dt.date | None = None
    partner_id: int | None = None
    advisor_id: int | None = None
    note: str = ""


def interview_errors(session: Session, campaign, form: InterviewForm) -> dict[str, str]:
    problems = {}
    if form.youth_id is None:
        problems["youth_id"] = "Choisissez l'élève reçu(e) en entretien."
    elif error := _campaign_youth_error(session, campaign.id, [form.youth_id]):
        problems["youth_id"] = error
    if error := date_error(form.held_on, campaign, "de l'entretien"):
        problems["held_on"] = error
    problems |= partner_errors(session, form.partner_id, form.advisor_id, "la structure qui reçoit l'élève")
    if error := text_error(form.note, "La note", MAX_NOTE):
        problems["note"] = error
    return problems


def save_interview(
    session: Session,
    campaign_id: int,
    form: InterviewForm,
    interview_id: int | None = None,
    version: int | None = None,
) -> Phase1Change:
    """Create an individual interview, or update one with the version the user loaded."""
    campaign = require_phase1(session, campaign_id)
    interview, created, changed = begin_save(
        session,
        campaign,
        Phase1Interview,
        "phase1_interview",
        interview_id,
        version,
        INTERVIEW_GONE,
        lambda: interview_errors(session, campaign, form),
        lambda: {
            "youth_id": form.youth_id,
            "held_on": form.held_on,
            "partner_id": form.partner_id,
            "advisor_id": form.advisor_id,
            "note": form.note.strip(),
        },
    )
    return finish_save(session, interview, "phase1_interview", created, changed, f"jeune {form.youth_id}")


def delete_interview(session: Session, interview_id: int, version: int | None = None) -> Phase1Change:
    return delete_record(
        session,
        Phase1Interview,
        "phase1_interview",
        interview_id,
        version,
        "Cet entretien a déjà été supprimé.",
        lambda i: f"{short_date(i.held_on)}, jeune {i.youth_id}",
    )


def interview_form(session: Session, interview_id: int) -> tuple[InterviewForm, int]:
    interview = load_versioned(session, Phase1Interview, interview_id, None, INTERVIEW_GONE)
    form = InterviewForm(
        interview.youth_id, interview.held_on, interview.partner_id, interview.advisor_id, interview.note
    )
    return form, interview.version


@dataclass(frozen=True, slots=True)
class InterviewRow:
    id: int
    version: int
    held_on: dt.date
    youth_id: int
    student: str
    division: str
    partner: str
    advisor: str
    note: str


def list_interviews(session: Session, campaign_id: int) -> list[InterviewRow]:
    """The campaign's individual interviews, the most recent first."""
    students = {s.id: s for s in campaign_students(session, campaign_id)}
    rows = []
    for interview in session.scalars(
        select(Phase1Interview).where(Phase1Interview.campaign_id == campaign_id)
    ):
        student = students.get(interview.youth_id)
        rows.append(
            InterviewRow(
                interview.id,
                interview.version,
                interview.held_on,
                interview.youth_id,
                student.name if student else "(dossier anonymisé)",
                student.division if student else "",
                interview.partner.name if interview.partner else "",
                interview.advisor.full_name if interview.advisor else "",
                interview.note,
            )
        )
    return sorted(rows, key=lambda r: (r.held_on, r.id), reverse=True)


# --- events ------------------------------------------------------------------------------------------------


@dataclass
class EventForm:
    held_on: dt.date | None = None
    kind: str = Phase1EventKind.SALON.value
    title: str = ""
    place: str = ""
    note: str = ""
    participants: list[int] = field(default_factory=list)


def event_errors(session: Session, campaign, form: EventForm) -> dict[str, str]:
    problems = {}
    if error := date_error(form.held_on, campaign, "de l'événement"):
        problems["held_on"] = error
    if Phase1EventKind.from_code(form.kind) is None:
        problems["kind"] = "Choisissez le type d'événement."
    if error := text_error(form.title, "L'intitulé"):
        problems["title"] = error
    if error := text_error(form.place, "Le lieu", MAX_PLACE):
        problems["place"] = error
    if error := text_error(form.note, "La note", MAX_NOTE):
        problems["note"] = error
    if error := _campaign_youth_error(session, campaign.id, form.participants):
        problems["participants"] = error
    return problems


def save_event(
    session: Session,
    campaign_id: int,
    form: EventForm,
    event_id: int | None = None,
    version: int | None = None,
) -> Phase1Change:
    """Create an event with its participants, or update one with the version the user loaded."""
    campaign = require_phase1(session, campaign_id)
    event, created, changed = begin_save(
        session,
        campaign,
        Phase1Event,
        "phase1_event",
        event_id,
        version,
        EVENT_GONE,
        lambda: event_errors(session, campaign, form),
        lambda: {
            "held_on": form.held_on,
            "kind": form.kind,
            "title": " ".join(form.title.split()),
            "place": " ".join(form.place.split()),
            "note": form.note.strip(),
        },
    )
    old, new = sync_collection(
        session,
        event,
        "phase1_event",
        "participants",
        "youth_id",
        form.participants,
        lambda y: Phase1EventParticipant(youth_id=y),
        created,
        "title",
        " ",
    )
    if old != new:
        changed += ("participants",)
    return finish_save(
        session, event, "phase1_event", created, changed, f"{short_date(form.held_on)} {len(new)} participant(s)"
    )


def delete_event(session: Session, event_id: int, version: int | None = None) -> Phase1Change:
    return delete_record(
        session,
        Phase1Event,
        "phase1_event",
        event_id,
        version,
        "Cet événement a déjà été supprimé.",
        lambda e: f"{short_date(e.held_on)} {e.title or Phase1EventKind.label_of(e.kind)}",
    )


def event_form(session: Session, event_id: int) -> tuple[EventForm, int]:
    event = load_versioned(session, Phase1Event, event_id, None, EVENT_GONE)
    form = EventForm(
        event.held_on,
        event.kind,
        event.title,
        event.place,
        event.note,
        sorted(p.youth_id for p in event.participants),
    )
    return form, event.version


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    version: int
    held_on: dt.date
    kind: str
    kind_label: str
    title: str
    place: str
    participants: int


def list_events(session: Session, campaign_id: int) -> list[EventRow]:
    """The campaign's events, the most recent first, with how many students went."""
    counts = dict(
        session.execute(
            select(Phase1EventParticipant.event_id, func.count())
            .join(Phase1Event, Phase1Event.id == Phase1EventParticipant.event_id)
            .where(Phase1Event.campaign_id == campaign_id)
            .group_by(Phase1EventParticipant.event_id)
        ).all()
    )
    rows = [
        EventRow(
            e.id,
            e.version,
            e.held_on,
            e.kind,
            Phase1EventKind.label_of(e.kind),
            e.title,
            e.place,
            int(counts.get(e.id, 0)),
        )
        for e in session.scalars(select(Phase1Event).where(Phase1Event.campaign_id == campaign_id))
    ]
    return sorted(rows, key=lambda r: (r.held_on, r.id), reverse=True)
