"""The contact campaign: contact attempts and information actions (exam results and the home screen's
worklists live in `exam_results` and `worklists`, re-exported here).

The stage of a case is never stored: it is derived from the facts recorded here (`core.stage`). Each write is
one operation: it checks the version the form loaded, writes, audits and returns its `Changes`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pae_desktop.core import audit, settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    ContactAttempt,
    InformationAction,
    InformationTarget,
    OriginalSchooling,
    Youth,
)
from pae_desktop.core.operations import CONTACTS, YOUTHS, Changes, changes, load_for_update
from pae_desktop.core.operations.saved import Saved
from pae_desktop.core.services.exam_results import (  # noqa: F401 (their old home)
    RESULT_HEADERS,
    ResultRow,
    ResultsImport,
    class_results,
    exam_result_of,
    results_from_table,
    save_exam_results,
)
from pae_desktop.core.services.facts import load_facts
from pae_desktop.core.services.worklists import PRE_INTERVIEW, worklists  # noqa: F401 (their old home)
from pae_desktop.core.stage import consecutive_failures, derive_stage
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import (
    FAILED_CONTACT_RESULTS,
    ContactChannel,
    ContactResult,
    InformationKind,
    NextStep,
    Stage,
)
from pae_desktop.core.worklist import WorkItem, Worklist, Worklists  # noqa: F401 (re-exported)

MAX_NOTE = 10_000
FUTURE_TOLERANCE = dt.timedelta(minutes=10)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(second=0, microsecond=0)


def unreachable_after(session: Session) -> int:
    return settings.get(session, settings.UNREACHABLE_AFTER)


def _youth(session: Session, youth_id: int) -> Youth:
    youth = session.get(Youth, youth_id)
    if youth is None or youth.anonymised_at is not None:
        raise UserError("Ce jeune n'existe plus dans la base (supprimé ou anonymisé entre-temps).")
    return youth


def _note_error(note: str) -> str:
    if len(note) > MAX_NOTE:
        return f"La note est limitée à {MAX_NOTE} caractères."
    if "\x00" in note:
        return "La note contient un caractère nul : retapez-la."
    return ""


# --- contact attempts -------------------------------------------------------------------------------------------


@dataclass
class AttemptForm:
    """A contact attempt as the dialog edits it. `errors()` refuses the save."""

    at: dt.datetime
    channel: str = ContactChannel.TELEPHONE.value
    result: str = ContactResult.JOINT.value
    next_step: str = ""
    next_date: dt.date | None = None
    note: str = ""

    def errors(self, now: dt.datetime | None = None) -> dict[str, str]:
        now = now or dt.datetime.now()
        problems: dict[str, str] = {}
        if ContactChannel.from_code(self.channel) is None:
            problems["channel"] = "Choisissez le canal de la tentative."
        if ContactResult.from_code(self.result) is None:
            problems["result"] = "Choisissez le résultat de la tentative."
        if self.next_step and NextStep.from_code(self.next_step) is None:
            problems["next_step"] = "Suite inconnue."
        if self.at > now + FUTURE_TOLERANCE:
            problems["at"] = "La tentative est datée dans le futur : une tentative se note une fois faite."
        elif self.at.year < 2000:
            problems["at"] = "La date de la tentative est invalide."
        if self.next_step == NextStep.A_RELANCER:
            if self.next_date is None:
                problems["next_date"] = "Indiquez la date à laquelle relancer."
            elif self.next_date < self.at.date():
                problems["next_date"] = "La date de relance précède la tentative."
        if self.result == ContactResult.REFUS_ECHANGER and self.next_step == NextStep.ENTRETIEN_PROPOSE:
            problems["next_step"] = (
                "Un jeune qui refuse d'échanger ne peut pas s'être vu proposer un entretien."
            )
        if error := _note_error(self.note):
            problems["note"] = error
        return problems


def new_attempt_form(session: Session, youth_id: int, now: dt.datetime | None = None) -> AttemptForm:
    """Today's attempt, on the channel of the youth's previous one (the usual case: calling again)."""
    now = (now or _now()).replace(second=0, microsecond=0)
    previous = session.scalar(
        select(ContactAttempt.channel)
        .where(ContactAttempt.youth_id == youth_id)
        .order_by(ContactAttempt.at.desc())
        .limit(1)
    )
    return AttemptForm(at=now, channel=previous or ContactChannel.TELEPHONE.value)


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """One attempt of a youth's history, ready to show."""

    id: int
    at: dt.datetime
    channel: str
    result: str
    next_step: str
    next_date: dt.date | None
    note: str
    failed: bool
    version: int = 0

    @property
    def channel_label(self) -> str:
        return ContactChannel.label_of(self.channel)

    @property
    def result_label(self) -> str:
        return ContactResult.label_of(self.result)

    @property
    def next_step_label(self) -> str:
        if self.next_step == NextStep.A_RELANCER and self.next_date is not None:
            return f"À relancer le {self.next_date:%d/%m/%Y}"
        return NextStep.label_of(self.next_step)


