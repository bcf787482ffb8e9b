"""«Convocation à un entretien»: date, time, place, who will be there, what to bring (legal representatives too)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, BinaryIO

from pae_desktop.core.dates import french_date, french_time
from pae_desktop.core.records import ConvocationRecord, StaffMember
from pae_desktop.core.vocabulary import DocumentKind, PersonRole
from pae_desktop.documents import layout as L
from pae_desktop.documents.signatures import representative_name

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
    phone = f" (tél. {person.phone})" if person.phone else ""
    return f"{person.full_name} — {role}{where}{phone}"


def _signer(record: ConvocationRecord, ctx: L.DocContext) -> tuple[str, str]:
    """The referent and their phone, else the school and its phone."""
    referent = record.referent
    if referent is not None:
        phone = referent.phone or ctx.school.phone.strip()
        return "Le référent décrochage scolaire", "\n".join(
            p for p in (referent.full_name, phone and f"Tél. {phone}") if p
        )
    phone = ctx.school.phone.strip()
    return "Pour l'établissement", "\n".join(p for p in (ctx.school.name, phone and f"Tél. {phone}") if p)


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
    words = youth.person
    representatives = youth.representatives_on(record.starts_at.date())
    minor = youth.minor_on(record.starts_at.date())
    story: list = []

    # the addressees, as on a letter
    addressees = [_address_lines(youth_name, youth.address, youth.postal_code, youth.city)]
    for rep in representatives:
        name = representative_name(rep.full_name, rep.link)
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
            f"Dans le cadre du {ctx.options.scheme_words}, {youth_name} est {words.invited} à un entretien pour "
            f"faire le point sur sa situation depuis la fin de l'année scolaire et construire avec {words.him} un "
            f"parcours vers l'emploi ou la formation. Comme {words.he} est {words.minor} à la date de l'entretien, "
            "nous vous adressons aussi cette convocation ; vous pouvez l'accompagner."
        )
    else:
        greeting = f"Bonjour {first_name}," if first_name else "Bonjour,"
        invite = (
            f"Dans le cadre du {ctx.options.scheme_words}, vous êtes {words.invited} à un entretien pour faire le "
            "point sur votre situation depuis la fin de l'année scolaire et construire avec vous un parcours vers "
            "l'emploi ou la formation, en gardant votre statut scolaire et, le cas échéant, votre bourse."
        )
    story += [L.Spacer(1, 4), L.paragraph(greeting), L.paragraph(invite)]

    # when, where, with whom
    end = record.starts_at + dt.timedelta(minutes=record.duration_minutes)
    referent = record.referent
    who = []
    if record.advisor is not None:
        who.append(_person_line(record.advisor, ""))
    elif record.partner_name:
        who.append(f"un conseiller ou une conseillère de {record.partner_name}")
    who.append(_person_line(referent, "le référent décrochage scolaire de l'établissement"))
    story += [
        L.section("Votre rendez-vous"),
        L.label_value_table(
            [
                ("Date", french_date(record.starts_at, weekday=True)),
                ("Heure", f"{french_time(record.starts_at)} (jusqu'à {french_time(end)} environ)"),
                ("Lieu", record.place),
                (
                    f"Vous serez {words.received} par"
                    if not minor
                    else f"{youth_name} sera {words.received} par",
                    "\n".join(who),
                ),
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
    story.append(L.signature_block([_signer(record, ctx)], width=L.FRAME_WIDTH / 2))
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
