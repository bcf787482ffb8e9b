"""The census import operation: plan again, write it all in the caller's transaction, audit, return the changes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from pae_desktop.core import audit
from pae_desktop.core.bulk import full_collections_deferred
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    Campaign,
    ImportRecord,
    LegalRepresentative,
    OriginalSchooling,
    Pathway,
    Youth,
    utcnow,
)
from pae_desktop.core.operations import AUDIT, CAMPAIGNS, PATHWAYS, SCHOOL, YOUTHS, Changes
from pae_desktop.core.services.campaigns import ensure_campaign, get_campaign
from pae_desktop.core.services.census.existing import RepTuple
from pae_desktop.core.services.census.plan import _plan
from pae_desktop.core.services.census.plan_students import _Plan
from pae_desktop.core.services.census.preview import ImportOptions, ImportPreview, Outcome
from pae_desktop.core.services.census.sources import (
    KIND_ELEVES,
    KIND_SPREADSHEET,
    ImportSources,
    Progress,
    _nothing,
)
from pae_desktop.core.services.census.values import _phone
from pae_desktop.core.services.school import SchoolForm, get_school, save_school
from pae_desktop.core.services.youths import pseudonym, youth_search_key

BATCH = 1000


class _Keyed(NamedTuple):
    """What `youth_search_key` reads of a youth."""

    last_name: str
    usage_name: str
    first_names: str
    ine: str


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class ImportChanges(Changes):
    """What an import wrote, for the screens to refresh from (`AppContext.apply`) and the command line to report;
    `preview` is the preview of what it did (its counts and rows), `added`, `updated` and `left` the youths
    created, updated and marked as having left the school (all of them in `ids["youth"]`)."""

    preview: ImportPreview | None = None
    campaign_year: int = 0
    added: tuple[int, ...] = ()
    updated: tuple[int, ...] = ()
    left: tuple[int, ...] = ()


@full_collections_deferred()
def apply_import(
    session: Session,
    sources: ImportSources,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportChanges:
    """The import operation: plan again and write it all in the caller's transaction, audited; `progress` may
    raise to cancel (rollback). A youth changed since the plan was made refuses the whole import."""
    options = options or ImportOptions()
    progress = progress or _nothing
    plan = _plan(session, sources, options, progress)
    preview = plan.preview
    school_setup = bool(plan.school_uai)
    if school_setup:
        save_school(session, SchoolForm(name=preview.school_name, uai=plan.school_uai))
    campaign_created = get_campaign(session, plan.campaign_year) is None
    campaign = ensure_campaign(session, plan.campaign_year)
    total = len(plan.inserts) + len(plan.youth_updates) + len(plan.rep_replacements) + len(plan.left) + 1
    added = _write(session, plan, campaign.id, get_school(session).secret, progress, total)
    for youth_id, name in plan.audits:
        audit.record(session, "update", "youth", youth_id, field=name, detail="import")
    _record_imports(session, sources, preview, campaign)
    session.flush()
    progress(total, total, "Import terminé.")
    updated = tuple(dict.fromkeys(youth_id for youth_id, _name in plan.audits))
    left = tuple(row["id"] for row in plan.left)
    youths = tuple(dict.fromkeys(added + updated + left))
    topics = {AUDIT} | ({YOUTHS} if youths else set())
    topics |= ({SCHOOL} if school_setup else set()) | ({CAMPAIGNS} if campaign_created else set())
    topics |= {PATHWAYS} if plan.pae_pathways else set()
    return ImportChanges(
        topics=frozenset(topics),
        ids={
            "youth": youths,
            "pathway": tuple(plan.pae_pathways),
            "campaign": (campaign.id,),
            "import_record": tuple(preview.import_ids),
        },
        warnings=tuple(preview.warnings),
        count=len(youths),
        preview=preview,
        campaign_year=campaign.year,
        added=added,
        updated=updated,
        left=left,
    )


def _write(
    session: Session, plan: _Plan, campaign_id: int, secret: bytes, progress: Progress, total: int
) -> tuple[int, ...]:
    """Write the plan in batches (the ids of the youths added); a youth changed since the plan refuses it all."""
    done = 0
    added: list[int] = []
    progress(done, total, "Enregistrement…")
    try:
        for batch in _chunks(plan.inserts):
            added += _insert_youths(session, campaign_id, secret, batch)
            done += len(batch)
            progress(done, total, f"Ajout des élèves ({done}/{len(plan.inserts)})…")
        for batch in _chunks(plan.youth_updates):
            session.execute(update(Youth), batch)
            done += len(batch)
            progress(done, total, "Mise à jour des élèves…")
        for batch in _chunks(plan.schooling_updates):
            session.execute(update(OriginalSchooling), batch)
        if plan.schooling_inserts:
            session.execute(insert(OriginalSchooling), plan.schooling_inserts)
        replaced = list(plan.rep_replacements.items())
        for batch in _chunks(replaced):
            session.execute(
                delete(LegalRepresentative).where(LegalRepresentative.youth_id.in_([y for y, _ in batch]))
            )
            session.execute(
                insert(LegalRepresentative), [r for y, reps in batch for r in _rep_dicts(y, reps)]
            )
            done += len(batch)
            progress(done, total, "Représentants légaux…")
        for batch in _chunks(plan.left):
            session.execute(update(Youth), batch)
            done += len(batch)
        if plan.pae_pathways:
            session.execute(
                update(Pathway)
                .where(Pathway.id.in_(plan.pae_pathways))
                .values(siecle_entered=True, siecle_entered_on=plan.export_date)
            )
    except StaleDataError as error:
        raise UserError(
            "Des dossiers ont été modifiés pendant l'import : rien n'a été enregistré, relancez l'import."
        ) from error
    return tuple(added)


def _record_imports(
    session: Session, sources: ImportSources, preview: ImportPreview, campaign: Campaign
) -> None:
    """One `ImportRecord` per file (the counts on the students file's), and the import's audit event."""
    counts = preview.counts
    students_kinds = (KIND_ELEVES, KIND_SPREADSHEET)
    first_students = next((f for f in sources.files if f.kind in students_kinds), None)
    for source in sources.files:
        counted = source is first_students or (first_students is None and source is sources.files[0])
        record = ImportRecord(
            campaign_id=campaign.id,
            file_name=source.name[:500],
            file_kind=source.kind,
            sha256=source.sha256,
            uai=source.params.uai or preview.uai,
            school_year=source.params.school_year,
            exported_at=source.params.exported_at,
            added=counts[Outcome.ADDED] if counted else 0,
            updated=counts[Outcome.UPDATED] if counted else 0,
            unchanged=counts[Outcome.UNCHANGED] if counted else 0,
            rejected=counts[Outcome.REJECTED] if counted else 0,
            left=preview.left_marked if counted else 0,
        )
        session.add(record)
        session.flush()
        preview.import_ids.append(record.id)
    audit.record(
        session,
        "import",
        "import_record",
        preview.import_ids[0] if preview.import_ids else None,
        detail=(
            f"campagne {campaign.year} : {counts[Outcome.ADDED]} ajoutés, {counts[Outcome.UPDATED]} mis à jour, "
            f"{counts[Outcome.UNCHANGED]} inchangés, {counts[Outcome.REJECTED]} rejetés, "
            f"{preview.left_marked} sortis"
        ),
    )


def _insert_youths(
    session: Session, campaign_id: int, secret: bytes, batch: list[tuple[dict, dict, list]]
) -> list[int]:
    youth_rows = []
    now = utcnow()  # one time for the batch, not two calls of the column defaults for each row
    for values, _schooling, _reps in batch:
        phones = [_phone(str(values.get(name, ""))) for name in ("phone", "phone2")]
        row = {
            "campaign_id": campaign_id,
            "pseudonym": pseudonym(secret, str(values.get("ine", "")), 0) if values.get("ine") else "",
            "ine": values.get("ine", ""),
            "siecle_id": values["siecle_id"],
            "last_name": values.get("last_name", ""),
            "usage_name": values.get("usage_name", ""),
            "first_names": values.get("first_names", ""),
            "sex": values.get("sex", ""),
            "birth_date": values.get("birth_date"),
            "phone": phones[0].normalised,
            "phone_raw": phones[0].raw,
            "phone2": phones[1].normalised,
            "phone2_raw": phones[1].raw,
            "email": values.get("email", ""),
            "address": values.get("address", ""),
            "postal_code": values.get("postal_code", ""),
            "city": values.get("city", ""),
            "boursier": bool(values.get("boursier", False)),
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        row["search_key"] = youth_search_key(
            _Keyed(row["last_name"], row["usage_name"], row["first_names"], row["ine"])
        )
        youth_rows.append(row)
    ids = _inserted_ids(session, youth_rows)
    table = Youth.__table__
    without_ine = [
        {"b_id": i, "b_pseudonym": pseudonym(secret, "", i)}
        for i, row in zip(ids, youth_rows, strict=True)
        if not row["ine"]
    ]
    if without_ine:
        session.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(pseudonym=bindparam("b_pseudonym")),
            without_ine,
        )
    session.execute(
        insert(OriginalSchooling.__table__),
        [{"youth_id": i, **schooling} for i, (_v, schooling, _r) in zip(ids, batch, strict=True)],
    )
    reps = [r for i, (_v, _s, rep_list) in zip(ids, batch, strict=True) for r in _rep_dicts(i, rep_list)]
    if reps:
        session.execute(insert(LegalRepresentative.__table__), reps)
    return ids


def _inserted_ids(session: Session, youth_rows: list[dict]) -> list[int]:
    """Insert the youths' rows and return their ids in the rows' order, in a few multi-row statements.

    SQLite does not promise the order of the rows `RETURNING` gives back, so SQLAlchemy asked for that order
    (`sort_by_parameter_order`) inserts one row per statement (16 000 statements for a 16 000-student export,
    a fifth of the import). Each row instead carries a pseudonym unique in its batch (the INE's, or a provisional
    `#n` that `_insert_youths` replaces once the id is known) and the ids are matched back through it."""
    for index, row in enumerate(youth_rows):
        if not row["ine"]:
            row["pseudonym"] = f"#{index}"
    table = Youth.__table__
    keys = [row["pseudonym"] for row in youth_rows]
    if len(set(keys)) < len(keys):  # two INEs of one batch with the same pseudonym: never seen, still handled
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(session.scalars(statement, youth_rows))
    returned = session.execute(insert(table).returning(table.c.id, table.c.pseudonym), youth_rows)
    found = {key: youth_id for youth_id, key in returned}
    return [found[key] for key in keys]


def _rep_dicts(youth_id: int, reps: list[RepTuple]) -> list[dict]:
    result = []
    for rank, (last, first, civility, link, legal, phone_raw, email, address, postal, city) in enumerate(
        reps, 1
    ):
        phone = _phone(phone_raw)
        result.append(
            {
                "youth_id": youth_id,
                "rank": rank,
                "last_name": last,
                "first_name": first,
                "civility": civility,
                "link": link,
                "is_legal": legal,
                "phone": phone.normalised,
                "phone_raw": phone.raw,
                "email": email,
                "address": address,
                "postal_code": postal,
                "city": city,
            }
        )
    return result


# --- the imports of a campaign -------------------------------------------------------------------------------------


def list_imports(session: Session, campaign_id: int | None = None) -> list[ImportRecord]:
    """The imports recorded, latest first (of one campaign, or of all)."""
    query = select(ImportRecord).order_by(ImportRecord.imported_at.desc(), ImportRecord.id.desc())
    if campaign_id is not None:
        query = query.where(ImportRecord.campaign_id == campaign_id)
    return list(session.scalars(query))
