"""«Journée d'entretiens»: the day's pack in one PDF — the agenda, then each booked youth's pre-filled interview
sheet, then (optionally) their convocations. Every sheet and convocation starts on a recto: printed two-sided,
each youth's pages can be handed out apart."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, BinaryIO

from pae_desktop.core.dates import french_date
from pae_desktop.core.day_records import InterviewDayRecord
from pae_desktop.core.errors import UserError
from pae_desktop.core.vocabulary import DocumentKind
from pae_desktop.documents import agenda_entretiens, convocation, fiche_preparation
from pae_desktop.documents import layout as L

TITLE = DocumentKind.JOURNEE.label


def parts(record: InterviewDayRecord, options: L.DocumentOptions | None = None) -> list[L.Part]:
    """The parts of the pack, in print order."""
    result = [agenda_entretiens.part(record.agenda, options)] if record.agenda is not None else []
    result += [fiche_preparation.part(sheet, options) for sheet in record.sheets]
    result += [replace(convocation.part(letter, options), recto=True) for letter in record.convocations]
    return result


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    record: InterviewDayRecord,
    options: L.DocumentOptions | None = None,
) -> bytes:
    """The pack as PDF bytes (also written to `target`)."""
    every = parts(record, options)
    if not every:
        raise UserError("Aucun entretien réservé ce jour-là")
    title = f"{TITLE} du {french_date(record.day)}"
    return L.build_pdf_parts(target, school, title, every, options=every[0].options)
