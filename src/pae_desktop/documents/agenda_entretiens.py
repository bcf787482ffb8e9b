"""«Agenda des entretiens»: one day's slots with a Mission locale (or all of them) — time, length, place, advisor,
youth, class, phone — for the advisor and the referent. Nominative: its print is recorded per youth."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, BinaryIO

from pae_desktop.core.dates import french_date, french_time
from pae_desktop.core.day_records import AgendaLine, AgendaRecord
from pae_desktop.core.vocabulary import DocumentKind
from pae_desktop.documents import layout as L

TITLE = DocumentKind.AGENDA_ENTRETIENS.label
FREE = "Créneau libre"
CONFIDENTIAL = (
    "Document nominatif : à remettre aux seules personnes qui reçoivent les jeunes, à ne pas laisser en vue, "
    "à détruire une fois les entretiens saisis."
)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def _row(line: AgendaLine, all_partners: bool) -> list:
    end = line.starts_at + dt.timedelta(minutes=line.duration_minutes)
    who = line.advisor_name
    if all_partners and line.partner_name:
        who = f"{who}\n{line.partner_name}" if who else line.partner_name
    if not line.booked:
        return [
            f"{french_time(line.starts_at)} – {french_time(end)}",
            line.place,
            who,
            L.paragraph(FREE, "muted"),
            "",
            "",
        ]
    youth = line.youth_name + (" (mineur·e)" if line.minor else "")
    return [
        f"{french_time(line.starts_at)} – {french_time(end)}",
        line.place,
        who,
        youth,
        line.division,
        line.phone,
    ]


def agenda_story(record: AgendaRecord) -> list:
    """The flowables of the agenda (after the school header)."""
    all_partners = not record.partner_name
    lengths = sorted({line.duration_minutes for line in record.lines})
    length = f" de {lengths[0]} minutes" if len(lengths) == 1 else ""
    summary = (
        f"{_plural(record.booked, 'entretien')} réservé{'s' if record.booked > 1 else ''} sur "
        f"{_plural(len(record.lines), 'créneau')}{length}."
    ).replace("créneaus", "créneaux")
    return [
        L.paragraph(summary, "body_bold"),
        L.data_table(
            ["Heure", "Lieu", "Conseiller(ère)", "Jeune", "Classe", "Téléphone"],
            [_row(line, all_partners) for line in record.lines],
            col_widths=[3.0, 2.9, 3.0, 3.8, 2.3, 2.9],
            empty="Aucun créneau ce jour-là.",
        ),
        L.notice_box(CONFIDENTIAL, warning=True),
    ]


def subtitle_of(record: AgendaRecord) -> str:
    who = record.partner_name or "toutes les Missions locales"
    return f"{french_date(record.day, weekday=True).capitalize()} — {who}"


def part(record: AgendaRecord, options: L.DocumentOptions | None = None) -> L.Part:
    """The agenda as one part of a PDF (the first of the day's pack), under the scheme of the day's campaign."""
    part_options = (options or L.DocumentOptions()).with_scheme(record.scheme)
    return L.Part(TITLE, lambda ctx: agenda_story(record), subtitle_of(record), part_options)


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    record: AgendaRecord,
    options: L.DocumentOptions | None = None,
) -> bytes:
    """The agenda alone as PDF bytes (also written to `target`)."""
    one = part(record, options)
    return L.build_pdf_parts(target, school, TITLE, [one], options=one.options)
