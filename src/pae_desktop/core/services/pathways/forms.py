"""The pathway form: what the editor holds, the rules applied to it (never touching the database), proposals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pae_desktop.core import rules
from pae_desktop.core.models import Pathway, PathwayModule
from pae_desktop.core.proposals import ProposalBasis, ProposedModule, propose
from pae_desktop.core.rules import ModuleFacts, Problem
from pae_desktop.core.services.pathways.context import (
    MAX_NOTES,
    MAX_TEXT,
    MAX_WEEKLY_HOURS,
    PathwayContext,
    _text_error,
)
from pae_desktop.core.vocabulary import CarrierKind, Diploma, ModuleType

# --- the pathway form --------------------------------------------------------------------------------------


@dataclass
class ModuleForm:
    """One module as the editor holds it; `id` is the row's when it already exists."""

    module_type: str
    start_date: dt.date
    end_date: dt.date
    label: str = ""
    carrier_partner_id: int | None = None
    place: str = ""
    weekly_hours: float | None = None
    tutor: str = ""
    convention_ref: str = ""
    days_done: int | None = None
    notes: str = ""
    id: int | None = None
    version: int | None = None  # the module's version when the user loaded it (None: a new module)

    @property
    def name(self) -> str:
        return self.label or ModuleType.label_of(self.module_type, "Module")


@dataclass
class PathwayForm:
    mef_code: str
    start_date: dt.date
    planned_end: dt.date
    referent_id: int | None = None
    mission_locale_id: int | None = None
    non_engaged_note: str = ""
    notes: str = ""
    modules: list[ModuleForm] = field(default_factory=list)


def module_facts(form: ModuleForm, partner_types: dict[int, str]) -> ModuleFacts:
    carrier = partner_types.get(form.carrier_partner_id) if form.carrier_partner_id is not None else None
    return ModuleFacts(form.module_type, form.start_date, form.end_date, carrier, form.name)


@dataclass(frozen=True)
class Evaluation:
    """The rules applied to a form: hard problems refuse the save, warnings show; derived values for display."""

    problems: list[Problem]
    warnings: list[Problem]
    partnership: bool
    carrier_kinds: frozenset[CarrierKind]
    module_count: int
    pfmp_days: int
    pfmp_calendar_days: int
    pathway_days: int

    @property
    def ok(self) -> bool:
        return not self.problems

    def messages_for(self, field_key: str) -> list[str]:
        return [p.message for p in self.problems + self.warnings if p.field == field_key]


def evaluate(form: PathwayForm, context: PathwayContext) -> Evaluation:
    """Every rule of domain §6 on the form, without touching the database."""
    facts = [module_facts(m, context.partner_types) for m in form.modules]
    problems = rules.pathway_problems(
        form.start_date,
        form.planned_end,
        facts,
        context.limits,
        exit_on=context.exit_on,
        abandoned_on=context.abandoned_on,
    )
    scheme = context.scheme
    if form.mef_code not in scheme.codes and (not context.saved_mef or form.mef_code != context.saved_mef):
        problems.append(
            Problem(
                "mef_code",
                f"Code MEF : choisissez {scheme.mef_short(scheme.n3.code)} ou {scheme.mef_short(scheme.n4.code)} "
                f"(codes du dispositif « {scheme.name} » de la campagne).",
            )
        )
    if (error := _text_error("Note", form.notes, MAX_NOTES)) is not None:
        problems.append(Problem("notes", error))
    if (
        error := _text_error("Note (parcours sans engagement)", form.non_engaged_note, MAX_NOTES)
    ) is not None:
        problems.append(Problem("non_engaged_note", error))
    for index, module in enumerate(form.modules):
        problems += _module_problems(index, module, context)

    warnings = rules.pathway_warnings(context.latest_decision, context.unjustified_half_days)
    warnings += rules.module_warnings(facts)
    expected = context.expected_mef
    if expected is None:
        warnings.append(Problem("mef_code", rules.eligibility_error(context.diploma) or "", hard=False))
    elif form.mef_code in scheme.codes and form.mef_code != expected:
        level = scheme.mef_short(expected)
        warnings.append(
            Problem(
                "mef_code",
                f"Code MEF : depuis « {Diploma.label_of(context.diploma)} », le parcours relève de {level} "
                f"({expected}).",
                hard=False,
            )
        )
    return Evaluation(
        problems=problems,
        warnings=warnings,
        partnership=rules.is_partnership(facts),
        carrier_kinds=rules.carrier_kinds(facts),
        module_count=len(facts),
        pfmp_days=rules.pfmp_days(facts),
        pfmp_calendar_days=rules.pfmp_calendar_days(facts),
        pathway_days=rules.inclusive_days(form.start_date, form.planned_end),
    )


