"""The office list «À saisir dans SIECLE» as a PDF: the youths to enter under the campaign's MEF, with a box to
tick once each is entered (its rows: `core.services.pathways.OfficeRow`)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import Any, BinaryIO

from pae_desktop.documents import layout as L

TITLE = "À saisir dans SIECLE"


def _yes_no(value: bool) -> str:
    return "Oui" if value else "Non"


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    rows: Sequence[Any],
    *,
    campaign_year: int,
    options: Any = None,
) -> bytes:
    """The same list as a PDF in the shared layout, with a box to tick once each youth is entered."""
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
