"""«Dossier complet du jeune»: everything held on one youth in one PDF (the right of access, domain.md §9).

The record is built by `core.services.dossier.dossier_record`; this module lays it out, one function a section.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, BinaryIO

from pae_desktop.core import vocabulary as v
from pae_desktop.core.dates import short_datetime
from pae_desktop.core.grammar import Person
from pae_desktop.core.records import DossierRecord, InterviewFacts, PathwayFacts
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
    "restore": "restauration",
}


def _d(value: dt.date | dt.datetime | None) -> str:
    return L.short_date(value) if value else ""


def _dt(value: dt.datetime | None) -> str:
    return short_datetime(value)


def _yes(flag: bool) -> str:
    return "Oui" if flag else "Non"


def _identity(record: DossierRecord) -> list:
    youth = record.youth
    return [
        L.section("Identité"),
        L.label_value_table(
            [
                ("Nom", youth.last_name),
                ("Nom d'usage", youth.usage_name),
                ("Prénom(s)", youth.first_names),
                ("Sexe", v.Sex.label_of(youth.sex)),
                ("Date de naissance", _d(youth.birth_date)),
                ("INE", youth.ine),
                ("Téléphone", youth.phone_raw or youth.phone),
                ("Autre téléphone", youth.phone2_raw or youth.phone2),
                ("Courriel", youth.email),
                ("Adresse", " ".join(p for p in (youth.address, youth.postal_code, youth.city) if p)),
                (youth.person.agree("Boursier", "Boursière"), _yes(youth.boursier)),
                ("Notes", youth.notes),
            ]
        ),
    ]


def _file(record: DossierRecord) -> list:
    youth = record.youth
    return [
        L.section("Le dossier"),
        L.label_value_table(
            [
                ("Campagne", f"Rentrée {record.campaign_year}"),
                ("Dispositif", record.scheme.name),
                ("Étape actuelle", youth.person.inflect(record.stage)),
                ("Numéro interne", str(youth.id)),
                ("Identifiant pseudonyme (académie)", youth.pseudonym),
                ("Identifiant SIECLE", youth.siecle_id),
                (youth.person.agree("Non concerné", "Non concernée"), f"{_d(youth.not_concerned_on)} {youth.not_concerned_reason}".strip()),
                ("A quitté l'établissement le", _d(youth.left_school_on)),
                ("Champs corrigés à la main", youth.corrected_fields.replace(",", ", ")),
                ("Créé le", _dt(youth.created_at)),
                ("Modifié le", _dt(youth.updated_at)),
                ("Anonymisé le", _dt(youth.anonymised_at)),
            ]
        ),
    ]


def _schooling(record: DossierRecord) -> list:
    schooling = record.schooling
    if schooling is None:
        return []
    return [
        L.section("Scolarité d'origine"),
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
        ),
    ]


def _representatives(record: DossierRecord) -> list:
    rows = [
        [
            r.full_name,
            v.ParentLink.label_of(r.link),
            _yes(r.is_legal),
            r.phone_raw or r.phone,
            r.email,
            " ".join(p for p in (r.address, r.postal_code, r.city) if p),
        ]
        for r in record.youth.representatives
    ]
    return [
        *_titled_table(
            "Représentants légaux et contacts",
            ["Nom", "Lien", "Responsable légal", "Téléphone", "Courriel", "Adresse"],
            rows,
            [3, 2, 1.5, 2, 3, 4],
            "Aucun représentant enregistré.",
        ),
    ]


def _contacts(record: DossierRecord) -> list:
    alone = record.youth.person.the_youth
    information = [[_d(a.on), v.InformationKind.label_of(a.kind), a.division or alone] for a in record.information]
    attempts = [
        [
            _dt(a.at),
            v.ContactChannel.label_of(a.channel),
            v.ContactResult.label_of(a.result),
            v.NextStep.label_of(a.next_step),
            _d(a.next_date),
            a.staff,
            a.note,
        ]
        for a in record.attempts
    ]
    bookings = [
        [_dt(b.starts_at), b.place, b.partner, _dt(b.booked_at), _dt(b.cancelled_at), b.cancel_reason]
        for b in record.bookings
    ]
    return [
        *_titled_table(
            "Information",
            ["Date", "Action", "Pour"],
            information,
            [1.2, 3, 2],
            "Aucune action d'information.",
        ),
        *_titled_table(
            "Tentatives de contact",
            ["Date", "Canal", "Résultat", "Suite", "À relancer le", "Par", "Note"],
            attempts,
            [1.6, 1.7, 1.8, 1.8, 1.4, 1.4, 2.5],
            "Aucune tentative de contact.",
        ),
        *_titled_table(
            "Rendez-vous",
            ["Créneau", "Lieu", "Avec", "Réservé le", "Annulé le", "Motif d'annulation"],
            bookings,
            [1.6, 2, 2, 1.6, 1.6, 2.5],
            "Aucun rendez-vous.",
        ),
    ]


def _interview(interview: InterviewFacts, words: Person) -> list:
    participants = [f"{v.Role.label_of(p.role)} : {p.name}".rstrip(" :") for p in interview.participants]
    return [
        L.paragraph(f"Entretien du {L.french_date(interview.held_on)}", "h3"),
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
                ("Freins", ", ".join(v.Barrier.label_of(b) for b in interview.barriers)),
                ("Autre frein", interview.other_barrier),
                ("Propositions", interview.proposals),
                ("Décision", words.inflect(v.Decision.label_of(interview.decision))),
                ("Décidée le", _d(interview.decided_on)),
                ("Motif du refus", interview.refusal_reason),
                ("Notice RGPD remise le", _d(interview.notice_given_on)),
                ("Notes", interview.notes),
            ]
        ),
    ]


def _interviews(record: DossierRecord) -> list:
    out: list = [L.section("Entretiens")]
    if not record.interviews:
        out.append(L.paragraph("Aucun entretien."))
    for interview in record.interviews:
        out += _interview(interview, record.youth.person)
    return out


def _pathway_details(pathway: PathwayFacts) -> list:
    modules = [
        [
            m.label,
            _d(m.start_date),
            _d(m.end_date),
            m.carrier,
            m.place,
            m.tutor,
            "" if m.days_done is None else str(m.days_done),
            m.notes,
        ]
        for m in pathway.modules
    ]
    return [
        L.label_value_table(
            [
                ("MEF", pathway.mef),
                ("Début", _d(pathway.start_date)),
                ("Fin prévue", _d(pathway.planned_end)),
                ("Fin effective", _d(pathway.actual_end)),
                (
                    "Saisi dans SIECLE",
                    f"{_yes(pathway.siecle_entered)} {_d(pathway.siecle_entered_on)}".strip(),
                ),
                ("Référent", pathway.referent),
                ("Mission locale", pathway.mission_locale),
                ("Ouvert sans engagement : motif", pathway.non_engaged_note),
                ("Abandon", f"{_d(pathway.abandoned_on)} {pathway.abandon_reason}".strip()),
                ("Notes", pathway.notes),
            ]
        ),
        L.data_table(
            ["Module", "Du", "Au", "Porteur", "Lieu", "Tuteur", "Jours faits", "Notes"],
            modules,
            col_widths=[2.5, 1.2, 1.2, 2, 2, 1.6, 1, 2],
            empty="Aucun module.",
        ),
    ]


def _pathway(record: DossierRecord) -> list:
    if record.pathway is None:
        return [L.section("Parcours"), L.paragraph("Aucun parcours.")]
    return [L.section("Parcours"), *_pathway_details(record.pathway)]


def _follow_up_and_exit(record: DossierRecord) -> list:
    rows = [
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
        for f in record.follow_ups
    ]
    out: list = [
        *_titled_table(
            "Suivi",
            ["Date", "Type", "Note", "Prochaine action", "Échéance", "Faite le", "Absences"],
            rows,
            [1.2, 1.6, 3, 2.2, 1.2, 1.2, 1.6],
            "Aucun événement de suivi.",
        ),
        L.section("Sortie"),
    ]
    exit_ = record.exit
    if exit_ is None:
        return [*out, L.paragraph("Aucune sortie enregistrée.")]
    rows = [
        ("Date", _d(exit_.on)),
        ("Situation", v.ExitCategory.label_of(exit_.category)),
        ("Précision", v.ExitDetail.label_of(exit_.detail)),
        ("Note", exit_.note),
    ]
    return [*out, L.label_value_table(rows)]


def _history(record: DossierRecord) -> list:
    events = [
        [_dt(e.at), ACTIONS.get(e.action, e.action), e.field, e.old_value, e.new_value, e.by, e.detail]
        for e in record.events
    ]
    return [
        *_titled_table(
            "Documents imprimés",
            ["Date", "Document"],
            [[_dt(d.created_at), v.DocumentKind.label_of(d.kind)] for d in record.documents],
            [1, 4],
            "Aucun document imprimé.",
        ),
        *_titled_table(
            "Journal des accès et des modifications",
            ["Date", "Action", "Champ", "Ancienne valeur", "Nouvelle valeur", "Par", "Détail"],
            events,
            [1.6, 1.4, 1.4, 2, 2, 1.6, 2],
            "Aucune entrée.",
        ),
    ]


def _titled_table(title: str, headers: list[str], rows, col_widths: list[float], empty: str) -> list:
    """A section's title over its table, `empty` said when it has no row."""
    return [L.section(title), L.data_table(headers, rows, col_widths=col_widths, empty=empty)]


