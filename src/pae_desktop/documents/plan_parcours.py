"""«Plan de parcours et d'engagement» (domain.md §7), and the helpers the pathway's other PDFs share."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, BinaryIO

from pae_desktop.core.vocabulary import DocumentKind
from pae_desktop.documents import layout as L
from pae_desktop.documents.signatures import family_signers, signature_rows

TITLE = "Plan de parcours et d'engagement"
KIND = DocumentKind.PLAN_PARCOURS
# The record of a pathway's documents: a `core.services.pathways.PathwayDocument` (built by `pathway_document`).
PathwayDocument = Any


# --- shared by the pathway's documents ------------------------------------------------------------------


def yes_no(value: bool) -> str:
    return "Oui" if value else "Non"


def period(start: dt.date, end: dt.date | None) -> str:
    """«du 1er septembre 2025 au 31 décembre 2025»."""
    if end is None:
        return f"à partir du {L.french_date(start)}"
    return f"du {L.french_date(start)} au {L.french_date(end)}"


def hours(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return f"{text} h"


def identity_rows(data: PathwayDocument) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [
        ("Nom", data.last_name.upper()),
        ("Prénom(s)", data.first_names),
    ]
    if data.usage_name:
        rows.append(("Nom d'usage", data.usage_name))
    rows += [
        ("Date de naissance", L.french_date(data.birth_date)),
        ("INE", data.ine),
    ]
    return rows


def address(data: PathwayDocument) -> str:
    town = " ".join(p for p in (data.postal_code, data.city) if p)
    return ", ".join(p for p in (data.address, town) if p)


def module_rows(data: PathwayDocument, *, done: bool = False) -> list[list[object]]:
    rows = []
    for m in data.modules:
        name = m.label if m.label == m.type_label else f"{m.label}\n({m.type_label})"
        dates = f"du {L.french_date(m.start_date)}\nau {L.french_date(m.end_date)}"
        if done:
            rows.append([name, m.carrier_name, dates, "" if m.days_done is None else str(m.days_done)])
        else:
            tutor = "\n".join(
                p for p in (m.tutor, f"Convention {m.convention_ref}" if m.convention_ref else "") if p
            )
            carrier = f"{m.carrier_name}\n{m.carrier_kind}" + (f"\nLieu : {m.place}" if m.place else "")
            rows.append([name, carrier, dates, hours(m.weekly_hours), tutor])
    return rows


def mef_line(data: PathwayDocument) -> str:
    """«7034150311 — APRO PLUS 3»: the pathway's code and its short label in the campaign's scheme."""
    if data.mef_short and data.mef_short != data.mef_code:
        return f"{data.mef_code} — {data.mef_short}"
    return data.mef_code


def scheme_options(options: L.DocumentOptions | None, data: PathwayDocument) -> L.DocumentOptions:
    """The options of a pathway's document: whatever the caller passed, the scheme is the youth's campaign's."""
    return (options or L.DocumentOptions()).with_scheme(data.scheme)


def head_signer(ctx: L.DocContext) -> tuple[str, str]:
    return ctx.school.head_title or "Chef d'établissement", ctx.school.head_name


# --- the plan -------------------------------------------------------------------------------------------


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    data: PathwayDocument,
    options: L.DocumentOptions | None = None,
) -> bytes:
    options = scheme_options(options, data)

    def story(ctx: L.DocContext) -> list:
        return [*_plan_youth(data), *_plan_pathway(data, ctx), *_plan_commitments(data, ctx)]

    return L.build_pdf(
        target,
        school,
        TITLE,
        story,
        subtitle=f"{options.scheme_name} — {data.full_name} — campagne {data.campaign_year}",
        options=options,
    )


def _plan_youth(data: PathwayDocument) -> list:
    words = data.person
    parts: list = [L.section(words.The_youth)]
    rows = identity_rows(data) + [
        ("Diplôme préparé", " — ".join(p for p in (data.diploma, data.speciality) if p)),
        ("Classe d'origine", data.division),
        (words.agree("Boursier", "Boursière"), yes_no(data.boursier)),
        ("Téléphone", data.phone),
        ("Courriel", data.email),
        ("Adresse", address(data)),
    ]
    parts.append(L.label_value_table(rows))
    if data.minor:
        parts.append(L.section("Représentants légaux"))
        parts.append(
            L.data_table(
                ["Nom", "Lien", "Téléphone", "Adresse"],
                [[r.name, r.link, r.phone, r.address] for r in data.representatives],
                col_widths=[3, 2, 2, 4],
                empty="Aucun représentant légal enregistré : à compléter avant signature.",
            )
        )
    return parts


