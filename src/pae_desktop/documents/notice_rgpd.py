"""«Notice d'information (RGPD)»: the school's information notice, from the data-protection settings."""

from __future__ import annotations

import os
from typing import Any, BinaryIO

from pae_desktop.core.dates import MONTHS
from pae_desktop.core.records import RetentionRules
from pae_desktop.core.vocabulary import DocumentKind
from pae_desktop.documents import layout as L
from pae_desktop.documents.options import NO_OTHER_RECIPIENT, dpo_line, exercise_contact, recipients

KIND = DocumentKind.NOTICE_RGPD
TITLE = "Notice d'information sur le traitement des données personnelles"
CNIL = "Commission nationale de l'informatique et des libertés (CNIL), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07 — www.cnil.fr"


def pathway_end(rules: RetentionRules) -> str:
    """«31 août de l'année suivant la rentrée» for 8 months after 31 December."""
    end = rules.pathway_end
    years = end.year - 2000
    when = {0: "de l'année de la rentrée", 1: "de l'année suivant la rentrée"}.get(
        years, f"de la {years}e année après la rentrée"
    )
    day = "1er" if end.day == 1 else str(end.day)
    return f"{day} {MONTHS[end.month - 1]} {when}"


def retention_lines(rules: RetentionRules, scheme_words: str) -> list[str]:
    out = []
    if rules.no_pathway_at_campaign_end:
        out.append(
            "Élèves repérés qui ne sont pas entrés dans le parcours : données anonymisées au 31 décembre de "
            "l'année de la campagne."
        )
    out.append(
        f"Dossiers des jeunes entrés dans le {scheme_words} : conservés jusqu'au {pathway_end(rules)}, "
        "puis anonymisés."
    )
    out.append(
        "Statistiques anonymes (indicateurs de la campagne) : conservées pour comparer les années entre elles."
    )
    out.append(
        f"Journal des accès et des modifications : {rules.audit_days} jours ; il désigne les jeunes par un "
        "numéro interne seulement."
    )
    out.append(
        "Sauvegardes : les sauvegardes automatiques sont renouvelées et gardées au plus 13 mois ; après chaque "
        "anonymisation, celles qui contenaient encore les données anonymisées sont supprimées. Les sauvegardes "
        f"manuelles et les copies faites avant une restauration sont supprimées après {rules.backup_months} mois. "
        "Une sauvegarde copiée ailleurs (clé USB) est à détruire dans le même délai."
    )
    return out


def _controller_and_purposes(ctx: L.DocContext, options: L.DocumentOptions) -> list:
    info, scheme = ctx.school, options.scheme_words
    phase1 = options.scheme.phase1_name if options.scheme is not None else ""
    head = " ".join(p for p in (info.head_title, info.head_name) if p).strip() or "Le chef d'établissement"
    address = ", ".join(p for p in (info.address, info.town_line) if p)
    return [
        L.paragraph(
            f"Cette notice informe les élèves concernés par le {scheme} et, lorsqu'ils sont mineurs, leurs "
            "représentants légaux, de l'usage qui est fait de leurs données personnelles et de leurs droits."
        ),
        L.section("Responsable du traitement"),
        L.label_value_table(
            [
                ("Établissement", f"{info.name}" + (f" (UAI {info.uai})" if info.uai else "")),
                ("Adresse", address),
                ("Responsable", f"{head}, au nom de l'établissement"),
                ("Protection des données", dpo_line(options)),
            ]
        ),
        L.section("Finalités"),
        *L.bullet_list(
            [
                "Repérer les élèves de terminale de CAP, de baccalauréat professionnel, de BMA et de DTMS qui "
                "risquent de sortir du lycée sans solution, les informer et les contacter.",
                *(
                    [
                        f"Pendant l'année de terminale, organiser la phase 1 « {phase1} » (ateliers collectifs, "
                        "entretiens individuels, événements) et noter la participation de chaque élève."
                    ]
                    if phase1
                    else []
                ),
                "Organiser les entretiens avec l'établissement et la Mission locale, et garder trace des "
                "décisions.",
                f"Construire et suivre le parcours de chaque jeune engagé dans le {scheme} (modules, périodes "
                "en entreprise, suivi, sortie), et établir les documents qui s'y rapportent.",
                "Produire les indicateurs de la campagne transmis à l'académie, sous une forme pseudonymisée.",
            ]
        ),
    ]


def _basis_to_retention(options: L.DocumentOptions, rules: RetentionRules) -> list:
    scheme = options.scheme_words
    return [
        L.section("Base légale"),
        L.paragraph(
            "Le traitement est nécessaire à l'exécution d'une mission d'intérêt public dont est investi "
            "l'établissement (article 6.1.e du règlement général sur la protection des données) : "
            "l'accompagnement des élèves vers une qualification ou un emploi. Il ne repose pas sur le "
            "consentement."
        ),
        L.section("Données traitées"),
        L.paragraph(
            "Identité, date de naissance, INE, coordonnées, représentants légaux, scolarité de terminale et "
            "résultat à l'examen, échanges et entretiens, projet et freins déclarés, parcours, suivi et "
            "situation à la sortie. Aucune donnée de santé détaillée, aucune nationalité, aucune infraction "
            "n'est enregistrée."
        ),
        L.section("Destinataires"),
        *L.bullet_list(recipients()),
        L.paragraph(NO_OTHER_RECIPIENT),
        L.section("Durée de conservation"),
        *L.bullet_list(retention_lines(rules, scheme)),
    ]


def _rights(ctx: L.DocContext, options: L.DocumentOptions) -> list:
    info = ctx.school
    return [
        L.section("Vos droits"),
        L.paragraph(
            "Vous pouvez accéder à vos données et en obtenir une copie, les faire rectifier, demander la "
            "limitation de leur usage et vous opposer à leur traitement pour des raisons tenant à votre "
            f"situation particulière. Ces droits s'exercent {exercise_contact(options)}. Pour un élève mineur, ses "
            "représentants légaux les exercent avec lui."
        ),
        L.paragraph(f"Si vous estimez que vos droits ne sont pas respectés, vous pouvez saisir la {CNIL}."),
        L.signature_block(
            [(info.head_title or "Le chef d'établissement", info.head_name)],
            place_date=L.done_at(info, ctx.printed_on),
        ),
    ]


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    options: L.DocumentOptions | None = None,
    rules: RetentionRules | None = None,
) -> bytes:
    """The school's information notice as PDF bytes (also written to `target`), from the data-protection settings
    (`rules`) and the scheme of `options`."""
    options = options or L.DocumentOptions()
    rules = rules or RetentionRules()

    def story(ctx: L.DocContext) -> list:
        return [
            *_controller_and_purposes(ctx, options),
            *_basis_to_retention(options, rules),
            *_rights(ctx, options),
        ]

    return L.build_pdf(target, school, TITLE, story, subtitle=options.scheme_name, options=options)
