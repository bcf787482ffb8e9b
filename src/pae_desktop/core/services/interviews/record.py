"""The interview record («fiche d'entretien»): its form, validated whole, and how it is loaded and prefilled."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pae_desktop.core import settings
from pae_desktop.core.dates import french_date
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    Campaign,
    FollowUpEvent,
    Interview,
    InterviewParticipant,
    Person,
    Youth,
)
from pae_desktop.core.services.interviews.bookings import _pending_booking
from pae_desktop.core.services.interviews.slots import get_slot
from pae_desktop.core.vocabulary import (
    Barrier,
    Decision,
    Diploma,
    ExamResult,
    FollowUpKind,
    Project,
    Role,
)

MAX_TEXT = 10_000
MAX_SHORT = 300
MODALITIES = ("En présentiel", "Par téléphone", "En visioconférence")
DEFAULT_REFLECTION_DAYS = 7
RELANCE_ACTION = "Relancer après réflexion : connaître sa décision"
INTERVIEW_GONE = "Cette fiche d'entretien n'existe plus."


@dataclass
class ParticipantForm:
    role: str = Role.RDS.value
    person_id: int | None = None
    name: str = ""  # when the person is not in the directory
    partner_id: int | None = None


@dataclass
class InterviewForm:
    """Every field of the «fiche d'entretien» (domain.md §5). `errors()` refuses the save, `warnings()` shows."""

    youth_id: int
    held_on: dt.date | None = None
    slot_id: int | None = None
    place: str = ""
    modality: str = MODALITIES[0]
    participants: list[ParticipantForm] = field(default_factory=list)
    situation: str = ""
    school_path: str = ""
    pfmp_done: str = ""
    project: str = ""
    trades_sought: str = ""
    area_sought: str = ""
    barriers: set[str] = field(default_factory=set)
    other_barrier: str = ""
    proposals: str = ""
    decision: str = ""
    decided_on: dt.date | None = None
    refusal_reason: str = ""
    notice_given_on: dt.date | None = None
    notes: str = ""
    # «Souhaite réfléchir»: the date on which to call the youth back (a follow-up in the worklists).
    follow_up_on: dt.date | None = None

    @property
    def ml_present(self) -> bool:
        return any(p.role == Role.ML for p in self.participants)

    def errors(self, today: dt.date | None = None) -> dict[str, str]:
        today = today or dt.date.today()
        problems: dict[str, str] = {}
        if self.held_on is None:
            problems["held_on"] = "La date de l'entretien est obligatoire."
        elif self.held_on > today:
            problems["held_on"] = (
                "La date de l'entretien est dans le futur : la fiche se remplit après l'entretien."
            )
        elif self.held_on.year < 2023:
            problems["held_on"] = "La date de l'entretien est antérieure à la création du dispositif (2023)."
        if self.modality and self.modality not in MODALITIES:
            problems["modality"] = "Modalité inconnue."
        if not self.participants:
            problems["participants"] = "Indiquez au moins un participant."
        for index, p in enumerate(self.participants, start=1):
            if Role.from_code(p.role) is None:
                problems["participants"] = f"Participant {index} : choisissez son rôle."
            elif p.person_id is None and not p.name.strip():
                problems["participants"] = f"Participant {index} : choisissez une personne ou tapez son nom."
            elif len(p.name) > 200:
                problems["participants"] = f"Participant {index} : le nom est limité à 200 caractères."
        if self.project and Project.from_code(self.project) is None:
            problems["project"] = "Projet inconnu."
        unknown = [b for b in self.barriers if Barrier.from_code(b) is None]
        if unknown:
            problems["barriers"] = "Frein inconnu : " + ", ".join(sorted(unknown))
        if self.other_barrier.strip() and Barrier.AUTRE.value not in self.barriers:
            problems["other_barrier"] = (
                "Cochez « Autre » pour préciser un autre frein, ou effacez la précision."
            )
        if self.decision and Decision.from_code(self.decision) is None:
            problems["decision"] = "Décision inconnue."
        if self.decision == Decision.REFUS and not self.refusal_reason.strip():
            problems["refusal_reason"] = "Indiquez le motif du refus."
        if not self.decision and self.decided_on is not None:
            problems["decided_on"] = "Une date de décision sans décision : choisissez la décision."
        if self.decided_on and self.held_on and self.decided_on < self.held_on:
            problems["decided_on"] = "La décision ne peut précéder l'entretien."
        if self.decided_on and self.decided_on > today:
            problems["decided_on"] = "La date de décision est dans le futur."
        if self.decision == Decision.REFLEXION:
            if self.follow_up_on is None:
                problems["follow_up_on"] = "« Souhaite réfléchir » : indiquez la date à laquelle le relancer."
            elif self.held_on and self.follow_up_on < self.held_on:
                problems["follow_up_on"] = "La date de relance ne peut précéder l'entretien."
        if self.notice_given_on and self.notice_given_on > today:
            problems["notice_given_on"] = "La date de remise de la notice est dans le futur."
        for name in ("place", "trades_sought", "area_sought", "other_barrier"):
            if len(getattr(self, name).strip()) > MAX_SHORT:
                problems[name] = f"Ce champ est limité à {MAX_SHORT} caractères."
        for name in ("situation", "school_path", "pfmp_done", "proposals", "refusal_reason", "notes"):
            value = getattr(self, name)
            if len(value) > MAX_TEXT:
                problems[name] = f"Ce champ est limité à {MAX_TEXT} caractères."
            elif "\x00" in value:
                problems[name] = "Ce champ contient un caractère nul : retapez-le."
        return problems

    def warnings(self, campaign: Campaign | None) -> dict[str, str]:
        notes: dict[str, str] = {}
        if campaign is not None and self.held_on and self.held_on > campaign.interview_deadline:
            notes["held_on"] = f"Entretien après la date cible du {french_date(campaign.interview_deadline)}."
        if self.participants and not self.ml_present:
            notes["participants"] = "La Mission locale n'était pas présente à cet entretien."
        if self.decision == Decision.ENGAGE and self.notice_given_on is None:
            notes["notice_given_on"] = "Pensez à remettre la notice d'information (RGPD) au jeune."
        return notes


