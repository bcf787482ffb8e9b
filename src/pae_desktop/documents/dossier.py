"""«Dossier complet du jeune»: everything held on one youth in one PDF (the right of access, domain.md §9)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, BinaryIO

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from pae_desktop.core import vocabulary as v
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    AuditEvent,
    GeneratedDocument,
    InformationAction,
    InformationTarget,
    Interview,
    InterviewParticipant,
    InterviewSlot,
    Pathway,
    Person,
    SlotBooking,
    Youth,
)
from pae_desktop.core.scheme import scheme_of
from pae_desktop.documents import layout as L

KIND = v.DocumentKind.DOSSIER
TITLE = "Dossier complet du jeune"
ACTIONS = {
    "create": "création",
    "update": "modification",
    "delete": "suppression",
    "print": "impression",
    "export": "export",
    "import": "import",
    "anonymise": "anonymisation",
    "erase": "effacement",
}


def _d(value: dt.date | dt.datetime | None) -> str:
    return L.short_date(value) if value else ""


def _dt(value: dt.datetime | None) -> str:
    return f"{value:%d/%m/%Y %H:%M}" if value else ""


def _yes(flag: bool) -> str:
    return "Oui" if flag else "Non"


def _person(person: Person | None) -> str:
    return person.full_name if person is not None else ""


def _pathway_mef(youth: Youth) -> str:
    """«7034150311 — APRO PLUS 3»: the code and its short label in the youth's campaign."""
    code = youth.pathway.mef_code if youth.pathway else ""
    short = scheme_of(youth.campaign).mef_short(code)
    return f"{code} — {short}" if short and short != code else code


def load_youth(session: Any, youth_id: int) -> Youth:
    youth = session.scalars(
        select(Youth)
        .where(Youth.id == youth_id)
        .options(
            selectinload(Youth.campaign),
            selectinload(Youth.schooling),
            selectinload(Youth.representatives),
            selectinload(Youth.contact_attempts),
            selectinload(Youth.bookings).selectinload(SlotBooking.slot).selectinload(InterviewSlot.partner),
            selectinload(Youth.interviews)
            .selectinload(Interview.participants)
            .selectinload(InterviewParticipant.person),
            selectinload(Youth.interviews).selectinload(Interview.barriers),
            selectinload(Youth.pathway).selectinload(Pathway.modules),
            selectinload(Youth.follow_ups),
            selectinload(Youth.exit),
        )
    ).first()
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base (supprimé ou anonymisé entre-temps).")
    return youth


