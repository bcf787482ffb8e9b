"""Pathways: build and edit a pathway under the rules, catalogue, templates, SIECLE office list, follow-up, exit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pae_desktop.core import audit, rules
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    Campaign,
    Exit,
    FollowUpEvent,
    Interview,
    ModuleCatalogEntry,
    Partner,
    Pathway,
    PathwayModule,
    PathwayTemplate,
    PathwayTemplateModule,
    Person,
    Youth,
)
from pae_desktop.core.proposals import Proposal, propose
from pae_desktop.core.rules import CampaignLimits, ModuleFacts, Problem
from pae_desktop.core.scheme import Scheme, scheme_of
from pae_desktop.core.stage import interview_order, latest_interview_of
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import (
    DEFAULT_CARRIER_KIND,
    EXIT_DETAILS,
    CarrierKind,
    Diploma,
    ExitCategory,
    ExitDetail,
    FollowUpKind,
    ModuleType,
    carrier_kind_of,
)

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
    partner_types = {pid: ptype for pid, ptype in session.execute(select(Partner.id, Partner.type))}
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
        unjustified_half_days=unjustified_half_days(youth.follow_ups),
        barriers=tuple(b.barrier for b in interview.barriers) if interview else (),
        project=interview.project if interview else "",
        saved_mef=youth.pathway.mef_code if youth.pathway else "",
    )


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


def proposals_for(
    context: PathwayContext, form: PathwayForm, dismissed: set[str] | None = None
) -> list[Proposal]:
    """Modules the interview suggests that the form does not hold yet (the editor accepts or dismisses each)."""
    return propose(
        context.barriers,
        context.project,
        already={m.module_type for m in form.modules},
        dismissed=dismissed or (),
    )


def module_from_proposal(
    proposal: Proposal, form: PathwayForm, context: PathwayContext, partner_id: int | None = None
) -> ModuleForm:
    """A module for an accepted proposal: over the whole pathway, or two thirds of it for a PFMP."""
    start, end = form.start_date, form.planned_end
    if proposal.module_type is ModuleType.PFMP:
        end = start + dt.timedelta(days=max(0, rules.max_pfmp_days(rules.inclusive_days(start, end)) - 1))
    return ModuleForm(
        module_type=proposal.module_type.value,
        start_date=start,
        end_date=max(start, end),
        label=proposal.module_type.label,
        carrier_partner_id=partner_id,
    )


# --- saving ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathwaySaveResult:
    pathway_id: int
    created: bool
    warnings: list[str]
    evaluation: Evaluation


_PATHWAY_FIELDS = (
    "mef_code",
    "start_date",
    "planned_end",
    "referent_id",
    "mission_locale_id",
    "non_engaged_note",
    "notes",
)
_MODULE_FIELDS = (
    "module_type",
    "label",
    "carrier_partner_id",
    "place",
    "start_date",
    "end_date",
    "weekly_hours",
    "tutor",
    "convention_ref",
    "days_done",
    "notes",
)


def save_pathway(session: Session, youth_id: int, form: PathwayForm) -> PathwaySaveResult:
    """Create or update the youth's pathway and its modules; refused whole (UserError) when a hard rule holds.

    A youth whose latest decision is not «S'engage dans le parcours» gets a pathway only with a note saying why.
    """
    context = pathway_context(session, youth_id)
    evaluation = evaluate(form, context)
    if evaluation.problems:
        raise UserError("\n".join(p.message for p in evaluation.problems))
    if rules.not_engaged_warning(context.latest_decision) and not form.non_engaged_note.strip():
        raise UserError(
            rules.not_engaged_warning(context.latest_decision)
            + "\nÉcrivez dans la note pourquoi le parcours est ouvert malgré tout."
        )
    if form.referent_id is not None and session.get(Person, form.referent_id) is None:
        raise UserError("Référent du parcours : cette personne n'existe plus dans l'annuaire.")
    if form.mission_locale_id is not None and session.get(Partner, form.mission_locale_id) is None:
        raise UserError("Mission locale de référence : ce partenaire n'existe plus dans l'annuaire.")

    youth = load_youth_for_pathway(session, youth_id)
    pathway = youth.pathway
    created = pathway is None
    values = {
        "mef_code": form.mef_code,
        "start_date": form.start_date,
        "planned_end": form.planned_end,
        "referent_id": form.referent_id,
        "mission_locale_id": form.mission_locale_id,
        "non_engaged_note": form.non_engaged_note.strip(),
        "notes": form.notes.strip(),
    }
    if created:
        pathway = Pathway(youth_id=youth.id, **values)
        session.add(pathway)
        session.flush()
        audit.record(session, "create", "pathway", pathway.id, detail=f"jeune {youth.id}")
    else:
        for name in _PATHWAY_FIELDS:
            if getattr(pathway, name) != values[name]:
                audit.record(
                    session,
                    "update",
                    "pathway",
                    pathway.id,
                    field=name,
                    old=getattr(pathway, name),
                    new=values[name],
                )
                setattr(pathway, name, values[name])

    existing = {m.id: m for m in pathway.modules}
    wanted_ids = {m.id for m in form.modules if m.id is not None}
    for module_id, module in existing.items():
        if module_id not in wanted_ids:
            audit.record(session, "delete", "pathway_module", module_id, detail=f"parcours {pathway.id}")
            pathway.modules.remove(module)
    for module_form in form.modules:
        module_values = {name: getattr(module_form, name) for name in _MODULE_FIELDS}
        for name in ("label", "place", "tutor", "convention_ref", "notes"):
            module_values[name] = module_values[name].strip()
        module_values["label"] = module_values["label"] or ModuleType.label_of(module_form.module_type)
        row = existing.get(module_form.id) if module_form.id is not None else None
        if row is None:
            if module_form.id is not None:
                raise UserError(
                    f"Module « {module_form.name} » : il a été supprimé entre-temps, rechargez le parcours."
                )
            row = PathwayModule(**module_values)
            pathway.modules.append(row)
            session.flush()
            audit.record(session, "create", "pathway_module", row.id, detail=f"parcours {pathway.id}")
        else:
            for name, value in module_values.items():
                if getattr(row, name) != value:
                    audit.record(
                        session,
                        "update",
                        "pathway_module",
                        row.id,
                        field=name,
                        old=getattr(row, name),
                        new=value,
                    )
                    setattr(row, name, value)
    session.flush()
    return PathwaySaveResult(pathway.id, created, [w.message for w in evaluation.warnings], evaluation)


def delete_pathway(session: Session, youth_id: int) -> None:
    pathway = get_pathway(session, youth_id)
    if pathway is None:
        raise UserError("Ce jeune n'a pas de parcours.")
    youth = session.get(Youth, youth_id)
    if youth is not None and youth.exit is not None:
        raise UserError("Supprimez d'abord la sortie enregistrée : elle est celle de ce parcours.")
    audit.record(session, "delete", "pathway", pathway.id, detail=f"jeune {youth_id}")
    session.delete(pathway)
    session.flush()


@dataclass(frozen=True)
class PathwaySummary:
    """The derived values of a saved pathway (never typed)."""

    partnership: bool
    module_count: int
    pfmp_days: int
    carrier_kinds: frozenset[CarrierKind]


def summary(pathway: Pathway) -> PathwaySummary:
    facts = [rules.module_facts(m) for m in pathway.modules]
    return PathwaySummary(
        rules.is_partnership(facts), len(facts), rules.pfmp_days(facts), rules.carrier_kinds(facts)
    )


# --- module catalogue ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogItem:
    label: str
    module_type: str
    default_carrier_kind: str
    entry_id: int | None = None  # None: built in, from vocabulary.ModuleType

    @property
    def builtin(self) -> bool:
        return self.entry_id is None


def catalogue(session: Session) -> list[CatalogItem]:
    """The built-in module types, then the entries the user added (by label)."""
    items = [CatalogItem(t.label, t.value, DEFAULT_CARRIER_KIND[t].value) for t in ModuleType]
    for entry in session.scalars(select(ModuleCatalogEntry).order_by(ModuleCatalogEntry.label)):
        items.append(CatalogItem(entry.label, entry.module_type, entry.default_carrier_kind, entry.id))
    return items


def add_catalog_entry(session: Session, label: str, module_type: str, default_carrier_kind: str) -> int:
    label = " ".join(label.split())
    if not label:
        raise UserError("Intitulé du module : obligatoire.")
    if (error := _text_error("Intitulé du module", label, 200)) is not None:
        raise UserError(error)
    if ModuleType.from_code(module_type) is None:
        raise UserError("Type de module : choisissez l'un des types de la liste.")
    if CarrierKind.from_code(default_carrier_kind) is None:
        raise UserError(
            "Porteur par défaut : choisissez Établissement, Entreprise ou Mission locale ou autre partenaire."
        )
    if any(fold(item.label) == fold(label) for item in catalogue(session)):
        raise UserError(f"Intitulé du module : « {label} » existe déjà dans le catalogue.")
    entry = ModuleCatalogEntry(
        label=label, module_type=module_type, default_carrier_kind=default_carrier_kind
    )
    session.add(entry)
    session.flush()
    audit.record(session, "create", "module_catalog_entry", entry.id, new=label)
    return entry.id


def delete_catalog_entry(session: Session, entry_id: int) -> None:
    entry = session.get(ModuleCatalogEntry, entry_id)
    if entry is None:
        raise UserError("Cette entrée du catalogue n'existe plus.")
    audit.record(session, "delete", "module_catalog_entry", entry.id, old=entry.label)
    session.delete(entry)


# --- templates ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    length_days: int
    module_labels: tuple[str, ...]


def list_templates(session: Session) -> list[TemplateRow]:
    templates = session.scalars(
        select(PathwayTemplate).options(selectinload(PathwayTemplate.modules)).order_by(PathwayTemplate.name)
    )
    return [
        TemplateRow(
            t.id,
            t.name,
            t.length_days,
            tuple(m.label or ModuleType.label_of(m.module_type) for m in t.modules),
        )
        for t in templates
    ]


def save_template(session: Session, name: str, form: PathwayForm, *, replace_existing: bool = False) -> int:
    """Save the combination of modules of `form`, their dates as offsets from the pathway's start."""
    name = " ".join(name.split())
    if not name:
        raise UserError("Nom du modèle : obligatoire.")
    if (error := _text_error("Nom du modèle", name, 200)) is not None:
        raise UserError(error)
    if not form.modules:
        raise UserError(
            "Modèle de parcours : ajoutez au moins un module avant de l'enregistrer comme modèle."
        )
    for module in form.modules:
        if (error := rules.module_order_error(module.start_date, module.end_date, module.name)) is not None:
            raise UserError(error)
    template = session.scalars(select(PathwayTemplate).where(PathwayTemplate.name == name)).first()
    if template is not None and not replace_existing:
        raise UserError(f"Nom du modèle : « {name} » existe déjà.")
    if template is None:
        template = PathwayTemplate(name=name, length_days=0)
        session.add(template)
        action = "create"
    else:
        template.modules.clear()
        action = "update"
    template.length_days = max(1, rules.inclusive_days(form.start_date, form.planned_end))
    for module in form.modules:
        template.modules.append(
            PathwayTemplateModule(
                module_type=module.module_type,
                label=module.label.strip(),
                carrier_partner_id=module.carrier_partner_id,
                place=module.place.strip(),
                offset_days=(module.start_date - form.start_date).days,
                length_days=rules.inclusive_days(module.start_date, module.end_date),
                weekly_hours=module.weekly_hours,
            )
        )
    session.flush()
    audit.record(session, action, "pathway_template", template.id, new=name)
    return template.id


