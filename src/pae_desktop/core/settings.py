"""Settings declared once: their key, French label, type and default; stored in the database (table `setting`).

Every reader goes through `get`, which returns the declared type (a stored value of another type, written by an
older version or by hand, reads as the default); `put` and `save_settings` refuse a value of the wrong type or
out of its bounds with a French `UserError`, and a stale write (the version the form loaded) with the conflict
message. A new setting is one more `Declared` line and its place in `ALL`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.models import Setting
from pae_desktop.core.operations import CONTACTS, SCHOOL, YOUTHS, Changes, changes
from pae_desktop.io.limits import DEFAULT_MAX_FILE_MB

T = TypeVar("T")


def _bounded(low: int, high: int) -> Callable[[int], str]:
    def check(value: int) -> str:
        return "" if low <= value <= high else f"doit être compris entre {low} et {high}"

    return check


def _short(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        return "" if len(value) <= limit and "\x00" not in value else f"compte {limit} caractères au plus"

    return check


@dataclass(frozen=True, slots=True)
class Declared(Generic[T]):
    """One setting: its key in the table, its French label, its type, its default and its bounds (`check`
    returns "" or the end of a French sentence saying what is wrong)."""

    key: str
    label: str
    type: type
    default: T
    check: Callable[[Any], str] | None = None
    optional: bool = False  # None is a value (no staff chosen yet…)

    def error(self, value: Any) -> str:
        """Why `value` cannot be stored under this setting ("" when it can)."""
        if value is None:
            return "" if self.optional else f"« {self.label} » doit être renseigné."
        # bool is an int for Python: a number setting refuses True, a yes/no setting refuses 1
        if type(value) is not self.type and not (self.type is float and type(value) is int):
            return f"« {self.label} » : valeur de type incorrect ({value!r})."
        if self.check is not None and (problem := self.check(value)):
            return f"« {self.label} » {problem}."
        return ""

    def decode(self, text: str) -> T:
        """The stored JSON text as the declared type; the default when it does not hold one."""
        try:
            value = json.loads(text)
        except ValueError:
            return self.default
        return self.default if self.error(value) else value


UNREACHABLE_AFTER: Declared[int] = Declared(
    "unreachable_after", "Tentatives sans réponse avant « Injoignable »", int, 3, _bounded(1, 20)
)
RETENTION_NO_PATHWAY: Declared[bool] = Declared(
    "retention_no_pathway",
    "Anonymiser les jeunes sans parcours à la fin de la campagne (31 décembre)",
    bool,
    True,
)
RETENTION_PATHWAY_MONTHS: Declared[int] = Declared(
    "retention_pathway_months",
    "Conserver les dossiers de parcours jusqu'au 31 août suivant (mois après le 31/12)",
    int,
    8,
    _bounded(0, 24),
)
AUDIT_RETENTION_DAYS: Declared[int] = Declared(
    "audit_retention_days", "Durée de conservation du journal (jours)", int, 365, _bounded(30, 3650)
)
BACKUP_RETENTION_MONTHS: Declared[int] = Declared(
    "backup_retention_months",
    "Conserver les sauvegardes manuelles et les copies avant restauration (mois)",
    int,
    13,
    _bounded(1, 120),
)
LOCK_AFTER_MINUTES: Declared[int] = Declared(
    "lock_after_minutes", "Verrouiller la fenêtre après (minutes d'inactivité)", int, 10, _bounded(0, 240)
)
DPO_CONTACT: Declared[str] = Declared(
    "dpo_contact", "Contact du délégué à la protection des données de l'académie", str, "", _short(500)
)
MAX_IMPORT_MB: Declared[int] = Declared(
    "max_import_mb",
    "Taille maximale d'un fichier importé (Mo)",
    int,
    DEFAULT_MAX_FILE_MB,
    _bounded(1, 2000),
)


def _pin_hash(value: str) -> str:
    from pae_desktop.core.lock_code import is_pin_hash

    return "" if value == "" or is_pin_hash(value) else "n'est pas une empreinte de code valide"


# the lock screen's PIN, as `core.lock_code.hash_pin` gives it (never the PIN itself; "": no PIN)
LOCK_PIN: Declared[str] = Declared("lock_pin", "Code de verrouillage (empreinte)", str, "", _pin_hash)
CURRENT_STAFF_ID: Declared[int | None] = Declared(
    "current_staff_id", "Membre du personnel qui utilise l'application", int, None, optional=True
)

ALL = (
    UNREACHABLE_AFTER,
    RETENTION_NO_PATHWAY,
    RETENTION_PATHWAY_MONTHS,
    AUDIT_RETENTION_DAYS,
    BACKUP_RETENTION_MONTHS,
    LOCK_AFTER_MINUTES,
    DPO_CONTACT,
    MAX_IMPORT_MB,
    LOCK_PIN,
    CURRENT_STAFF_ID,
)
BY_KEY = {setting.key: setting for setting in ALL}


def get(session: Session, setting: Declared[T]) -> T:
    """The setting's value, of its declared type (the default when nothing valid is stored)."""
    row = session.get(Setting, setting.key)
    return setting.default if row is None else setting.decode(row.value)


def get_all(session: Session) -> dict[str, Any]:
    """Every declared setting by key, each of its declared type."""
    stored = {row.key: row.value for row in session.scalars(select(Setting))}
    return {s.key: s.decode(stored[s.key]) if s.key in stored else s.default for s in ALL}


def versions(session: Session) -> dict[str, int]:
    """The version of every setting as a form loads it (0: never stored), to hand back to `save_settings`."""
    stored = {key: version for key, version in session.execute(select(Setting.key, Setting.version))}
    return {s.key: stored.get(s.key, 0) for s in ALL}


def put(session: Session, setting: Declared[T], value: T, version: int | None = None) -> bool:
    """Store one setting; True when its value changed. Refused (UserError, nothing written) when the value is
    not of the declared type or out of bounds, or when `version` (as `versions` gave it) is stale."""
    if problem := setting.error(value):
        raise UserError(problem)
    row = session.get(Setting, setting.key)
    if version is not None and (row.version if row is not None else 0) != version:
        raise UserError(CONFLICT_MESSAGE)
    encoded = json.dumps(value, ensure_ascii=False)
    if row is None:
        session.add(Setting(key=setting.key, value=encoded))
        return True
    if row.value == encoded:
        return False
    row.value = encoded
    return True


def save_settings(
    session: Session, values: Mapping[Declared, Any], loaded: Mapping[str, int] | None = None
) -> Changes:
    """The operation of a settings form: every value checked first (nothing written when one is refused), the
    versions the form loaded checked, each changed value written and audited; returns the `Changes`."""
    problems = [problem for setting, value in values.items() if (problem := setting.error(value))]
    if problems:
        raise UserError("\n".join(problems))
    before = get_all(session)
    changed = []
    for setting, value in values.items():
        version = None if loaded is None else loaded.get(setting.key)
        if put(session, setting, value, version):
            audit.record(session, "update", "setting", field=setting.key, old=before[setting.key], new=value)
            changed.append(setting.key)
    session.flush()
    if not changed:
        return changes()
    # the threshold of «Injoignable» moves stages and worklists
    topics = (SCHOOL, YOUTHS, CONTACTS) if UNREACHABLE_AFTER.key in changed else (SCHOOL,)
    return changes(*topics, versions=versions(session))
