"""«Fiche du registre des activités de traitement» (RGPD, article 30), for the data protection officer.

Pure: it prints a `DpoRecord` (`core/services/dpo.py`); the security measures it states are those actually on
(encryption, backups, lock, audit log, shared server and its roles). The lists of persons, data, recipients and
measures are shared with the impact assessment (`documents/aipd.py`).
"""

from __future__ import annotations

import os
from typing import Any, BinaryIO

from pae_desktop.core.records import DpoRecord, SecurityMeasures
from pae_desktop.core.vocabulary import DocumentKind
from pae_desktop.documents import layout as L
from pae_desktop.documents.notice_rgpd import retention_lines
from pae_desktop.documents.options import NO_OTHER_RECIPIENT, dpo_line, recipients

KIND = DocumentKind.REGISTRE
TITLE = "Fiche du registre des activités de traitement"

LEGAL_TEXTS = (
    "Code de l'éducation, articles L. 313-7 et L. 313-8 (repérage et accompagnement des jeunes sortis du "
    "système de formation sans diplôme ni qualification, plates-formes de suivi et d'appui aux décrocheurs).",
    "Arrêté du 18 juillet 2023 relatif au parcours Ambition emploi.",
    "Arrêté du 28 novembre 2025 (JORF n° 0289 du 10 décembre 2025) : le dispositif devient AvenirPro, en deux "
    "phases (« AvenirPro » en terminale, « AvenirPro+ » après l'examen).",
)

PERSONS = (
    "Élèves de terminale (CAP, baccalauréat professionnel, BMA, DTMS) repérés, et jeunes engagés dans le "
    "parcours après l'examen (souvent mineurs).",
    "Représentants légaux des élèves mineurs et autres personnes à contacter.",
    "Personnels de l'établissement qui suivent les jeunes (direction, CPE, psychologue, professeurs).",
    "Conseillers des partenaires : Mission locale, France Travail, organismes de formation, tuteurs en "
    "entreprise.",
)

DATA = (
    ("Identité", "nom, prénoms, sexe, date de naissance, INE, identifiant SIECLE, statut de boursier"),
    ("Coordonnées", "téléphones, courriel, adresse ; celles des représentants légaux"),
    ("Scolarité", "établissement, classe de terminale, formation (MEF), résultat à l'examen"),
    ("Échanges et entretiens", "tentatives de contact, entretiens, situation, projet, décisions"),
    (
        "Freins déclarés",
        "de simples cases à cocher (mobilité, logement, ressources, santé…) : aucun détail de santé n'est "
        "enregistré",
    ),
    ("Parcours", "modules, périodes en entreprise (PFMP), allocation, suivi"),
    ("Assiduité", "participation aux ateliers, entretiens et événements de la phase 1"),
    ("Sortie", "situation à la sortie du parcours (emploi, formation, sans solution), date"),
)
NOT_COLLECTED = (
    "Ne sont jamais enregistrées : données de santé détaillées, nationalité, origine, opinions, infractions, "
    "numéro de sécurité sociale."
)


def purposes(scheme_words: str) -> list[str]:
    return [
        "Repérer les élèves de terminale qui risquent de sortir du lycée sans solution, les informer et les "
        "contacter.",
        "Organiser la phase 1 en terminale (ateliers, entretiens, événements) et noter la participation.",
        "Organiser les entretiens avec l'établissement et la Mission locale, et garder trace des décisions.",
        f"Construire et suivre le parcours de chaque jeune engagé dans le {scheme_words}, établir ses "
        "documents (plan de parcours, attestations, conventions).",
        "Produire les indicateurs de la campagne pour l'académie et le réseau FOQUALE, sous forme "
        "pseudonymisée ; signaler à la PSAD les jeunes restés sans solution.",
    ]


def _backups(measures: SecurityMeasures) -> str:
    storage = measures.storage
    if storage.shared_server:
        return (
            "Sauvegardes : base sur un serveur PostgreSQL ; ses sauvegardes relèvent de l'administrateur du "
            "serveur (l'application n'en fait pas)."
        )
    kept = (
        f"les {storage.backup_days} derniers jours, {storage.backup_weeks} semaines et "
        f"{storage.backup_months} mois en gardent chacun une"
    )
    coded = "chiffrées comme la base" if storage.encrypted else "non chiffrées, comme la base"
    found = storage.backups_found
    now = {0: "aucune pour l'instant", 1: "une aujourd'hui"}.get(found, f"{found} aujourd'hui")
    return (
        f"Sauvegardes automatiques à l'ouverture et à la fermeture de l'application, dans le dossier des "
        f"données, {coded} ; {kept} ({now})."
    )


def _lock(measures: SecurityMeasures) -> str:
    if not measures.can_lock:
        return (
            "Verrouillage de l'application : inactif (aucun code de verrouillage n'est défini et la base n'est "
            "pas chiffrée)."
        )
    by = "un code de verrouillage" if measures.lock_pin else "la phrase de passe de la base"
    if measures.lock_pin and measures.storage.encrypted:
        by = "un code de verrouillage ou la phrase de passe de la base"
    idle = (
        f"après {measures.lock_minutes} minutes d'inactivité et à la demande (Ctrl+L)"
        if measures.lock_minutes
        else "à la demande seulement (Ctrl+L), pas après inactivité"
    )
    return f"Verrouillage de l'application {idle} ; déverrouillage par {by}."


