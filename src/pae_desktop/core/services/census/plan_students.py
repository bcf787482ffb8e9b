"""The census import's plan, row by row: who is added, updated, rejected, has left or is already in the scheme."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import census as rules
from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import normalise_ine
from pae_desktop.core.models import Campaign, Pathway, Youth
from pae_desktop.core.services.census.existing import (
    LEFT_UNDONE,
    SPREADSHEET_ID,
    RepTuple,
    _Existing,
    _Index,
    came_from_siecle,
    name_key,
)
from pae_desktop.core.services.census.preview import (
    FIELD_LABELS,
    NOTHING_TO_ATTACH,
    ImportOptions,
    ImportPreview,
    LabelClass,
    Outcome,
    PreviewRow,
)
from pae_desktop.core.services.census.sources import KIND_RESPONSABLES, ImportSources
from pae_desktop.core.services.census.values import (
    _S,
    _Y,
    _fit,
    _phone,
    _rep_tuples,
    _warnings,
    _youth_values,
)
from pae_desktop.core.services.census_reference import in_scheme
from pae_desktop.core.services.youths import youth_search_key
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import Diploma
from pae_desktop.io import siecle
from pae_desktop.io.siecle import StudentRecord


@dataclass
class _Row:
    record: StudentRecord
    detection: rules.Detection
    status: rules.Status
    youth_id: int | None = None
    problems: list[str] = field(default_factory=list)
    name_key: tuple | None = None  # `name_key` of the record, computed once


@dataclass
class _Plan:
    preview: ImportPreview
    campaign_year: int
    school_uai: str | None  # set up the school from this UAI
    school_year: int | None
    export_date: dt.date
    inserts: list[tuple[dict, dict, list[RepTuple]]] = field(default_factory=list)
    youth_updates: list[dict] = field(default_factory=list)
    schooling_updates: list[dict] = field(default_factory=list)
    schooling_inserts: list[dict] = field(default_factory=list)
    rep_replacements: dict[int, list[RepTuple]] = field(default_factory=dict)
    audits: list[tuple[int, str]] = field(default_factory=list)
    left: list[dict] = field(default_factory=list)
    pae_pathways: list[int] = field(default_factory=list)


def _display_name(record: StudentRecord) -> str:
    first = record.first_names.split(" ")[0] if record.first_names else ""
    return f"{record.last_name.upper()} {first}".strip() or "(sans nom)"


def _ref(record: StudentRecord) -> str:
    return f"{record.source}, {record.ref}" if record.source else record.ref


@dataclass
class _Seen:
    """What the rows met so far tell the next ones: duplicates within the files are rejected."""

    duplicate_ines: set[str]
    today: dt.date
    youths: dict[int, str] = field(default_factory=dict)  # youth matched → the row that matched it first
    names: dict[tuple, str] = field(default_factory=dict)  # name key → the first row that had it


def _plan_students(
    session: Session,
    plan: _Plan,
    rows: list[_Row],
    index: _Index,
    options: ImportOptions,
    cutoff: dt.date,
) -> None:
    preview = plan.preview
    for row in rows:
        record = row.record
        row.status = rules.census_status(
            row.detection, record.status, record.division, record.leave_date, plan.export_date, cutoff
        )
        row.name_key = name_key(record.last_name, record.first_names, record.birth_date)
        row.youth_id = index.match(record, row.name_key)
    label_classes = _label_classes(rows, options)
    preview.label_classes = sorted(label_classes.values(), key=lambda c: fold(c.division))
    pae_by_ine = _pae_pathways(session, plan, rows)
    seen = _Seen(
        rules.duplicated(normalise_ine(row.record.ine) for row in rows), options.today or dt.date.today()
    )
    matched_ids: set[int] = set()
    for row in rows:
        record = row.record
        if row.youth_id is not None:
            matched_ids.add(row.youth_id)
        if row.status is rules.Status.NOT_FINAL:
            preview.not_final += 1
            continue
        common = {
            "ref": _ref(record),
            "name": _display_name(record),
            "birth_date": record.birth_date,
            "ine": record.ine,
            "division": record.division,
            "diploma": row.detection.diploma.label if row.detection.diploma else "",
        }
        if row.status is not rules.Status.ENTERS:
            preview.rows.append(_row_outside(plan, index, row, common, pae_by_ine, options.keep_ids))
        elif row.detection.method is rules.Method.LABEL and not label_classes[record.division].confirmed:
            detail = "classe reconnue par libellé, non confirmée"
            preview.rows.append(PreviewRow(Outcome.NOT_CONCERNED, detail=detail, **common))
        else:
            preview.rows.append(_plan_entering(plan, index, row, common, seen))
    if any(row.record.eleve_id for row in rows):  # a SIECLE students export: complete, by construction
        _plan_absent(plan, index, matched_ids, options.keep_ids)


def _label_classes(rows: list[_Row], options: ImportOptions) -> dict[str, LabelClass]:
    """The classes recognised by their label only, which the user confirms class by class."""
    label_classes: dict[str, LabelClass] = {}
    for row in rows:
        if row.status is rules.Status.ENTERS and row.detection.method is rules.Method.LABEL:
            division = row.record.division
            entry = label_classes.get(division)
            if entry is None:
                confirmed = options.confirmed_classes is None or division in options.confirmed_classes
                entry = label_classes[division] = LabelClass(
                    division, row.detection.label, row.detection.diploma.label, 0, confirmed
                )
            entry.students += 1
    return label_classes


def _mark_left(plan: _Plan, existing: _Existing, on: dt.date | None, keep_ids: frozenset[int]) -> dict:
    """Queue a youth of the database as having left on `on`, unless the user unticked them (`keep_ids`) or undid
    their leaving by hand: the preview row's `youth_id`, `kept` and the words added to its detail."""
    if LEFT_UNDONE in existing.corrected_fields.split(","):
        return {"kept": True, "note": " ; sortie annulée à la main : gardé(e) dans le recensement"}
    if existing.id in keep_ids:
        return {"youth_id": existing.id, "kept": True, "note": " ; décoché : gardé(e) dans le recensement"}
    plan.left.append({"id": existing.id, "version": existing.version, "left_school_on": on})
    return {"youth_id": existing.id, "kept": False, "note": ""}