def delete_template(session: Session, template_id: int) -> None:
    template = session.get(PathwayTemplate, template_id)
    if template is None:
        raise UserError("Ce modèle n'existe plus.")
    audit.record(session, "delete", "pathway_template", template.id, old=template.name)
    session.delete(template)


def apply_template(
    session: Session, template_id: int, form: PathwayForm, limits: CampaignLimits
) -> PathwayForm:
    """The form with the template's modules added, dates shifted to the form's start.

    The planned end follows the template's length, within four months and the campaign's latest end; a module
    that would run past it is shortened to it, so the rules judge what is left.
    """
    template = session.scalars(
        select(PathwayTemplate)
        .where(PathwayTemplate.id == template_id)
        .options(selectinload(PathwayTemplate.modules))
    ).first()
    if template is None:
        raise UserError("Ce modèle n'existe plus.")
    start = form.start_date
    limit = min(limits.latest_end, rules.latest_end_for_start(start))
    end = min(limit, start + dt.timedelta(days=template.length_days - 1))
    modules = list(form.modules)
    for m in template.modules:
        module_start = start + dt.timedelta(days=m.offset_days)
        module_end = module_start + dt.timedelta(days=m.length_days - 1)
        if module_start <= end:  # shortened to the pathway; one starting after its end is left to the rules
            module_end = min(end, module_end)
        modules.append(
            ModuleForm(
                module_type=m.module_type,
                start_date=module_start,
                end_date=module_end,
                label=m.label,
                carrier_partner_id=m.carrier_partner_id,
                place=m.place,
                weekly_hours=m.weekly_hours,
            )
        )
    planned_end = max(end, min(form.planned_end, limit)) if form.modules else end
    return replace(form, planned_end=planned_end, modules=modules)


