"""The module catalogue (built-in types and the school's entries) and the pathway templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pae_desktop.core import audit, rules
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import ModuleCatalogEntry, PathwayTemplate, PathwayTemplateModule
from pae_desktop.core.operations import PATHWAYS, Changes, bump, changes, load_for_update
from pae_desktop.core.rules import CampaignLimits
from pae_desktop.core.services.deletions import snapshot
from pae_desktop.core.services.pathways.context import _text_error
from pae_desktop.core.services.pathways.forms import ModuleForm, PathwayForm
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import DEFAULT_CARRIER_KIND, CarrierKind, ModuleType

# --- module catalogue ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogItem:
    label: str
    module_type: str
    default_carrier_kind: str
    entry_id: int | None = None  # None: built in, from vocabulary.ModuleType
    version: int | None = None  # the entry's, as listed (None: built in)

    @property
    def builtin(self) -> bool:
        return self.entry_id is None


def catalogue(session: Session) -> list[CatalogItem]:
    """The built-in module types, then the entries the user added (by label)."""
    items = [CatalogItem(t.label, t.value, DEFAULT_CARRIER_KIND[t].value) for t in ModuleType]
    for entry in session.scalars(select(ModuleCatalogEntry).order_by(ModuleCatalogEntry.label)):
        items.append(
            CatalogItem(entry.label, entry.module_type, entry.default_carrier_kind, entry.id, entry.version)
        )
    return items


def add_catalog_entry(session: Session, label: str, module_type: str, default_carrier_kind: str) -> Changes:
    """A module type of the school's own (a label counted as one of the national types, a default carrier)."""
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
    return changes(
        PATHWAYS, ids={"module_catalog_entry": (entry.id,)}, versions={"module_catalog_entry": entry.version}
    )


def delete_catalog_entry(session: Session, entry_id: int, version: int | None = None) -> Changes:
    """Remove an entry the school added (the modules already typed keep their national type)."""
    entry = load_for_update(
        session, ModuleCatalogEntry, entry_id, version, "Cette entrée du catalogue n'existe plus."
    )
    audit.record(session, "delete", "module_catalog_entry", entry.id, old=entry.label)
    session.delete(entry)
    session.flush()
    return changes(PATHWAYS, ids={"module_catalog_entry": (entry_id,)})


# --- templates ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    length_days: int
    module_labels: tuple[str, ...]
    version: int | None = None


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
            t.version,
        )
        for t in templates
    ]


def save_template(
    session: Session,
    name: str,
    form: PathwayForm,
    *,
    replace_existing: bool = False,
    version: int | None = None,
) -> Changes:
    """Save the combination of modules of `form`, their dates as offsets from the pathway's start; replacing the
    template of that name (`replace_existing`) checks the `version` the user chose it at."""
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
        load_for_update(session, PathwayTemplate, template.id, version, "Ce modèle n'existe plus.")
        template.modules.clear()
        bump(template)
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
    return changes(
        PATHWAYS, ids={"pathway_template": (template.id,)}, versions={"pathway_template": template.version}
    )


def delete_template(session: Session, template_id: int, version: int | None = None) -> Changes:
    template = load_for_update(session, PathwayTemplate, template_id, version, "Ce modèle n'existe plus.")
    gone = snapshot(template, f"le modèle « {template.name} »", children_of="modules")
    audit.record(session, "delete", "pathway_template", template.id, old=template.name)
    session.delete(template)
    session.flush()
    return changes(PATHWAYS, ids={"pathway_template": (template_id,)}, deleted=[gone])


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
