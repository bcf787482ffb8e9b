"""The office list «À saisir dans SIECLE» as XLSX and PDF: the youths to enter under the campaign's MEF."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from pae_desktop.core.services.pathways import OfficeRow

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
    target: str | os.PathLike | BinaryIO, rows: Sequence[OfficeRow], *, scheme_name: str = ""
) -> None:
    """One sheet, one line per youth; dates as real dates, the MEF code and INE as text (no lost zeros)."""
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


def write_pdf(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    rows: Sequence[OfficeRow],
    *,
    campaign_year: int,
    options: Any = None,
) -> bytes:
    """The same list as a PDF in the shared layout, with a box to tick once each youth is entered."""
    from pae_desktop.documents import layout as L

    options = options or L.DocumentOptions()

    def story(ctx: Any) -> list:
        table_rows = [
            [
                row.ine,
                row.name,
                L.short_date(row.birth_date),
                f"{row.mef_code}\n{row.mef_label}",
                L.short_date(row.start_date),
                _yes_no(row.boursier),
                L.short_date(row.siecle_entered_on) if row.siecle_entered_on else "☐",
            ]
            for row in rows
        ]
        return [
            L.paragraph(
                f"{len(rows)} jeune(s) à inscrire dans SIECLE sous le MEF du {options.scheme_words} "
                "(statut scolaire, durée de la formation : 4 mois maximum)."
            ),
            L.data_table(
                ["INE", "Nom, prénom(s)", "Né(e) le", "MEF", "Entrée", "Boursier", "Saisie faite"],
                table_rows,
                col_widths=[3.0, 3.7, 2.4, 2.6, 2.4, 1.9, 1.9],
                empty="Aucun jeune à saisir : toutes les inscriptions sont faites.",
            ),
        ]

    return L.build_pdf(
        target,
        school,
        TITLE,
        story,
        subtitle=f"{options.scheme_name} — campagne {campaign_year} — liste du {L.french_date(options.printed_on or dt.date.today())}",
        options=options,
    )


def export_office_list(
    session: Any,
    campaign_id: int,
    target: str | os.PathLike,
    *,
    pending_only: bool = True,
    printed_on: dt.date | None = None,
) -> int:
    """Write the campaign's office list to `target` (.xlsx or .pdf, by its suffix), audited; returns the count."""
    from pae_desktop.core import audit
    from pae_desktop.core.errors import UserError
    from pae_desktop.core.models import Campaign
    from pae_desktop.core.scheme import scheme_of
    from pae_desktop.core.services.pathways import office_list
    from pae_desktop.core.services.school import get_school

    suffix = Path(target).suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise UserError("Liste SIECLE : choisissez un fichier .xlsx ou .pdf.")
    rows = office_list(session, campaign_id, pending_only=pending_only)
    campaign = session.get(Campaign, campaign_id)
    if suffix == ".xlsx":
        write_xlsx(target, rows, scheme_name=scheme_of(campaign).name)
    else:
        from pae_desktop.documents import layout as L

        options = L.DocumentOptions.from_session(session, campaign, printed_on=printed_on)
        write_pdf(target, get_school(session), rows, campaign_year=campaign.year, options=options)
    audit.record(
        session,
        "export",
        "office_list",
        campaign_id,
        nominative=True,
        detail=f"{len(rows)} jeune(s), {suffix}",
    )
    return len(rows)