# --- the SIECLE office list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeRow:
    """One line of «À saisir dans SIECLE»."""

    pathway_id: int
    youth_id: int
    ine: str
    last_name: str
    first_names: str
    birth_date: dt.date | None
    mef_code: str
    mef_label: str  # the short label in the campaign's scheme («APRO PLUS 3»)
    start_date: dt.date
    boursier: bool
    siecle_entered: bool
    siecle_entered_on: dt.date | None

    @property
    def name(self) -> str:
        return f"{self.last_name.upper()} {self.first_names}".strip()


def office_list(session: Session, campaign_id: int, *, pending_only: bool = True) -> list[OfficeRow]:
    """The pathways of a campaign to enter in SIECLE under its scheme's MEF (all with `pending_only=False`)."""
    scheme = scheme_of(session.get(Campaign, campaign_id))
    query = (
        select(Pathway, Youth)
        .join(Youth, Youth.id == Pathway.youth_id)
        .where(Youth.campaign_id == campaign_id)
        .order_by(Youth.last_name, Youth.first_names)
    )
    if pending_only:
        query = query.where(Pathway.siecle_entered.is_(False))
    rows = []
    for pathway, youth in session.execute(query):
        rows.append(
            OfficeRow(
                pathway.id,
                youth.id,
                youth.ine,
                youth.last_name,
                youth.first_names,
                youth.birth_date,
                pathway.mef_code,
                scheme.mef_short(pathway.mef_code),
                pathway.start_date,
                youth.boursier,
                pathway.siecle_entered,
                pathway.siecle_entered_on,
            )
        )
    return rows


