"""A worklist as rows for a file: the command line's rows (`id_jeune` first) and the PSAD's list of the youths
«Sans solution connue» — both from `worklist_items`, the home screen's own lists."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core.models import Campaign, OriginalSchooling, Youth
from pae_desktop.core.services.worklists import worklist_items
from pae_desktop.core.vocabulary import Diploma
from pae_desktop.core.worklist import WorkItem, Worklist

# The command line's columns (`pae-desktop worklist NAME`), ASCII like the FOQUALE file's.
WORKLIST_COLUMNS = (
    "id_jeune",
    "nom",
    "prenom",
    "classe",
    "telephone",
    "courriel",
    "etape",
    "echeance",
    "dernier_contact",
    "a_faire",
)
NOMINATIVE_COLUMNS = ("nom", "prenom", "telephone", "courriel")  # empty unless the rows are nominative

# The list the PSAD (plateforme de suivi et d'appui aux décrocheurs) asks for.
PSAD_HEADERS = (
    "Nom",
    "Prénom(s)",
    "Date de naissance",
    "INE",
    "Téléphone",
    "Adresse",
    "Code postal",
    "Commune",
    "Diplôme préparé",
    "Spécialité",
    "Classe",
    "Dernier contact",
    "Situation connue",
)


def _youths(session: Session, ids: list[int]) -> dict[int, tuple[Youth, OriginalSchooling | None]]:
    found: dict[int, tuple[Youth, OriginalSchooling | None]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        query = (
            select(Youth, OriginalSchooling)
            .outerjoin(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
            .where(Youth.id.in_(chunk))
        )
        for youth, schooling in session.execute(query):
            found[youth.id] = (youth, schooling)
    return found


def _iso(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def worklist_records(
    session: Session,
    campaign: Campaign,
    name: Worklist,
    today: dt.date | None = None,
    *,
    nominative: bool = False,
) -> list[dict[str, str]]:
    """The list's youths in its order, one dict per youth under `WORKLIST_COLUMNS` (dates ISO); the names,
    phone and e-mail only when `nominative` (a nominative file is audited by its operation)."""
    items: tuple[WorkItem, ...] = worklist_items(session, campaign.id, name, today)
    youths = _youths(session, [item.youth_id for item in items])
    records = []
    for item in items:
        youth, _schooling = youths[item.youth_id]
        record = {
            "id_jeune": youth.pseudonym,
            "nom": youth.last_name.upper(),
            "prenom": youth.first_names,
            "classe": item.division,
            "telephone": item.phone,
            "courriel": item.email,
            "etape": item.stage.label,
            "echeance": _iso(item.due),
            "dernier_contact": _iso(item.last_attempt),
            "a_faire": item.detail,
        }
        if not nominative:
            record.update(dict.fromkeys(NOMINATIVE_COLUMNS, ""))
        records.append(record)
    return records


def _phones(youth: Youth) -> str:
    phones = [youth.phone or youth.phone_raw, youth.phone2 or youth.phone2_raw]
    return " / ".join(phone for phone in phones if phone)


def psad_table(session: Session, campaign: Campaign, today: dt.date | None = None) -> list[list]:
    """The youths «Sans solution connue» as the PSAD asks for them (`PSAD_HEADERS`), by name: identity, birth
    date, INE, phone, address, diploma, last contact (the latest attempt, as in the caseload) and the
    situation known."""
    items = worklist_items(session, campaign.id, Worklist.SANS_SOLUTION, today)
    youths = _youths(session, [item.youth_id for item in items])
    rows = []
    for item in items:
        youth, schooling = youths[item.youth_id]
        rows.append(
            [
                youth.last_name.upper(),
                youth.first_names,
                youth.birth_date,
                youth.ine,
                _phones(youth),
                youth.address,
                youth.postal_code,
                youth.city,
                Diploma.label_of(schooling.diploma) if schooling else "",
                schooling.speciality if schooling else "",
                item.division,
                item.last_attempt.date() if item.last_attempt else None,
                item.detail,
            ]
        )
    return rows
