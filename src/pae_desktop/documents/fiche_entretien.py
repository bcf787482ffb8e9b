"""«Fiche d'entretien»: the interview record the youth takes home (one, or a day's records in one batch)."""

from __future__ import annotations

import datetime as dt
import os
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from pae_desktop.core.dates import french_date
from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import age_on, is_minor
from pae_desktop.core.models import (
    FollowUpEvent,
    Interview,
    InterviewParticipant,
    Person,
    School,
    Youth,
)
from pae_desktop.core.vocabulary import (
    Barrier,
    Decision,
    Diploma,
    DocumentKind,
    ExamResult,
    FollowUpKind,
    ParentLink,
    Project,
    Role,
    Sex,
)
from pae_desktop.documents import layout as L

TITLE = DocumentKind.FICHE_ENTRETIEN.label


def load(session: Session, interview_id: int) -> Interview:
    """The interview with what its record prints, in two queries: the interview joined with its youth, the
    youth's schooling and the barriers; then the participants (with their person and structure).

    The legal representatives (printed for a minor only) and the follow-ups (for a youth still thinking it
    over only) load when the record reads them.
    """
    interview = session.scalars(
        select(Interview)
        .where(Interview.id == interview_id)
        .options(
            selectinload(Interview.participants)
            .joinedload(InterviewParticipant.person)
            .joinedload(Person.partner),
            selectinload(Interview.participants).joinedload(InterviewParticipant.partner),
            joinedload(Interview.barriers),
            joinedload(Interview.youth).joinedload(Youth.schooling),
            joinedload(Interview.youth).joinedload(Youth.campaign),
        )
    ).unique().one_or_none()
    if interview is None:
        raise UserError("Cette fiche d'entretien n'existe plus.")
    return interview


def participant_name(p: InterviewParticipant) -> str:
    return p.person.full_name if p.person is not None else p.name


def participant_structure(p: InterviewParticipant, school_name: str) -> str:
    if p.partner is not None:
        return p.partner.name
    if p.person is not None and p.person.partner is not None:
        return p.person.partner.name
    return school_name if p.person is not None or p.role not in (Role.ML, Role.FT) else ""


def _yes_no(value: bool) -> str:
    return "Oui" if value else "Non"