def _schooling_summary(youth: Youth) -> str:
    schooling = youth.schooling
    if schooling is None:
        return ""
    parts = []
    if schooling.division:
        parts.append(f"Terminale {schooling.division}")
    diploma = Diploma.label_of(schooling.diploma)
    if diploma:
        parts.append(f"{diploma} {schooling.speciality}".strip())
    if schooling.exam_result and schooling.exam_result != ExamResult.INCONNU:
        parts.append(f"résultat à l'examen : {ExamResult.label_of(schooling.exam_result)}")
    return ", ".join(parts)


def new_interview_form(
    session: Session, youth_id: int, slot_id: int | None = None, today: dt.date | None = None
) -> InterviewForm:
    """A form prefilled from the booked slot (date, place, advisor), the current staff member and the schooling."""
    today = today or dt.date.today()
    youth = session.get(Youth, youth_id)
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base.")
    if slot_id is None:
        pending = _pending_booking(session, youth_id)
        slot_id = pending.slot_id if pending else None
    form = InterviewForm(youth_id=youth_id, held_on=today, school_path=_schooling_summary(youth))
    staff_id = settings.get(session, settings.CURRENT_STAFF_ID)
    if staff_id and session.get(Person, staff_id) is not None:
        form.participants.append(ParticipantForm(Role.RDS.value, person_id=int(staff_id)))
    if slot_id is not None:
        slot = get_slot(session, slot_id)
        form.slot_id = slot.id
        form.held_on = min(slot.starts_at.date(), today)
        form.place = slot.place
        if slot.advisor_id is not None:
            form.participants.append(
                ParticipantForm(Role.ML.value, slot.advisor_id, partner_id=slot.partner_id)
            )
    return form


def interview_form(interview: Interview) -> InterviewForm:
    follow = _open_relance(interview.youth)
    return InterviewForm(
        youth_id=interview.youth_id,
        held_on=interview.held_on,
        slot_id=interview.slot_id,
        place=interview.place,
        modality=interview.modality,
        participants=[
            ParticipantForm(p.role, p.person_id, p.name, p.partner_id) for p in interview.participants
        ],
        situation=interview.situation,
        school_path=interview.school_path,
        pfmp_done=interview.pfmp_done,
        project=interview.project,
        trades_sought=interview.trades_sought,
        area_sought=interview.area_sought,
        barriers={b.barrier for b in interview.barriers},
        other_barrier=interview.other_barrier,
        proposals=interview.proposals,
        decision=interview.decision,
        decided_on=interview.decided_on,
        refusal_reason=interview.refusal_reason,
        notice_given_on=interview.notice_given_on,
        notes=interview.notes,
        follow_up_on=follow.due_on
        if follow is not None and interview.decision == Decision.REFLEXION
        else None,
    )


def load_interview(session: Session, interview_id: int) -> Interview:
    interview = session.scalars(
        select(Interview)
        .where(Interview.id == interview_id)
        .options(
            selectinload(Interview.participants).selectinload(InterviewParticipant.person),
            selectinload(Interview.participants).selectinload(InterviewParticipant.partner),
            selectinload(Interview.barriers),
            selectinload(Interview.youth),
            selectinload(Interview.slot),
        )
    ).first()
    if interview is None:
        raise UserError(INTERVIEW_GONE)
    return interview


def _open_relance(youth: Youth) -> FollowUpEvent | None:
    return next(
        (f for f in youth.follow_ups if f.kind == FollowUpKind.RELANCE and f.done_on is None),
        None,
    )
