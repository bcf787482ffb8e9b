"""Setting up the school: identity, head of school, logo, and the secret of its pseudonyms."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import email_error, normalise_uai, phone_error, uai_error
from pae_desktop.core.models import School

MAX_LOGO_BYTES = 2 * 1024 * 1024


@dataclass
class SchoolForm:
    name: str
    uai: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    head_name: str = ""
    head_title: str = "Chef d'établissement"
    logo: bytes | None = None

    def errors(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.name.strip():
            problems["name"] = "Le nom de l'établissement est obligatoire."
        if error := uai_error(self.uai):
            problems["uai"] = error
        if error := phone_error(self.phone):
            problems["phone"] = error
        if error := email_error(self.email):
            problems["email"] = error
        if self.logo is not None and len(self.logo) > MAX_LOGO_BYTES:
            problems["logo"] = "Le logo dépasse 2 Mo : choisissez une image plus légère."
        return problems


def get_school(session: Session) -> School | None:
    return session.scalars(select(School).limit(1)).first()


def save_school(session: Session, form: SchoolForm) -> School:
    """Create the school or update it; its UAI cannot change once students are imported under it."""
    problems = form.errors()
    if problems:
        raise UserError("\n".join(problems.values()))
    school = get_school(session)
    uai = normalise_uai(form.uai)
    if school is None:
        school = School(name=form.name.strip(), uai=uai, secret=secrets.token_bytes(32))
        session.add(school)
    elif school.uai != uai:
        from pae_desktop.core.models import Youth

        if session.scalars(select(Youth.id).limit(1)).first() is not None:
            raise UserError(
                f"L'UAI ne peut plus être changé : des élèves ont été recensés sous l'UAI {school.uai}."
            )
        school.uai = uai
    school.name = form.name.strip()
    for field in ("address", "postal_code", "city", "phone", "email", "head_name", "head_title"):
        setattr(school, field, getattr(form, field).strip())
    if form.logo is not None:
        school.logo = form.logo or None
    session.flush()
    return school


def school_form(school: School) -> SchoolForm:
    return SchoolForm(
        name=school.name,
        uai=school.uai,
        address=school.address,
        postal_code=school.postal_code,
        city=school.city,
        phone=school.phone,
        email=school.email,
        head_name=school.head_name,
        head_title=school.head_title,
        logo=school.logo,
    )
