"""What the pathway's documents print (a detached record) and whom they concern (the `document` command)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import grammar, rules
from pae_desktop.core.allowance import AllowanceRate, rate_for
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign, Exit, Partner, Pathway, Person, Youth
from pae_desktop.core.scheme import Scheme, scheme_of
from pae_desktop.core.services.pathways.context import load_youth_for_pathway
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import Diploma, ExitCategory, ExitDetail, ModuleType, carrier_kind_of

# --- what the pathway's documents print -----------------------------------------------------------------


@dataclass(frozen=True)
class ModuleLine:
    """A module as the documents print it, detached from the session."""

    type_label: str
    label: str
    carrier_name: str
    carrier_kind: str
    place: str
    start_date: dt.date
    end_date: dt.date
    weekly_hours: float | None
    tutor: str
    convention_ref: str
    days_done: int | None
    is_pfmp: bool


@dataclass(frozen=True)
class RepresentativeLine:
    name: str
    link: str
    phone: str
    address: str


@dataclass(frozen=True)
class PathwayDocument:
    """Everything the plan, the certificates and the office's form print about one youth's pathway."""

    youth_id: int
    last_name: str
    usage_name: str
    first_names: str
    sex: str
    birth_date: dt.date | None
    ine: str
    address: str
    postal_code: str
    city: str
    phone: str
    email: str
    boursier: bool
    minor: bool
    representatives: tuple[RepresentativeLine, ...]
    diploma: str
    speciality: str
    division: str
    origin_mef_code: str
    exam_result: str
    campaign_year: int
    scheme: Scheme  # the youth's campaign's
    mef_code: str
    mef_short: str  # «APRO PLUS 3» in the campaign's scheme (the code itself when it is not one of its codes)
    mef_label: str  # «AVENIR PRO PLUS NIVEAU 3»
    start_date: dt.date
    planned_end: dt.date
    actual_end: dt.date | None
    referent: str
    referent_phone: str
    referent_email: str
    mission_locale: str
    modules: tuple[ModuleLine, ...]
    partnership: bool
    pfmp_days: int
    siecle_entered_on: dt.date | None
    abandoned_on: dt.date | None
    abandon_reason: str
    exit_on: dt.date | None
    exit_category: str
    exit_detail: str
    # The PFMP allowance of the pathway's MEF in its campaign's APLyPro table (None: MEF absent, no table).
    allowance: AllowanceRate | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name.upper()}".strip()

    @property
    def scheme_name(self) -> str:
        return self.scheme.name

    @property
    def person(self) -> grammar.Person:
        """The words that name the youth («née», «inscrite», «la jeune»…), agreeing with their sex."""
        return grammar.person(self.sex)

    @property
    def pfmp_companies(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for m in self.modules:
            if m.is_pfmp and m.carrier_name:
                seen.setdefault(m.carrier_name, None)
        return tuple(seen)


def pathway_document(session: Session, youth_id: int, today: dt.date | None = None) -> PathwayDocument:
    """The detached data of a youth's pathway for its PDFs; UserError when the youth has no pathway. Minority
    is judged on the pathway's start (`today`, the edition date, does not change what the plan says)."""
    from pae_desktop.core.vocabulary import ParentLink

    youth = load_youth_for_pathway(session, youth_id)
    pathway = youth.pathway
    if pathway is None:
        raise UserError(f"{youth.display_name} n'a pas de parcours : rien à imprimer.")
    scheme = scheme_of(youth.campaign)
    referent = session.get(Person, pathway.referent_id) if pathway.referent_id else None
    ml = session.get(Partner, pathway.mission_locale_id) if pathway.mission_locale_id else None
    facts = [rules.module_facts(m) for m in pathway.modules]
    schooling = youth.schooling
    modules = _module_lines(pathway)
    exit_row = youth.exit
    return PathwayDocument(
        youth_id=youth.id,
        last_name=youth.last_name,
        usage_name=youth.usage_name,
        first_names=youth.first_names,
        sex=youth.sex,
        birth_date=youth.birth_date,
        ine=youth.ine,
        address=youth.address,
        postal_code=youth.postal_code,
        city=youth.city,
        phone=youth.phone_raw or youth.phone,
        email=youth.email,
        boursier=youth.boursier,
        minor=grammar.minor_on(youth.birth_date, pathway.start_date),  # on the plan's own date, not today's
        representatives=tuple(
            RepresentativeLine(
                r.full_name,
                ParentLink.label_of(r.link),
                r.phone_raw or r.phone,
                " ".join(p for p in (r.address, r.postal_code, r.city) if p),
            )
            for r in youth.representatives
            if r.is_legal
        ),
        diploma=Diploma.label_of(schooling.diploma) if schooling else "",
        speciality=schooling.speciality if schooling else "",
        division=schooling.division if schooling else "",
        origin_mef_code=schooling.mef_code if schooling else "",
        exam_result=schooling.exam_result if schooling else "",
        campaign_year=youth.campaign.year,
        scheme=scheme,
        mef_code=pathway.mef_code,
        mef_short=scheme.mef_short(pathway.mef_code),
        mef_label=scheme.mef_label(pathway.mef_code),
        start_date=pathway.start_date,
        planned_end=pathway.planned_end,
        actual_end=pathway.actual_end,
        referent=referent.full_name if referent else "",
        referent_phone=referent.phone if referent else "",
        referent_email=referent.email if referent else "",
        mission_locale=ml.name if ml else "",
        modules=modules,
        partnership=rules.is_partnership(facts),
        pfmp_days=rules.pfmp_days(facts),
        siecle_entered_on=pathway.siecle_entered_on,
        abandoned_on=pathway.abandoned_on,
        abandon_reason=pathway.abandon_reason,
        exit_on=exit_row.on if exit_row else None,
        exit_category=ExitCategory.label_of(exit_row.category) if exit_row else "",
        exit_detail=ExitDetail.label_of(exit_row.detail) if exit_row and exit_row.detail else "",
        allowance=rate_for(pathway.mef_code, youth.campaign.year).rate,
    )


