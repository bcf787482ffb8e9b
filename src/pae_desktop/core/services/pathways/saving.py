"""Saving a youth's pathway and its modules under the rules, against the versions the user loaded; deleting it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from pae_desktop.core import audit, rules
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.models import Partner, Pathway, PathwayModule, Person, Youth
from pae_desktop.core.operations import PATHWAYS, Changes, bump, changes, load_for_update
from pae_desktop.core.services.pathways.context import (
    PathwayContext,
    load_youth_for_pathway,
    pathway_context,
    write_fields,
)
from pae_desktop.core.services.pathways.forms import (
    Evaluation,
    ModuleForm,
    PathwayForm,
    evaluate,
    get_pathway,
)
from pae_desktop.core.vocabulary import CarrierKind, ModuleType

# The version of a record the user saw absent (no pathway yet, no exit yet): one saved meanwhile is a conflict.
NEW = 0


@dataclass(frozen=True)
class PathwayChanges(Changes):
    """What saving a pathway did (topics, ids, its new version, the soft rules' warnings), plus whether it was
    created and the rules' evaluation of the saved form."""

    pathway_id: int = 0
    created: bool = False
    evaluation: Evaluation | None = None


# The result's former name, kept for the callers that still say it.
PathwaySaveResult = PathwayChanges

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


def check_version(record, version: int | None) -> None:
    """Refuse (conflict) when the record the user loaded — `NEW` when they saw none — is not the one there now."""
    if version is not None and (record.version if record is not None else NEW) != version:
        raise UserError(CONFLICT_MESSAGE)


def save_pathway(
    session: Session, youth_id: int, form: PathwayForm, version: int | None = None
) -> PathwayChanges:
    """Create or update the youth's pathway and its modules; refused whole (UserError) when a hard rule holds or
    when the pathway (`version`, `NEW` for a new one) or one of its modules changed since the user loaded it.

    A youth whose latest decision is not «S'engage dans le parcours» gets a pathway only with a note saying why.
    """
    context = pathway_context(session, youth_id)
    youth = load_youth_for_pathway(session, youth_id)
    check_version(youth.pathway, version)
    evaluation = evaluate(form, context)
    _refuse(session, form, context, evaluation)
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
        written = True
    else:
        written = write_fields(session, pathway, "pathway", values)
    module_ids, modules_written = _save_modules(session, pathway, form.modules)
    if modules_written and not written:
        bump(pathway)  # only its modules changed: its version moves all the same
    session.flush()
    return PathwayChanges(
        topics=frozenset({PATHWAYS}),
        ids={"pathway": (pathway.id,), "pathway_module": module_ids},
        versions={"pathway": pathway.version},
        warnings=tuple(w.message for w in evaluation.warnings),
        pathway_id=pathway.id,
        created=created,
        evaluation=evaluation,
    )


def _refuse(session: Session, form: PathwayForm, context: PathwayContext, evaluation: Evaluation) -> None:
    """The hard rules, the note a pathway without engagement needs, the referent and Mission locale still there."""
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


def _save_modules(
    session: Session, pathway: Pathway, forms: list[ModuleForm]
) -> tuple[tuple[int, ...], bool]:
    """The pathway's modules made those of the form (each checked against the version the user loaded); the ids
    written and whether anything changed."""
    existing = {m.id: m for m in pathway.modules}
    wanted_ids = {m.id for m in forms if m.id is not None}
    written: list[int] = []
    for module_id, module in existing.items():
        if module_id not in wanted_ids:
            audit.record(session, "delete", "pathway_module", module_id, detail=f"parcours {pathway.id}")
            pathway.modules.remove(module)
            written.append(module_id)
    for module_form in forms:
        values = {name: getattr(module_form, name) for name in _MODULE_FIELDS}
        for name in ("label", "place", "tutor", "convention_ref", "notes"):
            values[name] = values[name].strip()
        values["label"] = values["label"] or ModuleType.label_of(module_form.module_type)
        if module_form.id is None:
            row = PathwayModule(**values)
            pathway.modules.append(row)
            session.flush()
            audit.record(session, "create", "pathway_module", row.id, detail=f"parcours {pathway.id}")
            written.append(row.id)
            continue
        row = existing.get(module_form.id)
        if row is None:
            raise UserError(
                f"Module « {module_form.name} » : il a été supprimé entre-temps, rechargez le parcours."
            )
        check_version(row, module_form.version)
        if write_fields(session, row, "pathway_module", values):
            written.append(row.id)
    return tuple(written), bool(written)


def delete_pathway(session: Session, youth_id: int, version: int | None = None) -> Changes:
    """Delete a pathway opened by mistake, with its modules; refused while an exit is recorded."""
    pathway = get_pathway(session, youth_id)
    if pathway is None:
        raise UserError("Ce jeune n'a pas de parcours.")
    load_for_update(session, Pathway, pathway.id, version, "Ce jeune n'a pas de parcours.")
    youth = session.get(Youth, youth_id)
    if youth is not None and youth.exit is not None:
        raise UserError("Supprimez d'abord la sortie enregistrée : elle est celle de ce parcours.")
    module_ids = tuple(m.id for m in pathway.modules)
    audit.record(session, "delete", "pathway", pathway.id, detail=f"jeune {youth_id}")
    session.delete(pathway)
    session.flush()
    return changes(PATHWAYS, ids={"pathway": (pathway.id,), "pathway_module": module_ids})


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
