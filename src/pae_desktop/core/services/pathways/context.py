"""The context a pathway is judged in: the youth, the latest interview, the campaign's limits and MEF codes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pae_desktop.core import attendance, audit
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Interview, InterviewParticipant, Partner, Pathway, PathwayModule, Youth
from pae_desktop.core.partner_match import PartnerInfo
from pae_desktop.core.rules import CampaignLimits
from pae_desktop.core.scheme import Scheme, scheme_of
from pae_desktop.core.stage import interview_order, latest_interview_of
from pae_desktop.core.vocabulary import Role

MAX_TEXT = 300
MAX_NOTES = 10_000
MAX_WEEKLY_HOURS = 60
MAX_HALF_DAYS = 250


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _text_error(label: str, value: str, limit: int = MAX_TEXT) -> str | None:
    if len(value) > limit:
        return f"{label} : {limit} caractères au plus."
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        return f"{label} : caractères de contrôle, retapez ce champ."
    return None


def write_fields(session: Session, record, entity: str, values: dict[str, object]) -> bool:
    """Set the fields whose value differs, one audit event each; whether any did."""
    written = False
    for name, value in values.items():
        if getattr(record, name) != value:
            audit.record(
                session, "update", entity, record.id, field=name, old=getattr(record, name), new=value
            )
            setattr(record, name, value)
            written = True
    return written


# --- MEF and context ---------------------------------------------------------------------------------------


def mef_choices(scheme: Scheme) -> list[tuple[str, str]]:
    """(code, «APRO PLUS 3 — 7034150311») for the MEF combo box: the two codes of the youth's campaign."""
    return [(mef.code, f"{mef.short or mef.code} — {mef.code}") for mef in (scheme.n3, scheme.n4)]


def latest_decision(youth: Youth) -> str:
    """The decision of the youth's latest interview (held last), empty when none or undecided."""
    latest = latest_interview(youth)
    return (latest.decision or "") if latest is not None else ""


def latest_interview(youth: Youth) -> Interview | None:
    """The youth's latest interview, in the one order of `core.stage.interview_order`."""
    return latest_interview_of(
        youth.interviews, lambda i: interview_order(i.held_on, i.slot.starts_at if i.slot else None, i.id)
    )


@dataclass(frozen=True)
class PathwayContext:
    """What the rules read besides the form: loaded once, so the editor checks each keystroke without a query."""

    youth_id: int
    youth_name: str
    diploma: str
    limits: CampaignLimits
    latest_decision: str
    scheme: Scheme  # the youth's campaign's: its two MEF codes are the ones a pathway may take
    partner_types: dict[int, str] = field(default_factory=dict)
    exit_on: dt.date | None = None
    abandoned_on: dt.date | None = None
    unjustified_half_days: int = 0
    barriers: tuple[str, ...] = ()
    project: str = ""
    saved_mef: str = ""  # the saved pathway's MEF code, still valid if the campaign's codes changed since
    trades_sought: str = ""  # the latest interview's, for the proposals (`core.proposals`)
    area_sought: str = ""
    advisor_mission_locale_id: int | None = None  # the Mission locale of the advisor present at the interview
    partners: tuple[PartnerInfo, ...] = ()  # the directory's partners still in use, for the proposals

    @property
    def expected_mef(self) -> str | None:
        return self.scheme.mef_for_diploma(self.diploma)


def load_youth_for_pathway(session: Session, youth_id: int) -> Youth:
    youth = session.scalars(
        select(Youth)
        .where(Youth.id == youth_id)
        .options(
            selectinload(Youth.schooling),
            selectinload(Youth.interviews).selectinload(Interview.barriers),
            selectinload(Youth.interviews)
            .selectinload(Interview.participants)
            .selectinload(InterviewParticipant.person),
            selectinload(Youth.pathway).selectinload(Pathway.modules).selectinload(PathwayModule.carrier),
            selectinload(Youth.exit),
            selectinload(Youth.follow_ups),
            selectinload(Youth.campaign),
        )
    ).first()
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base (supprimé ou anonymisé entre-temps).")
    return youth


def pathway_context(session: Session, youth_id: int) -> PathwayContext:
    youth = load_youth_for_pathway(session, youth_id)
    interview = latest_interview(youth)
    partners = session.scalars(select(Partner).order_by(Partner.name, Partner.id)).all()
    partner_types = {p.id: p.type for p in partners}
    return PathwayContext(
        youth_id=youth.id,
        youth_name=youth.display_name,
        diploma=youth.schooling.diploma if youth.schooling else "",
        limits=CampaignLimits.of(youth.campaign),
        latest_decision=latest_decision(youth),
        scheme=scheme_of(youth.campaign),
        partner_types=partner_types,
        exit_on=youth.exit.on if youth.exit else None,
        abandoned_on=youth.pathway.abandoned_on if youth.pathway else None,
        unjustified_half_days=attendance.youth_totals(session, youth.id).unjustified,
        barriers=tuple(b.barrier for b in interview.barriers) if interview else (),
        project=interview.project if interview else "",
        saved_mef=youth.pathway.mef_code if youth.pathway else "",
        trades_sought=interview.trades_sought if interview else "",
        area_sought=interview.area_sought if interview else "",
        advisor_mission_locale_id=advisor_mission_locale(interview) if interview else None,
        partners=tuple(
            PartnerInfo(p.id, p.name, p.type, p.city, p.postal_code, p.notes)
            for p in partners
            if not p.archived
        ),
    )


def advisor_mission_locale(interview: Interview) -> int | None:
    """The partner of the Mission locale advisor who took part in the interview (named, or through the person
    of the directory), else that of the interview's slot, agreed with a Mission locale."""
    for participant in interview.participants:
        if participant.role != Role.ML:
            continue
        if participant.partner_id is not None:
            return participant.partner_id
        if participant.person is not None and participant.person.partner_id is not None:
            return participant.person.partner_id
    return interview.slot.partner_id if interview.slot is not None else None


def unjustified_half_days(events) -> int:
    """The unjustified half-days of absence among a youth's follow-up events (without the attendance grid's:
    `core.attendance.youth_totals` counts both)."""
    return attendance.absence_totals(events).unjustified
