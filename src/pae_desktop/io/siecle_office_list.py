"""The office list «À saisir dans SIECLE» as XLSX: the youths to enter under the campaign's MEF (pure: rows in,
file out; the PDF is `documents/office_list.py`, the use case `core/operations/office_list.py`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

TITLE = "À saisir dans SIECLE"
HEADERS = (
    "INE",
    "Nom",
    "Prénom(s)",
    "Date de naissance",
    "Code MEF",
    "Libellé MEF",
    "Date d'entrée",
    "Boursier",
    "Saisie SIECLE faite le",
)


def _yes_no(value: bool) -> str:
    return "Oui" if value else "Non"


def write_xlsx(
    target: str | os.PathLike | BinaryIO, rows: Sequence[Any], *, scheme_name: str = ""
) -> None:
    """One sheet, one line per youth (`rows`: `core.services.pathways.OfficeRow`); dates as real dates, the MEF code and INE as text (no lost zeros)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "À saisir dans SIECLE"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        sheet.append(
            [
                row.ine,
                row.last_name.upper(),
                row.first_names,
                row.birth_date,
                row.mef_code,
                f"{row.mef_label} — {scheme_name}" if scheme_name else row.mef_label,
                row.start_date,
                _yes_no(row.boursier),
                row.siecle_entered_on,
            ]
        )
    for line in sheet.iter_rows(min_row=2):
        for index in (0, 4):
            line[index].number_format = "@"
        for index in (3, 6, 8):
            line[index].number_format = "DD/MM/YYYY"
    for index, width in enumerate((14, 22, 22, 14, 13, 34, 14, 10, 16), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    if hasattr(target, "write"):
        book.save(target)
        return
    path = Path(target)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(temporary)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        from pae_desktop.core.errors import UserError

        raise UserError(f"Impossible d'écrire le fichier {path} : {error.strerror or error}.") from error
