"""«Agenda des entretiens»: one day's slots with a Mission locale (or all of them) — time, length, place, advisor,
youth, class, phone — for the advisor and the referent. Nominative: its print is recorded per youth."""

from __future__ import annotations

import os
from typing import Any, BinaryIO

from pae_desktop.core.dates import french_date, french_time
from pae_desktop.core.day_records import AgendaLine, AgendaRecord
from pae_desktop.core.grammar import person
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


def _row(line: AgendaLine, length: int | None) -> list:
    when = french_time(line.starts_at)
    if line.duration_minutes != length:
        when += f" ({line.duration_minutes} min)"
    if not line.booked:
        return [when, line.place, line.advisor_name, L.paragraph(FREE, "muted"), "", ""]
    youth = line.youth_name + (f" ({person(line.sex).minor})" if line.minor else "")
    return [when, line.place, line.advisor_name, youth, line.division, line.phone]


def _table(lines: list[AgendaLine], length: int | None):
    return L.data_table(
        ["Heure", "Lieu", "Conseiller(ère)", "Jeune", "Classe", "Téléphone"],
        [_row(line, length) for line in lines],
        col_widths=[1.7, 3.2, 2.8, 4.0, 2.0, 2.8],
        empty="Aucun créneau ce jour-là.",
    )


def agenda_story(record: AgendaRecord) -> list:
    """The flowables of the agenda (after the school header): one table per Mission locale, in time order."""
    lengths = sorted({line.duration_minutes for line in record.lines})
    length = lengths[0] if len(lengths) == 1 else None
    slots = _plural(len(record.lines), "créneau").replace("créneaus", "créneaux")
    summary = (
        f"{_plural(record.booked, 'entretien')} réservé{'s' if record.booked > 1 else ''} sur {slots}"
        + (f" de {length} minutes." if length else ".")
    )
    story: list = [L.paragraph(summary, "body_bold")]
    partners = list(dict.fromkeys(line.partner_name for line in record.lines)) or [record.partner_name]
    for partner in partners:
        lines = [line for line in record.lines if line.partner_name == partner]
        if len(partners) > 1:
            story.append(L.paragraph(partner or "Sans partenaire", "h3"))
        story.append(_table(lines, length))
    story.append(L.notice_box(CONFIDENTIAL, warning=True))
    return story


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
