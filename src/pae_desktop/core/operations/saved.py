"""The result of an operation that saved one record a form goes on editing: `Changes` plus its id and version."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pae_desktop.core.operations import Changes


@dataclass(frozen=True)
class Saved(Changes):
    """What a save changed (topics, ids, versions, warnings) and the record itself: `id` to select it, `version`
    for the form's next save. Screens hand it to `context.apply` like any `Changes`."""

    id: int = 0
    version: int = 0


def saved(entity: str, record: Any, *topics: str, warnings: Iterable[str] = ()) -> Saved:
    """The `Saved` of `record` (flushed, so that its id and version are known) under the entity name `entity`."""
    return Saved(
        topics=frozenset(topics),
        ids={entity: (record.id,)},
        versions={entity: record.version},
        warnings=tuple(warnings),
        id=record.id,
        version=record.version,
    )
