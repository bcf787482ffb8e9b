"""The directory: partners (Missions locales, companies, others) and people (their staff and the school's)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import email_error, normalise_phone, phone_error
from pae_desktop.core.models import (
    ContactAttempt,
    InterviewParticipant,
    InterviewSlot,
    Partner,
    Pathway,
    PathwayModule,
    Person,
)
from pae_desktop.core.operations import DIRECTORY, Changes, changes, load_for_update
from pae_desktop.core.operations.saved import Saved, saved
from pae_desktop.core.services.deletions import snapshot
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import PartnerType, PersonRole

MAX_NAME = 200
MAX_PERSON_NAME = 100
MAX_NOTES = 10_000

# Roles a person of a partner may hold, by partner type; the school's own staff hold the others.
PARTNER_ROLES = {
    PartnerType.MISSION_LOCALE: (PersonRole.ML, PersonRole.AUTRE),
    PartnerType.FRANCE_TRAVAIL: (PersonRole.FT, PersonRole.AUTRE),
    PartnerType.ENTREPRISE: (PersonRole.TUTEUR, PersonRole.AUTRE),
}
STAFF_ROLES = tuple(r for r in PersonRole if r not in (PersonRole.ML, PersonRole.FT, PersonRole.TUTEUR))


def _control_chars(value: str) -> bool:
    return any(ord(c) < 32 and c not in "\n\t" for c in value)


def siret_error(value: str) -> str:
    """A French error for a SIRET that is not 14 digits with a valid Luhn key ("" when empty or valid)."""
    digits = re.sub(r"\s+", "", value or "")
    if not digits:
        return ""
    if not re.fullmatch(r"\d{14}", digits):
        return f"Le SIRET « {value.strip()} » doit compter 14 chiffres."
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char) * (2 if index % 2 else 1)
        total += n - 9 if n > 9 else n
    # La Poste's establishments follow another rule (sum of digits multiple of 5).
    if total % 10 and not (digits.startswith("356000000") and sum(map(int, digits)) % 5 == 0):
        return (
            f"Le SIRET « {value.strip()} » n'est pas valide : sa clé de contrôle (formule de Luhn) ne correspond "
            "pas, un chiffre est sans doute mal recopié."
        )
    return ""


# --- partners ---------------------------------------------------------------------------------------------


@dataclass
class PartnerForm:
    name: str = ""
    type: str = PartnerType.MISSION_LOCALE.value
    address: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    siret: str = ""
    notes: str = ""

    def errors(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        name = self.name.strip()
        if not name:
            problems["name"] = "Le nom du partenaire est obligatoire."
        elif len(name) > MAX_NAME:
            problems["name"] = f"Le nom est limité à {MAX_NAME} caractères."
        elif _control_chars(name):
            problems["name"] = "Le nom contient des caractères de contrôle : retapez-le."
        if PartnerType.from_code(self.type) is None:
            problems["type"] = "Choisissez le type de partenaire."
        if self.postal_code.strip() and not re.fullmatch(r"\d{5}", self.postal_code.strip()):
            problems["postal_code"] = "Le code postal doit compter 5 chiffres."
        for name_, limit in (("address", 300), ("city", 100)):
            if len(getattr(self, name_).strip()) > limit:
                problems[name_] = f"Ce champ est limité à {limit} caractères."
        if error := phone_error(self.phone):
            problems["phone"] = error
        if error := email_error(self.email):
            problems["email"] = error
        if error := siret_error(self.siret):
            problems["siret"] = error
        if len(self.notes) > MAX_NOTES or "\x00" in self.notes:
            problems["notes"] = f"Les notes sont limitées à {MAX_NOTES} caractères, sans caractère nul."
        return problems


@dataclass(frozen=True, slots=True)
class PartnerRow:
    id: int
    name: str
    type: str
    type_label: str
    city: str
    phone: str
    email: str
    people: int
    archived: bool
    version: int = 0


def partner_form(partner: Partner) -> PartnerForm:
    return PartnerForm(
        name=partner.name,
        type=partner.type,
        address=partner.address,
        postal_code=partner.postal_code,
        city=partner.city,
        phone=partner.phone,
        email=partner.email,
        siret=partner.siret,
        notes=partner.notes,
    )


PARTNER_GONE = "Ce partenaire n'existe plus dans l'annuaire."
PERSON_GONE = "Cette personne n'existe plus dans l'annuaire."


def get_partner(session: Session, partner_id: int, version: int | None = None) -> Partner:
    """The partner, refused when it was deleted, or changed since the user loaded it at `version`."""
    return load_for_update(session, Partner, partner_id, version, PARTNER_GONE)


def save_partner(
    session: Session, form: PartnerForm, partner_id: int | None = None, version: int | None = None
) -> Saved:
    """Create or update a partner (loaded by the form at `version`); refused whole (UserError) when the form
    has errors, a homonym exists or the partner changed since it was loaded."""
    problems = form.errors()
    if problems:
        raise UserError("\n".join(problems.values()))
    name = " ".join(form.name.split())
    same = session.scalars(select(Partner).where(Partner.type == form.type)).all()
    if any(p.id != partner_id and fold(p.name) == fold(name) for p in same):
        raise UserError(f"Un partenaire « {name} » de ce type existe déjà dans l'annuaire.")
    created = partner_id is None
    partner = Partner(name=name, type=form.type) if created else get_partner(session, partner_id, version)
    if created:
        session.add(partner)
    values = {
        "name": name,
        "type": form.type,
        "address": form.address.strip(),
        "postal_code": form.postal_code.strip(),
        "city": form.city.strip(),
        "phone": normalise_phone(form.phone).normalised or form.phone.strip(),
        "email": form.email.strip(),
        "siret": re.sub(r"\s+", "", form.siret),
        "notes": form.notes,
    }
    for key, value in values.items():
        if not created and getattr(partner, key) != value:
            audit.record(
                session, "update", "partner", partner.id, field=key, old=getattr(partner, key), new=value
            )
        setattr(partner, key, value)
    session.flush()
    if created:
        audit.record(session, "create", "partner", partner.id, detail=name)
    return saved("partner", partner, DIRECTORY)


def set_partner_archived(
    session: Session, partner_id: int, archived: bool = True, version: int | None = None
) -> Changes:
    """Archive a partner (hidden from the choices, kept in the records that name it), or bring it back."""
    return _set_archived(session, "partner", get_partner(session, partner_id, version), archived)


def _set_archived(session: Session, entity: str, record: Partner | Person, archived: bool) -> Changes:
    if record.archived == archived:
        return changes()
    audit.record(session, "update", entity, record.id, field="archived", old=record.archived, new=archived)
    record.archived = archived
    session.flush()
    return saved(entity, record, DIRECTORY)


def partner_usage(session: Session, partner_id: int) -> int:
    """How many slots, interviews, pathways and modules name this partner."""
    counts = (
        select(func.count()).select_from(InterviewSlot).where(InterviewSlot.partner_id == partner_id),
        select(func.count())
        .select_from(InterviewParticipant)
        .where(InterviewParticipant.partner_id == partner_id),
        select(func.count()).select_from(Pathway).where(Pathway.mission_locale_id == partner_id),
        select(func.count()).select_from(PathwayModule).where(PathwayModule.carrier_partner_id == partner_id),
    )
    return sum(session.scalar(query) or 0 for query in counts)


def delete_partner(session: Session, partner_id: int, version: int | None = None) -> Changes:
    """Delete a partner no record names and nobody works for; otherwise archive it instead."""
    partner = get_partner(session, partner_id, version)
    used = partner_usage(session, partner_id)
    if used:
        raise UserError(
            f"« {partner.name} » figure dans {used} créneau(x), entretien(s) ou parcours : "
            "archivez-le plutôt que de le supprimer."
        )
    if partner.people:
        raise UserError(
            f"« {partner.name} » a encore {len(partner.people)} personne(s) dans l'annuaire : "
            "supprimez-les ou archivez le partenaire."
        )
    gone = snapshot(partner, f"le partenaire « {partner.name} »")
    audit.record(session, "delete", "partner", partner.id, detail=partner.name)
    session.delete(partner)
    session.flush()
    return changes(DIRECTORY, ids={"partner": [partner_id]}, deleted=[gone])


def list_partners(
    session: Session, partner_type: str | None = None, *, include_archived: bool = False, search: str = ""
) -> list[PartnerRow]:
    people = (
        select(Person.partner_id, func.count().label("n"))
        .where(Person.archived.is_(False))
        .group_by(Person.partner_id)
        .subquery()
    )
    query = select(Partner, func.coalesce(people.c.n, 0)).outerjoin(people, people.c.partner_id == Partner.id)
    if partner_type:
        query = query.where(Partner.type == partner_type)
    if not include_archived:
        query = query.where(Partner.archived.is_(False))
    key = fold(search)
    rows = []
    for partner, count in session.execute(query):
        if key and key not in fold(f"{partner.name} {partner.city}"):
            continue
        rows.append(
            PartnerRow(
                partner.id,
                partner.name,
                partner.type,
                PartnerType.label_of(partner.type),
                partner.city,
                partner.phone,
                partner.email,
                int(count),
                partner.archived,
                partner.version,
            )
        )
    rows.sort(key=lambda r: (fold(r.type_label), fold(r.name)))
    return rows


def missions_locales(session: Session, *, include_archived: bool = False) -> list[PartnerRow]:
    return list_partners(session, PartnerType.MISSION_LOCALE.value, include_archived=include_archived)


# --- people -------------------------------------------------------------------------------------------------


@dataclass
class PersonForm:
    """A person: school staff when `partner_id` is None, else someone working for that partner."""

    last_name: str = ""
    first_name: str = ""
    role: str = PersonRole.ENSEIGNANT.value
    partner_id: int | None = None
    phone: str = ""
    email: str = ""

    def errors(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.last_name.strip():
            problems["last_name"] = "Le nom est obligatoire."
        for name in ("last_name", "first_name"):
            value = getattr(self, name)
            if len(value.strip()) > MAX_PERSON_NAME:
                problems[name] = f"Ce champ est limité à {MAX_PERSON_NAME} caractères."
            elif _control_chars(value):
                problems[name] = "Ce champ contient des caractères de contrôle : retapez-le."
        if PersonRole.from_code(self.role) is None:
            problems["role"] = "Choisissez la fonction de la personne."
        if error := phone_error(self.phone):
            problems["phone"] = error
        if error := email_error(self.email):
            problems["email"] = error
        return problems


@dataclass(frozen=True, slots=True)
class PersonRow:
    id: int
    last_name: str
    first_name: str
    role: str
    role_label: str
    partner_id: int | None
    partner_name: str
    phone: str
    email: str
    archived: bool
    version: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def label(self) -> str:
        """«Claire DURAND (Conseiller(ère) Mission locale, Mission locale du Grand Nancy)»."""
        where = f", {self.partner_name}" if self.partner_name else ""
        return f"{self.full_name} ({self.role_label}{where})"


def person_form(person: Person) -> PersonForm:
    return PersonForm(
        last_name=person.last_name,
        first_name=person.first_name,
        role=person.role,
        partner_id=person.partner_id,
        phone=person.phone,
        email=person.email,
    )


def get_person(session: Session, person_id: int, version: int | None = None) -> Person:
    """The person, refused when deleted, or changed since the user loaded them at `version`."""
    return load_for_update(session, Person, person_id, version, PERSON_GONE)


def person_warnings(session: Session, form: PersonForm) -> dict[str, str]:
    """Allowed, shown: a Mission locale advisor outside a Mission locale, a partner role in the school staff."""
    notes: dict[str, str] = {}
    partner = session.get(Partner, form.partner_id) if form.partner_id else None
    role = PersonRole.from_code(form.role)
    if role is PersonRole.ML and (partner is None or partner.type != PartnerType.MISSION_LOCALE):
        notes["role"] = (
            "Un(e) conseiller(ère) Mission locale est normalement rattaché(e) à une Mission locale."
        )
    if role is PersonRole.TUTEUR and partner is None:
        notes["role"] = "Un tuteur en entreprise est normalement rattaché à une entreprise."
    return notes


def save_person(
    session: Session, form: PersonForm, person_id: int | None = None, version: int | None = None
) -> Saved:
    """Create or update a person (loaded by the form at `version`); refused whole (UserError) when the form has
    errors, the partner is archived or the person changed since it was loaded."""
    problems = form.errors()
    if problems:
        raise UserError("\n".join(problems.values()))
    if form.partner_id is not None:
        partner = get_partner(session, form.partner_id)
        if partner.archived and (
            person_id is None or get_person(session, person_id).partner_id != partner.id
        ):
            raise UserError(f"« {partner.name} » est archivé : réactivez-le avant d'y rattacher quelqu'un.")
    created = person_id is None
    person = Person(last_name="", role=form.role) if created else get_person(session, person_id, version)
    if created:
        session.add(person)
    values = {
        "last_name": " ".join(form.last_name.split()),
        "first_name": " ".join(form.first_name.split()),
        "role": form.role,
        "partner_id": form.partner_id,
        "phone": normalise_phone(form.phone).normalised or form.phone.strip(),
        "email": form.email.strip(),
    }
    for key, value in values.items():
        if not created and getattr(person, key) != value:
            audit.record(
                session, "update", "person", person.id, field=key, old=getattr(person, key), new=value
            )
        setattr(person, key, value)
    session.flush()
    if created:
        audit.record(session, "create", "person", person.id)
    return saved("person", person, DIRECTORY)


def set_person_archived(
    session: Session, person_id: int, archived: bool = True, version: int | None = None
) -> Changes:
    return _set_archived(session, "person", get_person(session, person_id, version), archived)


def person_usage(session: Session, person_id: int) -> int:
    counts = (
        select(func.count()).select_from(InterviewSlot).where(InterviewSlot.advisor_id == person_id),
        select(func.count())
        .select_from(InterviewParticipant)
        .where(InterviewParticipant.person_id == person_id),
        select(func.count()).select_from(Pathway).where(Pathway.referent_id == person_id),
        select(func.count()).select_from(ContactAttempt).where(ContactAttempt.staff_id == person_id),
    )
    return sum(session.scalar(query) or 0 for query in counts)


def delete_person(session: Session, person_id: int, version: int | None = None) -> Changes:
    """Delete a person no record names; otherwise archive them instead."""
    person = get_person(session, person_id, version)
    used = person_usage(session, person_id)
    if used:
        raise UserError(
            f"{person.full_name} figure dans {used} créneau(x), entretien(s), contact(s) ou parcours : "
            "archivez cette personne plutôt que de la supprimer."
        )
    gone = snapshot(person, f"{person.full_name} ({PersonRole.label_of(person.role)})")
    audit.record(session, "delete", "person", person.id)
    session.delete(person)
    session.flush()
    return changes(DIRECTORY, ids={"person": [person_id]}, deleted=[gone])


def list_people(
    session: Session,
    *,
    partner_id: int | None = None,
    staff_only: bool = False,
    roles: tuple[str, ...] = (),
    include_archived: bool = False,
    search: str = "",
) -> list[PersonRow]:
    """People of the directory, by name; `staff_only` keeps the school's staff (no partner)."""
    query = select(Person, Partner.name).outerjoin(Partner, Partner.id == Person.partner_id)
    if partner_id is not None:
        query = query.where(Person.partner_id == partner_id)
    if staff_only:
        query = query.where(Person.partner_id.is_(None))
    if roles:
        query = query.where(Person.role.in_(roles))
    if not include_archived:
        query = query.where(Person.archived.is_(False))
        query = query.where(or_(Partner.id.is_(None), Partner.archived.is_(False)))
    key = fold(search)
    rows = []
    for person, partner_name in session.execute(query):
        if key and key not in fold(f"{person.first_name} {person.last_name} {partner_name or ''}"):
            continue
        rows.append(
            PersonRow(
                person.id,
                person.last_name,
                person.first_name,
                person.role,
                PersonRole.label_of(person.role),
                person.partner_id,
                partner_name or "",
                person.phone,
                person.email,
                person.archived,
                person.version,
            )
        )
    rows.sort(key=lambda r: (fold(r.last_name), fold(r.first_name)))
    return rows


def advisors(session: Session, partner_id: int | None = None) -> list[PersonRow]:
    """Mission locale advisors (of one Mission locale when given)."""
    return list_people(session, partner_id=partner_id, roles=(PersonRole.ML.value,))


def staff(session: Session) -> list[PersonRow]:
    """The school's staff: people with no partner."""
    return list_people(session, staff_only=True)