def _module_lines(pathway: Pathway) -> tuple[ModuleLine, ...]:
    """The pathway's modules as the documents print them, by date."""
    return tuple(
        ModuleLine(
            type_label=ModuleType.label_of(m.module_type),
            label=m.label or ModuleType.label_of(m.module_type),
            carrier_name=m.carrier.name if m.carrier is not None else "L'établissement",
            carrier_kind=carrier_kind_of(m.carrier.type if m.carrier is not None else None).label,
            place=m.place,
            start_date=m.start_date,
            end_date=m.end_date,
            weekly_hours=m.weekly_hours,
            tutor=m.tutor,
            convention_ref=m.convention_ref,
            days_done=m.days_done,
            is_pfmp=m.module_type == ModuleType.PFMP,
        )
        for m in sorted(pathway.modules, key=lambda m: (m.start_date, m.end_date, m.id))
    )


# --- who the pathway's documents concern (the `document` command) -------------------------------------------


def _ordered_youths(session: Session, query) -> list[int]:
    rows = session.execute(query.distinct()).all()
    rows.sort(key=lambda r: (fold(r[1]), fold(r[2]), r[0]))
    return [r[0] for r in rows]


def youths_with_pathway(session: Session, campaign: Campaign) -> list[int]:
    """Youths of the campaign with a pathway (plan, enrolment certificate, office form), by name."""
    return _ordered_youths(
        session,
        select(Youth.id, Youth.last_name, Youth.first_names)
        .join(Pathway, Pathway.youth_id == Youth.id)
        .where(Youth.campaign_id == campaign.id, Youth.anonymised_at.is_(None)),
    )


def youths_with_ended_pathway(session: Session, campaign: Campaign) -> list[int]:
    """Youths of the campaign whose pathway has an exit or an abandonment (end-of-pathway certificate)."""
    return _ordered_youths(
        session,
        select(Youth.id, Youth.last_name, Youth.first_names)
        .join(Pathway, Pathway.youth_id == Youth.id)
        .outerjoin(Exit, Exit.youth_id == Youth.id)
        .where(
            Youth.campaign_id == campaign.id,
            Youth.anonymised_at.is_(None),
            (Exit.id.is_not(None)) | (Pathway.abandoned_on.is_not(None)),
        ),
    )
