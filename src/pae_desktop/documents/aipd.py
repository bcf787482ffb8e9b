"""«Analyse d'impact relative à la protection des données (AIPD)», pre-filled for the data protection officer.

Pure: it prints a `DpoRecord` (`core/services/dpo.py`). The processing meets several criteria of the CNIL's lists
(délibérations n° 2018-326 and 2018-327): vulnerable persons (minors in difficulty), data crossed from several
sources, evaluation of persons (barriers). The description, necessity and the measures come from the application
and its settings; the assessment of each risk and the decisions are left blank for the school.
"""

from __future__ import annotations

from pae_desktop.core.records import DpoRecord, SecurityMeasures
from pae_desktop.core.vocabulary import DocumentKind
from pae_desktop.documents import layout as L
from pae_desktop.documents.notice_rgpd import retention_lines
from pae_desktop.documents.options import NO_OTHER_RECIPIENT, dpo_line, recipients
from pae_desktop.documents.registre import (
    DATA,
    NOT_COLLECTED,
    PERSONS,
    dpo_renderer,
    measures_lines,
    purposes,
)

KIND = DocumentKind.AIPD
TITLE = "Analyse d'impact relative à la protection des données (AIPD)"

CRITERIA = (
    "Personnes vulnérables : des élèves souvent mineurs, en risque de sortir du système scolaire sans "
    "solution.",
    "Données croisées de plusieurs sources : base élèves (SIECLE), entretiens avec la Mission locale, "
    "entreprises d'accueil, partenaires.",
    "Évaluation des personnes : situation, projet et freins à l'insertion de chaque jeune.",
)
SCALE = " ".join(f"☐\u00a0{level}" for level in ("négligeable", "limitée", "importante", "maximale"))
TO_DECIDE = (
    "Personnels habilités à utiliser l'application (noms, fonctions)",
    "Chiffrement de la base exigé sur chaque poste",
    "Délai de verrouillage et code de verrouillage",
    "Copie des sauvegardes hors du poste (où, qui, à quelle fréquence)",
    "Durées de conservation retenues",
    "Information des élèves et des familles (remise de la notice, affichage)",
    "Mesures complémentaires et calendrier",
)


def _necessity(record: DpoRecord) -> list[str]:
    storage = record.measures.storage
    where = (
        "une base partagée sur un serveur PostgreSQL de l'établissement"
        if storage.shared_server
        else "un seul poste de l'établissement, sans hébergement extérieur"
    )
    return [
        "Base légale : mission d'intérêt public de l'établissement (article 6-1-e du RGPD) ; le consentement "
        "n'est pas la base du traitement, la participation au dispositif restant volontaire.",
        "Minimisation : seules les données utiles au suivi sont demandées ; les freins sont de simples cases "
        "à cocher ; les zones de texte libre rappellent de n'y écrire ni santé, ni infraction, ni nationalité.",
        "Exactitude : les élèves viennent de la base élèves (SIECLE) ; chaque correction est inscrite au "
        "journal.",
        "Durées limitées : anonymisation à l'échéance des durées ci-dessus ; les indicateurs restent anonymes.",
        "Information : notice d'information remise aux élèves et à leurs représentants légaux.",
        "Droits : le dossier complet d'un jeune s'imprime à sa demande (droit d'accès) ; rectification dans la "
        "fiche du jeune ; effacement ou anonymisation à la demande, inscrits au journal.",
        f"Hébergement : {where} ; aucun sous-traitant, aucun transfert hors de l'Union européenne.",
    ]


