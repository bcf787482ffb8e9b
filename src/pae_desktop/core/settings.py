"""Settings declared once: their key, French label and default; stored in the database (table `setting`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core.models import Setting


@dataclass(frozen=True, slots=True)
class Declared:
    key: str
    label: str
    default: Any


UNREACHABLE_AFTER = Declared("unreachable_after", "Tentatives sans réponse avant « Injoignable »", 3)
RETENTION_NO_PATHWAY = Declared(
    "retention_no_pathway", "Anonymiser les jeunes sans parcours à la fin de la campagne (31 décembre)", True
)
RETENTION_PATHWAY_MONTHS = Declared(
    "retention_pathway_months",
    "Conserver les dossiers de parcours jusqu'au 31 août suivant (mois après le 31/12)",
    8,
)
AUDIT_RETENTION_DAYS = Declared("audit_retention_days", "Durée de conservation du journal (jours)", 365)
LOCK_AFTER_MINUTES = Declared("lock_after_minutes", "Verrouiller la fenêtre après (minutes d'inactivité)", 10)
DPO_CONTACT = Declared("dpo_contact", "Contact du délégué à la protection des données", "")
CURRENT_STAFF_ID = Declared("current_staff_id", "Membre du personnel qui utilise l'application", None)

ALL = (
    UNREACHABLE_AFTER,
    RETENTION_NO_PATHWAY,
    RETENTION_PATHWAY_MONTHS,
    AUDIT_RETENTION_DAYS,
    LOCK_AFTER_MINUTES,
    DPO_CONTACT,
    CURRENT_STAFF_ID,
)


def get(session: Session, setting: Declared) -> Any:
    row = session.get(Setting, setting.key)
    return setting.default if row is None else json.loads(row.value)


def get_all(session: Session) -> dict[str, Any]:
    stored = {row.key: json.loads(row.value) for row in session.scalars(select(Setting))}
    return {s.key: stored.get(s.key, s.default) for s in ALL}


def put(session: Session, setting: Declared, value: Any) -> None:
    row = session.get(Setting, setting.key)
    encoded = json.dumps(value, ensure_ascii=False)
    if row is None:
        session.add(Setting(key=setting.key, value=encoded))
    else:
        row.value = encoded
