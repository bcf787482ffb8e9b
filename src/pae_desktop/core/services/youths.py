"""The caseload: plain rows for the table, and creating or editing one youth with validation."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pae_desktop.core import audit, settings
from pae_desktop.core.dates import day_and_time
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.identity import (
    birth_date_error,
    email_error,
    ine_warning,
    is_minor,
    normalise_ine,
    normalise_phone,
)
from pae_desktop.core.models import (
    Campaign,
    LegalRepresentative,
    OriginalSchooling,
    Youth,
    utcnow,
)
from pae_desktop.core.operations import YOUTHS, Changes, changes
from pae_desktop.core.phase1 import NOTHING, Phase1Summary, phase1_summaries
from pae_desktop.core.scheme import scheme_of
from pae_desktop.core.services.facts import PendingDates, load_facts
from pae_desktop.core.services.school import require_school
from pae_desktop.core.stage import derive_stage
from pae_desktop.core.text import search_key
from pae_desktop.core.vocabulary import Diploma, ExamResult, ParentLink, Sex, Stage

MAX_NOTES = 10_000


def pseudonym(secret: bytes, ine: str, internal_id: int) -> str:
    """`id_jeune` of the FOQUALE file (spec §2, column 3)."""
    message = normalise_ine(ine) if ine.strip() else f"interne:{internal_id}"
    return hmac.digest(secret, message.encode("utf-8"), hashlib.sha256).hex()[:16]  # one call: an import makes 16 000


def youth_search_key(youth: Youth) -> str:
    return search_key(youth.last_name, youth.usage_name, youth.first_names, youth.ine)


# --- the caseload table -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    """One youth as the caseload table shows it: small, immutable, no live ORM object."""

    id: int
    last_name: str
    first_names: str
    division: str
    diploma: str
    exam_result: str
    stage: Stage
    last_contact: dt.datetime | None
    next_action: str
    next_action_on: dt.date | None
    birth_date: dt.date | None
    ine: str
    search_key: str
    phase1: Phase1Summary | None = None  # None: the campaign has no phase 1
    left_school_on: dt.date | None = None  # marked by an import as having left the school: out of the to-do lists

    @property
    def name(self) -> str:
        return f"{self.last_name.upper()} {self.first_names}".strip()


_STAGE_ACTION = {
    Stage.REPERE: "À contacter",
    Stage.INFORME: "À contacter",
    Stage.CONTACTE: "Proposer un entretien",
    Stage.INJOIGNABLE: "Essayer un autre canal ou signaler à la PSAD",
    Stage.ENTRETIEN_REALISE: "Saisir la décision",
    Stage.ENGAGE: "Construire le parcours",
    Stage.REFLEXION: "Relancer après réflexion",
    Stage.PARCOURS_EN_COURS: "Suivre le parcours",
    Stage.ABANDON: "Enregistrer la sortie",
}


def next_action(stage: Stage, pending: PendingDates, today: dt.date) -> tuple[str, dt.date | None]:
    """What to do next for a case, and when: a booked interview, a due follow-up, a recontact, or the stage's."""
    if stage is Stage.ENTRETIEN_PLANIFIE and pending.next_slot is not None:
        if pending.next_slot.date() < today:
            return "Entretien à saisir", pending.next_slot.date()
        return f"Entretien le {day_and_time(pending.next_slot)}", pending.next_slot.date()
    if pending.follow_up_on is not None and stage not in (Stage.SORTI,):
        return pending.follow_up_action or "Suivi à faire", pending.follow_up_on
    if pending.recontact_on is not None and stage in (
        Stage.REPERE,
        Stage.INFORME,
        Stage.CONTACTE,
        Stage.INJOIGNABLE,
    ):
        return "Relancer", pending.recontact_on
    return _STAGE_ACTION.get(stage, ""), None


