"""The census import's plan: the whole import checked against the database, the preview, and what to write."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import census as rules
from pae_desktop.core.bulk import full_collections_deferred
from pae_desktop.core.dates import short_datetime
from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import uai_error
from pae_desktop.core.models import Campaign, ImportRecord
from pae_desktop.core.services.campaigns import CampaignDates, get_campaign, scheme_codes_in_use
from pae_desktop.core.services.census.existing import _Index
from pae_desktop.core.services.census.plan_students import (
    _Plan,
    _plan_representatives_only,
    _plan_students,
    _Row,
)
from pae_desktop.core.services.census.preview import (
    NO_FINAL_YEAR,
    NOTHING_TO_ATTACH,
    OUTCOME_ORDER,
    UNKNOWN_CAMPAIGN,
    FileSummary,
    ImportOptions,
    ImportPreview,
)
from pae_desktop.core.services.census.sources import (
    KIND_ELEVES,
    KIND_NOMENCLATURE,
    KIND_RESPONSABLES,
    KIND_STRUCTURES,
    ImportSources,
    Progress,
    _nothing,
)
from pae_desktop.core.services.census_reference import import_reference
from pae_desktop.core.services.school import get_school
from pae_desktop.core.text import fold
from pae_desktop.io import siecle, spreadsheet
from pae_desktop.io.siecle import FileRefused, StudentRecord


@full_collections_deferred()
def preview_import(
    session: Session,
    sources: ImportSources,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportPreview:
    """What the import would do; writes nothing. Refusals of the whole import raise `UserError`."""
    return _plan(session, sources, options or ImportOptions(), progress or _nothing).preview


def _students(sources: ImportSources, options: ImportOptions) -> list[StudentRecord]:
    """Students of every students file (XML variants of one export merged on ELEVE_ID) and spreadsheet."""
    records: list[StudentRecord] = []
    by_eleve_id: dict[str, StudentRecord] = {}
    for source in sources.of_kind(KIND_ELEVES):
        assert source.siecle is not None
        for student in source.siecle.students:
            twin = by_eleve_id.get(student.eleve_id) if student.eleve_id else None
            if twin is not None:  # «sans» and «avec adresses» of the same export
                if twin.address is None and student.address is not None:
                    twin.address = student.address
                continue
            if student.eleve_id:
                by_eleve_id[student.eleve_id] = student
            records.append(student)
    for source in sources.spreadsheets:
        assert source.table is not None
        mapping = options.mappings.get(source.name) or source.guessed_mapping
        records += spreadsheet.records_from_table(source.table, mapping)
    for source in sources.of_kind(KIND_RESPONSABLES):
        assert source.siecle is not None
        siecle.attach_representatives(records, source.siecle)
    return records


def _check_school(session: Session, sources: ImportSources) -> tuple[str, str, bool]:
    """The file's UAI against the school's: (uai, school name, set up from the file)."""
    uais: dict[str, str] = {}
    for source in sources.files:
        uai = source.params.uai
        if not uai:
            continue
        if error := uai_error(uai):
            raise FileRefused(f"Le fichier « {source.name} » porte un UAI invalide. {error}")
        uais.setdefault(uai, source.name)
    if len(uais) > 1:
        listed = ", ".join(f"{uai} ({name})" for uai, name in uais.items())
        raise UserError(
            f"Les fichiers viennent de plusieurs établissements : {listed}. Importez-les séparément."
        )
    uai = next(iter(uais), "")
    school = get_school(session)
    if school is not None and uai and uai != school.uai:
        raise UserError(
            f"Le fichier « {uais[uai]} » est celui d'un autre établissement (UAI {uai}) : "
            f"cette base est celle de {school.name} (UAI {school.uai}). Import refusé."
        )
    if school is not None:
        return school.uai, school.name, False
    return uai, "", True


def _campaign_year(sources: ImportSources, options: ImportOptions) -> tuple[int, int | None, int | None]:
    """(campaign year, the year the files imply, the files' school year)."""
    years: dict[int, str] = {}
    for source in sources.files:
        if source.params.school_year is not None:
            years.setdefault(source.params.school_year, source.name)
    if len(years) > 1:
        listed = ", ".join(f"{year}-{year + 1} ({name})" for year, name in sorted(years.items()))
        raise UserError(f"Les fichiers portent des années scolaires différentes : {listed}.")
    school_year = next(iter(years), None)
    implied = school_year + 1 if school_year is not None else None
    year = options.campaign_year or implied
    if year is None:
        raise UserError(UNKNOWN_CAMPAIGN)
    problems = CampaignDates.defaults(year).errors()
    if problems:
        raise UserError(f"Campagne {year} : {problems[0]}")
    return year, implied, school_year


def _check_not_older(session: Session, campaign: Campaign | None, sources: ImportSources) -> None:
    if campaign is None:
        return
    for source in sources.files:
        exported = source.params.exported_at
        if exported is None:
            continue
        last = session.scalar(
            select(ImportRecord.exported_at)
            .where(
                ImportRecord.campaign_id == campaign.id,
                ImportRecord.file_kind == source.kind,
                ImportRecord.exported_at.is_not(None),
            )
            .order_by(ImportRecord.exported_at.desc())
            .limit(1)
        )
        if last is not None and exported < last:
            raise UserError(
                f"Le fichier « {source.name} » (export du {short_datetime(exported, joiner=' à ')}) est plus ancien que le "
                f"dernier importé pour la campagne {campaign.year} (export du {short_datetime(last, joiner=' à ')}). Import refusé."
            )


def _mef_tables(sources: ImportSources) -> tuple[dict[str, rules.MefRef], dict[str, str]]:
    """The MEFs of the files' nomenclatures, and the MEF of each division (Structures.xml)."""
    local: dict[str, rules.MefRef] = {}
    for source in sources.of_kind(KIND_NOMENCLATURE):
        assert source.siecle is not None
        for code, mef in source.siecle.mefs.items():
            local[code] = rules.MefRef(code, mef.label, mef.mefstat4, mef.attached_to)
    division_mef: dict[str, str] = {}
    for source in sources.of_kind(KIND_STRUCTURES):
        assert source.siecle is not None
        for code, (_label, mefs) in source.siecle.divisions.items():
            if mefs:
                division_mef[code] = mefs[0]
    return local, division_mef


def _file_summaries(sources: ImportSources) -> list[FileSummary]:
    return [
        FileSummary(
            f.name,
            f.kind_label,
            f.params.uai,
            f.params.school_year,
            f.params.exported_at,
            len(f.siecle.students) if f.siecle else (len(f.table.rows) if f.table else 0),
        )
        for f in sources.files
    ]


def _plan(session: Session, sources: ImportSources, options: ImportOptions, progress: Progress) -> _Plan:
    today = options.today or dt.date.today()
    progress(0, 0, "Analyse des fichiers…")
    uai, school_name, school_setup = _check_school(session, sources)
    has_students = bool(sources.of_kind(KIND_ELEVES) or sources.spreadsheets)
    if not has_students and not sources.of_kind(KIND_RESPONSABLES):
        raise UserError(
            "Aucun fichier d'élèves parmi les fichiers choisis : la nomenclature et les structures complètent "
            "un import d'élèves (ElevesSansAdresses ou ElevesAvecAdresses), elles n'ajoutent personne."
        )
    records = _students(sources, options) if has_students else []
    local, division_mef = _mef_tables(sources)
    reference = import_reference(
        session, (f.params.school_year for f in sources.files), options.campaign_year
    )
    # every family's codes and every code a campaign of this database was given (the import's own included)
    national, scheme_codes = reference.national, scheme_codes_in_use(session)
    rows = []
    for record in records:
        code = record.mef_code or division_mef.get(record.division, "")
        detection = rules.detect(
            code, record.mef_label, local, national, scheme_codes, class_name=record.division
        )
        rows.append(_Row(record, detection, rules.Status.NOT_FINAL))
    if has_students and not any(row.detection.final_year for row in rows):
        raise UserError(NO_FINAL_YEAR)
    if school_setup and not uai:
        raise UserError("Paramétrez d'abord l'établissement : ce fichier n'indique pas d'UAI.")
    try:
        year, implied, school_year = _campaign_year(sources, options)
    except UserError:
        if has_students:
            raise
        raise UserError(NOTHING_TO_ATTACH) from None
    campaign = get_campaign(session, year)
    if campaign is None and not has_students:
        raise UserError(NOTHING_TO_ATTACH)
    _check_not_older(session, campaign, sources)
    cutoff = campaign.census_cutoff if campaign else CampaignDates.defaults(year).census_cutoff
    export_dates = [
        f.params.export_date or f.params.exported_at.date() for f in sources.files if f.params.exported_at
    ]
    export_date = max(export_dates) if export_dates else today
    preview = ImportPreview(
        files=_file_summaries(sources),
        uai=uai,
        school_name=school_name or f"Établissement {uai}",
        school_setup=school_setup,
        campaign_year=year,
        implied_year=implied,
        campaign_exists=campaign is not None,
        export_date=export_date,
        rows=[],
        label_classes=[],
        not_final=0,
        mef_table=reference.table_title,
        mef_table_warning=reference.table_warning,
        scheme_name=reference.scheme_name,
    )
    if reference.table_warning:
        preview.warnings.append(reference.table_warning)
    if preview.campaign_overridden:
        preview.warnings.append(
            f"Campagne {year} choisie : l'année scolaire {school_year}-{school_year + 1} du fichier "
            f"indique la campagne {implied}."
        )
    plan = _Plan(preview, year, uai if school_setup else None, school_year, export_date)
    index = _Index(session, campaign.id if campaign else None)
    if has_students:
        _plan_students(session, plan, rows, index, options, cutoff)
    else:
        _plan_representatives_only(plan, sources, index)
    preview.rows.sort(key=lambda r: (OUTCOME_ORDER[r.outcome], fold(r.name)))
    return plan
