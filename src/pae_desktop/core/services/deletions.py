"""Undoing a deletion: the snapshot a delete operation returns in its `Changes` and the operation that puts the
record back («Annuler la suppression», for the session), audited «restauration»."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Base
from pae_desktop.core.operations import DIRECTORY, PATHWAYS, Changes, changes

REFUSED = "La suppression ne peut plus être annulée : "
# What a missing parent was, by its table (the sentence goes after `REFUSED`).
PARENT_GONE = {
    "youth": "le dossier du jeune a été supprimé entre-temps.",
    "partner": "son partenaire a été supprimé de l'annuaire entre-temps.",
    "person": "la personne qu'il nomme a été supprimée de l'annuaire entre-temps.",
    "pathway_template": "son modèle a été supprimé entre-temps.",
}
# Columns that become empty, as the database's ON DELETE SET NULL would have made them, when what they name
# is gone (a template's module whose carrier left the directory); any other missing parent refuses the undo.
EMPTY_IF_GONE = frozenset({("pathway_template_module", "carrier_partner_id")})
TOPICS = {"partner": DIRECTORY, "person": DIRECTORY}  # the others belong to pathways


@dataclass(frozen=True)
class Deleted:
    """A deleted record as plain values, enough to put it back: `entity` is its table (the audit's entity name),
    `label` says in French what it was («le partenaire « CFA du BTP »»), `values` its columns but its id and
    version, `children` the rows deleted with it through the relationship `children_of`."""

    entity: str
    record_id: int
    label: str
    values: dict[str, Any]
    children: tuple[Deleted, ...] = ()
    children_of: str = ""


def snapshot(record: Any, label: str, children_of: str = "") -> Deleted:
    """The snapshot of `record` (an ORM object about to be deleted) and of its children under `children_of`."""
    mapper = inspect(record).mapper
    values = {attr.key: getattr(record, attr.key) for attr in mapper.column_attrs}
    for key in ("id", "version"):
        values.pop(key, None)
    children = tuple(snapshot(child, "") for child in getattr(record, children_of)) if children_of else ()
    return Deleted(mapper.local_table.name, record.id, label, values, children, children_of)


def _model(table: str) -> type:
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == table:
            return mapper.class_
    raise ValueError(f"no model for table {table!r}")


def _rebuild(session: Session, deleted: Deleted, skip: str = "") -> Any:
    """A new ORM object with the snapshot's values, its parents checked (`skip`: the column its restored parent
    fills); refused in French when a parent it needs is gone."""
    model = _model(deleted.entity)
    values = dict(deleted.values)
    for column in model.__table__.columns:
        value = values.get(column.key)
        if column.key == skip or value is None or not column.foreign_keys:
            continue
        parent_table = next(iter(column.foreign_keys)).column.table.name
        if session.get(_model(parent_table), value) is not None:
            continue
        if (deleted.entity, column.key) not in EMPTY_IF_GONE:
            raise UserError(REFUSED + PARENT_GONE.get(parent_table, "ce qu'il nomme a été supprimé entre-temps."))
        values[column.key] = None
    values.pop(skip, None)
    record = model(**values)
    children = [_rebuild(session, child, _owner_column(child)) for child in deleted.children]
    if deleted.children_of:
        getattr(record, deleted.children_of).extend(children)
    return record


def _owner_column(child: Deleted) -> str:
    """The column of a child row naming its parent (a template module's `template_id`)."""
    model = _model(child.entity)
    return next(
        column.key
        for column in model.__table__.columns
        if column.foreign_keys and not column.nullable and column.key.endswith("_id")
    )


def _check_conflicts(session: Session, deleted: Deleted) -> None:
    """What was recorded meanwhile in the deleted record's place: a namesake, another exit."""
    from pae_desktop.core.models import Exit, Partner, PathwayTemplate
    from pae_desktop.core.text import fold

    values = deleted.values
    if deleted.entity == "partner":
        same_type = session.scalars(select(Partner.name).where(Partner.type == values["type"]))
        if any(fold(name) == fold(values["name"]) for name in same_type):
            raise UserError(REFUSED + f"un partenaire « {values['name']} » de ce type a été ajouté entre-temps.")
    elif deleted.entity == "pathway_template":
        if session.scalar(select(PathwayTemplate.id).where(PathwayTemplate.name == values["name"])) is not None:
            raise UserError(REFUSED + f"un modèle « {values['name']} » a été enregistré entre-temps.")
    elif deleted.entity == "exit":
        if session.scalar(select(Exit.id).where(Exit.youth_id == values["youth_id"])) is not None:
            raise UserError(REFUSED + "une autre sortie a été enregistrée entre-temps pour ce jeune.")


def _after_exit(session: Session, record: Any) -> dict[str, tuple[int, ...]]:
    """A restored exit ends the youth's pathway again, as recording it did; refused without a pathway."""
    from pae_desktop.core.services.pathways.forms import get_pathway

    pathway = get_pathway(session, record.youth_id)
    if pathway is None:
        raise UserError(REFUSED + "le parcours de ce jeune a été supprimé entre-temps.")
    pathway.actual_end = pathway.abandoned_on or record.on
    return {"pathway": (pathway.id,)}


def restore_deleted(session: Session, deleted: Deleted) -> Changes:
    """Put a deleted record back with the values it had (a new id, a new version), audited «restauration»;
    refused in French, nothing written, when it can no longer be: what it belonged to was deleted meanwhile,
    or something took its place (a namesake, another exit)."""
    _check_conflicts(session, deleted)
    record = _rebuild(session, deleted)
    ids: dict[str, tuple[int, ...]] = {}
    if deleted.entity == "exit":
        ids.update(_after_exit(session, record))
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError as error:
        raise UserError(REFUSED + "un enregistrement identique existe déjà.") from error
    audit.record(
        session, "restore", deleted.entity, record.id, detail=f"suppression annulée (n° {deleted.record_id})"
    )
    session.flush()
    ids[deleted.entity] = (record.id,)
    return changes(
        TOPICS.get(deleted.entity, PATHWAYS), ids=ids, versions={deleted.entity: record.version}
    )