ATTEMPT_GONE = "Cette tentative de contact n'existe plus (supprimée entre-temps)."
ATTEMPT_TOPICS = (CONTACTS, YOUTHS)  # an attempt moves the stage: the caseload and the worklists follow


@dataclass(frozen=True)
class AttemptResult(Saved):
    """The `Changes` of a saved attempt, with the youth's stage before and after it."""

    stage_before: Stage = Stage.REPERE
    stage: Stage = Stage.REPERE
    failures: int = 0  # consecutive failed attempts since the last success

    @property
    def attempt_id(self) -> int:
        return self.id

    @property
    def became_unreachable(self) -> bool:
        return self.stage is Stage.INJOIGNABLE and self.stage_before is not Stage.INJOIGNABLE


def _stage(session: Session, youth: Youth, on: dt.date) -> tuple[Stage, int]:
    facts, _ = load_facts(session, youth.campaign_id, [youth.id])
    case = facts[youth.id]
    return derive_stage(case, on, unreachable_after(session)), consecutive_failures(
        [a for a in case.attempts if a.at.date() <= on]
    )


def _attempt_result(session: Session, attempt: ContactAttempt, before: Stage, on: dt.date) -> AttemptResult:
    session.flush()
    after, failures = _stage(session, _youth(session, attempt.youth_id), on)
    return AttemptResult(
        topics=frozenset(ATTEMPT_TOPICS),
        ids={"contact_attempt": (attempt.id,)},
        versions={"contact_attempt": attempt.version},
        id=attempt.id,
        version=attempt.version,
        stage_before=before,
        stage=after,
        failures=failures,
    )


def _write_attempt(attempt: ContactAttempt, form: AttemptForm) -> None:
    attempt.at = form.at.replace(second=0, microsecond=0)
    attempt.channel = form.channel
    attempt.result = form.result
    attempt.next_step = form.next_step or ""
    attempt.next_date = form.next_date if form.next_step == NextStep.A_RELANCER else None
    attempt.note = form.note.strip()


def record_attempt(
    session: Session,
    youth_id: int,
    form: AttemptForm,
    staff_id: int | None = None,
    now: dt.datetime | None = None,
) -> AttemptResult:
    """Save a contact attempt; refused whole (UserError) when the form has errors."""
    problems = form.errors(now)
    if problems:
        raise UserError("\n".join(problems.values()))
    youth = _youth(session, youth_id)
    today = max((now or dt.datetime.now()).date(), form.at.date())
    before, _ = _stage(session, youth, today)
    attempt = ContactAttempt(
        youth_id=youth.id,
        staff_id=staff_id if staff_id is not None else settings.get(session, settings.CURRENT_STAFF_ID),
    )
    _write_attempt(attempt, form)
    session.add(attempt)
    session.flush()
    audit.record(session, "create", "contact_attempt", attempt.id, detail=f"jeune {youth.id}")
    return _attempt_result(session, attempt, before, today)


def record_attempts(
    session: Session,
    campaign_id: int,
    youth_ids: Iterable[int],
    form: AttemptForm,
    staff_id: int | None = None,
    now: dt.datetime | None = None,
) -> Changes:
    """The same attempt for several youths of a campaign at once (a letter, a SMS sent to a whole list), one
    row and one audit event each; refused whole when the form has errors or a youth is not of the campaign."""
    problems = form.errors(now)
    if problems:
        raise UserError("\n".join(problems.values()))
    ids = list(dict.fromkeys(youth_ids))
    found = set(
        session.scalars(
            select(Youth.id).where(
                Youth.id.in_(ids), Youth.campaign_id == campaign_id, Youth.anonymised_at.is_(None)
            )
        )
    )
    if not ids or len(found) != len(ids):
        raise UserError("Certains jeunes choisis n'appartiennent pas à cette campagne.")
    staff_id = staff_id if staff_id is not None else settings.get(session, settings.CURRENT_STAFF_ID)
    attempts = []
    for youth_id in ids:
        attempt = ContactAttempt(youth_id=youth_id, staff_id=staff_id)
        _write_attempt(attempt, form)
        attempts.append(attempt)
    session.add_all(attempts)
    session.flush()
    for attempt in attempts:
        audit.record(session, "create", "contact_attempt", attempt.id, detail=f"jeune {attempt.youth_id}")
    return changes(*ATTEMPT_TOPICS, ids={"contact_attempt": [a.id for a in attempts]}, count=len(attempts))


