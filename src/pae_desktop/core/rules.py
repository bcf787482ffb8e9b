"""The rules of the scheme (domain.md §6) as pure functions: eligibility, MEF, pathway checks, derived flags."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pae_desktop.core.vocabulary import (
    ELIGIBLE_DIPLOMAS,
    EXIT_DETAILS,
    CarrierKind,
    Decision,
    Diploma,
    ExitCategory,
    ExitDetail,
    ModuleType,
    PartnerType,
    carrier_kind_of,
)

MAX_MONTHS = 4
PFMP_MAX_NUMERATOR, PFMP_MAX_DENOMINATOR = 2, 3  # PFMP days ≤ 2/3 of the pathway's days (§6.2)
ATTENDANCE_ALERT_HALF_DAYS = 30  # an alert when unjustified absences EXCEED this many half-days (§6.8)
ATTENDANCE_WATCH_HALF_DAYS = 24  # «Absences» on the home screen from this many, before the 30 of the bourse
PARTNERSHIP_MIN_KINDS = 2  # of the three carrier kinds (§6.6)

# Field keys used by `Problem.field`, shared with the pathway service and the editor.
F_START = "start_date"
F_END = "planned_end"
F_MODULES = "modules"
F_EXIT_ON = "exit_on"
F_EXIT_DETAIL = "exit_detail"
F_DECISION = "decision"
F_INTERVIEW_ON = "held_on"


def module_field(index: int, name: str) -> str:
    """The field key of one module's field: `module.2.end_date` (index in the list being edited)."""
    return f"module.{index}.{name}"


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


# --- dates --------------------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months, clamped to the month's last day (31 October + 4 → 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_end_for_start(start: dt.date) -> dt.date:
    """The last day a pathway starting on `start` may end: start + 4 months − 1 day (1 Sept → 31 Dec)."""
    return add_months(start, MAX_MONTHS) - dt.timedelta(days=1)


def inclusive_days(start: dt.date, end: dt.date) -> int:
    """Days from `start` to `end`, both counted (0 when `end` precedes `start`)."""
    return max(0, (end - start).days + 1)


