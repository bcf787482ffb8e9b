"""«Attestation d'inscription en {nom du dispositif}»: enrolment under school status, signed by the head of school."""

from __future__ import annotations

import os
from typing import Any, BinaryIO

from pae_desktop.core.vocabulary import DocumentKind
from pae_desktop.documents import layout as L
from pae_desktop.documents.plan_parcours import PathwayDocument, head_signer, mef_line, period, scheme_options

KIND = DocumentKind.ATTESTATION_INSCRIPTION


def title(scheme_name: str) -> str:
    return f"Attestation d'inscription en {scheme_name}"


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    data: PathwayDocument,
    options: L.DocumentOptions | None = None,
) -> bytes:
    options = scheme_options(options, data)
    doc_title = title(options.scheme_name)

    def story(ctx: L.DocContext) -> list:
        school_info = ctx.school
        signer_title, signer_name = head_signer(ctx)
        who = ", ".join(p for p in (signer_name, signer_title.lower() if signer_name else signer_title) if p)
        ended = data.actual_end is not None and data.actual_end < data.planned_end
        words = data.person
        verb = f"a été {words.enrolled}" if ended else f"est {words.enrolled}"
        end = data.actual_end if ended else data.planned_end
        person = " ".join(p for p in (words.civility, data.full_name) if p)
        born = f", {words.born} le {L.french_date(data.birth_date)}" if data.birth_date else ""
        ine = f", INE {data.ine}" if data.ine else ""
        uai = f" (UAI {school_info.uai})" if school_info.uai else ""
        sentence = (
            f"Je soussigné(e), {who} de l'établissement {school_info.name}{uai}, atteste que {person}{born}{ine}, "
            f"{verb} sous statut scolaire dans l'établissement au titre du dispositif « {options.scheme_name} », "
            f"sous le MEF {data.mef_code} ({data.mef_short}), {period(data.start_date, end)}."
        )
        return [
            L.paragraph(sentence),
            L.paragraph(
                f"Pendant ce parcours, {words.the_youth} conserve le statut scolaire et les droits qui y sont attachés : "
                "bourses nationales, demi-pension et internat."
            ),
            L.label_value_table(
                [
                    ("Dispositif", options.scheme_name),
                    ("MEF", mef_line(data)),
                    ("Période", period(data.start_date, end)),
                    (words.agree("Boursier", "Boursière"), "Oui" if data.boursier else "Non"),
                ]
            ),
            L.paragraph(f"Attestation délivrée à {words.concerned} pour servir et valoir ce que de droit."),
            L.signature_block(
                [(signer_title, signer_name)], place_date=L.done_at(school_info, ctx.printed_on)
            ),
        ]

    return L.build_pdf(target, school, doc_title, story, options=options)