def caseload_rows(session: Session, campaign_id: int, today: dt.date | None = None) -> list[CaseloadRow]:
    today = today or dt.date.today()
    unreachable_after = settings.get(session, settings.UNREACHABLE_AFTER)
    facts, pending = load_facts(session, campaign_id)
    campaign = session.get(Campaign, campaign_id)
    # one call for the whole campaign, never one per youth (16 000 youths)
    phase1 = (
        phase1_summaries(session, campaign_id)
        if campaign is not None and scheme_of(campaign).has_phase1
        else None
    )
    rows = []
    query = (
        select(
            Youth.id,
            Youth.last_name,
            Youth.first_names,
            OriginalSchooling.division,
            OriginalSchooling.diploma,
            OriginalSchooling.exam_result,
            Youth.birth_date,
            Youth.ine,
            Youth.search_key,
            Youth.left_school_on,
        )
        .outerjoin(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
        .where(Youth.campaign_id == campaign_id)
    )
    for youth_id, last, first, division, diploma, exam, birth, ine, key, left_on in session.execute(query):
        case = facts[youth_id]
        stage = derive_stage(case, today, unreachable_after)
        action, action_on = next_action(stage, pending[youth_id], today)
        last_contact = max((a.at for a in case.attempts), default=None)
        rows.append(
            CaseloadRow(
                youth_id,
                last,
                first,
                division or "",
                diploma or "",
                exam or ExamResult.INCONNU.value,
                stage,
                last_contact,
                action,
                action_on,
                birth,
                ine,
                key,
                None if phase1 is None else phase1.get(youth_id, NOTHING),
                left_on,
            )
        )
    return rows


def stage_of(session: Session, youth: Youth, today: dt.date | None = None) -> Stage:
    facts, _ = load_facts(session, youth.campaign_id, [youth.id])
    return derive_stage(facts[youth.id], today, settings.get(session, settings.UNREACHABLE_AFTER))


# --- one youth ------------------------------------------------------------------------------------------


@dataclass
class RepresentativeForm:
    last_name: str = ""
    first_name: str = ""
    link: str = ""  # vocabulary.ParentLink
    is_legal: bool = True
    phone: str = ""
    email: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""


@dataclass
class YouthForm:
    """What the detail panel edits. `errors()` refuses the save; `warnings()` lets it through, visibly."""

    last_name: str = ""
    first_names: str = ""
    usage_name: str = ""
    sex: str = ""
    birth_date: dt.date | None = None
    ine: str = ""
    phone: str = ""
    phone2: str = ""
    email: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    boursier: bool = False
    diploma: str = Diploma.BAC_PRO.value
    speciality: str = ""
    division: str = ""
    exam_result: str = ExamResult.INCONNU.value
    notes: str = ""
    representatives: list[RepresentativeForm] = field(default_factory=list)

    def errors(self, today: dt.date | None = None) -> dict[str, str]:
        today = today or dt.date.today()
        problems: dict[str, str] = {}
        if not self.last_name.strip():
            problems["last_name"] = "Le nom de famille est obligatoire."
        if not self.first_names.strip():
            problems["first_names"] = "Le prénom est obligatoire."
        for name, limit in _FIELD_LIMITS.items():
            value = getattr(self, name)
            if len(value.strip()) > limit:
                problems[name] = f"Ce champ est limité à {limit} caractères."
            elif any(ord(c) < 32 for c in value):
                problems[name] = "Ce champ contient des caractères de contrôle : retapez-le."
        if len(self.notes) > MAX_NOTES:
            problems["notes"] = f"Les notes sont limitées à {MAX_NOTES} caractères."
        if "\x00" in self.notes:
            problems["notes"] = "Les notes contiennent un caractère nul : retapez-les."
        if self.birth_date is not None:
            if self.birth_date > today:
                problems["birth_date"] = "La date de naissance est dans le futur."
            elif self.birth_date.year < 1900:
                problems["birth_date"] = "La date de naissance est antérieure à 1900."
        if self.sex and Sex.from_code(self.sex) is None:
            problems["sex"] = "Sexe inconnu."
        if Diploma.from_code(self.diploma) is None:
            problems["diploma"] = "Choisissez le diplôme préparé."
        if ExamResult.from_code(self.exam_result) is None:
            problems["exam_result"] = "Choisissez le résultat à l'examen."
        for name in ("phone", "phone2"):
            raw = getattr(self, name).strip()
            if raw and not normalise_phone(raw).normalised:
                problems[name] = f"Le numéro « {raw} » n'est pas un numéro de téléphone valide."
        if error := email_error(self.email):
            problems["email"] = error
        for index, rep in enumerate(self.representatives, start=1):
            if not rep.last_name.strip():
                problems[f"representative_{index}"] = f"Représentant légal {index} : le nom est obligatoire."
            elif rep.phone.strip() and not normalise_phone(rep.phone).normalised:
                problems[f"representative_{index}"] = (
                    f"Représentant légal {index} : le numéro « {rep.phone.strip()} » n'est pas valide."
                )
            elif error := email_error(rep.email):
                problems[f"representative_{index}"] = f"Représentant légal {index} : {error}"
            elif rep.link and ParentLink.from_code(rep.link) is None:
                problems[f"representative_{index}"] = f"Représentant légal {index} : lien de parenté inconnu."
        return problems

    def warnings(self, today: dt.date | None = None) -> dict[str, str]:
        today = today or dt.date.today()
        notes: dict[str, str] = {}
        if warning := ine_warning(self.ine):
            notes["ine"] = warning
        if (
            (warning := birth_date_error(self.birth_date, today))
            and self.birth_date
            and self.birth_date <= today
        ):
            notes["birth_date"] = warning
        if is_minor(self.birth_date, today) and not any(r.is_legal for r in self.representatives):
            notes["representatives"] = "Jeune mineur : renseignez au moins un représentant légal."
        if Diploma.from_code(self.diploma) is Diploma.AUTRE:
            notes["diploma"] = "Seuls les élèves de CAP, bac pro, BMA et DTMS sont éligibles au parcours."
        return notes


def _column_length(model, name: str) -> int:
    return model.__table__.c[name].type.length


# One-line text fields, limited to their column's length (PostgreSQL would refuse a longer value).
_FIELD_LIMITS = {
    **{
        name: _column_length(Youth, name)
        for name in ("last_name", "first_names", "usage_name", "email", "address", "postal_code", "city")
    },
    **{name: _column_length(OriginalSchooling, name) for name in ("speciality", "division")},
}

_YOUTH_FIELDS = (
    "last_name",
    "first_names",
    "usage_name",
    "sex",
    "birth_date",
    "ine",
    "email",
    "address",
    "postal_code",
    "city",
    "boursier",
    "notes",
)
_SCHOOLING_FIELDS = ("diploma", "speciality", "division", "exam_result")


def youth_form(youth: Youth) -> YouthForm:
    schooling = youth.schooling or OriginalSchooling()
    return YouthForm(
        last_name=youth.last_name,
        first_names=youth.first_names,
        usage_name=youth.usage_name,
        sex=youth.sex,
        birth_date=youth.birth_date,
        ine=youth.ine,
        phone=youth.phone_raw or youth.phone,
        phone2=youth.phone2_raw or youth.phone2,
        email=youth.email,
        address=youth.address,
        postal_code=youth.postal_code,
        city=youth.city,
        boursier=youth.boursier,
        diploma=schooling.diploma or Diploma.BAC_PRO.value,
        speciality=schooling.speciality or "",
        division=schooling.division or "",
        exam_result=schooling.exam_result or ExamResult.INCONNU.value,
        notes=youth.notes,
        representatives=[
            RepresentativeForm(
                last_name=r.last_name,
                first_name=r.first_name,
                link=r.link,
                is_legal=r.is_legal,
                phone=r.phone_raw or r.phone,
                email=r.email,
                address=r.address,
                postal_code=r.postal_code,
                city=r.city,
            )
            for r in youth.representatives
        ],
    )


def load_youth(session: Session, youth_id: int) -> Youth:
    youth = session.scalars(
        select(Youth)
        .where(Youth.id == youth_id)
        .options(selectinload(Youth.schooling), selectinload(Youth.representatives))
    ).first()
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base (supprimé ou anonymisé entre-temps).")
    return youth


@dataclass(frozen=True)
class SaveResult:
    youth_id: int
    created: bool
    changed_fields: tuple[str, ...]
    warnings: dict[str, str]
    version: int = 0

    @property
    def changes(self) -> Changes:
        """What the save changed, for `context.apply` (nothing when no field changed)."""
        if not self.created and not self.changed_fields:
            return changes()
        return changes(YOUTHS, ids={"youth": [self.youth_id]}, versions={"youth": self.version})


def save_youth(
    session: Session,
    campaign: Campaign,
    form: YouthForm,
    youth_id: int | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> SaveResult:
    """Create or update a youth; refused whole (UserError) when the form has errors."""
    problems = form.errors(today)
    if problems:
        raise UserError("\n".join(problems.values()))
    warnings = form.warnings(today)
    created = youth_id is None
    youth = _youth_to_save(session, campaign, youth_id, expected_version)
    changed = _apply_form(session, youth, form, created)
    if _replace_representatives(youth, form.representatives):
        changed.append("representatives")
    youth.search_key = youth_search_key(youth)
    if not created and youth.siecle_id and changed:
        corrected = set(filter(None, youth.corrected_fields.split(",")))
        youth.corrected_fields = ",".join(sorted(corrected | set(changed)))
    if not created and changed:
        # A change to the schooling or the representatives alone must bump the version too (the version
        # counter moves only when the youth's own row is updated).
        youth.updated_at = utcnow()
    session.flush()
    if created:
        youth.pseudonym = pseudonym(require_school(session).secret, youth.ine, youth.id)
        audit.record(session, "create", "youth", youth.id)
    session.flush()
    return SaveResult(youth.id, created, tuple(changed), warnings, youth.version)


def _youth_to_save(
    session: Session, campaign: Campaign, youth_id: int | None, expected_version: int | None
) -> Youth:
    """A new youth of the campaign (added to the session), or the stored one checked against its version."""
    if youth_id is None:
        require_school(session)
        youth = Youth(campaign_id=campaign.id, last_name="", pseudonym="", schooling=OriginalSchooling())
        session.add(youth)
        return youth
    youth = load_youth(session, youth_id)
    if expected_version is not None and youth.version != expected_version:
        raise UserError(CONFLICT_MESSAGE)
    if youth.schooling is None:
        youth.schooling = OriginalSchooling()
    return youth


def _apply_form(session: Session, youth: Youth, form: YouthForm, created: bool) -> list[str]:
    """Copy the form's fields, phones and schooling into the youth; each change audited unless `created`."""
    values = {
        "last_name": form.last_name.strip(),
        "first_names": " ".join(form.first_names.split()),
        "usage_name": form.usage_name.strip(),
        "sex": form.sex,
        "birth_date": form.birth_date,
        "ine": normalise_ine(form.ine),
        "email": form.email.strip(),
        "address": form.address.strip(),
        "postal_code": form.postal_code.strip(),
        "city": form.city.strip(),
        "boursier": form.boursier,
        "notes": form.notes,
    }
    changed: list[str] = []
    for name in _YOUTH_FIELDS:
        if getattr(youth, name) != values[name]:
            if not created:
                audit.record(
                    session,
                    "update",
                    "youth",
                    youth.id,
                    field=name,
                    old=getattr(youth, name),
                    new=values[name],
                )
            setattr(youth, name, values[name])
            changed.append(name)
    for name, raw in (("phone", form.phone), ("phone2", form.phone2)):
        phone = normalise_phone(raw)
        if getattr(youth, f"{name}_raw") != phone.raw:
            if not created:
                audit.record(
                    session,
                    "update",
                    "youth",
                    youth.id,
                    field=name,
                    old=getattr(youth, f"{name}_raw"),
                    new=phone.raw,
                )
            setattr(youth, name, phone.normalised)
            setattr(youth, f"{name}_raw", phone.raw)
            changed.append(name)
    schooling = youth.schooling
    for name in _SCHOOLING_FIELDS:
        value = getattr(form, name).strip() if name in ("speciality", "division") else getattr(form, name)
        if getattr(schooling, name) != value:
            if not created:
                audit.record(
                    session, "update", "youth", youth.id, field=name, old=getattr(schooling, name), new=value
                )
            setattr(schooling, name, value)
            changed.append(name)
    return changed


def _replace_representatives(youth: Youth, forms: list[RepresentativeForm]) -> bool:
    current = [
        (
            r.last_name,
            r.first_name,
            r.link,
            r.is_legal,
            r.phone_raw,
            r.email,
            r.address,
            r.postal_code,
            r.city,
        )
        for r in youth.representatives
    ]
    wanted = [
        (
            f.last_name.strip(),
            f.first_name.strip(),
            f.link,
            f.is_legal,
            f.phone.strip(),
            f.email.strip(),
            f.address.strip(),
            f.postal_code.strip(),
            f.city.strip(),
        )
        for f in forms
    ]
    if current == wanted:
        return False
    youth.representatives.clear()
    for rank, (last, first, link, legal, phone_raw, email, address, postal, city) in enumerate(
        wanted, start=1
    ):
        phone = normalise_phone(phone_raw)
        youth.representatives.append(
            LegalRepresentative(
                rank=rank,
                last_name=last,
                first_name=first,
                link=link,
                is_legal=legal,
                phone=phone.normalised,
                phone_raw=phone.raw,
                email=email,
                address=address,
                postal_code=postal,
                city=city,
            )
        )
    return True
