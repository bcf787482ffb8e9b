"""Recording phase 1 «AvenirPro»: collective workshops and their attendance, individual interviews, events.

Every operation takes a plain form, checks it against the campaign, writes in the caller's transaction, audits
and returns a `Phase1Change`. The per-youth summary these records feed is `core.phase1`, defined once there.
A phase-1 record is dated within the campaign's school year: from 1 September N−1 to 31 August N (phase 1
itself runs from October to June, but a school plans its first workshop in September and may hold an event
in July).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from pae_desktop.core import audit
from pae_desktop.core.dates import short_date
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    Campaign,
    OriginalSchooling,
    Partner,
    Person,
    Phase1Attendance,
    Phase1Workshop,
    Phase1WorkshopClass,
    Youth,
)
from pae_desktop.core.operations import PHASE1, Changes, load_for_update
from pae_desktop.core.scheme import scheme_of
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import PHASE1_MAX_MINUTES, PHASE1_MIN_MINUTES, PartnerType

OPERATOR_TYPES = (PartnerType.FRANCE_TRAVAIL.value, PartnerType.MISSION_LOCALE.value)
MAX_TEXT = 200
MAX_NOTE = 10_000
_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:hH]([0-5][0-9])$")
# Themes France Travail and the Missions locales usually bring to a class: offered, never imposed.
THEME_SUGGESTIONS = (
    "Découverte des métiers et des secteurs qui recrutent",
    "CV et lettre de motivation",
    "Se préparer à un entretien d'embauche",
    "L'apprentissage et l'alternance",
    "Les services de la Mission locale et de France Travail",
    "Mobilité, logement, aides : lever les freins",
)


@dataclass(frozen=True)
class Phase1Change(Changes):
    """What an operation did (the `Changes` every screen refreshes from, topic PHASE1) and, for the messages,
    the record (entity, id), the action and the fields it changed."""

    entity: str = ""
    entity_id: int = 0
    action: str = ""  # «create», «update», «delete»
    fields: tuple[str, ...] = ()
    detail: str = ""


def phase1_change(
    entity: str, entity_id: int, action: str, fields: tuple[str, ...] = (), detail: str = "", version: int = 0
) -> Phase1Change:
    """The `Phase1Change` of one record written (its new `version` when it is still there)."""
    return Phase1Change(
        topics=frozenset({PHASE1}),
        ids={entity: (entity_id,)},
        versions={entity: version} if version else {},
        entity=entity,
        entity_id=entity_id,
        action=action,
        fields=fields,
        detail=detail,
    )


# --- the campaign ------------------------------------------------------------------------------------------


def school_year(campaign: Campaign) -> tuple[dt.date, dt.date]:
    """The terminale year of campaign N: 1 September N−1 to 31 August N."""
    return dt.date(campaign.year - 1, 9, 1), dt.date(campaign.year, 8, 31)


def require_phase1(session: Session, campaign_id: int | None) -> Campaign:
    """The campaign, when it has a phase 1; a French refusal otherwise."""
    campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
    if campaign is None:
        raise UserError("Choisissez d'abord une campagne.")
    scheme = scheme_of(campaign)
    if not scheme.has_phase1:
        raise UserError(
            f"La campagne {campaign.year} ({scheme.name}) n'a pas de phase 1 en terminale : les ateliers, "
            "entretiens individuels et événements s'enregistrent à partir de la campagne 2026. Rien n'a été "
            "enregistré."
        )
    return campaign


def date_error(held_on: dt.date | None, campaign: Campaign, what: str) -> str:
    if held_on is None:
        return f"La date {what} est obligatoire."
    first, last = school_year(campaign)
    if not first <= held_on <= last:
        return (
            f"La date {what} ({short_date(held_on)}) doit tomber pendant l'année de terminale de la campagne "
            f"{campaign.year}, du {short_date(first)} au {short_date(last)}."
        )
    return ""


def text_error(value: str, label: str, limit: int = MAX_TEXT, required: bool = False) -> str:
    text = value.strip()
    if required and not text:
        return f"{label} est obligatoire."
    if len(text) > limit:
        return f"{label} est limité à {limit} caractères."
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        return f"{label} contient des caractères de contrôle : retapez-le."
    return ""


def partner_errors(session: Session, partner_id: int | None, advisor_id: int | None, what: str) -> dict:
    """The partner must be a France Travail agency or a Mission locale; the advisor one of its people."""
    partner = session.get(Partner, partner_id) if partner_id is not None else None
    if partner is None or partner.type not in OPERATOR_TYPES:
        return {
            "partner": f"Choisissez {what} : une agence France Travail ou une Mission locale de l'annuaire."
        }
    if advisor_id is not None:
        advisor = session.get(Person, advisor_id)
        if advisor is None or advisor.partner_id != partner.id:
            return {"advisor": f"Le conseiller choisi ne travaille pas pour « {partner.name} »."}
    return {}


def campaign_classes(session: Session, campaign_id: int) -> list[str]:
    """The classes (SIECLE divisions) of the campaign's students, sorted."""
    query = (
        select(OriginalSchooling.division)
        .join(Youth, Youth.id == OriginalSchooling.youth_id)
        .where(
            Youth.campaign_id == campaign_id, OriginalSchooling.division != "", Youth.anonymised_at.is_(None)
        )
        .distinct()
    )
    return sorted(session.scalars(query), key=fold)