def _row_outside(
    plan: _Plan,
    index: _Index,
    row: _Row,
    common: dict,
    pae_by_ine: dict[str, tuple[int, bool]],
    keep_ids: frozenset[int],
) -> PreviewRow:
    """A final-year student who does not enter the census: already in the scheme, left, or not concerned."""
    record = row.record
    if row.status is rules.Status.PAE:
        pathway = next((pae_by_ine[i] for i in record.all_ines if i in pae_by_ine), None)
        if pathway is not None:
            pathway_id, entered = pathway
            if not entered:
                plan.pae_pathways.append(pathway_id)
            detail = "parcours trouvé" + ("" if entered else " : inscription dans SIECLE notée")
        else:
            detail = f"{in_scheme(plan.preview.scheme_name)} sans parcours"
        return PreviewRow(Outcome.PAE, detail=detail, **common)
    if row.status is rules.Status.LEFT:
        existing = index.rows.get(row.youth_id) if row.youth_id is not None else None
        mark = {"note": ""}
        if existing is not None and existing.left_school_on is None:
            mark = _mark_left(plan, existing, record.leave_date, keep_ids)
        note = mark.pop("note")
        return PreviewRow(Outcome.LEFT, detail=f"le {record.leave_date:%d/%m/%Y}{note}", **mark, **common)
    return PreviewRow(Outcome.NOT_CONCERNED, detail=row.status.value, **common)


