"""The campaign's youths as the census import finds them, loaded once and indexed: no query per student."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core.identity import normalise_ine
from pae_desktop.core.models import LegalRepresentative, OriginalSchooling, Youth
from pae_desktop.core.text import fold
from pae_desktop.io.siecle import StudentRecord

SPREADSHEET_ID = "tableur"  # `Youth.siecle_id` of a youth imported from a spreadsheet without ELEVE_ID
# In `Youth.corrected_fields`: the user undid the youth's leaving by hand; no import marks them as left again.
LEFT_UNDONE = "left_school_on"


def came_from_siecle(siecle_id: str) -> bool:
    """Whether a youth's `siecle_id` is a SIECLE ELEVE_ID: not a spreadsheet's marker, not a youth typed by hand.
    Only such a youth can be marked as having left because a complete SIECLE export no longer lists them."""
    return bool(siecle_id) and siecle_id != SPREADSHEET_ID


class _Existing(NamedTuple):
    id: int
    version: int
    ine: str
    siecle_id: str
    last_name: str
    usage_name: str
    first_names: str
    sex: str
    birth_date: dt.date | None
    phone_raw: str
    phone2_raw: str
    email: str
    address: str
    postal_code: str
    city: str
    boursier: bool
    corrected_fields: str
    left_school_on: dt.date | None
    schooling_id: int | None
    diploma: str | None
    speciality: str | None
    mef_code: str | None
    mef_label: str | None
    division: str | None
    status: str | None
    school_year: int | None
    detected_by: str | None


_EXISTING_COLUMNS = (
    Youth.id,
    Youth.version,
    Youth.ine,
    Youth.siecle_id,
    Youth.last_name,
    Youth.usage_name,
    Youth.first_names,
    Youth.sex,
    Youth.birth_date,
    Youth.phone_raw,
    Youth.phone2_raw,
    Youth.email,
    Youth.address,
    Youth.postal_code,
    Youth.city,
    Youth.boursier,
    Youth.corrected_fields,
    Youth.left_school_on,
    OriginalSchooling.id,
    OriginalSchooling.diploma,
    OriginalSchooling.speciality,
    OriginalSchooling.mef_code,
    OriginalSchooling.mef_label,
    OriginalSchooling.division,
    OriginalSchooling.status,
    OriginalSchooling.school_year,
    OriginalSchooling.detected_by,
)

RepTuple = tuple[str, str, str, str, bool, str, str, str, str, str]


def name_key(last_name: str, first_names: str, birth_date: dt.date | None) -> tuple[str, str, dt.date] | None:
    """Last resort identity across imports: folded last name, first first name, birth date."""
    first = fold(first_names).split(" ")[0] if first_names else ""
    if not last_name.strip() or not first or birth_date is None:
        return None
    return fold(last_name), first, birth_date


class _Index:
    """The campaign's youths by INE, ELEVE_ID and name key: each row is matched without a query."""

    def __init__(self, session: Session, campaign_id: int | None) -> None:
        self.rows: dict[int, _Existing] = {}
        self.reps: dict[int, list[RepTuple]] = {}
        self.by_ine: dict[str, int] = {}
        self.by_siecle_id: dict[str, int] = {}
        self.by_name: dict[tuple, int] = {}
        if campaign_id is None:
            return
        query = (
            select(*_EXISTING_COLUMNS)
            .outerjoin(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
            .where(Youth.campaign_id == campaign_id, Youth.anonymised_at.is_(None))
        )
        for row in session.execute(query):
            existing = _Existing(*row)
            self.rows[existing.id] = existing
            if existing.ine:
                self.by_ine.setdefault(existing.ine, existing.id)
            if came_from_siecle(existing.siecle_id):
                self.by_siecle_id.setdefault(existing.siecle_id, existing.id)
            key = name_key(existing.last_name, existing.first_names, existing.birth_date)
            if key is not None:
                self.by_name.setdefault(key, existing.id)
        reps_query = (
            select(
                LegalRepresentative.youth_id,
                LegalRepresentative.last_name,
                LegalRepresentative.first_name,
                LegalRepresentative.civility,
                LegalRepresentative.link,
                LegalRepresentative.is_legal,
                LegalRepresentative.phone_raw,
                LegalRepresentative.email,
                LegalRepresentative.address,
                LegalRepresentative.postal_code,
                LegalRepresentative.city,
            )
            .join(Youth, Youth.id == LegalRepresentative.youth_id)
            .where(Youth.campaign_id == campaign_id)
            .order_by(LegalRepresentative.youth_id, LegalRepresentative.rank)
        )
        for youth_id, *values in session.execute(reps_query):
            self.reps.setdefault(youth_id, []).append(tuple(values))

    def match(self, record: StudentRecord, key: tuple | None) -> int | None:
        """The youth a record is, by INE, ELEVE_ID, then its name key (`name_key` of the record)."""
        for ine in record.all_ines:
            found = self.by_ine.get(normalise_ine(ine))
            if found is not None:
                return found
        if record.eleve_id and record.eleve_id in self.by_siecle_id:
            return self.by_siecle_id[record.eleve_id]
        return self.by_name.get(key) if key is not None else None