CONFIDENTIAL = (
    "Ce document rassemble toutes les informations que l'établissement détient sur ce jeune, y compris "
    "l'historique des impressions et des modifications. Il est remis au titre du droit d'accès (article 15 du "
    "RGPD) et ne doit pas être communiqué à des tiers."
)
SECTIONS = (
    _identity,
    _file,
    _schooling,
    _representatives,
    _contacts,
    _interviews,
    _pathway,
    _follow_up_and_exit,
    _history,
)


def story_of(record: DossierRecord) -> list:
    """The flowables of the whole file (after the school header), section by section."""
    out: list = [L.notice_box(CONFIDENTIAL, title="Document confidentiel")]
    for section in SECTIONS:
        out += section(record)
    return out


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    record: DossierRecord,
    options: L.DocumentOptions | None = None,
) -> bytes:
    """The whole file of one youth as PDF bytes (also written to `target`), under their campaign's scheme."""
    options = (options or L.DocumentOptions()).with_scheme(record.scheme)
    body = story_of(record)

    def story(ctx: L.DocContext) -> list:
        return [*body, L.gdpr_block(ctx.school, options, minor=record.minor)]

    youth = record.youth
    name = " ".join(p for p in (youth.last_name.upper(), youth.first_names) if p)
    return L.build_pdf(target, school, TITLE, story, subtitle=name, options=options)