def set_siecle_entered(
    session: Session,
    pathway_id: int,
    entered: bool = True,
    on: dt.date | None = None,
    today: dt.date | None = None,
) -> None:
    """Tick (or untick) «Saisie SIECLE faite», with its date (today by default)."""
    today = today or dt.date.today()
    pathway = session.get(Pathway, pathway_id)
    if pathway is None:
        raise UserError("Ce parcours n'existe plus.")
    on = (on or today) if entered else None
    if on is not None and on > today:
        raise UserError("Date de saisie SIECLE : elle ne peut être dans le futur.")
    if pathway.siecle_entered != entered or pathway.siecle_entered_on != on:
        audit.record(
            session,
            "update",
            "pathway",
            pathway.id,
            field="siecle_entered",
            old=pathway.siecle_entered_on,
            new=on,
        )
    pathway.siecle_entered = entered
    pathway.siecle_entered_on = on


# --- follow-up and attendance ------------------------------------------------------------------------------


def unjustified_half_days(events) -> int:
    return rules.unjustified_half_days(
        (e.absence_half_days or 0, bool(e.absence_justified))
        for e in events
        if e.kind == FollowUpKind.ABSENCE
    )


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
class FollowUpResult:
    event_id: int
    unjustified_half_days: int
    alert: str | None


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
    session: Session, youth_id: int, form: FollowUpForm, event_id: int | None = None
) -> FollowUpResult:
    """Record (or edit) a follow-up event; returns the attendance alert when unjustified absences exceed 30."""
    problems = form.errors()
    if problems:
        raise UserError("\n".join(problems.values()))
    youth = session.get(Youth, youth_id)
    if youth is None:
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
        event = session.get(FollowUpEvent, event_id)
        if event is None or event.youth_id != youth_id:
            raise UserError("Cet événement de suivi n'existe plus.")
        for name, value in values.items():
            if getattr(event, name) != value:
                audit.record(
                    session,
                    "update",
                    "follow_up_event",
                    event.id,
                    field=name,
                    old=getattr(event, name),
                    new=value,
                )
                setattr(event, name, value)
    session.flush()
    total = _unjustified_of(session, youth_id)
    alert = rules.attendance_warning(total)
    if alert and not rules.attendance_alert(before):
        # Crossing the threshold records an «Alerte» whose next action shows in the worklists until done.
        warning = FollowUpEvent(
            youth_id=youth_id,
            on=form.on,
            kind=FollowUpKind.ALERTE.value,
            note=alert,
            next_action=ATTENDANCE_ACTION,
            due_on=form.on,
        )
        session.add(warning)
        session.flush()
        audit.record(
            session, "create", "follow_up_event", warning.id, detail=f"jeune {youth_id}, alerte assiduité"
        )
    return FollowUpResult(event.id, total, alert)