def story_of(session: Any, youth: Youth, today: dt.date | None = None) -> list:
    """The flowables of the whole file of `youth` (a session is needed for the related rows)."""
    from pae_desktop.core.services.youths import stage_of

    staff = {p.id: p for p in session.scalars(select(Person))}
    out: list = []
    out.append(
        L.notice_box(
            "Ce document rassemble toutes les informations que l'établissement détient sur ce jeune, "
            "y compris l'historique des impressions et des modifications. Il est remis au titre du droit "
            "d'accès (article 15 du RGPD) et ne doit pas être communiqué à des tiers.",
            title="Document confidentiel",
        )
    )

    out.append(L.section("Identité"))
    born = _d(youth.birth_date)
    out.append(
        L.label_value_table(
            [
                ("Nom", youth.last_name),
                ("Nom d'usage", youth.usage_name),
                ("Prénom(s)", youth.first_names),
                ("Sexe", v.Sex.label_of(youth.sex)),
                ("Date de naissance", born),
                ("INE", youth.ine),
                ("Téléphone", youth.phone_raw or youth.phone),
                ("Autre téléphone", youth.phone2_raw or youth.phone2),
                ("Courriel", youth.email),
                ("Adresse", " ".join(p for p in (youth.address, youth.postal_code, youth.city) if p)),
                ("Boursier", _yes(youth.boursier)),
                ("Notes", youth.notes),
            ]
        )
    )
    out.append(L.section("Le dossier"))
    out.append(
        L.label_value_table(
            [
                ("Campagne", f"Rentrée {youth.campaign.year}"),
                ("Dispositif", scheme_of(youth.campaign).name),
                ("Étape actuelle", stage_of(session, youth, today).label),
                ("Numéro interne", str(youth.id)),
                ("Identifiant pseudonyme (académie)", youth.pseudonym),
                ("Identifiant SIECLE", youth.siecle_id),
                ("Non concerné(e)", f"{_d(youth.not_concerned_on)} {youth.not_concerned_reason}".strip()),
                ("A quitté l'établissement le", _d(youth.left_school_on)),
                ("Champs corrigés à la main", youth.corrected_fields.replace(",", ", ")),
                ("Créé le", _dt(youth.created_at)),
                ("Modifié le", _dt(youth.updated_at)),
                ("Anonymisé le", _dt(youth.anonymised_at)),
            ]
        )
    )

    schooling = youth.schooling
    if schooling is not None:
        out.append(L.section("Scolarité d'origine"))
        out.append(
            L.label_value_table(
                [
                    ("Diplôme préparé", v.Diploma.label_of(schooling.diploma)),
                    ("Spécialité", schooling.speciality),
                    ("MEF", " — ".join(p for p in (schooling.mef_code, schooling.mef_label) if p)),
                    ("Classe", schooling.division),
                    ("Statut", schooling.status),
                    ("Année scolaire", str(schooling.school_year or "")),
                    ("Résultat à l'examen", v.ExamResult.label_of(schooling.exam_result)),
                ]
            )
        )

    out.append(L.section("Représentants légaux et contacts"))
    out.append(
        L.data_table(
            ["Nom", "Lien", "Responsable légal", "Téléphone", "Courriel", "Adresse"],
            [
                [
                    r.full_name,
                    v.ParentLink.label_of(r.link),
                    _yes(r.is_legal),
                    r.phone_raw or r.phone,
                    r.email,
                    " ".join(p for p in (r.address, r.postal_code, r.city) if p),
                ]
                for r in youth.representatives
            ],
            col_widths=[3, 2, 1.5, 2, 3, 4],
            empty="Aucun représentant enregistré.",
        )
    )

    division = schooling.division if schooling is not None else ""
    actions = session.scalars(
        select(InformationAction)
        .where(
            InformationAction.campaign_id == youth.campaign_id,
            or_(
                InformationAction.id.in_(
                    select(InformationTarget.action_id).where(InformationTarget.youth_id == youth.id)
                ),
                (InformationAction.division == division) & (InformationAction.division != ""),
            ),
        )
        .order_by(InformationAction.on)
    ).all()
    out.append(L.section("Information"))
    out.append(
        L.data_table(
            ["Date", "Action", "Pour"],
            [[_d(a.on), v.InformationKind.label_of(a.kind), a.division or "le jeune"] for a in actions],
            col_widths=[1.2, 3, 2],
            empty="Aucune action d'information.",
        )
    )

    out.append(L.section("Tentatives de contact"))
    out.append(
        L.data_table(
            ["Date", "Canal", "Résultat", "Suite", "À relancer le", "Par", "Note"],
            [
                [
                    _dt(a.at),
                    v.ContactChannel.label_of(a.channel),
                    v.ContactResult.label_of(a.result),
                    v.NextStep.label_of(a.next_step),
                    _d(a.next_date),
                    _person(staff.get(a.staff_id)),
                    a.note,
                ]
                for a in youth.contact_attempts
            ],
            col_widths=[1.6, 1.7, 1.8, 1.8, 1.4, 1.4, 2.5],
            empty="Aucune tentative de contact.",
        )
    )

    out.append(L.section("Rendez-vous"))
    out.append(
        L.data_table(
            ["Créneau", "Lieu", "Avec", "Réservé le", "Annulé le", "Motif d'annulation"],
            [
                [
                    _dt(b.slot.starts_at),
                    b.slot.place,
                    b.slot.partner.name if b.slot.partner else "",
                    _dt(b.booked_at),
                    _dt(b.cancelled_at),
                    b.cancel_reason,
                ]
                for b in sorted(youth.bookings, key=lambda b: b.slot.starts_at)
            ],
            col_widths=[1.6, 2, 2, 1.6, 1.6, 2.5],
            empty="Aucun rendez-vous.",
        )
    )

    out.append(L.section("Entretiens"))
    if not youth.interviews:
        out.append(L.paragraph("Aucun entretien."))
    for interview in youth.interviews:
        participants = [
            f"{v.Role.label_of(p.role)} : {p.person.full_name if p.person else p.name}".rstrip(" :")
            for p in interview.participants
        ]
        out.append(L.paragraph(f"Entretien du {L.french_date(interview.held_on)}", "h3"))
        out.append(
            L.label_value_table(
                [
                    ("Lieu, modalité", ", ".join(p for p in (interview.place, interview.modality) if p)),
                    ("Participants", "\n".join(participants)),
                    ("Situation", interview.situation),
                    ("Parcours scolaire", interview.school_path),
                    ("PFMP réalisées", interview.pfmp_done),
                    ("Projet", v.Project.label_of(interview.project)),
                    ("Métiers recherchés", interview.trades_sought),
                    ("Secteur géographique", interview.area_sought),
                    ("Freins", ", ".join(v.Barrier.label_of(b.barrier) for b in interview.barriers)),
                    ("Autre frein", interview.other_barrier),
                    ("Propositions", interview.proposals),
                    ("Décision", v.Decision.label_of(interview.decision)),
                    ("Décidée le", _d(interview.decided_on)),
                    ("Motif du refus", interview.refusal_reason),
                    ("Notice RGPD remise le", _d(interview.notice_given_on)),
                    ("Notes", interview.notes),
                ]
            )
        )

    out.append(L.section("Parcours"))
    pathway = youth.pathway
    if pathway is None:
        out.append(L.paragraph("Aucun parcours."))
    else:
        out.append(
            L.label_value_table(
                [
                    ("MEF", _pathway_mef(youth)),
                    ("Début", _d(pathway.start_date)),
                    ("Fin prévue", _d(pathway.planned_end)),
                    ("Fin effective", _d(pathway.actual_end)),
                    (
                        "Saisi dans SIECLE",
                        f"{_yes(pathway.siecle_entered)} {_d(pathway.siecle_entered_on)}".strip(),
                    ),
                    ("Référent", _person(pathway.referent)),
                    ("Mission locale", pathway.mission_locale.name if pathway.mission_locale else ""),
                    ("Ouvert sans engagement : motif", pathway.non_engaged_note),
                    ("Abandon", f"{_d(pathway.abandoned_on)} {pathway.abandon_reason}".strip()),
                    ("Notes", pathway.notes),
                ]
            )
        )
        out.append(
            L.data_table(
                ["Module", "Du", "Au", "Porteur", "Lieu", "Tuteur", "Jours faits", "Notes"],
                [
                    [
                        m.label or v.ModuleType.label_of(m.module_type),
                        _d(m.start_date),
                        _d(m.end_date),
                        m.carrier.name if m.carrier else "",
                        m.place,
                        m.tutor,
                        "" if m.days_done is None else str(m.days_done),
                        m.notes,
                    ]
                    for m in pathway.modules
                ],
                col_widths=[2.5, 1.2, 1.2, 2, 2, 1.6, 1, 2],
                empty="Aucun module.",
            )
        )

    out.append(L.section("Suivi"))
    out.append(
        L.data_table(
            ["Date", "Type", "Note", "Prochaine action", "Échéance", "Faite le", "Absences"],
            [
                [
                    _d(f.on),
                    v.FollowUpKind.label_of(f.kind),
                    f.note,
                    f.next_action,
                    _d(f.due_on),
                    _d(f.done_on),
                    f"{f.absence_half_days} demi-journée(s)" + (" justifiées" if f.absence_justified else "")
                    if f.absence_half_days
                    else "",
                ]
                for f in youth.follow_ups
            ],
            col_widths=[1.2, 1.6, 3, 2.2, 1.2, 1.2, 1.6],
            empty="Aucun événement de suivi.",
        )
    )

    out.append(L.section("Sortie"))
    if youth.exit is None:
        out.append(L.paragraph("Aucune sortie enregistrée."))
    else:
        out.append(
            L.label_value_table(
                [
                    ("Date", _d(youth.exit.on)),
                    ("Situation", v.ExitCategory.label_of(youth.exit.category)),
                    ("Précision", v.ExitDetail.label_of(youth.exit.detail)),
                    ("Note", youth.exit.note),
                ]
            )
        )

    documents = session.scalars(
        select(GeneratedDocument)
        .where(GeneratedDocument.youth_id == youth.id)
        .order_by(GeneratedDocument.created_at)
    ).all()
    out.append(L.section("Documents imprimés"))
    out.append(
        L.data_table(
            ["Date", "Document"],
            [[_dt(d.created_at), v.DocumentKind.label_of(d.kind)] for d in documents],
            col_widths=[1, 4],
            empty="Aucun document imprimé.",
        )
    )

    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "youth", AuditEvent.entity_id == youth.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    out.append(L.section("Journal des accès et des modifications"))
    out.append(
        L.data_table(
            ["Date", "Action", "Champ", "Ancienne valeur", "Nouvelle valeur", "Par", "Détail"],
            [
                [
                    _dt(e.at),
                    ACTIONS.get(e.action, e.action),
                    e.field,
                    e.old_value,
                    e.new_value,
                    " / ".join(p for p in (e.os_user, _person(staff.get(e.staff_id))) if p),
                    e.detail,
                ]
                for e in events
            ],
            col_widths=[1.6, 1.4, 1.4, 2, 2, 1.6, 2],
            empty="Aucune entrée.",
        )
    )
    return out


