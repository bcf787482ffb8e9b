"""Saving and deleting an interview record: one operation each, version checked, audited, changes returned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    Campaign,
    FollowUpEvent,
    Interview,
    InterviewBarrier,
    InterviewParticipant,
    Partner,
    Person,
    Youth,
)
from pae_desktop.core.operations import INTERVIEWS, SLOTS, YOUTHS, Changes, bump, changes, load_for_update
from pae_desktop.core.services.interviews.record import (
    INTERVIEW_GONE,
    RELANCE_ACTION,
    InterviewForm,
    _open_relance,
    interview_form,
    load_interview,
)
from pae_desktop.core.services.interviews.slots import get_slot
from pae_desktop.core.vocabulary import Barrier, Decision, FollowUpKind

# the fields whose change is written to the audit log, old and new values
_AUDITED = ("decision", "decided_on", "held_on")


@dataclass(frozen=True)
class InterviewSaveResult(Changes):
    """The changes of a saved record; `field_warnings` are the form's warnings by field (also in `warnings`)."""

    interview_id: int = 0
    created: bool = False
    field_warnings: dict[str, str] = field(default_factory=dict)
    follow_up_id: int | None = None


def _checked_youth(session: Session, form: InterviewForm) -> Youth:
    """The youth of the form, refused when gone or anonymised; the slot and participants still exist."""
    youth = session.get(Youth, form.youth_id)
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base.")
    if youth.anonymised_at is not None:
        raise UserError("Ce dossier est anonymisé : il ne peut plus être modifié.")
    if form.slot_id is not None:
        slot = get_slot(session, form.slot_id)
        if slot.campaign_id != youth.campaign_id:
            raise UserError("Ce créneau appartient à une autre campagne.")
        others = [b for b in slot.bookings if b.cancelled_at is None and b.youth_id != youth.id]
        if others:
            raise UserError("Ce créneau est réservé pour un autre jeune.")
    for p in form.participants:
        if p.person_id is not None and session.get(Person, p.person_id) is None:
            raise UserError("Un participant n'existe plus dans l'annuaire : choisissez-le à nouveau.")
        if p.partner_id is not None and session.get(Partner, p.partner_id) is None:
            raise UserError("Un partenaire participant n'existe plus dans l'annuaire.")
    return youth


def _values(form: InterviewForm) -> dict[str, object]:
    """The interview's columns as the form sets them (texts trimmed, the decision dated)."""
    return {
        "held_on": form.held_on,
        "slot_id": form.slot_id,
        "place": form.place.strip(),
        "modality": form.modality,
        "situation": form.situation.strip(),
        "school_path": form.school_path.strip(),
        "pfmp_done": form.pfmp_done.strip(),
        "project": form.project,
        "trades_sought": form.trades_sought.strip(),
        "area_sought": form.area_sought.strip(),
        "other_barrier": form.other_barrier.strip() if Barrier.AUTRE.value in form.barriers else "",
        "proposals": form.proposals.strip(),
        "decision": form.decision,
        "decided_on": form.decided_on or (form.held_on if form.decision else None),
        "refusal_reason": form.refusal_reason.strip(),
        "notice_given_on": form.notice_given_on,
        "notes": form.notes.strip(),
    }


def _write(session: Session, interview: Interview, form: InterviewForm, created: bool) -> None:
    """The columns (the audited ones logged when they change), the participants and the barriers."""
    for name, value in _values(form).items():
        old = getattr(interview, name)
        if not created and old != value and name in _AUDITED:
            audit.record(session, "update", "interview", interview.id, field=name, old=old, new=value)
        setattr(interview, name, value)
    wanted = [(p.role, p.person_id, p.name.strip(), p.partner_id) for p in form.participants]
    if wanted != [(p.role, p.person_id, p.name, p.partner_id) for p in interview.participants]:
        interview.participants.clear()
        for role, person_id, name, partner_id in wanted:
            if partner_id is None and person_id is not None:
                partner_id = session.get(Person, person_id).partner_id
            interview.participants.append(
                InterviewParticipant(role=role, person_id=person_id, name=name, partner_id=partner_id)
            )
    wanted_barriers = set(form.barriers)
    current_barriers = {b.barrier for b in interview.barriers}
    if wanted_barriers != current_barriers:
        for barrier in list(interview.barriers):
            if barrier.barrier not in wanted_barriers:
                interview.barriers.remove(barrier)
        for code in sorted(wanted_barriers - current_barriers):
            interview.barriers.append(InterviewBarrier(barrier=code))