ATTENDANCE_ACTION = "Assiduité : faire le point avec le jeune et prévenir le service des bourses"


def _unjustified_of(session: Session, youth_id: int) -> int:
    return unjustified_half_days(
        session.scalars(select(FollowUpEvent).where(FollowUpEvent.youth_id == youth_id))
    )


def mark_follow_up_done(session: Session, event_id: int, on: dt.date | None = None) -> None:
    event = session.get(FollowUpEvent, event_id)
    if event is None:
        raise UserError("Cet événement de suivi n'existe plus.")
    on = on or dt.date.today()
    if on < event.on:
        raise UserError(f"Fait le : le {_d(on)} précède la date de l'événement ({_d(event.on)}).")
    audit.record(session, "update", "follow_up_event", event.id, field="done_on", old=event.done_on, new=on)
    event.done_on = on


def delete_follow_up(session: Session, event_id: int) -> None:
    event = session.get(FollowUpEvent, event_id)
    if event is None:
        raise UserError("Cet événement de suivi n'existe plus.")
    audit.record(session, "delete", "follow_up_event", event.id, detail=f"jeune {event.youth_id}")
    session.delete(event)


def follow_ups(session: Session, youth_id: int) -> list[FollowUpEvent]:
    return list(
        session.scalars(
            select(FollowUpEvent)
            .where(FollowUpEvent.youth_id == youth_id)
            .order_by(FollowUpEvent.on, FollowUpEvent.id)
        )
    )


def attendance_alerts(session: Session, campaign_id: int) -> dict[int, int]:
    """Youths of a campaign whose unjustified absences exceed 30 half-days → their total (for the worklists)."""
    totals: dict[int, int] = {}
    query = (
        select(FollowUpEvent.youth_id, FollowUpEvent.absence_half_days)
        .join(Youth, Youth.id == FollowUpEvent.youth_id)
        .where(
            Youth.campaign_id == campaign_id,
            FollowUpEvent.kind == FollowUpKind.ABSENCE.value,
            FollowUpEvent.absence_justified.is_(False),
        )
    )
    for youth_id, half_days in session.execute(query):
        totals[youth_id] = totals.get(youth_id, 0) + (half_days or 0)
    return {youth_id: total for youth_id, total in totals.items() if rules.attendance_alert(total)}


# --- abandonment and exit ------------------------------------------------------------------------------------


def _require_pathway(session: Session, youth_id: int) -> Pathway:
    pathway = get_pathway(session, youth_id)
    if pathway is None:
        raise UserError("Enregistrez d'abord le parcours de ce jeune.")
    return pathway


def record_abandonment(session: Session, youth_id: int, on: dt.date, reason: str) -> None:
    """The youth left the pathway before its planned end: date and reason (the actual end becomes that date)."""
    pathway = _require_pathway(session, youth_id)
    reason = " ".join(reason.split())
    if (error := rules.abandon_before_start_error(on, pathway.start_date)) is not None:
        raise UserError(error)
    if on > pathway.planned_end:
        raise UserError(
            f"Date d'abandon : le {_d(on)} est après la fin prévue du parcours ({_d(pathway.planned_end)}) ; "
            "enregistrez plutôt la sortie."
        )
    if not reason:
        raise UserError("Motif de l'abandon : obligatoire.")
    if (error := _text_error("Motif de l'abandon", reason)) is not None:
        raise UserError(error)
    audit.record(
        session, "update", "pathway", pathway.id, field="abandoned_on", old=pathway.abandoned_on, new=on
    )
    audit.record(
        session,
        "update",
        "pathway",
        pathway.id,
        field="abandon_reason",
        old=pathway.abandon_reason,
        new=reason,
    )
    pathway.abandoned_on = on
    pathway.abandon_reason = reason
    pathway.actual_end = on


def cancel_abandonment(session: Session, youth_id: int) -> None:
    pathway = _require_pathway(session, youth_id)
    if pathway.abandoned_on is None:
        raise UserError("Aucun abandon n'est enregistré pour ce parcours.")
    audit.record(
        session, "update", "pathway", pathway.id, field="abandoned_on", old=pathway.abandoned_on, new=None
    )
    if pathway.actual_end == pathway.abandoned_on:
        pathway.actual_end = None
    pathway.abandoned_on = None
    pathway.abandon_reason = ""


