"""«Grille d'assiduité»: the pathway's weeks × half-days with the totals per week and overall, justified and
unjustified, for the bourse file (its record: `core.services.pathways.AttendanceGrid`)."""

from __future__ import annotations

import os
from typing import Any, BinaryIO

from pae_desktop.core import rules
from pae_desktop.core.attendance import STATUS_LETTERS
from pae_desktop.core.vocabulary import DocumentKind
from pae_desktop.documents import layout as L

KIND = DocumentKind.GRILLE_ASSIDUITE
TITLE = "Grille d'assiduité"
DAYS = ("Lu", "Ma", "Me", "Je", "Ve")
OUTSIDE = "—"
LEGEND = (
    "Lu, Ma, Me, Je, Ve : du lundi au vendredi ; M : matin, AM : après-midi. P : présence ; J : absence justifiée ; A : absence non justifiée ; "
    "case vide : non renseignée ; « — » : hors des dates du parcours."
)


def _blank() -> Any:
    """An empty cell (not entered) that prints empty, where the shared tables print «—»."""
    return L.Spacer(1, 1)


def _cell(cell: Any) -> Any:
    if not cell.enabled:
        return OUTSIDE
    return STATUS_LETTERS.get(cell.status) or _blank()


def _headers() -> list[str]:
    halves = [f"{day}\n{half}" for day in DAYS for half in ("M", "AM")]
    return ["Semaine du", *halves, "Prés.", "Abs. J", "Abs. NJ"]


def _rows(data: Any) -> list[list[Any]]:
    rows = [
        [L.short_date(week.monday), *(_cell(c) for c in week.cells)]
        + [str(week.totals.present), str(week.totals.justified), str(week.totals.unjustified)]
        for week in data.weeks
    ]
    grid = data.grid
    rows.append(["Total", *(_blank() for _ in range(10)), str(grid.present), str(grid.justified), str(grid.unjustified)])
    return rows


def _summary(data: Any) -> list[tuple[str, str]]:
    def half_days(count: int) -> str:
        return f"{count} demi-journée{'s' if count > 1 else ''}"

    return [
        ("Présences (grille)", half_days(data.grid.present)),
        (
            "Absences de la grille",
            f"justifiées : {half_days(data.grid.justified)} ; non justifiées : {half_days(data.grid.unjustified)}",
        ),
        (
            "Absences saisies en événements de suivi",
            f"justifiées : {half_days(data.events.justified)} ; "
            f"non justifiées : {half_days(data.events.unjustified)}",
        ),
        ("Total des absences justifiées", half_days(data.overall.justified)),
        (
            "Total des absences non justifiées",
            f"{half_days(data.overall.unjustified)} (alerte au-delà de {rules.ATTENDANCE_ALERT_HALF_DAYS})",
        ),
    ]


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    data: Any,
    options: L.DocumentOptions | None = None,
) -> bytes:
    options = options or L.DocumentOptions()

    def story(ctx: L.DocContext) -> list:
        identity = [
            ("Jeune", data.full_name),
            ("INE", data.ine),
            ("Classe d'origine", data.division),
            ("Boursier", "Oui" if data.boursier else "Non"),
            ("Parcours", f"du {L.french_date(data.start)} au {L.french_date(data.end)}"),
        ]
        flowables = [
            L.label_value_table(identity, columns=2),
            L.paragraph(LEGEND, "muted"),
            L.data_table(
                _headers(),
                _rows(data),
                col_widths=[2.4] + [1.0] * 10 + [1.15, 1.15, 1.3],
                empty="Le parcours ne compte aucune semaine.",
            ),
            L.section("Totaux"),
            L.label_value_table(_summary(data), label_width=70 * L.mm),
        ]
        if data.alert:
            flowables.append(L.notice_box(data.alert, title="Assiduité", warning=True))
        title, name = ctx.school.head_title or "Chef d'établissement", ctx.school.head_name
        flowables.append(L.signature_block([(title, name)], place_date=L.done_at(ctx.school, ctx.printed_on)))
        return flowables

    subtitle = f"{options.scheme_name} — {data.full_name}"
    return L.build_pdf(target, school, TITLE, story, subtitle=subtitle, options=options)
