"""«Attestation de fin de parcours»: dates, modules done, PFMP companies and outcome, for the youth's CV."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, BinaryIO

from pae_desktop.core.vocabulary import DocumentKind
from pae_desktop.documents import layout as L
from pae_desktop.documents.plan_parcours import (
    PathwayDocument,
    head_signer,
    module_rows,
    period,
    scheme_options,
)

TITLE = "Attestation de fin de parcours"
KIND = DocumentKind.ATTESTATION_FIN_PARCOURS


def end_of(data: PathwayDocument) -> dt.date:
    """The pathway's last day: its actual end, else the abandonment or exit, else the planned end."""
    return data.actual_end or data.abandoned_on or data.exit_on or data.planned_end


def outcome(data: PathwayDocument) -> str:
    if data.exit_category:
        detail = f" — {data.exit_detail}" if data.exit_detail else ""
        return f"{data.exit_category}{detail}"
    return "Non renseignée"


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    data: PathwayDocument,
    options: L.DocumentOptions | None = None,
) -> bytes:
    options = scheme_options(options, data)

    def story(ctx: L.DocContext) -> list:
        signer_title, signer_name = head_signer(ctx)
        who = ", ".join(p for p in (signer_name, signer_title.lower() if signer_name else signer_title) if p)
        words = data.person
        person = " ".join(p for p in (words.civility, data.full_name) if p)
        born = f", {words.born} le {L.french_date(data.birth_date)}" if data.birth_date else ""
        uai = f" (UAI {ctx.school.uai})" if ctx.school.uai else ""
        parts: list = [
            L.paragraph(
                f"Je soussigné(e), {who} de l'établissement {ctx.school.name}{uai}, atteste que {person}{born}, "
                f"a suivi le parcours du {options.scheme_words} sous statut scolaire "
                f"{period(data.start_date, end_of(data))}."
            ),
            L.section("Modules suivis"),
            L.data_table(
                ["Module", "Porteur", "Dates", "Jours réalisés"],
                module_rows(data, done=True),
                col_widths=[4, 3.5, 3.2, 1.6],
                empty="Aucun module enregistré.",
            ),
            L.section("Périodes en entreprise"),
        ]
        companies = data.pfmp_companies
        if companies:
            parts += L.bullet_list(companies)
            parts.append(L.paragraph(f"Jours de PFMP prévus au parcours : {data.pfmp_days}."))
        else:
            parts.append(L.paragraph("Aucune période de formation en milieu professionnel.", "muted"))
        parts.append(L.section("À l'issue du parcours"))
        rows = []
        if data.abandoned_on is not None:
            rows.append(("Parcours interrompu le", L.french_date(data.abandoned_on)))
        rows += [("Situation à la sortie", outcome(data)), ("Date de sortie", L.french_date(data.exit_on))]
        parts.append(L.label_value_table(rows))
        parts.append(
            L.paragraph(f"Attestation délivrée à {words.concerned} pour servir et valoir ce que de droit.")
        )
        parts.append(
            L.signature_block([(signer_title, signer_name)], place_date=L.done_at(ctx.school, ctx.printed_on))
        )
        return parts

    return L.build_pdf(target, school, TITLE, story, subtitle=options.scheme_name, options=options)
