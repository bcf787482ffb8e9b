"""«Convocation à un entretien»: date, time, place, who will be there, what to bring (legal representatives too)."""

from __future__ import annotations

import datetime as dt
import os
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import settings
from pae_desktop.core.dates import french_date, french_time
from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import is_minor
from pae_desktop.core.models import InterviewSlot, Person, School, SlotBooking, Youth
from pae_desktop.core.vocabulary import DocumentKind, ParentLink, PersonRole
from pae_desktop.documents import layout as L

TITLE = DocumentKind.CONVOCATION.label
WHAT_TO_BRING = (
    "une pièce d'identité ;",
    "votre dernier bulletin scolaire et, si vous l'avez, le relevé de notes de l'examen ;",
    "vos attestations de stage (PFMP) ;",
    "un CV si vous en avez un (ce n'est pas obligatoire) ;",
    "votre numéro de sécurité sociale, utile pour l'inscription à la Mission locale.",
)


def _person_line(person: Person | None, fallback: str) -> str:
    if person is None:
        return fallback
    role = PersonRole.label_of(person.role)
    where = f", {person.partner.name}" if person.partner is not None else ""
    return f"{person.full_name} — {role}{where}"


def _address_lines(name: str, address: str, postal_code: str, city: str) -> list[str]:
    lines = [name]
    if address.strip():
        lines += [line for line in address.splitlines() if line.strip()]
    town = " ".join(p for p in (postal_code.strip(), city.strip()) if p)
    if town:
        lines.append(town)
    return lines


def convocation_story(session: Session, booking: SlotBooking, ctx: L.DocContext, today: dt.date) -> list:
    """The flowables of a convocation (after the school header)."""
    slot: InterviewSlot = booking.slot
    youth: Youth = booking.youth
    first_name = youth.first_names.split(" ")[0] if youth.first_names else ""
    youth_name = f"{first_name} {youth.last_name.upper()}".strip()
    minor = is_minor(youth.birth_date, slot.starts_at.date())
    representatives = [r for r in youth.representatives if r.is_legal] if minor else []
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
    end = slot.starts_at + dt.timedelta(minutes=slot.duration_minutes)
    staff_id = settings.get(session, settings.CURRENT_STAFF_ID)
    referent = session.get(Person, staff_id) if staff_id else None
    who = []
    if slot.advisor is not None:
        who.append(_person_line(slot.advisor, ""))
    elif slot.partner is not None:
        who.append(f"un(e) conseiller(ère) de {slot.partner.name}")
    who.append(_person_line(referent, "le référent décrochage scolaire de l'établissement"))
    story += [
        L.section("Votre rendez-vous"),
        L.label_value_table(
            [
                ("Date", french_date(slot.starts_at, weekday=True)),
                ("Heure", f"{french_time(slot.starts_at)} (jusqu'à {french_time(end)} environ)"),
                ("Lieu", slot.place),
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


def load_booking(session: Session, booking_id: int) -> SlotBooking:
    booking = session.get(SlotBooking, booking_id)
    if booking is None:
        raise UserError("Cette réservation n'existe plus.")
    return booking


def latest_booking_of(session: Session, youth_id: int) -> SlotBooking | None:
    """The youth's latest active booking (past or future): the one a convocation is printed for."""
    return session.scalars(
        select(SlotBooking)
        .join(InterviewSlot, InterviewSlot.id == SlotBooking.slot_id)
        .where(
            SlotBooking.youth_id == youth_id,
            SlotBooking.cancelled_at.is_(None),
            InterviewSlot.cancelled_at.is_(None),
        )
        .order_by(InterviewSlot.starts_at.desc(), SlotBooking.id.desc())
        .limit(1)
    ).first()


def convocation_part(
    session: Session, booking: SlotBooking, options: L.DocumentOptions, today: dt.date
) -> L.Part:
    youth = booking.youth
    subtitle = f"{youth.display_name} — entretien du {french_date(booking.slot.starts_at)}"
    return L.Part(TITLE, lambda ctx: convocation_story(session, booking, ctx, today), subtitle)


def build_convocation(
    session: Session,
    booking_id: int,
    target: str | os.PathLike | BinaryIO | None = None,
    *,
    options: L.DocumentOptions | None = None,
    today: dt.date | None = None,
    record: bool = True,
) -> bytes:
    """The convocation of one booking, as PDF bytes (also written to `target`); recorded as printed."""
    today = today or dt.date.today()
    booking = load_booking(session, booking_id)
    if booking.cancelled_at is not None:
        raise UserError("Cette réservation est annulée : pas de convocation à imprimer.")
    options = L.campaign_options(session, booking.youth.campaign, options)
    school = session.scalars(select(School).limit(1)).first()
    part = convocation_part(session, booking, options, today)
    data = L.build_pdf_parts(target, school, TITLE, [part], options=options)
    if record:
        path = os.fspath(target) if isinstance(target, str | os.PathLike) else ""
        L.record_print(session, DocumentKind.CONVOCATION.value, booking.youth_id, data, path)
    return data


def build_convocation_for_youth(
    session: Session,
    youth_id: int,
    target: str | os.PathLike | BinaryIO | None = None,
    **kwargs,
) -> bytes:
    """The convocation of the youth's latest booking; UserError when the youth has none."""
    booking = latest_booking_of(session, youth_id)
    if booking is None:
        raise UserError("Ce jeune n'a aucun entretien réservé : pas de convocation à imprimer.")
    return build_convocation(session, booking.id, target, **kwargs)
