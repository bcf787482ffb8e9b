"""The export operations (architecture.md, «The operation contract»): the FOQUALE file, the caseload table and the
campaign report, called alike by the window and the command line.

Each opens its transaction, writes its file and, when the file names people (a nominative FOQUALE file, the
caseload) or is a print (the report in PDF), writes the audit event in the same transaction. It returns
`Changes` with the file written and the number of rows.
"""

from __future__ import annotations

import json
from pathlib import Path

from pae_desktop.core import audit, settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.operations import AUDIT, Changes, changes

REPORT_FORMATS = ("json", "pdf", "xlsx")
CASELOAD_SUFFIXES = (".xlsx", ".csv")


def _staff(session) -> int | None:
    """The staff member the workstation is set to (the same for the window and the command line)."""
    return settings.get(session, settings.CURRENT_STAFF_ID)


def campaign_year(db, year: int | None = None) -> int:
    """The year of the campaign of rentrée `year` (the latest by default); unknown → the French refusal."""
    from pae_desktop.core.services.campaigns import require_campaign

    with db.read() as session:
        return require_campaign(session, year).year


def _nominative_export(session, campaign, what: str, written: Path, count: int) -> Changes:
    """The audit event of a campaign's nominative export (in the export's transaction), and its Changes."""
    audit.record(
        session,
        "export",
        "campaign",
        campaign.id,
        nominative=True,
        detail=f"{what}, campagne {campaign.year}, {count} jeunes : {written.name}",
        staff_id=_staff(session),
    )
    return changes(AUDIT, ids={"campaign": [campaign.id]}, file=written, count=count)


# --- FOQUALE -----------------------------------------------------------------------------------------------------


def foquale_target(session, year: int, target: str | Path) -> Path:
    """`target`, or inside a folder the spec's name `PAE_<UAI>_<campagne>_<AAAAMMJJ>.csv`."""
    from pae_desktop.core.services.school import get_school
    from pae_desktop.io.foquale import file_name

    target = Path(target)
    if not target.is_dir():
        return target
    school = get_school(session)
    return target / file_name(school.uai if school else "", year)


def export_foquale(db, year: int | None, target: str | Path, *, nominative: bool = False) -> Changes:
    """Write the campaign's FOQUALE file (into a folder: under the spec's name); a nominative one is audited."""
    from pae_desktop.core.services.campaigns import require_campaign
    from pae_desktop.core.services.reporting import foquale_rows
    from pae_desktop.io.foquale import write_rows

    with db.transaction() as session:
        campaign = require_campaign(session, year)
        if nominative:
            audit.require_allowed(session, "export")  # a refused export writes no file
        path = foquale_target(session, campaign.year, target)
        rows = [row for _id, row in foquale_rows(session, campaign, nominative=nominative)]
        written = write_rows(path, rows, nominative=nominative)
        if not nominative:
            return changes(ids={"campaign": [campaign.id]}, file=written, count=len(rows))
        return _nominative_export(session, campaign, "Fichier FOQUALE nominatif", written, len(rows))


def table_data(title: str, headers, rows, suffix: str) -> bytes:
    """A table as the bytes of a `.xlsx` workbook (one sheet named `title`) or of a `.csv` file (BOM, «;»,
    formula-protected cells), by the target's `suffix`."""
    if suffix == ".xlsx":
        from pae_desktop.io.report_xlsx import table_workbook

        return table_workbook(title, headers, rows)
    from pae_desktop.io.foquale import encode_table

    return encode_table(headers, rows)


# --- the caseload --------------------------------------------------------------------------------------------------


def export_caseload(db, year: int | None, target: str | Path) -> Changes:
    """The campaign's caseload (names, classes, stages) as XLSX or CSV: a nominative export, audited."""
    from pae_desktop.core.services.campaigns import require_campaign
    from pae_desktop.core.services.caseload_export import CASELOAD_HEADERS, caseload_table
    from pae_desktop.io.foquale import write_atomic

    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in CASELOAD_SUFFIXES:
        raise UserError("Le fichier de la liste des jeunes doit se terminer par .xlsx ou .csv.")
    with db.transaction() as session:
        campaign = require_campaign(session, year)
        _year, rows = caseload_table(session, campaign.year)
        audit.require_allowed(session, "export")  # a refused export writes no file
        written = write_atomic(target, table_data(f"Jeunes {campaign.year}", CASELOAD_HEADERS, rows, suffix))
        return _nominative_export(session, campaign, "Liste des jeunes", written, len(rows))


# --- the campaign report and the network's consolidation -------------------------------------------------------------


def report_data(report, fmt: str, school=None, options=None) -> bytes:
    """The report as a file's bytes: the JSON document of spec §5, the XLSX workbook or the PDF."""
    if fmt == "json":
        return (json.dumps(report.document(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "xlsx":
        from pae_desktop.io.report_xlsx import report_workbook

        return report_workbook(report)
    if fmt == "pdf":
        from pae_desktop.documents.bilan import build_bilan

        return build_bilan(None, report, school, options)
    raise UserError(f"Format de bilan inconnu : {fmt} (json, pdf ou xlsx).")


def export_report(db, year: int | None, fmt: str, target: str | Path) -> Changes:
    """The campaign report written to `target`; in PDF it is a print, recorded like every print."""
    from pae_desktop.core.services.reporting import campaign_report
    from pae_desktop.io.foquale import write_atomic

    with db.transaction() as session:
        report, _rows = campaign_report(session, year)
        school = options = None
        if fmt == "pdf":
            from pae_desktop.core.operations.printing import document_options
            from pae_desktop.core.services.campaigns import get_campaign
            from pae_desktop.core.services.school import get_school

            school = get_school(session)
            options = document_options(session, get_campaign(session, report.campagne))
        data = report_data(report, fmt, school, options)
        written = write_atomic(target, data)
        if fmt == "pdf":
            from pae_desktop.core.operations.printing import record_print

            record_print(session, "bilan", None, data, written)
    topics = (AUDIT,) if fmt == "pdf" else ()
    return changes(*topics, file=written, count=report.counts.get("effectif", 0))


def save_network_report(report, fmt: str, target: str | Path) -> Changes:
    """The network's consolidation written to `target` (figures of several schools, no person: not audited)."""
    from pae_desktop.io.foquale import write_atomic

    return changes(file=write_atomic(target, report_data(report, fmt)), count=len(report.etablissements))