def build(
    target: str | os.PathLike | BinaryIO | None,
    session: Any,
    youth_id: int,
    options: L.DocumentOptions | None = None,
    today: dt.date | None = None,
) -> bytes:
    from pae_desktop.core.identity import is_minor
    from pae_desktop.core.services.school import get_school

    youth = load_youth(session, youth_id)
    options = L.campaign_options(session, youth.campaign, options)
    school = get_school(session)
    body = story_of(session, youth, today)
    minor = is_minor(youth.birth_date, today or dt.date.today())

    def story(ctx: L.DocContext) -> list:
        return [*body, L.gdpr_block(ctx.school, options, minor=minor)]

    name = " ".join(p for p in (youth.last_name.upper(), youth.first_names) if p)
    return L.build_pdf(target, school, TITLE, story, subtitle=name, options=options)


def render(
    session: Any,
    youth_id: int,
    target: str | os.PathLike | BinaryIO | None = None,
    *,
    printed_on: dt.date | None = None,
    record: bool = True,
) -> bytes:
    """The whole file of one youth; the print is recorded (nominative) in the history and the audit log."""
    options = L.DocumentOptions.from_session(session, printed_on=printed_on)
    pdf = build(target, session, youth_id, options, printed_on)
    if record:
        path = target if isinstance(target, str | os.PathLike) else ""
        L.record_print(session, KIND.value, youth_id, pdf, path)
    return pdf


# --- `pae-desktop document dossier` (commands/document.py's registry) ------------------------------------------


def concerned(session: Any, campaign: Any) -> list[int]:
    """Every youth of the campaign whose file is not anonymised (the right of access covers them all)."""
    from pae_desktop.core.text import fold

    rows = session.execute(
        select(Youth.id, Youth.last_name, Youth.first_names).where(
            Youth.campaign_id == campaign.id, Youth.anonymised_at.is_(None)
        )
    ).all()
    rows.sort(key=lambda r: (fold(r[1]), fold(r[2]), r[0]))
    return [r[0] for r in rows]


def build_for_youth(
    session: Any, youth_id: int, target: Any, options: L.DocumentOptions | None = None, record: bool = True
) -> bytes:
    pdf = build(target, session, youth_id, options)
    if record:
        path = target if isinstance(target, str | os.PathLike) else ""
        L.record_print(session, KIND.value, youth_id, pdf, path)
    return pdf