def _risks(measures: SecurityMeasures) -> list[tuple[str, str, str]]:
    coded, backups, lock, access, audit, exports, _anonymise = measures_lines(measures)
    return [
        (
            "Accès illégitime aux données",
            "Vol ou perte du poste ou d'une clé USB, poste laissé ouvert, personne non habilitée. Impact : "
            "atteinte à la vie privée de mineurs, stigmatisation.",
            " ".join((coded, lock, access, exports)),
        ),
        (
            "Modification non désirée",
            "Erreur de saisie, deux saisies simultanées, manipulation malveillante. Impact : décisions prises "
            "sur des informations fausses.",
            "Contrôle des saisies ; une modification faite entre-temps par un autre utilisateur n'est jamais "
            f"écrasée (conflit signalé). {audit}",
        ),
        (
            "Disparition des données",
            "Panne ou perte du poste, fichier endommagé, suppression par erreur. Impact : suivi interrompu, "
            "jeunes perdus de vue.",
            f"{backups} Contrôle d'intégrité au démarrage ; restauration guidée d'une sauvegarde.",
        ),
    ]


def _description(options: L.DocumentOptions, record: DpoRecord) -> list:
    return [
        L.section("Pourquoi une analyse d'impact"),
        L.paragraph(
            "Le traitement réunit plusieurs critères des listes de la CNIL (délibérations n° 2018-326 et "
            "2018-327 du 11 octobre 2018) :"
        ),
        *L.bullet_list(CRITERIA),
        L.section("Description du traitement"),
        L.label_value_table(
            [
                ("Volume", f"{record.youths} dossier(s) non anonymisé(s), {record.campaigns} campagne(s)"),
                ("Protection des données", dpo_line(options)),
            ]
        ),
        L.paragraph("Finalités :"),
        *L.bullet_list(purposes(options.scheme_words)),
        L.paragraph("Personnes concernées :"),
        *L.bullet_list(PERSONS),
        L.paragraph("Données :"),
        L.label_value_table(DATA),
        L.paragraph(NOT_COLLECTED),
        L.paragraph("Destinataires :"),
        *L.bullet_list(recipients()),
        L.paragraph(NO_OTHER_RECIPIENT),
        L.paragraph("Durées de conservation :"),
        *L.bullet_list(retention_lines(record.retention, options.scheme_words)),
    ]


def _assessment(record: DpoRecord) -> list:
    risks = [
        (name, sources, measures, f"Gravité\u00a0: {SCALE}\n\nVraisemblance\u00a0: {SCALE}")
        for name, sources, measures in _risks(record.measures)
    ]
    return [
        L.section("Nécessité et proportionnalité"),
        *L.bullet_list(_necessity(record)),
        L.section("Risques et mesures de l'application"),
        L.paragraph("Mesures de sécurité en place à la date de ce document :"),
        *L.bullet_list(measures_lines(record.measures)),
        L.data_table(
            ("Risque", "Sources et impacts", "Mesures prises par l'application", "Évaluation (à compléter)"),
            risks,
            col_widths=(3, 4, 6, 3.4),
        ),
    ]


def _decisions(ctx: L.DocContext) -> list:
    info = ctx.school
    blank = [(question, L.Spacer(1, 12 * L.mm)) for question in TO_DECIDE]
    return [
        L.section("Ce que l'établissement doit décider"),
        L.label_value_table(blank, label_width=70 * L.mm),
        L.section("Avis et validation"),
        L.label_value_table(
            [
                ("Avis du délégué à la protection des données", L.Spacer(1, 18 * L.mm)),
                ("Décision du responsable du traitement", L.Spacer(1, 18 * L.mm)),
            ],
            label_width=70 * L.mm,
        ),
        L.signature_block(
            [
                ("Le délégué à la protection des données", ""),
                (info.head_title or "Le chef d'établissement", info.head_name),
            ],
            place_date=L.done_at(info, ctx.printed_on),
        ),
    ]


render = dpo_renderer(
    TITLE,
    "Pré-remplie par PAE Desktop : à compléter par l'établissement",
    lambda ctx, options, record: [*_description(options, record), *_assessment(record), *_decisions(ctx)],
    "The pre-filled impact assessment as PDF bytes (also written to `target`).",
)