def _plan_entering(plan: _Plan, index: _Index, row: _Row, common: dict, seen: _Seen) -> PreviewRow:
    """A student who enters the census: rejected, or added, updated or unchanged."""
    record = row.record
    problems = rules.row_problems(
        record.last_name, record.first_names, record.problems, record.birth_date, seen.today
    )
    if record.ine and normalise_ine(record.ine) in seen.duplicate_ines:
        problems.append(f"INE {normalise_ine(record.ine)} présent plusieurs fois dans le fichier")
    key = row.name_key
    if not problems and row.youth_id is not None and row.youth_id in seen.youths:
        problems.append(f"même élève que {seen.youths[row.youth_id]}")
    elif not problems and row.youth_id is None and key is not None and key in seen.names and not record.ine:
        problems.append(f"même nom, prénom et date de naissance que {seen.names[key]}")
    if problems:
        return PreviewRow(Outcome.REJECTED, detail=" ; ".join(problems), **common)
    if row.youth_id is not None:
        seen.youths[row.youth_id] = record.ref
    if key is not None:
        seen.names.setdefault(key, record.ref)
    warnings = _warnings(record, seen.today)
    schooling = _schooling_values(row, plan)
    if row.youth_id is None:
        youth = _youth_values(record)
        youth["siecle_id"] = _fit(_Y.siecle_id, record.eleve_id) or SPREADSHEET_ID
        plan.inserts.append((youth, schooling, _rep_tuples(record) or []))
        return PreviewRow(Outcome.ADDED, warnings=warnings, **common)
    changed = _plan_update(plan, index, row.youth_id, record, schooling)
    if not changed:
        return PreviewRow(Outcome.UNCHANGED, warnings=warnings, **common)
    before = index.rows[row.youth_id].division or "sans classe"
    detail = ", ".join(
        f"classe {before} → {schooling['division']}" if name == "division" else FIELD_LABELS.get(name, name)
        for name in changed
    )
    return PreviewRow(Outcome.UPDATED, detail=detail, warnings=warnings, **common)


def _plan_absent(plan: _Plan, index: _Index, matched_ids: set[int], keep_ids: frozenset[int]) -> None:
    """Youths of the same school year that came from SIECLE, absent from this complete export: they have left.
    A youth imported from a spreadsheet (or typed by hand) was never in an export: their absence says nothing."""
    for existing in index.rows.values():
        if (
            existing.id not in matched_ids
            and came_from_siecle(existing.siecle_id)
            and existing.left_school_on is None
            and existing.school_year == plan.school_year
        ):
            mark = _mark_left(plan, existing, plan.export_date, keep_ids)
            note = mark.pop("note")
            first = existing.first_names.split(" ")[0] if existing.first_names else ""
            plan.preview.rows.append(
                PreviewRow(
                    Outcome.LEFT,
                    ref="base",
                    name=f"{existing.last_name.upper()} {first}".strip(),
                    birth_date=existing.birth_date,
                    ine=existing.ine,
                    division=existing.division or "",
                    diploma=Diploma.label_of(existing.diploma),
                    detail=f"absent de l'export du {plan.export_date:%d/%m/%Y}{note}",
                    **mark,
                )
            )


def _schooling_values(row: _Row, plan: _Plan) -> dict[str, object]:
    detection, record = row.detection, row.record
    label = detection.label or record.mef_label
    return {
        "diploma": detection.diploma.value if detection.diploma else "",
        "speciality": _fit(_S.speciality, rules.speciality_of(label)),
        "mef_code": _fit(_S.mef_code, record.mef_code or detection.mef_code),
        "mef_label": _fit(_S.mef_label, label),
        "division": _fit(_S.division, record.division),
        "status": _fit(_S.status, record.status or "ST"),
        "school_year": plan.school_year if plan.school_year is not None else plan.campaign_year - 1,
        "detected_by": detection.method.value,
    }


def _plan_update(
    plan: _Plan, index: _Index, youth_id: int, record: StudentRecord, schooling: dict
) -> list[str]:
    """Queue the changes a record brings to an existing youth, sparing what the user corrected."""
    existing = index.rows[youth_id]
    corrected = set(filter(None, existing.corrected_fields.split(",")))
    changes: dict[str, object] = {}
    changed: list[str] = []
    for name, value in _youth_values(record).items():
        if name in corrected:
            continue
        if name in ("phone", "phone2"):
            if getattr(existing, f"{name}_raw") != value:
                phone = _phone(str(value))
                changes[name], changes[f"{name}_raw"] = phone.normalised, phone.raw
                changed.append(name)
        elif name == "ine":
            if existing.ine not in [normalise_ine(i) for i in record.all_ines]:
                changes["ine"] = value
                changed.append(name)
        elif getattr(existing, name) != value:
            changes[name] = value
            changed.append(name)
    if existing.left_school_on is not None:
        changes["left_school_on"] = None
        changed.append("left_school_on")
    if record.eleve_id and not came_from_siecle(existing.siecle_id):  # now in SIECLE: absent later, they left
        changes["siecle_id"] = _fit(_Y.siecle_id, record.eleve_id)
        changed.append("siecle_id")
    school_changes = {
        name: value
        for name, value in schooling.items()
        if name not in corrected and value not in ("", None) and getattr(existing, name) != value
    }
    if existing.schooling_id is None:
        plan.schooling_inserts.append({"youth_id": youth_id, **schooling})
        changed += [name for name in ("diploma", "division") if schooling[name]]
    elif school_changes:
        plan.schooling_updates.append({"id": existing.schooling_id, **school_changes})
        changed += [n for n in school_changes if n not in ("school_year", "detected_by")] or list(
            school_changes
        )
    reps = _rep_tuples(record)
    if reps and "representatives" not in corrected and reps != index.reps.get(youth_id, []):
        plan.rep_replacements[youth_id] = reps
        changed.append("representatives")
    if changed:
        _update_youth(plan, existing, changes)
    plan.audits += [(youth_id, name) for name in changed]
    return changed


