"""Who a mass contact reaches and the records it writes: the youths of a list (a worklist by its command-line
name, a class, the whole campaign), their contact lines, their information letters and the referent to call.

Read-only queries; the operations of `core/operations/mass_contact.py` write the files and the audit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pae_desktop.core.contact_records import ContactLine, LetterRecord, Referent
from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import is_minor, normalise_phone, phone_e164
from pae_desktop.core.models import Campaign, OriginalSchooling, Youth
from pae_desktop.core.scheme import scheme_of
from pae_desktop.core.services.document_records import in_name_order, youth_identity
from pae_desktop.core.vocabulary import PersonRole
from pae_desktop.core.worklist import Worklist, worklist_by_slug

# --- who a list holds -------------------------------------------------------------------------------------------


def list_names() -> str:
    """The lists' command-line names, for a French message."""
    return ", ".join(worklist.slug for worklist in Worklist)


def require_worklist(name: str) -> Worklist:
    """The worklist of command-line name `name`, or the French refusal naming the lists."""
    worklist = worklist_by_slug(name)
    if worklist is None:
        raise UserError(f"Liste inconnue : « {name} ». Listes : {list_names()}.")
    return worklist


def _still_here(campaign_id: int):
    return select(Youth.id).where(
        Youth.campaign_id == campaign_id, Youth.anonymised_at.is_(None), Youth.left_school_on.is_(None)
    )


def list_youths(
    session: Session,
    campaign_id: int,
    *,
    worklist: str | None = None,
    division: str | None = None,
    today: dt.date | None = None,
) -> list[int]:
    """The youths a mass contact reaches, in the list's order: a worklist (its command-line name, as the home
    screen counts it on `today`), a class, or else every youth of the campaign still at school (by name)."""
    if worklist:
        from pae_desktop.core.services.worklists import worklist_items

        chosen = require_worklist(worklist)
        now = dt.datetime.combine(today, dt.time(23, 59)) if today else None
        return [item.youth_id for item in worklist_items(session, campaign_id, chosen, today, now)]
    query = _still_here(campaign_id)
    if division:
        query = query.join(OriginalSchooling, OriginalSchooling.youth_id == Youth.id).where(
            OriginalSchooling.division == division
        )
    return in_name_order(session, session.scalars(query))


def youths_for_letters(session: Session, campaign: Campaign) -> list[int]:
    """Who `document courrier --all` writes to: every youth of the campaign still at school, by name."""
    return list_youths(session, campaign.id)


def can_receive_letter(session: Session, youth_id: int) -> bool:
    """The same, for one youth: not anonymised and still at school."""
    youth = session.get(Youth, youth_id)
    return youth is not None and youth.anonymised_at is None and youth.left_school_on is None


def _youths(session: Session, youth_ids: Sequence[int]) -> list[Youth]:
    """The youths of `youth_ids` in that order (representatives and schooling loaded); the anonymised refused."""
    found = {
        youth.id: youth
        for youth in session.scalars(
            select(Youth)
            .where(Youth.id.in_(list(youth_ids)))
            .options(selectinload(Youth.representatives), selectinload(Youth.schooling))
        )
    }
    missing = [i for i in youth_ids if i not in found or found[i].anonymised_at is not None]
    if missing:
        raise UserError(
            f"{len(missing)} jeune{'s' if len(missing) > 1 else ''} de la liste n'existe{'nt' if len(missing) > 1 else ''}"
            " plus dans la base (supprimé ou anonymisé entre-temps) : rechargez la liste."
        )
    return [found[i] for i in dict.fromkeys(youth_ids)]


# --- the contact list --------------------------------------------------------------------------------------------


def _phone(normalised: str, raw: str) -> tuple[str, str, bool]:
    """(national form, E.164, mobile) of a recorded number; empty when it is unreadable."""
    phone = normalise_phone(normalised or raw)
    return phone.normalised, phone_e164(phone.normalised), phone.mobile


def contact_line(youth: Youth, today: dt.date) -> ContactLine:
    """One youth's line: their best number (a mobile first), e-mail, and for a minor a legal representative."""
    numbers = [_phone(youth.phone, youth.phone_raw), _phone(youth.phone2, youth.phone2_raw)]
    usable = [number for number in numbers if number[0]]
    usable.sort(key=lambda number: not number[2])  # a mobile first
    phone, e164, mobile = usable[0] if usable else ("", "", False)
    invalid = "" if usable else (youth.phone_raw or youth.phone2_raw or "").strip()
    minor = is_minor(youth.birth_date, today)
    rep_name = rep_phone = rep_e164 = ""
    rep_mobile = False
    if minor:
        legal = [rep for rep in youth.representatives if rep.is_legal]
        reached = [(rep, _phone(rep.phone, rep.phone_raw)) for rep in legal]
        with_phone = [(rep, number) for rep, number in reached if number[0]]
        chosen = (with_phone or reached or [(None, ("", "", False))])[0]
        if chosen[0] is not None:
            rep_name = chosen[0].full_name
            rep_phone, rep_e164, rep_mobile = chosen[1]
    first = youth.first_names.split(" ")[0] if youth.first_names else ""
    return ContactLine(
        youth.id,
        youth.pseudonym,
        youth.last_name,
        first,
        youth.schooling.division if youth.schooling else "",
        minor,
        phone,
        e164,
        mobile,
        (youth.email or "").strip(),
        rep_name,
        rep_phone,
        rep_e164,
        rep_mobile,
        invalid,
    )


def contact_lines(session: Session, youth_ids: Sequence[int], today: dt.date | None = None) -> list[ContactLine]:
    """The contact lines of `youth_ids`, in that order (minority on `today`)."""
    today = today or dt.date.today()
    return [contact_line(youth, today) for youth in _youths(session, youth_ids)]


# --- the letter -------------------------------------------------------------------------------------------------


def referent_of(session: Session) -> Referent:
    """The referent the letter names: the staff member the workstation is set to, else the directory's first
    «Référent décrochage scolaire» of the school; their phone and e-mail, else the school's."""
    from pae_desktop.core.services.document_records import school_referent
    from pae_desktop.core.services.school import get_school

    school = get_school(session)
    person = school_referent(session)
    school_phone = school.phone if school else ""
    school_email = school.email if school else ""
    if person is None:
        return Referent(phone=school_phone, email=school_email)
    return Referent(
        f"{person.first_name} {person.last_name.upper()}".strip(),
        PersonRole.label_of(person.role) or PersonRole.RDS.label,
        person.phone or school_phone,
        person.email or school_email,
    )


def letter_record(
    session: Session, youth_id: int, source_id: int | None = None, today: dt.date | None = None
) -> LetterRecord:
    """The information letter of one youth (the print operation's record builder); minority on `today`."""
    from pae_desktop.core.services.school import get_school

    today = today or dt.date.today()
    youth = _youths(session, [youth_id])[0]
    campaign = youth.campaign
    school = get_school(session)
    return LetterRecord(
        youth=youth_identity(youth),
        scheme=scheme_of(campaign),
        school_name=school.name if school else "",
        division=youth.schooling.division if youth.schooling else "",
        minor=is_minor(youth.birth_date, today),
        rentree=campaign.rentree,
        interview_deadline=campaign.interview_deadline,
        referent=referent_of(session),
    )
