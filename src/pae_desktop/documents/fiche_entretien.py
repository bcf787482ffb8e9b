"""«Fiche d'entretien»: the interview record the youth takes home (one, or a day's records in one batch)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, BinaryIO

from pae_desktop.core.dates import french_date
from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import age_on
from pae_desktop.core.records import InterviewRecord, YouthIdentity
from pae_desktop.core.vocabulary import (
    Barrier,
    Decision,
    Diploma,
    DocumentKind,
    ExamResult,
    Project,
    Role,
    Sex,
)
from pae_desktop.documents import layout as L
from pae_desktop.documents.signatures import family_signers, representative_name, signature_rows

TITLE = DocumentKind.FICHE_ENTRETIEN.label


def _yes_no(value: bool) -> str:
    return "Oui" if value else "Non"


def _youth_section(record: InterviewRecord, minor: bool) -> list:
    youth, interview, schooling = record.youth, record.interview, record.schooling
    words = youth.person
    story: list = []

    birth = ""
    if youth.birth_date is not None:
        birth = f"{french_date(youth.birth_date)} ({age_on(youth.birth_date, interview.held_on)} ans)"
    town = " ".join(p for p in (youth.postal_code, youth.city) if p)
    story += [
        L.section(words.The_youth),
        L.label_value_table(
            [
                (
                    "Nom",
                    youth.last_name.upper()
                    + (f" (nom d'usage : {youth.usage_name})" if youth.usage_name else ""),
                ),
                ("Prénom(s)", youth.first_names),
                (f"{words.born.capitalize()} le", birth),
                ("Sexe", Sex.label_of(youth.sex)),
                ("INE", youth.ine),
                (words.agree("Boursier", "Boursière"), _yes_no(youth.boursier)),
                ("Téléphone", youth.phone or youth.phone_raw),
                ("Courriel", youth.email),
            ],
            columns=2,
            label_width=27 * L.mm,
        ),
        L.label_value_table(
            [
                ("Adresse", "\n".join(p for p in (youth.address, town) if p.strip())),
                (
                    "Scolarité d'origine",
                    " — ".join(
                        p
                        for p in (
                            f"Terminale {schooling.division}" if schooling and schooling.division else "",
                            f"{Diploma.label_of(schooling.diploma)} {schooling.speciality}".strip()
                            if schooling
                            else "",
                        )
                        if p
                    ),
                ),
                ("Résultat à l'examen", ExamResult.label_of(schooling.exam_result) if schooling else ""),
            ],
            label_width=40 * L.mm,
        ),
    ]
    if minor:
        story.append(representatives_table(youth))
    return story


def representatives_table(youth: YouthIdentity):
    """«Représentants légaux (jeune mineur)»: each legal representative with their link and phone (the record
    and the pre-filled sheet print it for a minor)."""
    reps = [
        representative_name(r.full_name, r.link)
        + (f" — {r.phone or r.phone_raw}" if (r.phone or r.phone_raw) else "")
        for r in youth.legal_representatives
    ]
    label = f"Représentants légaux (jeune {youth.person.minor})"
    return L.label_value_table([(label, "\n".join(reps) or "Non renseignés")], label_width=40 * L.mm)


def _interview_section(record: InterviewRecord, ctx: L.DocContext) -> list:
    interview = record.interview
    story: list = []
    ml_present = any(p.role == Role.ML for p in interview.participants)
    story += [
        L.section("L'entretien"),
        L.label_value_table(
            [
                ("Date", french_date(interview.held_on, weekday=True)),
                ("Lieu", interview.place),
                ("Modalité", interview.modality),
                ("Mission locale présente", _yes_no(ml_present)),
            ],
            label_width=40 * L.mm,
        ),
        L.subheading("Participants"),
        L.data_table(
            ["Nom", "Rôle", "Structure"],
            [
                [p.name, Role.label_of(p.role), p.structure or (ctx.school.name if p.of_school else "")]
                for p in interview.participants
            ],
            col_widths=[3, 3.2, 3.4],
            empty="Aucun participant renseigné.",
        ),
        L.section("Situation actuelle"),
        *L.text_block(interview.situation),
        L.section("Parcours scolaire et PFMP réalisées"),
        *L.text_block(interview.school_path),
        L.subheading("PFMP réalisées"),
        *L.text_block(interview.pfmp_done),
        L.section("Projet"),
        L.label_value_table(
            [
                ("Projet", Project.label_of(interview.project)),
                ("Métiers recherchés", interview.trades_sought),
                ("Secteur géographique", interview.area_sought),
            ],
            label_width=40 * L.mm,
        ),
        L.section("Besoins et freins"),
        L.checkbox_grid(
            [(barrier.label, barrier.value in interview.barriers) for barrier in Barrier],
            columns=3,
        ),
    ]
    if interview.other_barrier:
        story.append(L.label_value_table([("Autre frein", interview.other_barrier)], label_width=40 * L.mm))
    story += [L.section("Propositions"), *L.text_block(interview.proposals)]
    return story


def _decision_section(record: InterviewRecord) -> list:
    interview = record.interview
    story: list = []
    decision = Decision.from_code(interview.decision)
    rows: list[tuple[str, object]] = [
        ("Décision", record.youth.person.inflect(decision.label) if decision else "Pas encore de décision"),
        ("Date de la décision", french_date(interview.decided_on)),
    ]
    if interview.refusal_reason:
        rows.append(
            ("Motif du refus" if decision is Decision.REFUS else "Précision", interview.refusal_reason)
        )
    if decision is Decision.REFLEXION:
        if record.relance_on is not None:
            rows.append(("Nous reprendrons contact le", french_date(record.relance_on)))
    rows.append(("Notice d'information remise le", french_date(interview.notice_given_on)))
    story += [L.section("Décision"), L.label_value_table(rows, label_width=50 * L.mm)]
    if interview.notes.strip():
        story += [L.section("Observations"), *L.text_block(interview.notes)]
    return story


def _signatures(record: InterviewRecord, ctx: L.DocContext, minor: bool) -> list:
    youth, interview = record.youth, record.interview
    story: list = []
    family = [(r.full_name, r.link) for r in youth.legal_representatives]
    signers = family_signers(youth.person, f"{youth.first_name} {youth.last_name.upper()}".strip(), family, minor)
    referent = next((p for p in interview.participants if p.role == Role.RDS), None)
    signers.append(("Le référent de l'établissement", referent.name if referent else ""))
    advisor = next((p for p in interview.participants if p.role == Role.ML), None)
    if advisor is not None:
        signers.append(("La Mission locale", advisor.name))
    story += [
        L.section("Signatures", min_after=40 * L.mm),
        *signature_rows(signers, place_date=L.done_at(ctx.school, interview.held_on)),
        L.Spacer(1, 6),
        L.gdpr_block(ctx.school, ctx.options, minor=minor),
    ]
    return story


def fiche_story(record: InterviewRecord, ctx: L.DocContext) -> list:
    """The flowables of one interview record (after the school header)."""
    minor = record.youth.minor_on(record.interview.held_on)
    return [
        *_youth_section(record, minor),
        *_interview_section(record, ctx),
        *_decision_section(record),
        *_signatures(record, ctx, minor),
    ]


def part(record: InterviewRecord, options: L.DocumentOptions | None = None) -> L.Part:
    """One record of a PDF, under the scheme of the youth's campaign."""
    subtitle = f"{record.youth.display_name} — entretien du {french_date(record.interview.held_on)}"
    part_options = (options or L.DocumentOptions()).with_scheme(record.scheme)
    return L.Part(TITLE, lambda ctx: fiche_story(record, ctx), subtitle, part_options)


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    record: InterviewRecord,
    options: L.DocumentOptions | None = None,
) -> bytes:
    """One interview record as PDF bytes (also written to `target`)."""
    options = (options or L.DocumentOptions()).with_scheme(record.scheme)
    return L.build_pdf_parts(target, school, TITLE, [part(record, options)], options=options)


def render_batch(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    records: Sequence[InterviewRecord],
    options: L.DocumentOptions | None = None,
) -> bytes:
    """Several records in one PDF (a day's interviews): each starts on a new page with its own page numbers and
    names the scheme of its youth's campaign."""
    if not records:
        raise UserError("Aucune fiche d'entretien à imprimer.")
    options = options or L.DocumentOptions()
    return L.build_pdf_parts(
        target, school, f"{TITLE}s", [part(r, options) for r in records], options=options
    )