def _plan_pathway(data: PathwayDocument, ctx: L.DocContext) -> list:
    parts: list = [L.section("Le parcours")]
    parts.append(
        L.label_value_table(
            [
                ("Dispositif", ctx.options.scheme_name),
                ("MEF", mef_line(data)),
                ("Dates", period(data.start_date, data.planned_end)),
                ("Référent du parcours", data.referent),
                ("Mission locale de référence", data.mission_locale),
                ("Parcours partenarial", yes_no(data.partnership)),
                ("Nombre de modules", str(len(data.modules))),
                ("Jours de PFMP prévus", str(data.pfmp_days)),
            ]
        )
    )
    parts.append(L.section("Modules"))
    parts.append(
        L.data_table(
            ["Module", "Porteur et lieu", "Dates", "h / sem.", "Tuteur, convention"],
            module_rows(data),
            col_widths=[3.2, 3.2, 3.5, 1.1, 2.6],
            empty="Aucun module n'est encore inscrit au parcours.",
        )
    )
    text = allowance_text(data)
    if text:
        parts.append(L.notice_box(text, title="Allocation PFMP"))
    return parts


def euros(amount: int) -> str:
    """«1 000 €», with non-breaking spaces."""
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0€"


def allowance_text(data: PathwayDocument) -> str:
    """The allowance of PFMP days (APLyPro): rate and cap of the pathway's MEF, paid on the days done; "" for a
    pathway without PFMP whose MEF has no known rate."""
    rate = data.allowance
    has_pfmp = any(m.is_pfmp for m in data.modules)
    if rate is None:
        if not has_pfmp:
            return ""
        return (
            "Les périodes en entreprise (PFMP) ouvrent droit à l'allocation de l'État versée par la plateforme "
            f"APLyPro ; le barème du MEF {data.mef_code} n'est pas connu : le secrétariat vous le précisera."
        )
    text = (
        "Les périodes de formation en milieu professionnel (PFMP) ouvrent droit à l'allocation de l'État versée "
        f"par la plateforme APLyPro : {euros(rate.daily_rate)} par jour de PFMP effectué, dans la limite de "
        f"{euros(rate.cap)} pour l'ensemble du parcours (MEF {rate.mef}, {rate.table_title}). Elle est "
        "calculée sur les jours réellement effectués en entreprise, attestés par celle-ci, et non sur les "
        "jours prévus : une absence n'est pas indemnisée."
    )
    if data.pfmp_days:
        most = min(data.pfmp_days * rate.daily_rate, rate.cap)
        text += f" Pour les {data.pfmp_days} jours de PFMP prévus, elle atteindrait au plus {euros(most)}."
    return text


def _plan_commitments(data: PathwayDocument, ctx: L.DocContext) -> list:
    words = data.person
    parts: list = [L.section("Engagements")]
    commitments = [
        f"{words.The_youth} s'engage à suivre chacun des modules avec assiduité et à prévenir son référent de "
        "toute absence. La bourse est versée selon l'assiduité : toute absence doit être justifiée.",
        f"L'établissement maintient le statut scolaire {words.of_youth} pendant tout le parcours, désigne un "
        f"référent et organise des points d'étape réguliers avec {words.him} et les partenaires.",
        f"La Mission locale accompagne {words.the_youth} dans la construction et la réalisation de son projet "
        "d'insertion professionnelle.",
    ]
    if any(m.is_pfmp for m in data.modules):
        who = f"{words.the_youth} et ses représentants légaux" if data.minor else words.the_youth
        commitments.append(
            "Chaque période en entreprise (PFMP) fait l'objet d'une convention tripartite signée avant son "
            f"début par {who}."
        )
    parts += L.bullet_list(commitments)
    family = [(r.name, r.link) for r in data.representatives]
    signers = family_signers(words, data.full_name, family, data.minor)
    parts += signature_rows(signers, place_date=L.done_at(ctx.school, ctx.printed_on))
    parts.append(
        L.signature_block(
            [
                ("Le référent du parcours", data.referent),
                ("La Mission locale", data.mission_locale),
                head_signer(ctx),
            ]
        )
    )
    return parts
