"""«Fiche d'entretien pré-remplie»: printed before the interview for each booked youth — who they are, where they
come from, how the school reached them — with the sections of the «Fiche d'entretien» left empty to fill by hand
(situation, project, barriers and decision as boxes to tick, proposals, signatures). Two pages at most."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from typing import Any, BinaryIO

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Table

from pae_desktop.core.dates import french_date, french_time, short_date, short_datetime
from pae_desktop.core.day_records import PreparationRecord
from pae_desktop.core.identity import age_on
from pae_desktop.core.vocabulary import (
    FREE_TEXT_REMINDER,
    Barrier,
    ContactChannel,
    ContactResult,
    Decision,
    Diploma,
    DocumentKind,
    ExamResult,
    NextStep,
    Project,
)
from pae_desktop.documents import layout as L
from pae_desktop.documents.fiche_entretien import representatives_table
from pae_desktop.documents.signatures import family_signers, signature_rows
from pae_desktop.documents.style import _table_style

TITLE = DocumentKind.FICHE_PREPARATION.label
LINE_HEIGHT = 6.3 * L.mm


def writing_lines(count: int, label: str = "", *, label_width: float = 44 * L.mm) -> Table:
    """`count` ruled lines to write on by hand, the first one after `label` when given."""
    st = L.styles()
    if label:
        data = [[L.Paragraph(L.escape_text(label), st["cell"]), ""]] + [["", ""] for _ in range(count - 1)]
        widths = [label_width, L.FRAME_WIDTH - label_width]
        first_column = 1
    else:
        data, widths, first_column = [[""] for _ in range(count)], [L.FRAME_WIDTH], 0
    table = Table(data, colWidths=widths, rowHeights=[LINE_HEIGHT] * count, hAlign="LEFT")
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LINEBELOW", (first_column, 0), (-1, -1), 0.4, L.RULE),
    ]
    if label and count > 1:
        commands.append(("LINEBELOW", (0, 1), (0, -1), 0.4, L.RULE))
    table.setStyle(_table_style(commands))
    table.spaceAfter = 3
    return table


def _boxes(items, columns: int) -> Table:
    return L.checkbox_grid([(label, False) for label in items], columns=columns)


# --- what the school knows --------------------------------------------------------------------------------------


def _meeting(record: PreparationRecord) -> list:
    end = record.starts_at + dt.timedelta(minutes=record.duration_minutes)
    return [
        L.section("Le rendez-vous"),
        L.label_value_table(
            [
                ("Date", french_date(record.starts_at, weekday=True)),
                ("Heure", f"{french_time(record.starts_at)} – {french_time(end)}"),
                ("Lieu", record.place),
                ("Mission locale", record.partner_name),
                ("Conseiller(ère)", record.advisor_name),
                ("Référent(e)", record.referent_name),
            ],
            columns=2,
            label_width=32 * L.mm,
        ),
    ]


def _youth(record: PreparationRecord, minor: bool) -> list:
    youth, schooling = record.youth, record.schooling
    words = youth.person
    on = record.starts_at.date()
    birth = (
        f"{french_date(youth.birth_date)} ({age_on(youth.birth_date, on)} ans)" if youth.birth_date else ""
    )
    town = " ".join(p for p in (youth.postal_code, youth.city) if p)
    name = youth.last_name.upper() + (f" (nom d'usage : {youth.usage_name})" if youth.usage_name else "")
    diploma = f"{Diploma.label_of(schooling.diploma)} {schooling.speciality}".strip() if schooling else ""
    rows = [
        ("Nom", name),
        ("Prénom(s)", youth.first_names),
        (f"{words.born.capitalize()} le", birth),
        ("INE", youth.ine),
        ("Téléphone", youth.phone or youth.phone_raw),
        ("Courriel", youth.email),
        ("Classe", schooling.division if schooling else ""),
        (words.agree("Boursier", "Boursière"), "Oui" if youth.boursier else "Non"),
        ("Diplôme préparé", diploma),
        ("Résultat à l'examen", ExamResult.label_of(schooling.exam_result) if schooling else ""),
    ]
    story = [
        L.section(words.The_youth),
        L.label_value_table(rows, columns=2, label_width=32 * L.mm),
        L.label_value_table(
            [("Adresse", "\n".join(p for p in (youth.address, town) if p.strip()))], label_width=40 * L.mm
        ),
    ]
    if minor:
        story.append(representatives_table(youth))
    return story


def _contacts(record: PreparationRecord, shown: int) -> list:
    attempts = record.attempts[-shown:]
    rows = []
    for a in attempts:
        step = NextStep.label_of(a.next_step)
        if a.next_date is not None:
            step = (
                step.replace("…", short_date(a.next_date))
                if "…" in step
                else f"{step} ({short_date(a.next_date)})"
            )
        when = short_datetime(a.at)
        rows.append(
            [when, ContactChannel.label_of(a.channel), ContactResult.label_of(a.result), step, a.staff]
        )
    story: list = [
        L.section("Contacts avec l'établissement"),
        L.data_table(
            ["Date", "Moyen", "Résultat", "Suite donnée", "Par"],
            rows,
            col_widths=[3.7, 2.3, 2.6, 3.4, 2.6],
            empty="Aucune tentative de contact enregistrée.",
        ),
    ]
    older = len(record.attempts) - len(attempts)
    if older:
        plural = "s" if older > 1 else ""
        story.append(
            L.paragraph(f"… et {older} tentative{plural} plus ancienne{plural} (voir le dossier).", "muted")
        )
    if record.phase1:
        story += [
            L.markup_paragraph(
                f"<b>{L.escape_text(record.scheme.phase1_name)} (phase 1, en terminale)</b>", "body"
            ),
            L.paragraph(record.phase1, "body"),
        ]
    return story


# --- what the interview fills in ------------------------------------------------------------------------------


# (contact attempts shown, lines for the situation, the school path, the proposals): the first level whose sheet
# fits on two pages is printed — a long history or address leaves less room to write, never a third page.
ROOM = ((4, 4, 3, 4), (4, 3, 2, 3), (3, 2, 1, 2), (2, 2, 1, 2), (1, 1, 1, 1))


def _to_fill(record: PreparationRecord, room: tuple[int, ...]) -> list:
    _attempts, situation, path, proposals = room
    advisor = record.advisor_name + (f" ({record.partner_name})" if record.partner_name else "")
    present = [
        (advisor or "Conseiller(ère) de la Mission locale", False),
        (record.referent_name or "Référent(e)", False),
    ]
    return [
        L.section("Pendant l'entretien", min_after=30 * L.mm),
        L.paragraph("Présents", "h3"),
        L.checkbox_grid(present, columns=2),
        writing_lines(1, "Autres participants"),
        L.paragraph("Situation actuelle", "h3"),
        writing_lines(situation),
        L.paragraph("Parcours scolaire et PFMP réalisées", "h3"),
        writing_lines(path),
        L.paragraph("Projet", "h3"),
        _boxes([p.label for p in Project], 4),
        writing_lines(1, "Métiers recherchés"),
        writing_lines(1, "Secteur géographique"),
        L.paragraph("Besoins et freins", "h3"),
        _boxes([b.label for b in Barrier], 3),
        writing_lines(1, "Autre frein"),
        L.paragraph("Propositions", "h3"),
        writing_lines(proposals),
    ]


def _decision(record: PreparationRecord, ctx: L.DocContext, minor: bool) -> list:
    youth = record.youth
    family = [(r.full_name, r.link) for r in youth.legal_representatives]
    signers = family_signers(
        youth.person, f"{youth.first_name} {youth.last_name.upper()}".strip(), family, minor
    )
    signers.append(("Le référent de l'établissement", record.referent_name))
    signers.append(("La Mission locale", record.advisor_name))
    return [
        L.section("Décision et signatures", min_after=60 * L.mm),
        _boxes([record.youth.person.inflect(d.label) for d in Decision], 3),
        writing_lines(2, "Motif du refus, précision"),
        L.checkbox_grid([("Notice d'information (RGPD) remise le ____ / ____ / ________", False)], columns=1),
        *signature_rows(signers, place_date=L.done_at(ctx.school, record.starts_at.date()), height=13 * L.mm),
    ]


def _height(flowables: list) -> float:
    """The height the flowables take laid end to end on a frame (before page breaks)."""
    canvas, total = Canvas(io.BytesIO()), 0.0
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):  # its own wrap answers «too tall» to force a break
            total += _height(flowable._content)
            continue
        _, height = flowable.wrapOn(canvas, L.FRAME_WIDTH, L.FRAME_HEIGHT)
        total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _story(record: PreparationRecord, ctx: L.DocContext, room: tuple[int, ...]) -> list:
    minor = record.youth.minor_on(record.starts_at.date())
    return [
        L.paragraph(FREE_TEXT_REMINDER, "muted"),
        *_meeting(record),
        *_youth(record, minor),
        *_contacts(record, room[0]),
        *_to_fill(record, room),
        *_decision(record, ctx, minor),
    ]


def _pages(data: bytes) -> int:
    return len(re.findall(rb"/Type /Page[^s]", data))


def preparation_story(record: PreparationRecord, ctx: L.DocContext, subtitle: str = "") -> list:
    """The flowables of one pre-filled sheet (after the school header), with as much room to write as two pages
    leave (`ROOM`): the first level that looks like fitting is laid out apart and checked, then the next."""
    budget = 2 * L.FRAME_HEIGHT - _height(L.school_header(ctx.school, ctx.title, subtitle))
    levels = [room for room in ROOM if _height(_story(record, ctx, room)) <= budget] or [ROOM[-1]]
    for room in levels[:-1]:
        trial = L.Part(ctx.title, _story(record, ctx, room), subtitle, ctx.options)
        if _pages(L.build_pdf_parts(None, ctx.school, ctx.title, [trial], options=ctx.options)) <= 2:
            return _story(record, ctx, room)
    return _story(record, ctx, levels[-1])


def part(record: PreparationRecord, options: L.DocumentOptions | None = None) -> L.Part:
    """One sheet of a PDF, under the scheme of the youth's campaign; it starts on a recto (two-sided printing)."""
    subtitle = (
        f"{record.youth.display_name} — entretien du {french_date(record.starts_at, weekday=True)} "
        f"à {french_time(record.starts_at)}"
    )
    part_options = (options or L.DocumentOptions()).with_scheme(record.scheme)
    return L.Part(
        TITLE, lambda ctx: preparation_story(record, ctx, subtitle), subtitle, part_options, recto=True
    )


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    record: PreparationRecord,
    options: L.DocumentOptions | None = None,
) -> bytes:
    """One pre-filled sheet as PDF bytes (also written to `target`)."""
    one = part(record, options)
    return L.build_pdf_parts(target, school, TITLE, [one], options=one.options)