def _days(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


# --- eligibility and MEF level (§6.1, §6.4; the codes are the campaign's: `core.scheme`) ------------------------------------------------------------------------


def is_eligible(diploma: str | None) -> bool:
    """Eligible: the diploma prepared is CAP, bac pro, BMA or DTMS (any exam result)."""
    return Diploma.from_code(diploma) in ELIGIBLE_DIPLOMAS


def eligibility_error(diploma: str | None) -> str | None:
    if is_eligible(diploma):
        return None
    return (
        f"Diplôme préparé : « {Diploma.label_of(diploma, 'non renseigné')} » n'ouvre pas droit au parcours "
        "(CAP, bac pro, BMA ou DTMS seulement)."
    )


def mef_level(diploma: str | None) -> str | None:
    """«N3» from a CAP, «N4» from a bac pro, BMA or DTMS, None when not eligible."""
    member = Diploma.from_code(diploma)
    if member is Diploma.CAP:
        return "N3"
    if member in (Diploma.BAC_PRO, Diploma.BMA, Diploma.DTMS):
        return "N4"
    return None


# --- modules and derived values (§6.6, §6.7) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModuleFacts:
    """What the rules need of a module. `carrier_type` is the carrier partner's PartnerType, None: the school."""

    module_type: str
    start_date: dt.date
    end_date: dt.date
    carrier_type: str | None = None
    label: str = ""


def module_facts(module: Any) -> ModuleFacts:
    """A `ModuleFacts` from a `PathwayModule` row (or anything with the same attributes and `.carrier`)."""
    if isinstance(module, ModuleFacts):
        return module
    carrier = getattr(module, "carrier", None)
    return ModuleFacts(
        module.module_type,
        module.start_date,
        module.end_date,
        getattr(module, "carrier_type", carrier.type if carrier is not None else None),
        getattr(module, "label", "") or "",
    )


def _facts(modules: Iterable[Any]) -> list[ModuleFacts]:
    return [module_facts(m) for m in modules]


def carrier_kinds(modules: Iterable[Any]) -> frozenset[CarrierKind]:
    """The kinds of carrier of the modules (`vocabulary.carrier_kind_of` of each carrier's partner type)."""
    return frozenset(carrier_kind_of(m.carrier_type) for m in _facts(modules))


def is_partnership(modules: Iterable[Any]) -> bool:
    """«Parcours partenarial»: modules carried by at least two of the three kinds of carrier (§6.6)."""
    return len(carrier_kinds(modules)) >= PARTNERSHIP_MIN_KINDS


partnership = is_partnership


def module_count(modules: Iterable[Any]) -> int:
    return sum(1 for _ in modules)


def _pfmp_day_set(modules: Iterable[Any]) -> set[dt.date]:
    covered: set[dt.date] = set()
    for m in _facts(modules):
        if m.module_type == ModuleType.PFMP and m.end_date >= m.start_date:
            covered.update(_days(m.start_date, m.end_date))
    return covered


def pfmp_calendar_days(modules: Iterable[Any]) -> int:
    """Calendar days covered by PFMP modules, their union (overlaps counted once): the 2/3 rule's measure."""
    return len(_pfmp_day_set(modules))


def pfmp_days(modules: Iterable[Any]) -> int:
    """`jours_pfmp` (§6.7): the weekdays, Monday to Friday, covered by PFMP modules, their union."""
    return sum(1 for day in _pfmp_day_set(modules) if day.weekday() < 5)


def pfmp_weeks(modules: Iterable[Any]) -> set[dt.date]:
    """The Mondays of the weeks in which a PFMP module covers at least one weekday (the timeline's shading)."""
    return {day - dt.timedelta(days=day.weekday()) for day in _pfmp_day_set(modules) if day.weekday() < 5}


def pfmp_share_ok(pfmp_calendar: int, pathway_days: int) -> bool:
    """PFMP days × 3 must not exceed the pathway's days × 2 (exactly two thirds is allowed)."""
    return pfmp_calendar * PFMP_MAX_DENOMINATOR <= pathway_days * PFMP_MAX_NUMERATOR


def max_pfmp_days(pathway_days: int) -> int:
    """The most PFMP calendar days a pathway of `pathway_days` days may hold."""
    return pathway_days * PFMP_MAX_NUMERATOR // PFMP_MAX_DENOMINATOR


# --- hard rules (§6.2): each returns the French reason, naming the field, or None -------------------------


def _module_name(label: str, module_type: str) -> str:
    return label or ModuleType.label_of(module_type, "sans type")


def module_order_error(start: dt.date, end: dt.date, label: str = "") -> str | None:
    """A module ending before it starts."""
    if end >= start:
        return None
    name = f"Module « {label} » : " if label else ""
    return f"{name}la date de fin du module ({_d(end)}) précède sa date de début ({_d(start)})."


def module_outside_error(
    start: dt.date, end: dt.date, pathway_start: dt.date, pathway_end: dt.date, label: str = ""
) -> str | None:
    """A module outside the pathway's dates (from its start to its planned end, both included)."""
    name = f"Module « {label} » : " if label else ""
    if start < pathway_start:
        return f"{name}la date de début du module ({_d(start)}) précède le début du parcours ({_d(pathway_start)})."
    if end > pathway_end:
        return f"{name}la date de fin du module ({_d(end)}) dépasse la fin prévue du parcours ({_d(pathway_end)})."
    return None


def pathway_order_error(start: dt.date, end: dt.date) -> str | None:
    """A pathway whose planned end precedes its start."""
    if end >= start:
        return None
    return f"Date de fin prévue : le {_d(end)} précède la date de début du parcours ({_d(start)})."


def start_before_rentree_error(start: dt.date, rentree: dt.date) -> str | None:
    """Pathway start before the campaign's rentrée (default 1 September N)."""
    if start >= rentree:
        return None
    return f"Date de début : le parcours ne peut commencer avant la rentrée de la campagne ({_d(rentree)})."


def too_long_error(start: dt.date, end: dt.date) -> str | None:
    """More than 4 months: end > start + 4 months − 1 day."""
    limit = latest_end_for_start(start)
    if end <= limit:
        return None
    return (
        f"Date de fin prévue : un parcours dure au plus {MAX_MONTHS} mois ; "
        f"commencé le {_d(start)}, il doit finir au plus tard le {_d(limit)}."
    )


def after_latest_end_error(end: dt.date, latest_end: dt.date) -> str | None:
    """End after the campaign's latest end (default 31 December N)."""
    if end <= latest_end:
        return None
    return (
        f"Date de fin prévue : le parcours doit finir au plus tard le {_d(latest_end)} (fin de la campagne)."
    )


def pfmp_share_error(modules: Iterable[Any], start: dt.date, end: dt.date) -> str | None:
    """PFMP beyond two thirds: the union of calendar days of PFMP modules × 3 > the pathway's days × 2."""
    days = inclusive_days(start, end)
    pfmp = pfmp_calendar_days(modules)
    if pfmp_share_ok(pfmp, days):
        return None
    return (
        f"Modules PFMP : {pfmp} jours calendaires de PFMP dépassent les deux tiers du parcours "
        f"({days} jours, soit {max_pfmp_days(days)} jours de PFMP au plus)."
    )


def exit_before_start_error(exit_on: dt.date, pathway_start: dt.date) -> str | None:
    """An exit dated before the pathway's start."""
    if exit_on >= pathway_start:
        return None
    return f"Date de sortie : le {_d(exit_on)} précède le début du parcours ({_d(pathway_start)})."


def exit_detail_error(category: str, detail: str) -> str | None:
    """The exit's detail must belong to its category (vocabulary.EXIT_DETAILS)."""
    member = ExitCategory.from_code(category)
    if member is None:
        return "Catégorie de sortie : choisissez l'une des quatre catégories de l'académie."
    if not detail:
        return None
    found = ExitDetail.from_code(detail)
    if found is None or found not in EXIT_DETAILS[member]:
        return (
            f"Précision de la sortie : « {ExitDetail.label_of(detail)} » n'appartient pas à la catégorie "
            f"« {member.label} »."
        )
    return None


def abandon_before_start_error(abandoned_on: dt.date, pathway_start: dt.date) -> str | None:
    """An abandonment dated before the pathway's start."""
    if abandoned_on >= pathway_start:
        return None
    return f"Date d'abandon : le {_d(abandoned_on)} précède le début du parcours ({_d(pathway_start)})."


# --- soft rules (§6.3) -----------------------------------------------------------------------------------------


def not_engaged_warning(latest_decision: str | None) -> str | None:
    """A pathway for a youth whose latest decision is not «S'engage dans le parcours»: allowed, with a note."""
    if latest_decision == Decision.ENGAGE:
        return None
    said = Decision.label_of(latest_decision, "")
    why = f"la dernière décision est « {said} »" if said else "aucune décision d'entretien n'est enregistrée"
    return (
        f"Décision : {why}, pas « {Decision.ENGAGE.label} ». "
        "Le parcours peut être ouvert ; une note doit dire pourquoi."
    )


def late_interview_warning(held_on: dt.date, target_date: dt.date) -> str | None:
    """An interview after the target date (default 17 September N)."""
    if held_on <= target_date:
        return None
    return f"Date de l'entretien : le {_d(held_on)} est après la date cible du {_d(target_date)} (bourses)."


def pfmp_carrier_warning(module_type: str, carrier_type: str | None, label: str = "") -> str | None:
    """A PFMP whose carrier is not a company (the school, a Mission locale, an association…): allowed, with a
    warning — a PFMP is a period in a company, under a tripartite convention with it."""
    if module_type != ModuleType.PFMP or carrier_type == PartnerType.ENTREPRISE:
        return None
    carrier = (
        "l'établissement"
        if carrier_type is None
        else f"un partenaire de type « {PartnerType.label_of(carrier_type)} »"
    )
    return (
        f"Module « {_module_name(label, module_type)} » : le porteur est {carrier}, pas une entreprise ; "
        "une PFMP se déroule en entreprise, sous convention avec elle. Choisissez l'entreprise d'accueil."
    )


# --- attendance (§6.8) ---------------------------------------------------------------------------------------


def unjustified_half_days(absences: Iterable[tuple[int, bool]]) -> int:
    """Total half-days of unjustified absence from (half_days, justified) pairs."""
    return sum(half_days for half_days, justified in absences if not justified)


def attendance_alert(unjustified: int) -> bool:
    """An alert when unjustified absences exceed 30 half-days in total (31 alerts, 30 does not)."""
    return unjustified > ATTENDANCE_ALERT_HALF_DAYS


def attendance_watch(unjustified: int) -> bool:
    """On the home screen's «Absences» list: 24 unjustified half-days or more (23 is not), before the alert."""
    return unjustified >= ATTENDANCE_WATCH_HALF_DAYS


def attendance_warning(unjustified: int) -> str | None:
    if not attendance_alert(unjustified):
        return None
    return (
        f"Assiduité : {unjustified} demi-journées d'absence non justifiées (plus de "
        f"{ATTENDANCE_ALERT_HALF_DAYS}) ; la bourse est versée selon l'assiduité."
    )


# --- the whole pathway -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One rule that holds against a pathway: `field` says where to show `message`; `hard` refuses the save."""

    field: str
    message: str
    hard: bool = True


@dataclass(frozen=True, slots=True)
class CampaignLimits:
    """The campaign dates the rules read (defaults: 1 September, 17 September, 31 December of year N)."""

    rentree: dt.date
    interview_deadline: dt.date
    latest_end: dt.date

    @classmethod
    def of(cls, campaign: Any) -> CampaignLimits:
        return cls(campaign.rentree, campaign.interview_deadline, campaign.latest_end)


def pathway_problems(
    start: dt.date,
    planned_end: dt.date,
    modules: Iterable[Any],
    limits: CampaignLimits,
    *,
    exit_on: dt.date | None = None,
    abandoned_on: dt.date | None = None,
) -> list[Problem]:
    """Every hard rule of §6.2 that the pathway breaks, each at its field (empty: it may be saved)."""
    facts = _facts(modules)
    problems: list[Problem] = []

    def add(field: str, message: str | None) -> None:
        if message:
            problems.append(Problem(field, message))

    add(F_START, start_before_rentree_error(start, limits.rentree))
    order = pathway_order_error(start, planned_end)
    add(F_END, order)
    if order is None:
        add(F_END, too_long_error(start, planned_end))
    add(F_END, after_latest_end_error(planned_end, limits.latest_end))
    for index, m in enumerate(facts):
        name = _module_name(m.label, m.module_type)
        bad_order = module_order_error(m.start_date, m.end_date, name)
        add(module_field(index, "end_date"), bad_order)
        if bad_order is None and order is None:
            outside = module_outside_error(m.start_date, m.end_date, start, planned_end, name)
            which = "start_date" if outside and m.start_date < start else "end_date"
            add(module_field(index, which), outside)
    if order is None:
        add(F_MODULES, pfmp_share_error(facts, start, planned_end))
    if exit_on is not None:
        add(F_EXIT_ON, exit_before_start_error(exit_on, start))
    if abandoned_on is not None:
        add("abandoned_on", abandon_before_start_error(abandoned_on, start))
    return problems


def pathway_warnings(latest_decision: str | None, unjustified: int = 0) -> list[Problem]:
    """The soft rules: allowed, with a visible warning."""
    warnings = []
    if message := not_engaged_warning(latest_decision):
        warnings.append(Problem(F_DECISION, message, hard=False))
    if message := attendance_warning(unjustified):
        warnings.append(Problem("absences", message, hard=False))
    return warnings


def module_warnings(modules: Iterable[Any]) -> list[Problem]:
    """The soft rules on each module (a PFMP not carried by a company), at the module's carrier field."""
    found = []
    for index, m in enumerate(_facts(modules)):
        if message := pfmp_carrier_warning(m.module_type, m.carrier_type, m.label):
            found.append(Problem(module_field(index, "carrier_partner_id"), message, hard=False))
    return found