@dataclass
class ExitForm:
    on: dt.date
    category: str
    detail: str = ""
    note: str = ""

    def errors(self, pathway_start: dt.date) -> dict[str, str]:
        problems: dict[str, str] = {}
        if (error := rules.exit_before_start_error(self.on, pathway_start)) is not None:
            problems["on"] = error
        if (error := rules.exit_detail_error(self.category, self.detail)) is not None:
            problems["detail" if ExitCategory.from_code(self.category) else "category"] = error
        if (error := _text_error("Note", self.note, MAX_NOTES)) is not None:
            problems["note"] = error
        return problems


def exit_details(category: str) -> list[ExitDetail]:
    member = ExitCategory.from_code(category)
    return list(EXIT_DETAILS[member]) if member else []


def record_exit(session: Session, youth_id: int, form: ExitForm) -> int:
    """Record (or correct) the exit outcome of the youth's pathway; an exit before its start is refused."""
    pathway = _require_pathway(session, youth_id)
    problems = form.errors(pathway.start_date)
    if problems:
        raise UserError("\n".join(problems.values()))
    youth = session.get(Youth, youth_id)
    values = {"on": form.on, "category": form.category, "detail": form.detail, "note": form.note.strip()}
    if youth.exit is None:
        youth.exit = Exit(**values)
        session.flush()
        audit.record(session, "create", "exit", youth.exit.id, detail=f"jeune {youth_id}")
    else:
        for name, value in values.items():
            if getattr(youth.exit, name) != value:
                audit.record(
                    session,
                    "update",
                    "exit",
                    youth.exit.id,
                    field=name,
                    old=getattr(youth.exit, name),
                    new=value,
                )
                setattr(youth.exit, name, value)
    pathway.actual_end = pathway.abandoned_on or form.on
    session.flush()
    return youth.exit.id


def delete_exit(session: Session, youth_id: int) -> None:
    youth = session.get(Youth, youth_id)
    if youth is None or youth.exit is None:
        raise UserError("Aucune sortie n'est enregistrée pour ce jeune.")
    audit.record(session, "delete", "exit", youth.exit.id, detail=f"jeune {youth_id}")
    youth.exit = None  # delete-orphan: the row goes
    pathway = get_pathway(session, youth_id)
    if pathway is not None and pathway.abandoned_on is None:
        pathway.actual_end = None


# --- campaign-wide ----------------------------------------------------------------------------------------


def campaign_of(session: Session, youth_id: int) -> Campaign:
    youth = session.get(Youth, youth_id)
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base.")
    return youth.campaign


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

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name.upper()}".strip()

    @property
    def scheme_name(self) -> str:
        return self.scheme.name

    @property
    def born(self) -> str:
        """«née», «né» or «né(e)» for the certificates' sentences."""
        return {"F": "née", "M": "né"}.get(self.sex, "né(e)")

    @property
    def enrolled(self) -> str:
        return {"F": "inscrite", "M": "inscrit"}.get(self.sex, "inscrit(e)")

    @property
    def civility(self) -> str:
        return {"F": "Mme", "M": "M."}.get(self.sex, "")

    @property
    def pfmp_companies(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for m in self.modules:
            if m.is_pfmp and m.carrier_name:
                seen.setdefault(m.carrier_name, None)
        return tuple(seen)


def pathway_document(session: Session, youth_id: int, today: dt.date | None = None) -> PathwayDocument:
    """The detached data of a youth's pathway for its PDFs; UserError when the youth has no pathway."""
    from pae_desktop.core.identity import is_minor
    from pae_desktop.core.vocabulary import ParentLink

    youth = load_youth_for_pathway(session, youth_id)
    pathway = youth.pathway
    if pathway is None:
        raise UserError(f"{youth.display_name} n'a pas de parcours : rien à imprimer.")
    today = today or dt.date.today()
    scheme = scheme_of(youth.campaign)
    referent = session.get(Person, pathway.referent_id) if pathway.referent_id else None
    ml = session.get(Partner, pathway.mission_locale_id) if pathway.mission_locale_id else None
    facts = [rules.module_facts(m) for m in pathway.modules]
    schooling = youth.schooling
    modules = tuple(
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
        minor=is_minor(youth.birth_date, max(today, pathway.start_date)),
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
