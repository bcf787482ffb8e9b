"""The operation contract (architecture.md): one function per use case, called alike by the window and the
command line, that checks the versions of what the user loaded, writes, audits, and returns `Changes`.

This module holds what every operation shares: the result type, the topics a screen refreshes on, and the
version check. Operations themselves live in `core/services/` (one module per use case) and in the modules
of this package for the use cases that span several (prints, exports, backups).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError

# What a change touched (Anki's OpChanges): a screen refreshes only when one of its topics is in the set.
YOUTHS = "youths"
CONTACTS = "contacts"
INTERVIEWS = "interviews"
SLOTS = "slots"
PATHWAYS = "pathways"
DIRECTORY = "directory"
SCHOOL = "school"
CAMPAIGNS = "campaigns"
PHASE1 = "phase1"  # phase 1 «AvenirPro»: workshops, attendance, individual interviews, events
AUDIT = "audit"  # the audit log itself (prints and exports write to it)
ALL_TOPICS = frozenset({YOUTHS, CONTACTS, INTERVIEWS, SLOTS, PATHWAYS, DIRECTORY, SCHOOL, CAMPAIGNS, PHASE1, AUDIT})


@dataclass(frozen=True)
class Changes:
    """What an operation did, for the screens to refresh from and the command line to report.

    `ids` are the records written (created, updated or deleted) by entity name, `versions` the new version of
    each record the user may go on editing, `warnings` French sentences to show, `file` the file written."""

    topics: frozenset[str] = frozenset()
    ids: dict[str, tuple[int, ...]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    file: Path | None = None
    count: int = 0  # how many items a batch operation handled (rows exported, documents printed…)
    # What a deletion removed, as plain snapshots (`services.deletions.Deleted`) its undo puts back.
    deleted: tuple[Any, ...] = ()

    def __or__(self, other: Changes) -> Changes:
        """Two operations' changes together (a batch, a use case made of steps)."""
        ids = dict(self.ids)
        for entity, values in other.ids.items():
            ids[entity] = tuple(dict.fromkeys(ids.get(entity, ()) + values))
        return Changes(
            topics=self.topics | other.topics,
            ids=ids,
            versions={**self.versions, **other.versions},
            warnings=self.warnings + tuple(w for w in other.warnings if w not in self.warnings),
            file=other.file or self.file,
            count=self.count + other.count,
            deleted=self.deleted + other.deleted,
        )


def changes(
    *topics: str,
    ids: dict[str, Iterable[int]] | None = None,
    warnings: Iterable[str] = (),
    file: Path | None = None,
    count: int = 0,
    versions: dict[str, int] | None = None,
    deleted: Iterable[Any] = (),
) -> Changes:
    """A `Changes` built from plain values (ids may be any iterable)."""
    return Changes(
        topics=frozenset(topics),
        ids={entity: tuple(values) for entity, values in (ids or {}).items()},
        versions=dict(versions or {}),
        warnings=tuple(warnings),
        file=file,
        count=count,
        deleted=tuple(deleted),
    )


Model = TypeVar("Model")


def load_for_update(session: Session, model: type[Model], record_id: int, version: int | None, gone: str) -> Model:
    """The record the user edited, refused when it was deleted (`gone`, a French sentence) or changed since it
    was loaded (its `version` differs: the conflict message). `version=None` means the caller loaded nothing
    the user could have edited (a command-line act on the record as it is)."""
    record = session.get(model, record_id)
    if record is None:
        raise UserError(gone)
    if version is not None and record.version != version:
        raise UserError(CONFLICT_MESSAGE)
    return record


def bump(record: Any) -> None:
    """Make the next flush update the record's row, so that its version moves up although only its children
    changed (participants of an interview, modules of a pathway…); a concurrent save of the same version is
    then refused by the database itself (SQLAlchemy's version counter: UPDATE … WHERE version = loaded)."""
    mapper = inspect(record).mapper
    column = next(attr.key for attr in mapper.column_attrs if attr.key not in ("id", "version"))
    flag_modified(record, column)