def update_attempt(
    session: Session,
    attempt_id: int,
    form: AttemptForm,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> AttemptResult:
    """Correct an attempt the user loaded at `version`; refused whole when the form has errors or the attempt
    was changed or deleted since (the conflict message)."""
    problems = form.errors(now)
    if problems:
        raise UserError("\n".join(problems.values()))
    attempt = load_for_update(session, ContactAttempt, attempt_id, version, ATTEMPT_GONE)
    today = max((now or dt.datetime.now()).date(), form.at.date())
    before, _ = _stage(session, _youth(session, attempt.youth_id), today)
    _write_attempt(attempt, form)
    audit.record(session, "update", "contact_attempt", attempt.id, detail=f"jeune {attempt.youth_id}")
    return _attempt_result(session, attempt, before, today)


def delete_attempt(session: Session, attempt_id: int, version: int | None = None) -> Changes:
    """Delete an attempt recorded by mistake (the contact dialog's «Supprimer», after a confirmation)."""
    attempt = load_for_update(session, ContactAttempt, attempt_id, version, ATTEMPT_GONE)
    audit.record(session, "delete", "contact_attempt", attempt.id, detail=f"jeune {attempt.youth_id}")
    session.delete(attempt)
    session.flush()
    return changes(*ATTEMPT_TOPICS, ids={"contact_attempt": [attempt_id]})


def attempt_form(attempt: ContactAttempt) -> AttemptForm:
    return AttemptForm(
        at=attempt.at,
        channel=attempt.channel,
        result=attempt.result,
        next_step=attempt.next_step,
        next_date=attempt.next_date,
        note=attempt.note,
    )


def attempt_history(session: Session, youth_id: int) -> list[AttemptRow]:
    """The youth's attempts, latest first."""
    rows = session.execute(
        select(
            ContactAttempt.id,
            ContactAttempt.at,
            ContactAttempt.channel,
            ContactAttempt.result,
            ContactAttempt.next_step,
            ContactAttempt.next_date,
            ContactAttempt.note,
            ContactAttempt.version,
        )
        .where(ContactAttempt.youth_id == youth_id)
        .order_by(ContactAttempt.at.desc(), ContactAttempt.id.desc())
    )
    return [
        AttemptRow(
            i, at, channel, result, step or "", next_date, note or "", result in FAILED_CONTACT_RESULTS, version
        )
        for i, at, channel, result, step, next_date, note, version in rows
    ]


@dataclass(frozen=True, slots=True)
class ContactCard:
    """What the contact dialog shows above the form: who, how to reach them, where the case stands."""

    youth_id: int
    name: str
    division: str
    phones: tuple[str, ...]
    email: str
    representatives: tuple[str, ...]
    stage: Stage
    failures: int
    unreachable_after: int


def contact_card(session: Session, youth_id: int, today: dt.date | None = None) -> ContactCard:
    youth = _youth(session, youth_id)
    stage, failures = _stage(session, youth, today or dt.date.today())
    phones = tuple(p for p in (youth.phone or youth.phone_raw, youth.phone2 or youth.phone2_raw) if p)
    reps = tuple(
        f"{rep.full_name}" + (f" : {rep.phone or rep.phone_raw}" if rep.phone or rep.phone_raw else "")
        for rep in youth.representatives
    )
    first = youth.first_names.split(" ")[0] if youth.first_names else ""
    return ContactCard(
        youth.id,
        f"{youth.last_name.upper()} {first}".strip(),
        youth.schooling.division if youth.schooling else "",
        phones,
        youth.email,
        reps,
        stage,
        failures,
        unreachable_after(session),
    )


# --- information actions ----------------------------------------------------------------------------------------


@dataclass
class InformationForm:
    on: dt.date
    kind: str = InformationKind.INFORMATION_COLLECTIVE.value
    note: str = ""

    def errors(self, today: dt.date | None = None) -> dict[str, str]:
        today = today or dt.date.today()
        problems: dict[str, str] = {}
        if InformationKind.from_code(self.kind) is None:
            problems["kind"] = "Choisissez le type d'action d'information."
        if self.on > today:
            problems["on"] = "L'action d'information est datée dans le futur : notez-la une fois faite."
        if error := _note_error(self.note):
            problems["note"] = error
        return problems


def record_information(
    session: Session,
    campaign_id: int,
    form: InformationForm,
    *,
    divisions: Iterable[str] = (),
    youth_ids: Iterable[int] = (),
    today: dt.date | None = None,
) -> Changes:
    """One information action for whole classes (one per class) and/or a selection of youths, in one step;
    the `Changes` name the actions created."""
    problems = form.errors(today)
    divisions = sorted({d.strip() for d in divisions if d and d.strip()})
    youth_ids = sorted(set(youth_ids))
    if not divisions and not youth_ids:
        problems["targets"] = "Choisissez au moins une classe ou un jeune."
    if problems:
        raise UserError("\n".join(problems.values()))
    known = set(class_names(session, campaign_id))
    unknown = [d for d in divisions if d not in known]
    if unknown:
        raise UserError(f"Classe inconnue dans cette campagne : {', '.join(unknown)}.")
    if youth_ids:
        found = set(
            session.scalars(select(Youth.id).where(Youth.id.in_(youth_ids), Youth.campaign_id == campaign_id))
        )
        if len(found) != len(youth_ids):
            raise UserError("Certains jeunes choisis n'appartiennent pas à cette campagne.")
    created = []
    for division in divisions:
        action = InformationAction(
            campaign_id=campaign_id, on=form.on, kind=form.kind, division=division, note=form.note.strip()
        )
        session.add(action)
        created.append(action)
    if youth_ids:
        action = InformationAction(
            campaign_id=campaign_id, on=form.on, kind=form.kind, note=form.note.strip()
        )
        action.targets = [InformationTarget(youth_id=y) for y in youth_ids]
        session.add(action)
        created.append(action)
    session.flush()
    for action in created:
        audit.record(
            session,
            "create",
            "information_action",
            action.id,
            detail=f"classe {action.division}" if action.division else f"{len(action.targets)} jeune(s)",
        )
    return changes(*ATTEMPT_TOPICS, ids={"information_action": [action.id for action in created]})


@dataclass(frozen=True, slots=True)
class InformationRow:
    id: int
    on: dt.date
    kind: str
    target: str  # «Classe TMELEC» or «3 jeunes»
    note: str
    version: int = 0

    @property
    def kind_label(self) -> str:
        return InformationKind.label_of(self.kind)


def information_actions(
    session: Session, campaign_id: int, youth_id: int | None = None
) -> list[InformationRow]:
    """The campaign's information actions (those reaching one youth, or their class, when `youth_id` is given)."""
    counts = dict(
        session.execute(
            select(InformationTarget.action_id, func.count())
            .join(InformationAction, InformationAction.id == InformationTarget.action_id)
            .where(InformationAction.campaign_id == campaign_id)
            .group_by(InformationTarget.action_id)
        ).all()
    )
    query = select(
        InformationAction.id,
        InformationAction.on,
        InformationAction.kind,
        InformationAction.division,
        InformationAction.note,
        InformationAction.version,
    ).where(InformationAction.campaign_id == campaign_id)
    if youth_id is not None:
        division = session.scalar(
            select(OriginalSchooling.division).where(OriginalSchooling.youth_id == youth_id)
        )
        targeted = select(InformationTarget.action_id).where(InformationTarget.youth_id == youth_id)
        query = query.where(
            InformationAction.id.in_(targeted)
            | ((InformationAction.division == (division or "")) & (InformationAction.division != ""))
        )
    rows = []
    ordered = query.order_by(InformationAction.on.desc(), InformationAction.id.desc())
    for action_id, on, kind, division, note, version in session.execute(ordered):
        target = f"Classe {division}" if division else f"{counts.get(action_id, 0)} jeune(s)"
        rows.append(InformationRow(action_id, on, kind, target, note or "", version))
    return rows


def delete_information(session: Session, action_id: int, version: int | None = None) -> Changes:
    """Delete an information action recorded by mistake (the youths it reached may go back to «Repéré(e)»);
    refused when it changed or went since the user saw it at `version`."""
    action = load_for_update(
        session, InformationAction, action_id, version, "Cette action d'information n'existe plus."
    )
    audit.record(
        session,
        "delete",
        "information_action",
        action.id,
        detail=f"classe {action.division}" if action.division else f"{len(action.targets)} jeune(s)",
    )
    session.delete(action)
    session.flush()
    return changes(*ATTEMPT_TOPICS, ids={"information_action": [action_id]})


def class_names(session: Session, campaign_id: int) -> list[str]:
    return [name for name, _count in class_counts(session, campaign_id)]


def class_counts(session: Session, campaign_id: int) -> list[tuple[str, int]]:
    """The campaign's classes with their number of youths, in name order."""
    rows = session.execute(
        select(OriginalSchooling.division, func.count())
        .join(Youth, Youth.id == OriginalSchooling.youth_id)
        .where(
            Youth.campaign_id == campaign_id, OriginalSchooling.division != "", Youth.anonymised_at.is_(None)
        )
        .group_by(OriginalSchooling.division)
    ).all()
    return sorted(((d, n) for d, n in rows), key=lambda r: fold(r[0]))


