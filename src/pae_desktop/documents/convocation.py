"""«Convocation à un entretien»: date, time, place, who will be there, what to bring (legal representatives too)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, BinaryIO

from pae_desktop.core.dates import french_date, french_time
from pae_desktop.core.identity import is_minor
from pae_desktop.core.records import ConvocationRecord, StaffMember
from pae_desktop.core.vocabulary import DocumentKind, ParentLink, PersonRole
from pae_desktop.documents import layout as L

TITLE = DocumentKind.CONVOCATION.label
BATCH_TITLE = "Convocations à un entretien"  # a day's or a series' convocations in one PDF
WHAT_TO_BRING = (
    "une pièce d'identité ;",
    "votre dernier bulletin scolaire et, si vous l'avez, le relevé de notes de l'examen ;",
    "vos attestations de stage (PFMP) ;",
    "un CV si vous en avez un (ce n'est pas obligatoire) ;",
    "votre numéro de sécurité sociale, utile pour l'inscription à la Mission locale.",
)


def _person_line(person: StaffMember | None, fallback: str) -> str:
    if person is None:
        return fallback
    role = PersonRole.label_of(person.role)
    where = f", {person.partner_name}" if person.partner_name else ""
    return f"{person.full_name} — {role}{where}"


def _address_lines(name: str, address: str, postal_code: str, city: str) -> list[str]:
    lines = [name]
    if address.strip():
        lines += [line for line in address.splitlines() if line.strip()]
    town = " ".join(p for p in (postal_code.strip(), city.strip()) if p)
    if town:
        lines.append(town)
    return lines


def convocation_story(record: ConvocationRecord, ctx: L.DocContext, today: dt.date) -> list:
    """The flowables of a convocation (after the school header)."""
    youth = record.youth
    first_name = youth.first_name
    youth_name = f"{first_name} {youth.last_name.upper()}".strip()
    minor = is_minor(youth.birth_date, record.starts_at.date())
    representatives = youth.legal_representatives if minor else ()
    story: list = []

    # the addressees, as on a letter
    addressees = [_address_lines(youth_name, youth.address, youth.postal_code, youth.city)]
    for rep in representatives:
        link = ParentLink.label_of(rep.link)
        name = f"{rep.full_name} ({link.lower()})" if link else rep.full_name
        addressees.append(_address_lines(name, rep.address, rep.postal_code, rep.city))
    blocks = [L.paragraph("\n".join(lines), "body") for lines in addressees]
    story.append(
        L.markup_paragraph("<b>Destinataires</b>" if len(blocks) > 1 else "<b>Destinataire</b>", "small")
    )
    story += blocks
    story.append(L.paragraph(L.done_at(ctx.school, today), "right"))

    # the letter
    if minor:
        greeting = "Madame, Monsieur,"
        invite = (
            f"Dans le cadre du {ctx.options.scheme_words}, {youth_name} est invité(e) à un entretien pour faire le "
            "point sur sa situation depuis la fin de l'année scolaire et construire avec lui ou elle un parcours "
            "vers l'emploi ou la formation. Comme il ou elle est mineur(e) à la date de l'entretien, nous vous "
            "adressons aussi cette convocation ; vous pouvez l'accompagner."
        )
    else:
        greeting = f"Bonjour {first_name}," if first_name else "Bonjour,"
        invite = (
            f"Dans le cadre du {ctx.options.scheme_words}, vous êtes invité(e) à un entretien pour faire le point sur "
            "votre situation depuis la fin de l'année scolaire et construire avec vous un parcours vers l'emploi "
            "ou la formation, en gardant votre statut scolaire et, le cas échéant, votre bourse."
        )
    story += [L.Spacer(1, 4), L.paragraph(greeting), L.paragraph(invite)]

    # when, where, with whom
    end = record.starts_at + dt.timedelta(minutes=record.duration_minutes)
    referent = record.referent
    who = []
    if record.advisor is not None:
        who.append(_person_line(record.advisor, ""))
    elif record.partner_name:
        who.append(f"un(e) conseiller(ère) de {record.partner_name}")
    who.append(_person_line(referent, "le référent décrochage scolaire de l'établissement"))
    story += [
        L.section("Votre rendez-vous"),
        L.label_value_table(
            [
                ("Date", french_date(record.starts_at, weekday=True)),
                ("Heure", f"{french_time(record.starts_at)} (jusqu'à {french_time(end)} environ)"),
                ("Lieu", record.place),
                ("Vous serez reçu(e) par", "\n".join(who)),
            ]
        ),
        L.notice_box("\n".join(f"• {item}" for item in WHAT_TO_BRING), title="Ce qu'il faut apporter"),
    ]
    contact = " ou ".join(p for p in (ctx.school.phone.strip(), ctx.school.email.strip()) if p)
    story.append(
        L.paragraph(
            "En cas d'empêchement, merci de prévenir l'établissement au plus tôt"
            + (f" ({contact})" if contact else "")
            + " : un autre rendez-vous vous sera proposé."
        )
    )
    signer = referent.full_name if referent is not None else ""
    story.append(L.signature_block([("Le référent décrochage scolaire", signer)], width=L.FRAME_WIDTH / 2))
    return story


def part(
    record: ConvocationRecord, options: L.DocumentOptions | None = None, today: dt.date | None = None
) -> L.Part:
    """One convocation of a PDF, under the scheme of the youth's campaign, dated `today` (else the edition date)."""
    options = (options or L.DocumentOptions()).with_scheme(record.scheme)
    today = today or options.printed_on or dt.date.today()
    subtitle = f"{record.youth.display_name} — entretien du {french_date(record.starts_at)}"
    return L.Part(TITLE, lambda ctx: convocation_story(record, ctx, today), subtitle, options)


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    record: ConvocationRecord,
    options: L.DocumentOptions | None = None,
    today: dt.date | None = None,
) -> bytes:
    """The convocation as PDF bytes (also written to `target`)."""
    one = part(record, options, today)
    return L.build_pdf_parts(target, school, TITLE, [one], options=one.options)