def _module_problems(index: int, module: ModuleForm, context: PathwayContext) -> list[Problem]:
    found: list[Problem] = []
    name = module.name

    def add(key: str, message: str | None) -> None:
        if message:
            found.append(Problem(rules.module_field(index, key), message))

    if ModuleType.from_code(module.module_type) is None:
        add("module_type", f"Module « {name} » : type de module inconnu.")
    if module.carrier_partner_id is not None and module.carrier_partner_id not in context.partner_types:
        add("carrier_partner_id", f"Module « {name} » : le porteur choisi n'existe plus dans l'annuaire.")
    if module.weekly_hours is not None and not 0 <= module.weekly_hours <= MAX_WEEKLY_HOURS:
        add("weekly_hours", f"Module « {name} » : heures hebdomadaires entre 0 et {MAX_WEEKLY_HOURS}.")
    if module.days_done is not None:
        span = rules.inclusive_days(module.start_date, module.end_date)
        if module.days_done < 0 or module.days_done > span:
            add("days_done", f"Module « {name} » : jours réalisés entre 0 et {span} (durée du module).")
    for key, label, limit in (
        ("label", "intitulé", 200),
        ("place", "lieu", MAX_TEXT),
        ("tutor", "tuteur", 200),
        ("convention_ref", "référence de convention", 100),
        ("notes", "note", MAX_NOTES),
    ):
        add(key, _text_error(f"Module « {name} » : {label}", getattr(module, key), limit))
    return found


def new_pathway_form(context: PathwayContext, today: dt.date | None = None) -> PathwayForm:
    """A form for a new pathway: MEF from the diploma, from the rentrée (or today) to the latest end allowed."""
    today = today or dt.date.today()
    start = (
        max(context.limits.rentree, today) if today <= context.limits.latest_end else context.limits.rentree
    )
    end = min(context.limits.latest_end, rules.latest_end_for_start(start))
    return PathwayForm(
        mef_code=context.expected_mef or context.scheme.n4.code, start_date=start, planned_end=end
    )


def pathway_form(pathway: Pathway) -> PathwayForm:
    return PathwayForm(
        mef_code=pathway.mef_code,
        start_date=pathway.start_date,
        planned_end=pathway.planned_end,
        referent_id=pathway.referent_id,
        mission_locale_id=pathway.mission_locale_id,
        non_engaged_note=pathway.non_engaged_note,
        notes=pathway.notes,
        modules=[
            ModuleForm(
                module_type=m.module_type,
                start_date=m.start_date,
                end_date=m.end_date,
                label=m.label,
                carrier_partner_id=m.carrier_partner_id,
                place=m.place,
                weekly_hours=m.weekly_hours,
                tutor=m.tutor,
                convention_ref=m.convention_ref,
                days_done=m.days_done,
                notes=m.notes,
                id=m.id,
                version=m.version,
            )
            for m in pathway.modules
        ],
    )


def get_pathway(session: Session, youth_id: int) -> Pathway | None:
    return session.scalars(
        select(Pathway)
        .where(Pathway.youth_id == youth_id)
        .options(selectinload(Pathway.modules).selectinload(PathwayModule.carrier))
    ).first()


def proposal_basis(context: PathwayContext, form: PathwayForm) -> ProposalBasis:
    """What the proposals read: the latest interview's project, barriers, trades and area sought, the Mission
    locale of the pathway as typed and that of the interview's advisor."""
    return ProposalBasis(
        barriers=context.barriers,
        project=context.project,
        trades_sought=context.trades_sought,
        area_sought=context.area_sought,
        mission_locale_id=form.mission_locale_id,
        advisor_mission_locale_id=context.advisor_mission_locale_id,
    )


def proposals_for(
    context: PathwayContext, form: PathwayForm, dismissed: set[str] | None = None
) -> list[ProposedModule]:
    """Modules the interview suggests that the form does not hold yet, with their dates and carriers (the
    editor accepts them all or a selection, or dismisses one by its key)."""
    return propose(
        proposal_basis(context, form),
        form.start_date,
        form.planned_end,
        context.partners,
        existing=[module_facts(m, context.partner_types) for m in form.modules],
        dismissed=dismissed or (),
    )


def module_from_proposal(proposal: ProposedModule) -> ModuleForm:
    """The module of an accepted proposal, as proposed (dates, hours, carrier; its rhythm in its notes)."""
    return ModuleForm(
        module_type=proposal.module_type.value,
        start_date=proposal.start_date,
        end_date=proposal.end_date,
        label=proposal.label,
        carrier_partner_id=proposal.carrier_partner_id,
        weekly_hours=proposal.weekly_hours,
        notes=proposal.detail[:1].upper() + proposal.detail[1:] + "." if proposal.detail else "",
    )