@dataclass(frozen=True, slots=True)
class StudentRow:
    """A student of the campaign, as the attendance grid and the participants' list show them."""

    id: int
    name: str  # «NOM Prénom»
    division: str


def campaign_students(
    session: Session, campaign_id: int, divisions: tuple[str, ...] = ()
) -> list[StudentRow]:
    """The campaign's students (not anonymised), by class then name; only those of `divisions` when given."""
    query = (
        select(Youth.id, Youth.last_name, Youth.usage_name, Youth.first_names, OriginalSchooling.division)
        .outerjoin(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
        .where(Youth.campaign_id == campaign_id, Youth.anonymised_at.is_(None))
    )
    if divisions:
        query = query.where(OriginalSchooling.division.in_(divisions))
    rows = [
        StudentRow(
            row.id,
            f"{(row.usage_name or row.last_name).upper()} {row.first_names}".strip(),
            row.division or "",
        )
        for row in session.execute(query)
    ]
    return sorted(rows, key=lambda r: (fold(r.division), fold(r.name), r.id))


@dataclass(frozen=True, slots=True)
class OperatorChoice:
    """A France Travail agency or a Mission locale, with its advisors (id, name) for the forms' combos."""

    id: int
    name: str
    type_label: str
    advisors: tuple[tuple[int, str], ...]


def operators(session: Session, keep: tuple[int | None, ...] = ()) -> list[OperatorChoice]:
    """France Travail and Mission locale partners, not archived (or named in `keep`), with their advisors."""
    partners = session.scalars(select(Partner).where(Partner.type.in_(OPERATOR_TYPES))).all()
    people = session.scalars(select(Person).where(Person.partner_id.in_([p.id for p in partners]))).all()
    choices = []
    for partner in partners:
        if partner.archived and partner.id not in keep:
            continue
        advisors = tuple(
            (p.id, p.full_name)
            for p in sorted(people, key=lambda p: fold(p.full_name))
            if p.partner_id == partner.id and (not p.archived or p.id in keep)
        )
        choices.append(OperatorChoice(partner.id, partner.name, PartnerType.label_of(partner.type), advisors))
    return sorted(choices, key=lambda c: (fold(c.type_label), fold(c.name)))


def write_audited(session: Session, record, entity: str, values: dict, created: bool) -> tuple[str, ...]:
    """Set the values on the record, auditing each changed field of an existing one; the changed names."""
    changed = []
    for name, value in values.items():
        old = getattr(record, name)
        if old == value:
            continue
        if not created:
            masked = name == "note"  # free text may name people: the log says it changed, not what it says
            audit.record(
                session,
                "update",
                entity,
                record.id,
                field=name,
                old="(texte)" if masked and old else old,
                new="(texte)" if masked and value else value,
            )
        setattr(record, name, value)
        changed.append(name)
    return tuple(changed)


load_versioned = load_for_update  # the contract's version check (core.operations), under its phase-1 name


def begin_save(
    session: Session,
    campaign: Campaign,
    model,
    entity: str,
    record_id: int | None,
    version: int | None,
    gone: str,
    problems: Callable[[], dict[str, str]],
    values: Callable[[], dict],
    other_campaign: str = "",
) -> tuple[object, bool, tuple[str, ...]]:
    """The first half of saving a campaign's record: a new one, or the stored one at the version the user loaded
    (`other_campaign` refuses one of another campaign); the form's problems refused; then the values written,
    audited. The record, whether it was created and the changed names."""
    created = record_id is None
    if created:
        record = model(campaign_id=campaign.id)
    else:
        record = load_versioned(session, model, record_id, version, gone)
        if other_campaign and record.campaign_id != campaign.id:
            raise UserError(other_campaign)
    if found := problems():
        raise UserError("\n".join(found.values()))
    if created:
        session.add(record)
    changed = write_audited(session, record, entity, values(), created)
    session.flush()
    return record, created, changed


def sync_collection(
    session: Session,
    record,
    entity: str,
    name: str,
    key: str,
    wanted,
    make: Callable[[object], object],
    created: bool,
    touch: str,
    joiner: str,
) -> tuple[set, set]:
    """Make the record's collection `name` hold one item per wanted `key`, auditing the change on an existing
    record and bumping its version (through the field `touch`). The old and new sets of keys."""
    items = getattr(record, name)
    old, new = {getattr(item, key) for item in items}, set(wanted)
    if old != new:
        items[:] = [item for item in items if getattr(item, key) in new]
        items.extend(make(k) for k in sorted(new - old))
        if not created:
            audit.record(
                session,
                "update",
                entity,
                record.id,
                field=name,
                old=joiner.join(map(str, sorted(old))),
                new=joiner.join(map(str, sorted(new))),
            )
            flag_modified(record, touch)  # a change of the collection alone bumps the version too
    return old, new


def finish_save(
    session: Session, record, entity: str, created: bool, changed: tuple[str, ...], create_detail: str, detail: str = ""
) -> Phase1Change:
    """The second half of saving: the creation audited, and the change to hand back."""
    session.flush()
    if created:
        audit.record(session, "create", entity, record.id, detail=create_detail)
    session.flush()
    return phase1_change(entity, record.id, "create" if created else "update", changed, detail, version=record.version)


def delete_record(
    session: Session, model, entity: str, record_id: int, version: int | None, gone: str, describe: Callable
) -> Phase1Change:
    """Delete a campaign's record at the version the user loaded, the log saying `describe(record)`."""
    record = load_versioned(session, model, record_id, version, gone)
    require_phase1(session, record.campaign_id)
    detail = describe(record)
    audit.record(session, "delete", entity, record.id, detail=detail)
    session.delete(record)
    session.flush()
    return phase1_change(entity, record_id, "delete", (), detail)


# --- workshops ---------------------------------------------------------------------------------------------


@dataclass
class WorkshopForm:
    held_on: dt.date | None = None
    starts_at: str = ""  # «HH:MM», may be empty
    duration_minutes: int | None = 60
    theme: str = ""
    operator_id: int | None = None
    advisor_id: int | None = None
    classes: list[str] = field(default_factory=list)
    note: str = ""


def normalise_time(text: str) -> str:
    """«9h30», «09:30» → «09:30»; "" stays ""; anything else → ValueError."""
    text = text.strip()
    if not text:
        return ""
    match = _TIME.match(text)
    if not match:
        raise ValueError(text)
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def workshop_errors(session: Session, campaign: Campaign, form: WorkshopForm) -> dict[str, str]:
    """Every reason to refuse the form, by field, in French."""
    problems = {}
    if error := date_error(form.held_on, campaign, "de l'atelier"):
        problems["held_on"] = error
    try:
        normalise_time(form.starts_at)
    except ValueError:
        problems["starts_at"] = (
            f"L'heure « {form.starts_at.strip()} » doit s'écrire HH:MM, par exemple 09:30."
        )
    if form.duration_minutes is None or not PHASE1_MIN_MINUTES <= form.duration_minutes <= PHASE1_MAX_MINUTES:
        problems["duration_minutes"] = (
            f"Un atelier collectif dure de 1 à 2 heures ({PHASE1_MIN_MINUTES} à {PHASE1_MAX_MINUTES} minutes)."
        )
    if error := text_error(form.theme, "Le thème de l'atelier", required=True):
        problems["theme"] = error
    problems |= partner_errors(session, form.operator_id, form.advisor_id, "l'opérateur de l'atelier")
    known = set(campaign_classes(session, campaign.id))
    if not form.classes:
        problems["classes"] = "Cochez au moins une classe concernée par l'atelier."
    elif unknown := sorted(set(form.classes) - known):
        problems["classes"] = (
            f"La campagne {campaign.year} n'a aucun élève en classe de « {' », « '.join(unknown)} »."
        )
    if error := text_error(form.note, "La note", MAX_NOTE):
        problems["note"] = error
    return problems


def save_workshop(
    session: Session,
    campaign_id: int,
    form: WorkshopForm,
    workshop_id: int | None = None,
    version: int | None = None,
) -> Phase1Change:
    """Create a workshop, or update one with the version the user loaded (a stale one is refused). Removing a
    class drops the attendance recorded for its students."""
    campaign = require_phase1(session, campaign_id)
    workshop, created, changed = begin_save(
        session,
        campaign,
        Phase1Workshop,
        "phase1_workshop",
        workshop_id,
        version,
        "Cet atelier a été supprimé entre-temps.",
        lambda: workshop_errors(session, campaign, form),
        lambda: {
            "held_on": form.held_on,
            "starts_at": normalise_time(form.starts_at),
            "duration_minutes": form.duration_minutes,
            "theme": " ".join(form.theme.split()),
            "operator_id": form.operator_id,
            "advisor_id": form.advisor_id,
            "note": form.note.strip(),
        },
        other_campaign="Cet atelier appartient à une autre campagne.",
    )
    old_classes, new_classes = sync_collection(
        session,
        workshop,
        "phase1_workshop",
        "classes",
        "division",
        form.classes,
        lambda d: Phase1WorkshopClass(division=d),
        created,
        "theme",
        ", ",
    )
    detail = ""
    if old_classes != new_classes:
        if not created:
            detail = _drop_attendance_outside(session, workshop, sorted(old_classes - new_classes))
        changed += ("classes",)
    return finish_save(
        session, workshop, "phase1_workshop", created, changed, f"{short_date(form.held_on)} {workshop.theme}", detail
    )


def _drop_attendance_outside(session: Session, workshop: Phase1Workshop, removed: list[str]) -> str:
    if not removed:
        return ""
    youths = select(OriginalSchooling.youth_id).where(OriginalSchooling.division.in_(removed))
    result = session.execute(
        delete(Phase1Attendance).where(
            Phase1Attendance.workshop_id == workshop.id, Phase1Attendance.youth_id.in_(youths)
        )
    )
    if not result.rowcount:
        return ""
    audit.record(
        session,
        "delete",
        "phase1_attendance",
        workshop.id,
        detail=f"{result.rowcount} présence(s) de {', '.join(removed)} retirée(s) avec la classe",
    )
    return (
        f"{result.rowcount} présence(s) notée(s) pour {', '.join(removed)} ont été retirées avec la classe."
    )


def delete_workshop(session: Session, workshop_id: int, version: int | None = None) -> Phase1Change:
    """Delete a workshop, its classes and its attendance."""
    return delete_record(
        session,
        Phase1Workshop,
        "phase1_workshop",
        workshop_id,
        version,
        "Cet atelier a déjà été supprimé.",
        lambda w: f"{short_date(w.held_on)} {w.theme}, {len(w.attendance)} présence(s) notée(s)",
    )


def workshop_form(session: Session, workshop_id: int) -> tuple[WorkshopForm, int]:
    """The form of a stored workshop and the version to hand back with the update."""
    workshop = load_versioned(
        session, Phase1Workshop, workshop_id, None, "Cet atelier a été supprimé entre-temps."
    )
    form = WorkshopForm(
        held_on=workshop.held_on,
        starts_at=workshop.starts_at,
        duration_minutes=workshop.duration_minutes,
        theme=workshop.theme,
        operator_id=workshop.operator_id,
        advisor_id=workshop.advisor_id,
        classes=[c.division for c in workshop.classes],
        note=workshop.note,
    )
    return form, workshop.version


@dataclass(frozen=True, slots=True)
class WorkshopRow:
    id: int
    version: int
    held_on: dt.date
    starts_at: str
    duration_minutes: int
    theme: str
    operator: str
    advisor: str
    classes: tuple[str, ...]
    enrolled: int  # students of its classes
    recorded: int  # attendance rows
    present: int

    @property
    def attendance_text(self) -> str:
        """«12/15»; «non saisie (15)» before any attendance is recorded; «14/30 (15 non saisis)» when a class is
        still to record."""
        if not self.recorded:
            return f"non saisie ({self.enrolled})"
        missing = self.enrolled - self.recorded
        return f"{self.present}/{self.enrolled}" + (
            f" ({missing} non saisi{'s' if missing > 1 else ''})" if missing > 0 else ""
        )


def list_workshops(session: Session, campaign_id: int) -> list[WorkshopRow]:
    """The campaign's workshops, the most recent first."""
    workshops = session.scalars(select(Phase1Workshop).where(Phase1Workshop.campaign_id == campaign_id)).all()
    class_sizes = dict(
        session.execute(
            select(OriginalSchooling.division, func.count())
            .join(Youth, Youth.id == OriginalSchooling.youth_id)
            .where(Youth.campaign_id == campaign_id, Youth.anonymised_at.is_(None))
            .group_by(OriginalSchooling.division)
        ).all()
    )
    counts = {
        row.workshop_id: row
        for row in session.execute(
            select(
                Phase1Attendance.workshop_id,
                func.count().label("recorded"),
                func.sum(case((Phase1Attendance.present.is_(True), 1), else_=0)).label("present"),
            )
            .join(Phase1Workshop, Phase1Workshop.id == Phase1Attendance.workshop_id)
            .where(Phase1Workshop.campaign_id == campaign_id)
            .group_by(Phase1Attendance.workshop_id)
        )
    }
    rows = []
    for w in workshops:
        classes = tuple(c.division for c in w.classes)
        count = counts.get(w.id)
        rows.append(
            WorkshopRow(
                w.id,
                w.version,
                w.held_on,
                w.starts_at,
                w.duration_minutes,
                w.theme,
                w.operator.name if w.operator else "",
                w.advisor.full_name if w.advisor else "",
                classes,
                sum(class_sizes.get(c, 0) for c in classes),
                int(count.recorded) if count else 0,
                int(count.present or 0) if count else 0,
            )
        )
    return sorted(rows, key=lambda r: (r.held_on, r.starts_at, r.id), reverse=True)


# --- attendance --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    youth_id: int
    name: str
    present: bool | None  # None: not recorded yet


def attendance_sheet(session: Session, workshop_id: int, division: str) -> list[AttendanceRow]:
    """One row per student of the class, by name, with what is recorded for the workshop."""
    workshop = load_versioned(
        session, Phase1Workshop, workshop_id, None, "Cet atelier a été supprimé entre-temps."
    )
    recorded = dict(
        session.execute(
            select(Phase1Attendance.youth_id, Phase1Attendance.present).where(
                Phase1Attendance.workshop_id == workshop.id
            )
        ).all()
    )
    students = campaign_students(session, workshop.campaign_id, (division,))
    return [AttendanceRow(s.id, s.name, recorded.get(s.id)) for s in students]


def set_attendance(
    session: Session, workshop_id: int, division: str, present: dict[int, bool], today: dt.date | None = None
) -> Phase1Change:
    """Record who of one class attended a workshop, in one go: the workshop's rows for that class's students
    are replaced by `present` (a student left out goes back to «not recorded»)."""
    workshop = load_versioned(
        session, Phase1Workshop, workshop_id, None, "Cet atelier a été supprimé entre-temps."
    )
    require_phase1(session, workshop.campaign_id)
    today = today or dt.date.today()
    if workshop.held_on > today:
        raise UserError(
            f"L'atelier du {short_date(workshop.held_on)} n'a pas encore eu lieu : les présences se notent le jour "
            "même ou après."
        )
    if division not in {c.division for c in workshop.classes}:
        raise UserError(
            f"L'atelier du {short_date(workshop.held_on)} n'est pas prévu pour la classe « {division} »."
        )
    class_ids = {s.id for s in campaign_students(session, workshop.campaign_id, (division,))}
    if outsiders := sorted(set(present) - class_ids):
        raise UserError(
            f"{len(outsiders)} élève(s) ne sont pas de la classe « {division} » : seules les présences des "
            "élèves de cette classe s'enregistrent ici. Rien n'a été enregistré."
        )
    before = dict(
        session.execute(
            select(Phase1Attendance.youth_id, Phase1Attendance.present).where(
                Phase1Attendance.workshop_id == workshop.id, Phase1Attendance.youth_id.in_(class_ids)
            )
        ).all()
    )
    session.execute(
        delete(Phase1Attendance).where(
            Phase1Attendance.workshop_id == workshop.id, Phase1Attendance.youth_id.in_(class_ids)
        )
    )
    session.add_all(
        Phase1Attendance(workshop_id=workshop.id, youth_id=youth_id, present=bool(value))
        for youth_id, value in present.items()
    )
    session.flush()
    changed = sorted(y for y in class_ids if before.get(y) != present.get(y))
    count = sum(1 for value in present.values() if value)
    detail = f"classe {division} : {count} présent(s), {len(present) - count} absent(s)"
    if changed:
        # Youths are named by their internal id only (domain §9).
        audit.record(
            session,
            "update",
            "phase1_attendance",
            workshop.id,
            field="attendance",
            new=" ".join(str(y) for y in changed),
            detail=detail,
        )
    return phase1_change("phase1_attendance", workshop.id, "update", tuple(str(y) for y in changed), detail)