def save_interview(
    session: Session,
    form: InterviewForm,
    interview_id: int | None = None,
    today: dt.date | None = None,
    *,
    version: int | None = None,
) -> InterviewSaveResult:
    """Create or update an interview record; refused whole (UserError) on errors, and when the record was
    changed elsewhere since the user loaded it (`version`: the conflict message).

    The decision feeds the derived stage (core.stage); «Souhaite réfléchir» opens (or moves) a follow-up of
    kind «Relance après réflexion» due on `follow_up_on`, which the worklists show; another decision closes it.
    Participants, barriers and the follow-up date belong to the record: a change to them alone moves its version.
    """
    today = today or dt.date.today()
    problems = form.errors(today)
    if problems:
        raise UserError("\n".join(problems.values()))
    youth = _checked_youth(session, form)
    created = interview_id is None
    if created:
        interview = Interview(youth_id=youth.id, held_on=form.held_on)
        session.add(interview)
        before, loaded_version = None, None
    else:
        load_for_update(session, Interview, interview_id, version, INTERVIEW_GONE)
        interview = load_interview(session, interview_id)
        if interview.youth_id != youth.id:
            raise UserError("Cette fiche appartient à un autre jeune.")
        before, loaded_version = interview_form(interview), interview.version
    _write(session, interview, form, created)
    session.flush()
    if created:
        audit.record(session, "create", "interview", interview.id, detail=f"jeune {youth.id}")
    follow_up_id = _sync_relance(session, youth, form, interview.decided_on or form.held_on, today)
    if before is not None and interview.version == loaded_version and interview_form(interview) != before:
        bump(interview)  # the children alone changed: the record's version moves all the same
        session.flush()
    warnings = form.warnings(session.get(Campaign, youth.campaign_id))
    return InterviewSaveResult(
        topics=frozenset({INTERVIEWS, YOUTHS, SLOTS}),
        ids={"interview": (interview.id,), "youth": (youth.id,)},
        versions={"interview": interview.version},
        warnings=tuple(warnings.values()),
        interview_id=interview.id,
        created=created,
        field_warnings=warnings,
        follow_up_id=follow_up_id,
    )


def _sync_relance(
    session: Session, youth: Youth, form: InterviewForm, on: dt.date, today: dt.date
) -> int | None:
    session.refresh(youth, ["follow_ups"])
    open_relance = _open_relance(youth)
    if form.decision == Decision.REFLEXION:
        if open_relance is None:
            open_relance = FollowUpEvent(
                youth_id=youth.id,
                on=on,
                kind=FollowUpKind.RELANCE.value,
                next_action=RELANCE_ACTION,
                due_on=form.follow_up_on,
            )
            session.add(open_relance)
            session.flush()
            audit.record(session, "create", "follow_up_event", open_relance.id, detail=f"jeune {youth.id}")
        elif open_relance.due_on != form.follow_up_on:
            open_relance.due_on = form.follow_up_on
        return open_relance.id
    if open_relance is not None:  # the youth decided: the reminder is done
        open_relance.done_on = today
    return None


def delete_interview(session: Session, interview_id: int, version: int | None = None) -> Changes:
    """Delete a record typed by mistake (the stage falls back on what remains); audited."""
    interview = load_for_update(session, Interview, interview_id, version, INTERVIEW_GONE)
    youth_id = interview.youth_id
    audit.record(session, "delete", "interview", interview.id, detail=f"jeune {youth_id}")
    session.delete(interview)
    session.flush()
    return changes(INTERVIEWS, YOUTHS, SLOTS, ids={"interview": [interview_id], "youth": [youth_id]})