def _access(measures: SecurityMeasures) -> str:
    if not measures.storage.shared_server:
        return (
            "Accès : base sur un seul poste, ouverte par la session de l'utilisateur ; dossier des données "
            "réservé à cette session."
        )
    if measures.roles:
        return (
            "Accès : base partagée sur un serveur PostgreSQL ; chaque membre du personnel se connecte avec son "
            f"propre compte, ses droits suivent son rôle ({', '.join(measures.roles)}), imposés par le "
            "serveur ; le journal nomme le compte."
        )
    return (
        "Accès : base partagée sur un serveur PostgreSQL sans rôles propres à l'application : tous les "
        f"utilisateurs se connectent avec le même compte ({measures.database_user or 'inconnu'}) et ont les "
        "mêmes droits. Des comptes individuels sont recommandés."
    )


def measures_lines(measures: SecurityMeasures) -> list[str]:
    """The security measures as they are now, one sentence each."""
    storage = measures.storage
    if storage.shared_server:
        coded = "Chiffrement : la base est sur un serveur PostgreSQL ; son chiffrement relève du serveur."
    elif storage.encrypted:
        coded = "Chiffrement de la base : actif (SQLCipher, AES-256) ; sans la phrase de passe, ni la base ni ses sauvegardes ne sont lisibles."
    else:
        coded = "Chiffrement de la base : inactif. Toute personne qui accède au poste ou aux sauvegardes peut lire les données."
    return [
        coded,
        _backups(measures),
        _lock(measures),
        _access(measures),
        "Journal des accès et des modifications : chaque création, modification, suppression, impression et "
        f"export y est inscrit, avec l'auteur et l'heure ; conservé {measures.audit_days} jours.",
        "Exports vers l'académie pseudonymisés ; tout export nominatif est inscrit au journal.",
        "Anonymisation automatique proposée à l'échéance des durées de conservation.",
    ]


def _identity(ctx: L.DocContext, options: L.DocumentOptions) -> list:
    info = ctx.school
    head = " ".join(p for p in (info.head_title, info.head_name) if p).strip() or "Le chef d'établissement"
    address = ", ".join(p for p in (info.address, info.town_line) if p)
    name = f"Suivi du {options.scheme_words}" if options.scheme_name else "Suivi du dispositif"
    return [
        L.section("Traitement"),
        L.label_value_table(
            [
                ("Nom du traitement", f"{name} (application PAE Desktop)"),
                ("Fiche établie le", L.french_date(ctx.printed_on)),
            ]
        ),
        L.section("Responsable du traitement"),
        L.label_value_table(
            [
                ("Établissement", info.name + (f" (UAI {info.uai})" if info.uai else "")),
                ("Adresse", address),
                ("Représenté par", head),
                ("Protection des données", dpo_line(options)),
            ]
        ),
    ]


def _body(options: L.DocumentOptions, record: DpoRecord) -> list:
    return [
        L.section("Finalités"),
        *L.bullet_list(purposes(options.scheme_words)),
        L.section("Base légale"),
        L.paragraph(
            "Mission d'intérêt public dont est investi l'établissement (article 6-1-e du RGPD) ; le traitement "
            "ne repose pas sur le consentement. Textes :"
        ),
        *L.bullet_list(LEGAL_TEXTS),
        L.section("Catégories de personnes concernées"),
        *L.bullet_list(PERSONS),
        L.section("Catégories de données"),
        L.label_value_table(DATA),
        L.paragraph(NOT_COLLECTED),
        L.section("Destinataires"),
        *L.bullet_list(recipients()),
        L.section("Transferts hors de l'Union européenne"),
        L.paragraph("Aucun. " + NO_OTHER_RECIPIENT),
        L.section("Durées de conservation"),
        *L.bullet_list(retention_lines(record.retention, options.scheme_words)),
        L.section("Mesures de sécurité en place"),
        *L.bullet_list(measures_lines(record.measures)),
        L.paragraph(
            f"Volume à la date de la fiche : {record.youths} dossier(s) non anonymisé(s), "
            f"{record.campaigns} campagne(s)."
        ),
    ]


def dpo_renderer(title: str, subtitle: str, parts, doc: str):
    """The `render(target, school, options=None, record=None) -> bytes` of a DPO document (this one or the AIPD):
    `parts(ctx, options, record)` gives its story."""

    def render(
        target: str | os.PathLike | BinaryIO | None,
        school: Any,
        options: L.DocumentOptions | None = None,
        record: DpoRecord | None = None,
    ) -> bytes:
        options = options or L.DocumentOptions()
        record = record or DpoRecord()
        return L.build_pdf(
            target, school, title, lambda ctx: parts(ctx, options, record), subtitle=subtitle, options=options
        )

    render.__doc__ = doc
    return render


render = dpo_renderer(
    TITLE,
    "Article 30 du règlement général sur la protection des données",
    lambda ctx, options, record: [*_identity(ctx, options), *_body(options, record)],
    "The register entry as PDF bytes (also written to `target`).",
)
