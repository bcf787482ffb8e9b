"""Modules proposed from the interview's project and barriers: which (the mapping is data), when, for how many
hours a week and carried by whom — realistic defaults the referent accepts whole or line by line.

What is proposed, and why:
- the Mission locale's support over the whole pathway, carried by the pathway's Mission locale (or that of the
  advisor present at the interview, or the directory's only one), never by another kind of partner;
- job-search workshops (TRE) as one half-day a week over the first weeks;
- a PMSMP of one to two weeks, PFMP in blocks of two to four weeks separated by two weeks, in a company the
  project points to (`core.partner_match`), never over two thirds of the pathway (`core.rules`);
- class immersion when the project is a training; a «Levée de freins» module per barrier, carried by a partner
  of a fitting type.
Every module lies within the pathway's dates: accepting them all keeps the hard rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from pae_desktop.core import rules
from pae_desktop.core.partner_match import Match, PartnerInfo, company_for, partner_for
from pae_desktop.core.vocabulary import Barrier, ModuleType, PartnerType, Project

# A barrier («frein») recorded at the interview → the module types that address it. «Santé» proposes nothing
# (a tick, no detail: the referent decides), nor does «Autre».
BARRIER_PROPOSALS: dict[Barrier, tuple[ModuleType, ...]] = {
    Barrier.COMPLEMENT_FORMATION: (ModuleType.COMPLEMENT_FORMATION,),
    Barrier.IMMERSION_PROFESSIONNELLE: (ModuleType.PFMP,),
    Barrier.RECHERCHE_EMPLOI: (ModuleType.TRE,),
    Barrier.MOBILITE: (ModuleType.LEVEE_FREINS,),
    Barrier.LOGEMENT: (ModuleType.LEVEE_FREINS,),
    Barrier.RESSOURCES: (ModuleType.ACCOMPAGNEMENT_ML,),
    Barrier.GARDE_ENFANTS: (ModuleType.LEVEE_FREINS,),
    Barrier.SAVOIRS_BASE: (ModuleType.IMMERSION_CLASSE,),
    Barrier.DEMARCHES: (ModuleType.ACCOMPAGNEMENT_ML,),
    Barrier.CONFIANCE: (ModuleType.ACCOMPAGNEMENT_ML,),
    Barrier.SANTE: (),
    Barrier.AUTRE: (),
}

# The project recorded at the interview → the module types that prepare it.
PROJECT_PROPOSALS: dict[Project, tuple[ModuleType, ...]] = {
    Project.EMPLOI_DIRECT: (ModuleType.TRE, ModuleType.PFMP, ModuleType.ACCOMPAGNEMENT_ML),
    Project.APPRENTISSAGE: (ModuleType.PREPA_APPRENTISSAGE, ModuleType.PFMP),
    Project.POURSUITE_FORMATION: (ModuleType.IMMERSION_CLASSE, ModuleType.ACCOMPAGNEMENT_ML),
    Project.PROJET_A_CONSTRUIRE: (ModuleType.PMSMP, ModuleType.ACCOMPAGNEMENT_ML),
}

# A barrier lifted by a «Levée de freins» module: the partner types that fit (in order) and the words that
# designate the right one among them (in its name or notes).
LIFTING: dict[Barrier, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    Barrier.MOBILITE: (
        "mobilité / permis",
        (PartnerType.ASSOCIATION, PartnerType.COLLECTIVITE),
        ("mobilité", "permis", "auto-école", "transport"),
    ),
    Barrier.LOGEMENT: (
        "logement",
        (
            PartnerType.ASSOCIATION,
            PartnerType.COLLECTIVITE,
            PartnerType.MISSION_LOCALE,
        ),  # MLs help with housing
        ("logement", "habitat", "hébergement", "foyer", "FJT"),
    ),
    Barrier.GARDE_ENFANTS: (
        "garde d'enfants",
        (PartnerType.COLLECTIVITE, PartnerType.ASSOCIATION),
        ("garde", "crèche", "enfance", "enfants"),
    ),
}

# Durations (weeks) and weekly hours of the defaults.
TRE_WEEKS, TRE_HOURS = 4, 3.5  # one half-day a week
PREPA_WEEKS, PREPA_HOURS = 4, 7.0  # one day a week at the CFA
LIFTING_WEEKS, LIFTING_HOURS = 8, 2.0
ML_HOURS = 2.0
BASICS_WEEKS, BASICS_HOURS = 8, 6.0  # general lessons in a class, a few hours a week
FULL_TIME_HOURS = 35.0
PFMP_GAP_WEEKS = 2  # between two PFMP blocks
GAP_WEEKS = 1  # between two other periods spent full time elsewhere


@dataclass(frozen=True, slots=True)
class ProposalBasis:
    """What the interview and the pathway say: barriers and project, trades and area sought, the pathway's
    Mission locale (as typed) and that of the Mission locale advisor present at the interview."""

    barriers: tuple[str, ...] = ()
    project: str | None = None
    trades_sought: str = ""
    area_sought: str = ""
    mission_locale_id: int | None = None
    advisor_mission_locale_id: int | None = None


@dataclass(frozen=True, slots=True)
class ProposedModule:
    """One module proposed: its dates, hours and carrier (None: the school, or none found, see `notes`), why
    (`reasons`) and what the referent should know or complete (`notes`, French sentences)."""

    key: str  # stable among recomputations: «PFMP.2», «LEVEE_FREINS.MOBILITE»
    module_type: ModuleType
    label: str
    start_date: dt.date
    end_date: dt.date
    weekly_hours: float | None = None
    carrier_partner_id: int | None = None
    carrier_name: str = "L'établissement"
    detail: str = ""  # the rhythm, kept in the module's notes
    reasons: tuple[str, ...] = ()
    carrier_why: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def explanation(self) -> str:
        return "Proposé pour : " + ", ".join(self.reasons)

    @property
    def to_complete(self) -> bool:
        return bool(self.notes)


def wanted(barriers: Iterable[str], project: str | None) -> dict[ModuleType, list[str]]:
    """The module types the interview calls for, each with its reasons: the project's first, then the
    barriers' in the order of the vocabulary."""
    reasons: dict[ModuleType, list[str]] = {}
    member = Project.from_code(project)
    if member is not None:
        for module_type in PROJECT_PROPOSALS[member]:
            reasons.setdefault(module_type, []).append(f"projet « {member.label} »")
    recorded = {Barrier.from_code(code) for code in barriers} - {None}
    for barrier in Barrier:
        if barrier in recorded:
            for module_type in BARRIER_PROPOSALS[barrier]:
                reasons.setdefault(module_type, []).append(f"frein « {barrier.label} »")
    return reasons


