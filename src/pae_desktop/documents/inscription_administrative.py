"""«Fiche d'inscription administrative»: what the school office enters in SIECLE under the campaign's MEF."""

from __future__ import annotations

import os
from typing import Any, BinaryIO

from pae_desktop.core.vocabulary import DocumentKind, Sex
from pae_desktop.documents import layout as L
from pae_desktop.documents.plan_parcours import (
    PathwayDocument,
    address,
    identity_rows,
    scheme_options,
    yes_no,
)

TITLE = "Fiche d'inscription administrative"
KIND = DocumentKind.INSCRIPTION_ADMINISTRATIVE


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    data: PathwayDocument,
    options: L.DocumentOptions | None = None,
) -> bytes:
    options = scheme_options(options, data)

    def story(ctx: L.DocContext) -> list:
        entered = (
            f"Saisie faite le {L.french_date(data.siecle_entered_on)}"
            if data.siecle_entered_on
            else "Saisie faite le : ____ / ____ / ________      par : ______________________"
        )
        return [
            L.section("Élève"),
            L.label_value_table(
                identity_rows(data)
                + [
                    ("Sexe", Sex.label_of(data.sex)),
                    ("Adresse", address(data)),
                    (data.person.agree("Boursier", "Boursière"), yes_no(data.boursier)),
                ]
            ),
            L.section("Inscription à saisir dans SIECLE"),
            L.label_value_table(
                [
                    ("Dispositif", options.scheme_name),
                    ("Code MEF", data.mef_code),
                    ("Libellé court", data.mef_short),
                    ("Libellé long", data.mef_label),
                    ("Statut", "Scolaire"),
                    ("Date d'entrée", L.french_date(data.start_date)),
                    ("Fin prévue", L.french_date(data.planned_end)),
                    ("Durée de la formation", "4 mois maximum"),
                ]
            ),
            L.section("Scolarité d'origine"),
            L.label_value_table(
                [
                    ("Diplôme préparé", " — ".join(p for p in (data.diploma, data.speciality) if p)),
                    ("Classe", data.division),
                    ("MEF d'origine", data.origin_mef_code),
                ]
            ),
            L.notice_box(entered, title="Saisie SIECLE"),
            L.signature_block(
                [("Le référent du parcours", data.referent), ("Le secrétariat", "")],
                place_date=L.done_at(ctx.school, ctx.printed_on),
            ),
        ]

    return L.build_pdf(
        target,
        school,
        TITLE,
        story,
        subtitle=f"{options.scheme_name} — {data.full_name}",
        options=options,
    )