def fiche_story(interview: Interview, ctx: L.DocContext) -> list:
    """The flowables of one interview record (after the school header)."""
    youth = interview.youth
    schooling = youth.schooling
    minor = is_minor(youth.birth_date, interview.held_on)
    story: list = []

    birth = ""
    if youth.birth_date is not None:
        birth = f"{french_date(youth.birth_date)} ({age_on(youth.birth_date, interview.held_on)} ans)"
    town = " ".join(p for p in (youth.postal_code, youth.city) if p)
    story += [
        L.section("Le jeune"),
        L.label_value_table(
            [
                (
                    "Nom",
                    youth.last_name.upper()
                    + (f" (nom d'usage : {youth.usage_name})" if youth.usage_name else ""),
                ),
                ("Prénom(s)", youth.first_names),
                ("Né(e) le", birth),
                ("Sexe", Sex.label_of(youth.sex)),
                ("INE", youth.ine),
                ("Boursier", _yes_no(youth.boursier)),
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
        reps = [
            f"{r.full_name}"
            + (f" ({ParentLink.label_of(r.link).lower()})" if r.link else "")
            + (f" — {r.phone or r.phone_raw}" if (r.phone or r.phone_raw) else "")
            for r in youth.representatives
            if r.is_legal
        ]
        story.append(
            L.label_value_table(
                [("Représentants légaux (jeune mineur)", "\n".join(reps) or "Non renseignés")],
                label_width=40 * L.mm,
            )
        )

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
        L.markup_paragraph("<b>Participants</b>", "body"),
        L.data_table(
            ["Nom", "Rôle", "Structure"],
            [
                [participant_name(p), Role.label_of(p.role), participant_structure(p, ctx.school.name)]
                for p in interview.participants
            ],
            col_widths=[3, 3.2, 3.4],
            empty="Aucun participant renseigné.",
        ),
        L.section("Situation actuelle"),
        *L.text_block(interview.situation),
        L.section("Parcours scolaire et PFMP réalisées"),
        *L.text_block(interview.school_path),
        L.markup_paragraph("<b>PFMP réalisées</b>", "body"),
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
            [(barrier.label, any(b.barrier == barrier for b in interview.barriers)) for barrier in Barrier],
            columns=3,
        ),
    ]
    if interview.other_barrier:
        story.append(L.label_value_table([("Autre frein", interview.other_barrier)], label_width=40 * L.mm))
    story += [L.section("Propositions"), *L.text_block(interview.proposals)]

    decision = Decision.from_code(interview.decision)
    rows: list[tuple[str, object]] = [
        ("Décision", decision.label if decision else "Pas encore de décision"),
        ("Date de la décision", french_date(interview.decided_on)),
    ]
    if interview.refusal_reason:
        rows.append(
            ("Motif du refus" if decision is Decision.REFUS else "Précision", interview.refusal_reason)
        )
    if decision is Decision.REFLEXION:
        relance = _relance(youth.follow_ups)
        if relance is not None and relance.due_on is not None:
            rows.append(("Nous reprendrons contact le", french_date(relance.due_on)))
    rows.append(("Notice d'information remise le", french_date(interview.notice_given_on)))
    story += [L.section("Décision"), L.label_value_table(rows, label_width=50 * L.mm)]
    if interview.notes.strip():
        story += [L.section("Observations"), *L.text_block(interview.notes)]

    signers = [
        (
            "Le jeune",
            f"{youth.first_names.split(' ')[0] if youth.first_names else ''} {youth.last_name.upper()}",
        )
    ]
    if minor:
        signers.append(("Le représentant légal", ""))
    referent = next((p for p in interview.participants if p.role == Role.RDS), None)
    signers.append(("Le référent de l'établissement", participant_name(referent) if referent else ""))
    advisor = next((p for p in interview.participants if p.role == Role.ML), None)
    if advisor is not None:
        signers.append(("La Mission locale", participant_name(advisor)))
    story += [
        L.section("Signatures", min_after=40 * L.mm),
        L.signature_block(signers, place_date=L.done_at(ctx.school, interview.held_on)),
        L.Spacer(1, 6),
        L.gdpr_block(ctx.school, ctx.options, minor=minor),
    ]
    return story


def _relance(follow_ups: list[FollowUpEvent]) -> FollowUpEvent | None:
    relances = [f for f in follow_ups if f.kind == FollowUpKind.RELANCE]
    open_ = [f for f in relances if f.done_on is None]
    return (open_ or relances or [None])[-1]


def fiche_part(interview: Interview, options: L.DocumentOptions | None = None) -> L.Part:
    """One record of a PDF; with `options`, under the scheme of the youth's campaign."""
    youth = interview.youth
    subtitle = f"{youth.display_name} — entretien du {french_date(interview.held_on)}"
    part_options = options.for_campaign(youth.campaign) if options is not None else None
    return L.Part(TITLE, lambda ctx: fiche_story(interview, ctx), subtitle, part_options)


def _school(session: Session) -> School | None:
    return session.scalars(select(School).limit(1)).first()


def _path_of(target: object) -> str:
    return os.fspath(target) if isinstance(target, str | os.PathLike) else ""


def build_fiche_entretien(
    session: Session,
    interview_id: int,
    target: str | os.PathLike | BinaryIO | None = None,
    *,
    options: L.DocumentOptions | None = None,
    record: bool = True,
) -> bytes:
    """One interview record as PDF bytes (also written to `target`); recorded as printed."""
    interview = load(session, interview_id)
    options = L.campaign_options(session, interview.youth.campaign, options)
    data = L.build_pdf_parts(target, _school(session), TITLE, [fiche_part(interview)], options=options)
    if record:
        L.record_print(
            session, DocumentKind.FICHE_ENTRETIEN.value, interview.youth_id, data, _path_of(target)
        )
    return data


def latest_interview_id(session: Session, youth_id: int) -> int | None:
    return session.scalar(
        select(Interview.id)
        .where(Interview.youth_id == youth_id)
        .order_by(Interview.held_on.desc(), Interview.id.desc())
        .limit(1)
    )


def build_fiche_for_youth(session: Session, youth_id: int, target=None, **kwargs) -> bytes:
    """The record of the youth's latest interview; UserError when none is recorded."""
    interview_id = latest_interview_id(session, youth_id)
    if interview_id is None:
        raise UserError("Aucun entretien n'est enregistré pour ce jeune : pas de fiche à imprimer.")
    return build_fiche_entretien(session, interview_id, target, **kwargs)


def build_fiches_batch(
    session: Session,
    interview_ids: list[int],
    target: str | os.PathLike | BinaryIO | None = None,
    *,
    options: L.DocumentOptions | None = None,
    record: bool = True,
    progress=None,
) -> bytes:
    """Several records in one PDF (a day's interviews): each starts on a new page with its own page numbers.

    `progress(done, total, message)` is called once per record (the UI's background helper can cancel there).
    """
    if not interview_ids:
        raise UserError("Aucune fiche d'entretien à imprimer.")
    options = options or L.DocumentOptions.from_session(session)
    interviews = []
    for index, interview_id in enumerate(interview_ids):
        if progress is not None:
            progress(index, len(interview_ids), "Préparation des fiches…")
        interviews.append(load(session, interview_id))
    parts = [fiche_part(i, options) for i in interviews]
    data = L.build_pdf_parts(target, _school(session), f"{TITLE}s", parts, options=options)
    if record:
        for interview in interviews:
            L.record_print(
                session, DocumentKind.FICHE_ENTRETIEN.value, interview.youth_id, data, _path_of(target)
            )
    if progress is not None:
        progress(len(interview_ids), len(interview_ids), "Fiches prêtes.")
    return data


def build_day_batch(
    session: Session,
    campaign_id: int,
    day: dt.date,
    target: str | os.PathLike | BinaryIO | None = None,
    **kwargs,
) -> tuple[bytes, int]:
    """Every record of the interviews held on `day`, in slot order, in one PDF; returns (bytes, count)."""
    from pae_desktop.core.services.interviews import interviews_held_on

    ids = interviews_held_on(session, campaign_id, day)
    if not ids:
        raise UserError(f"Aucun entretien enregistré le {french_date(day)}.")
    return build_fiches_batch(session, ids, target, **kwargs), len(ids)