def mission_locale_for(basis: ProposalBasis, partners: Sequence[PartnerInfo]) -> Match | None:
    """The Mission locale of the pathway's Mission locale modules: the pathway's, else the advisor's at the
    interview, else the directory's only Mission locale; None when it cannot be told."""
    missions = {p.id: p for p in partners if p.type == PartnerType.MISSION_LOCALE}
    if basis.mission_locale_id in missions:
        return Match(missions[basis.mission_locale_id], "Mission locale du parcours")
    if basis.advisor_mission_locale_id in missions:
        return Match(missions[basis.advisor_mission_locale_id], "Mission locale de l'entretien")
    if len(missions) == 1:
        return Match(next(iter(missions.values())), "seule Mission locale de l'annuaire")
    return None


# --- dates ----------------------------------------------------------------------------------------------------


def monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=-day.weekday() % 7)


def _weeks_from(start: dt.date, weeks: int, end: dt.date) -> tuple[dt.date, dt.date]:
    """From `start` to the Friday of its `weeks`-th week (a weekend start counts from the next week), cut at the
    pathway's end."""
    monday = start - dt.timedelta(days=start.weekday()) if start.weekday() < 5 else monday_on_or_after(start)
    return start, max(start, min(end, monday + dt.timedelta(days=7 * weeks - 3)))


@dataclass(frozen=True, slots=True)
class _Period:
    """A period spent full time elsewhere (a company, a class, a training): placed one after the other."""

    key: str
    module_type: ModuleType
    weeks: int
    min_weeks: int
    gap_after: int


