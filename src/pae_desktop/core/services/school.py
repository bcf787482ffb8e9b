"""Setting up the school: identity, head of school, logo, and the secret of its pseudonyms.

`get_school` is the one definition of «the school» (a database holds one): every module that needs it calls it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.identity import email_error, normalise_uai, phone_error, uai_error
from pae_desktop.core.models import School
from pae_desktop.core.operations import SCHOOL
from pae_desktop.core.operations.saved import Saved, saved

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
    """The school of this database (None before it is set up)."""
    return session.scalars(select(School).order_by(School.id).limit(1)).first()


def require_school(session: Session) -> School:
    """The school, or the French request to set it up first."""
    school = get_school(session)
    if school is None:
        raise UserError("Paramétrez d'abord l'établissement.")
    return school


def save_school(session: Session, form: SchoolForm, version: int | None = None) -> Saved:
    """Create the school or update it (refused when `version`, the one the form loaded, is stale); its UAI
    cannot change once students are imported under it. Every changed field is audited."""
    problems = form.errors()
    if problems:
        raise UserError("\n".join(problems.values()))
    school = get_school(session)
    uai = normalise_uai(form.uai)
    if school is not None and version is not None and school.version != version:
        raise UserError(CONFLICT_MESSAGE)
    created = school is None
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
    values = {"name": form.name.strip()}
    for field in ("address", "postal_code", "city", "phone", "email", "head_name", "head_title"):
        values[field] = getattr(form, field).strip()
    if form.logo is not None:
        values["logo"] = form.logo or None
    for field, value in values.items():
        if getattr(school, field) != value:
            if not created:
                old = getattr(school, field)
                shown = ("image" if old else "", "image" if value else "") if field == "logo" else (old, value)
                audit.record(session, "update", "school", school.id, field=field, old=shown[0], new=shown[1])
            setattr(school, field, value)
    session.flush()
    return saved("school", school, SCHOOL)


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