def _update_youth(plan: _Plan, existing: _Existing, changes: dict[str, object]) -> None:
    """Queue the youth's row, checked against the version read and moved up (also when only its schooling or its
    representatives change: a youth card opened before the import is then refused as stale, not overwritten)."""
    keyed = existing._replace(**{k: v for k, v in changes.items() if k in existing._fields})
    plan.youth_updates.append(
        {"id": existing.id, "version": existing.version, **changes, "search_key": youth_search_key(keyed)}
    )


def _pae_pathways(session: Session, plan: _Plan, rows: list[_Row]) -> dict[str, tuple[int, bool]]:
    """Pathways of the campaign of the file's school year by INE, for students already under a scheme MEF (either
    family: a student of school year 2026-2027 may still be under a code of the old one)."""
    ines = {normalise_ine(i) for row in rows if row.status is rules.Status.PAE for i in row.record.all_ines}
    if not ines:
        return {}
    pae_year = plan.school_year if plan.school_year is not None else plan.campaign_year - 1
    query = (
        select(Youth.ine, Pathway.id, Pathway.siecle_entered)
        .join(Pathway, Pathway.youth_id == Youth.id)
        .join(Campaign, Campaign.id == Youth.campaign_id)
        .where(Campaign.year == pae_year, Youth.ine != "")
    )
    return {ine: (pathway_id, entered) for ine, pathway_id, entered in session.execute(query) if ine in ines}


def _plan_representatives_only(plan: _Plan, sources: ImportSources, index: _Index) -> None:
    """A responsables export alone: its contacts attach to the students already in the census."""
    attached = 0
    for source in sources.of_kind(KIND_RESPONSABLES):
        assert source.siecle is not None
        by_student: dict[str, list[siecle.LinkRecord]] = {}
        for link in source.siecle.links:
            by_student.setdefault(link.eleve_id, []).append(link)
        for eleve_id, links in by_student.items():
            youth_id = index.by_siecle_id.get(eleve_id)
            if youth_id is None:
                continue
            attached += 1
            existing = index.rows[youth_id]
            record = StudentRecord(ref=f"élève {eleve_id}", source=source.name, eleve_id=eleve_id)
            record.representatives = siecle.representatives_of(links, source.siecle)
            reps = _rep_tuples(record) or []
            common = {
                "ref": _ref(record),
                "name": f"{existing.last_name.upper()} {existing.first_names.split(' ')[0]}".strip(),
                "birth_date": existing.birth_date,
                "ine": existing.ine,
                "division": existing.division or "",
                "diploma": "",
            }
            corrected = set(filter(None, existing.corrected_fields.split(",")))
            if reps and "representatives" not in corrected and reps != index.reps.get(youth_id, []):
                plan.rep_replacements[youth_id] = reps
                plan.audits.append((youth_id, "representatives"))
                _update_youth(plan, existing, {})
                plan.preview.rows.append(PreviewRow(Outcome.UPDATED, detail="représentants légaux", **common))
            else:
                plan.preview.rows.append(PreviewRow(Outcome.UNCHANGED, **common))
    if not attached:
        raise UserError(NOTHING_TO_ATTACH)