def _place(periods: Sequence[_Period], cursor: dt.date, end: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """Each period from a Monday to a Friday, one after the other from `cursor`, as long as it can within `end`
    (down to its minimum); one that cannot fit is left out."""
    placed: dict[str, tuple[dt.date, dt.date]] = {}
    for period in periods:
        start = monday_on_or_after(cursor)
        if start + dt.timedelta(days=4) > end:
            start = cursor  # the pathway's last days: from the day it can
        for weeks in range(period.weeks, period.min_weeks - 1, -1):
            stop = start + dt.timedelta(days=7 * (weeks - 1) + 4)
            if stop <= end:
                placed[period.key] = (start, stop)
                cursor = stop + dt.timedelta(days=3 + 7 * period.gap_after)
                break
    return placed


def _lead_in_weeks(types: Iterable[ModuleType], weeks: int) -> int:
    """The weeks before the first period spent full time elsewhere: the workshops or the apprenticeship
    preparation first, else a first week with the Mission locale; shorter on a short pathway."""
    wanted_weeks = TRE_WEEKS if {ModuleType.TRE, ModuleType.PREPA_APPRENTISSAGE} & set(types) else 1
    return max(0, min(wanted_weeks, weeks // 4))


def _full_time_periods(types: dict[ModuleType, list[str]], project: Project | None) -> list[_Period]:
    periods = []
    if ModuleType.COMPLEMENT_FORMATION in types:
        periods.append(_Period("COMPLEMENT_FORMATION", ModuleType.COMPLEMENT_FORMATION, 1, 1, GAP_WEEKS))
    if ModuleType.IMMERSION_CLASSE in types and project is Project.POURSUITE_FORMATION:
        periods.append(_Period("IMMERSION_CLASSE", ModuleType.IMMERSION_CLASSE, 2, 1, GAP_WEEKS))
    if ModuleType.PMSMP in types:
        periods.append(_Period("PMSMP", ModuleType.PMSMP, 2, 1, GAP_WEEKS))
    if ModuleType.PFMP in types:
        periods.append(_Period("PFMP.1", ModuleType.PFMP, 3, 1, PFMP_GAP_WEEKS))
        periods.append(_Period("PFMP.2", ModuleType.PFMP, 3, 2, PFMP_GAP_WEEKS))
    return periods


def schedule(
    types: dict[ModuleType, list[str]],
    project: Project | None,
    lifting: Sequence[Barrier],
    start: dt.date,
    end: dt.date,
) -> dict[str, tuple[dt.date, dt.date, float | None, str]]:
    """Dates, weekly hours and rhythm of every module to propose, by key, within [start, end]."""
    weeks = rules.inclusive_days(start, end) // 7
    lead_in = _lead_in_weeks(types, weeks)
    periods = _full_time_periods(types, project)
    placed = _place(periods, start + dt.timedelta(days=7 * lead_in), end)
    if len(placed) < len([p for p in periods if p.key != "PFMP.2"]):  # too short: from the start
        placed = _place(periods, start, end)
    plan: dict[str, tuple[dt.date, dt.date, float | None, str]] = {}
    for key, (first, last) in placed.items():
        plan[key] = (first, last, FULL_TIME_HOURS, "à temps plein")
    short = max(2, lead_in)
    if ModuleType.ACCOMPAGNEMENT_ML in types:
        plan["ACCOMPAGNEMENT_ML"] = (
            start,
            end,
            ML_HOURS,
            "des rendez-vous réguliers tout au long du parcours",
        )
    if ModuleType.TRE in types:
        plan["TRE"] = (*_weeks_from(start, short, end), TRE_HOURS, "une demi-journée par semaine")
    if ModuleType.PREPA_APPRENTISSAGE in types:
        plan["PREPA_APPRENTISSAGE"] = (
            *_weeks_from(start, short, end),
            PREPA_HOURS,
            "une journée par semaine",
        )
    if ModuleType.IMMERSION_CLASSE in types and "IMMERSION_CLASSE" not in plan:
        rhythm = "quelques heures de cours par semaine"
        plan["IMMERSION_CLASSE"] = (*_weeks_from(start, BASICS_WEEKS, end), BASICS_HOURS, rhythm)
    for barrier in lifting:
        plan[f"LEVEE_FREINS.{barrier.value}"] = (*_weeks_from(start, LIFTING_WEEKS, end), LIFTING_HOURS, "")
    return plan


# --- carriers -------------------------------------------------------------------------------------------------


def _carrier(
    key: str, module_type: ModuleType, basis: ProposalBasis, partners: Sequence[PartnerInfo]
) -> tuple[Match | None, str]:
    """The partner carrying a proposed module (None: the school) and, when none fits, what to complete."""
    ml = mission_locale_for(basis, partners)
    no_ml = (
        "Mission locale à choisir : indiquez la Mission locale de référence du parcours."
        if any(p.type == PartnerType.MISSION_LOCALE for p in partners)
        else "Aucune Mission locale dans l'annuaire : ajoutez-la, puis choisissez-la comme porteur."
    )
    if module_type is ModuleType.ACCOMPAGNEMENT_ML:
        return ml, "" if ml else no_ml
    if module_type is ModuleType.TRE:
        found = ml or partner_for((PartnerType.FRANCE_TRAVAIL,), (), basis.area_sought, partners)
        return found, "" if found else no_ml
    if module_type is ModuleType.PREPA_APPRENTISSAGE:
        trades = basis.trades_sought.split()
        found = partner_for((PartnerType.CFA,), trades, basis.area_sought, partners) or ml
        return found, "" if found else "Aucun CFA ni Mission locale dans l'annuaire : porteur à choisir."
    if module_type in (ModuleType.PFMP, ModuleType.PMSMP):
        found = company_for(basis.trades_sought, basis.area_sought, partners)
        if found:
            return found, ""
        sought = (
            f"métier « {basis.trades_sought.strip()} » cherché dans le nom, la ville et les notes des entreprises"
            if basis.trades_sought.strip()
            else "aucun métier noté à l'entretien"
        )
        return None, f"Aucune entreprise de l'annuaire ne correspond au projet ({sought})."
    if module_type is ModuleType.LEVEE_FREINS:
        what, types, keywords = LIFTING[Barrier(key.split(".", 1)[1])]
        # an association must say what it does; a Mission locale is the pathway's
        fitting = [p for p in partners if p.type != PartnerType.MISSION_LOCALE or (ml and p == ml.partner)]
        found = partner_for(types, keywords, basis.area_sought, fitting, strict=(PartnerType.ASSOCIATION,))
        kinds = " ou ".join(f"« {PartnerType.label_of(t)} »" for t in types)
        return (
            found,
            ""
            if found
            else f"Aucun partenaire de type {kinds} pour ce frein dans l'annuaire : porteur à choisir.",
        )
    return None, ""  # the school: class immersion, a training complement


# --- the proposal -----------------------------------------------------------------------------------------------


def _label(key: str, module_type: ModuleType, keys: Iterable[str]) -> str:
    if module_type is ModuleType.LEVEE_FREINS:
        return f"Levée de freins : {LIFTING[Barrier(key.split('.', 1)[1])][0]}"
    if module_type is ModuleType.PFMP and "PFMP.2" in keys:
        return f"PFMP / stage en entreprise — période {key.split('.')[1]}"
    return module_type.label


def _taken(proposal: ProposedModule, existing: Sequence[rules.ModuleFacts]) -> bool:
    """The form already holds this module: a PFMP over the same days, a «Levée de freins» of the same label, a
    module of the same type for the others."""
    for module in existing:
        if module.module_type != proposal.module_type.value:
            continue
        if proposal.module_type is ModuleType.PFMP:
            if module.start_date <= proposal.end_date and proposal.start_date <= module.end_date:
                return True
        elif proposal.module_type is not ModuleType.LEVEE_FREINS or module.label == proposal.label:
            return True
    return False


def _within_two_thirds(
    proposals: list[ProposedModule], existing: Sequence[rules.ModuleFacts], start: dt.date, end: dt.date
) -> list[ProposedModule]:
    """The PFMP blocks cut (or left out) so that, with the PFMP the form holds, they never pass two thirds."""
    budget = rules.max_pfmp_days(rules.inclusive_days(start, end)) - rules.pfmp_calendar_days(existing)
    kept = []
    for proposal in proposals:
        if proposal.module_type is ModuleType.PFMP:
            days = rules.inclusive_days(proposal.start_date, proposal.end_date)
            if budget < min(days, 5):
                continue
            if days > budget:
                cut = proposal.start_date + dt.timedelta(days=budget - 1)
                proposal = replace(proposal, end_date=cut)
                days = budget
            budget -= days
        kept.append(proposal)
    return kept


def propose(
    basis: ProposalBasis,
    start: dt.date,
    end: dt.date,
    partners: Sequence[PartnerInfo] = (),
    *,
    existing: Sequence[rules.ModuleFacts] = (),
    dismissed: Iterable[str] = (),
) -> list[ProposedModule]:
    """The modules the interview suggests for a pathway from `start` to `end`, in date order, minus those the
    form holds already (`existing`) or the referent `dismissed` (by key). Accepting them all keeps every hard
    rule: within the pathway's dates, PFMP never over two thirds (with the PFMP `existing` holds)."""
    if end < start:
        return []
    types = wanted(basis.barriers, basis.project)
    recorded = {Barrier.from_code(code) for code in basis.barriers}
    lifting = [b for b in LIFTING if b in recorded]
    timing = schedule(types, Project.from_code(basis.project), lifting, start, end)
    skip = set(dismissed)
    proposals = []
    for key, (first, last, hours, detail) in timing.items():
        module_type = ModuleType(key.split(".", 1)[0])
        found, missing = _carrier(key, module_type, basis, partners)
        notes = [missing] if missing else []
        if module_type is ModuleType.PFMP and found is None:
            notes.append(rules.pfmp_carrier_warning(module_type.value, None, module_type.label) or "")
        why = [f"frein « {b.label} »" for b in lifting if key == f"LEVEE_FREINS.{b.value}"]
        proposal = ProposedModule(
            key=key,
            module_type=module_type,
            label=_label(key, module_type, timing),
            start_date=first,
            end_date=last,
            weekly_hours=hours,
            carrier_partner_id=found.partner.id if found else None,
            carrier_name=found.partner.name if found else "L'établissement",
            detail=detail,
            reasons=tuple(why or types[module_type]),
            carrier_why=found.why if found else "",
            notes=tuple(notes),
        )
        if key not in skip and not _taken(proposal, existing):
            proposals.append(proposal)
    proposals = _within_two_thirds(sorted(proposals, key=lambda p: p.start_date), existing, start, end)
    return proposals
