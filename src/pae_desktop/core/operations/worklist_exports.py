"""The worklists written to files: one list's rows (CSV or JSON, `pae-desktop worklist NAME -o FILE`) and the
PSAD's list of the youths «Sans solution connue» (CSV or XLSX, the window's «Liste pour la PSAD…»).

Both name youths: each writes its audit event in the caller's transaction, like every nominative export
(`core.operations.exports`). The rows come from the home screen's own lists (`worklist_items`).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign
from pae_desktop.core.operations import Changes
from pae_desktop.core.operations.exports import _nominative_export, table_data
from pae_desktop.core.worklist import Worklist

WORKLIST_FORMATS = ("csv", "json")
PSAD_SUFFIXES = (".csv", ".xlsx")


def encode_records(records: list[dict[str, str]], fmt: str) -> bytes:
    """The rows as a file: CSV (BOM, «;», formula-protected cells) or JSON (a list of objects)."""
    from pae_desktop.core.services.worklist_export import WORKLIST_COLUMNS

    if fmt == "json":
        return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "csv":
        from pae_desktop.io.foquale import encode_table

        return encode_table(WORKLIST_COLUMNS, ([r[c] for c in WORKLIST_COLUMNS] for r in records))
    raise UserError(f"Format inconnu : {fmt} (csv ou json).")


def export_worklist(
    session: Session,
    campaign: Campaign,
    name: Worklist,
    target: str | Path,
    fmt: str = "csv",
    today: dt.date | None = None,
) -> Changes:
    """Write one list's youths, names and phones included, to `target` (CSV or JSON): audited."""
    audit.require_allowed(session, "export")  # a refused export writes no file
    from pae_desktop.core.services.worklist_export import worklist_records
    from pae_desktop.io.foquale import write_atomic

    records = worklist_records(session, campaign, name, today, nominative=True)
    written = write_atomic(target, encode_records(records, fmt))
    return _nominative_export(session, campaign, f"Liste « {name.value} »", written, len(records))


def export_psad(session: Session, campaign: Campaign, target: str | Path, today: dt.date | None = None) -> Changes:
    """Write the youths «Sans solution connue» for the PSAD (.csv or .xlsx, by the suffix): audited."""
    audit.require_allowed(session, "export")  # a refused export writes no file
    from pae_desktop.core.services.worklist_export import PSAD_HEADERS, psad_table
    from pae_desktop.io.foquale import write_atomic

    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in PSAD_SUFFIXES:
        raise UserError("Liste pour la PSAD : choisissez un fichier .csv ou .xlsx.")
    rows = psad_table(session, campaign, today)
    written = write_atomic(target, table_data(f"Sans solution {campaign.year}", PSAD_HEADERS, rows, suffix))
    return _nominative_export(session, campaign, "Liste « Sans solution connue » pour la PSAD", written, len(rows))


def psad_file_name(year: int, today: dt.date | None = None) -> str:
    """The name the window suggests: `Sans_solution_connue_<campagne>_<AAAAMMJJ>.xlsx`."""
    return f"Sans_solution_connue_{year}_{(today or dt.date.today()):%Y%m%d}.xlsx"
