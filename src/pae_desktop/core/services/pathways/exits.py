"""The end of a pathway: an abandonment (date and reason) and the exit outcome, each against the version loaded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pae_desktop.core import audit, rules
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Exit, Pathway, Youth
from pae_desktop.core.operations import PATHWAYS, Changes, changes, load_for_update
from pae_desktop.core.services.deletions import snapshot
from pae_desktop.core.services.pathways.context import MAX_NOTES, _d, _text_error, write_fields
from pae_desktop.core.services.pathways.forms import get_pathway
from pae_desktop.core.services.pathways.saving import check_version
from pae_desktop.core.vocabulary import EXIT_DETAILS, ExitCategory, ExitDetail

NO_PATHWAY = "Enregistrez d'abord le parcours de ce jeune."


def _require_pathway(session: Session, youth_id: int, version: int | None = None) -> Pathway:
    pathway = get_pathway(session, youth_id)
    if pathway is None:
        raise UserError(NO_PATHWAY)
    return load_for_update(session, Pathway, pathway.id, version, NO_PATHWAY)


def _pathway_changes(pathway: Pathway) -> Changes:
    return changes(PATHWAYS, ids={"pathway": (pathway.id,)}, versions={"pathway": pathway.version})


def record_abandonment(
    session: Session, youth_id: int, on: dt.date, reason: str, version: int | None = None
) -> Changes:
    """The youth left the pathway before its planned end: date and reason (the actual end becomes that date)."""
    pathway = _require_pathway(session, youth_id, version)
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
    write_fields(session, pathway, "pathway", {"abandoned_on": on, "abandon_reason": reason})
    pathway.actual_end = on
    session.flush()
    return _pathway_changes(pathway)


def cancel_abandonment(session: Session, youth_id: int, version: int | None = None) -> Changes:
    pathway = _require_pathway(session, youth_id, version)
    if pathway.abandoned_on is None:
        raise UserError("Aucun abandon n'est enregistré pour ce parcours.")
    audit.record(
        session, "update", "pathway", pathway.id, field="abandoned_on", old=pathway.abandoned_on, new=None
    )
    if pathway.actual_end == pathway.abandoned_on:
        pathway.actual_end = None
    pathway.abandoned_on = None
    pathway.abandon_reason = ""
    session.flush()
    return _pathway_changes(pathway)


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


def record_exit(session: Session, youth_id: int, form: ExitForm, version: int | None = None) -> Changes:
    """Record (or correct) the exit outcome of the youth's pathway, against the exit's `version` the user loaded
    (`NEW` when they saw none); an exit before the pathway's start is refused."""
    pathway = _require_pathway(session, youth_id)
    youth = session.get(Youth, youth_id)
    check_version(youth.exit, version)
    problems = form.errors(pathway.start_date)
    if problems:
        raise UserError("\n".join(problems.values()))
    values = {"on": form.on, "category": form.category, "detail": form.detail, "note": form.note.strip()}
    if youth.exit is None:
        youth.exit = Exit(**values)
        session.flush()
        audit.record(session, "create", "exit", youth.exit.id, detail=f"jeune {youth_id}")
    else:
        write_fields(session, youth.exit, "exit", values)
    pathway.actual_end = pathway.abandoned_on or form.on
    session.flush()
    return changes(
        PATHWAYS,
        ids={"exit": (youth.exit.id,), "pathway": (pathway.id,)},
        versions={"exit": youth.exit.version, "pathway": pathway.version},
    )


def delete_exit(session: Session, youth_id: int, version: int | None = None) -> Changes:
    youth = session.get(Youth, youth_id)
    if youth is None or youth.exit is None:
        raise UserError("Aucune sortie n'est enregistrée pour ce jeune.")
    record = load_for_update(session, Exit, youth.exit.id, version, "Aucune sortie n'est enregistrée.")
    exit_id = record.id
    label = f"la sortie « {ExitCategory.label_of(record.category)} » du {_d(record.on)}"
    gone = snapshot(record, label)
    audit.record(session, "delete", "exit", exit_id, detail=f"jeune {youth_id}")
    youth.exit = None  # delete-orphan: the row goes
    pathway = get_pathway(session, youth_id)
    if pathway is not None and pathway.abandoned_on is None:
        pathway.actual_end = None
    session.flush()
    return changes(PATHWAYS, ids={"exit": (exit_id,)}, deleted=[gone])
