"""The contact campaign: contact attempts, information actions, exam results, and the home screen's worklists.

The stage of a case is never stored: it is derived from the facts recorded here (`core.stage`). The
worklists load the campaign's facts in a handful of queries (`facts.load_facts`) and derive every stage once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pae_desktop.core import audit, settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import normalise_ine
from pae_desktop.core.models import (
    Campaign,
    ContactAttempt,
    InformationAction,
    InformationTarget,
    OriginalSchooling,
    Youth,
)
from pae_desktop.core.phase1 import classes_to_watch
from pae_desktop.core.services.facts import load_facts
from pae_desktop.core.stage import consecutive_failures, derive_stage
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import (
    FAILED_CONTACT_RESULTS,
    ContactChannel,
    ContactResult,
    ExamResult,
    InformationKind,
    NextStep,
    Stage,
)
from pae_desktop.core.worklist import WorkItem, Worklist, Worklists

MAX_NOTE = 10_000
FUTURE_TOLERANCE = dt.timedelta(minutes=10)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(second=0, microsecond=0)


def unreachable_after(session: Session) -> int:
    return int(settings.get(session, settings.UNREACHABLE_AFTER))


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


@dataclass(frozen=True, slots=True)
class AttemptResult:
    attempt_id: int
    stage_before: Stage
    stage: Stage
    failures: int  # consecutive failed attempts since the last success

    @property
    def became_unreachable(self) -> bool:
        return self.stage is Stage.INJOIGNABLE and self.stage_before is not Stage.INJOIGNABLE


def _stage(session: Session, youth: Youth, on: dt.date) -> tuple[Stage, int]:
    facts, _ = load_facts(session, youth.campaign_id, [youth.id])
    case = facts[youth.id]
    return derive_stage(case, on, unreachable_after(session)), consecutive_failures(
        [a for a in case.attempts if a.at.date() <= on]
    )


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
        at=form.at.replace(second=0, microsecond=0),
        channel=form.channel,
        result=form.result,
        next_step=form.next_step or "",
        next_date=form.next_date if form.next_step == NextStep.A_RELANCER else None,
        note=form.note.strip(),
        staff_id=staff_id if staff_id is not None else settings.get(session, settings.CURRENT_STAFF_ID),
    )
    session.add(attempt)
    session.flush()
    audit.record(session, "create", "contact_attempt", attempt.id, detail=f"jeune {youth.id}")
    after, failures = _stage(session, youth, today)
    return AttemptResult(attempt.id, before, after, failures)


def update_attempt(
    session: Session, attempt_id: int, form: AttemptForm, now: dt.datetime | None = None
) -> None:
    problems = form.errors(now)
    if problems:
        raise UserError("\n".join(problems.values()))
    attempt = session.get(ContactAttempt, attempt_id)
    if attempt is None:
        raise UserError("Cette tentative de contact n'existe plus.")
    attempt.at = form.at.replace(second=0, microsecond=0)
    attempt.channel = form.channel
    attempt.result = form.result
    attempt.next_step = form.next_step or ""
    attempt.next_date = form.next_date if form.next_step == NextStep.A_RELANCER else None
    attempt.note = form.note.strip()
    audit.record(session, "update", "contact_attempt", attempt.id, detail=f"jeune {attempt.youth_id}")


def delete_attempt(session: Session, attempt_id: int) -> None:
    attempt = session.get(ContactAttempt, attempt_id)
    if attempt is None:
        return
    audit.record(session, "delete", "contact_attempt", attempt.id, detail=f"jeune {attempt.youth_id}")
    session.delete(attempt)


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
        )
        .where(ContactAttempt.youth_id == youth_id)
        .order_by(ContactAttempt.at.desc(), ContactAttempt.id.desc())
    )
    return [
        AttemptRow(
            i, at, channel, result, step or "", next_date, note or "", result in FAILED_CONTACT_RESULTS
        )
        for i, at, channel, result, step, next_date, note in rows
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
) -> list[int]:
    """One information action for whole classes (one per class) and/or a selection of youths, in one step."""
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
    return [action.id for action in created]


@dataclass(frozen=True, slots=True)
class InformationRow:
    id: int
    on: dt.date
    kind: str
    target: str  # «Classe TMELEC» or «3 jeunes»
    note: str

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
    for action_id, on, kind, division, note in session.execute(query.order_by(InformationAction.on.desc())):
        target = f"Classe {division}" if division else f"{counts.get(action_id, 0)} jeune(s)"
        rows.append(InformationRow(action_id, on, kind, target, note or ""))
    return rows


def delete_information(session: Session, action_id: int) -> None:
    action = session.get(InformationAction, action_id)
    if action is None:
        return
    audit.record(session, "delete", "information_action", action.id)
    session.delete(action)


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


# --- exam results ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultRow:
    youth_id: int
    name: str
    division: str
    diploma: str
    exam_result: str
    search_key: str


def class_results(session: Session, campaign_id: int, division: str | None = None) -> list[ResultRow]:
    """The youths of a class (all classes when `division` is None) with their exam result, for the quick grid."""
    query = (
        select(
            Youth.id,
            Youth.last_name,
            Youth.first_names,
            OriginalSchooling.division,
            OriginalSchooling.diploma,
            OriginalSchooling.exam_result,
            Youth.search_key,
        )
        .outerjoin(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
        .where(Youth.campaign_id == campaign_id, Youth.anonymised_at.is_(None))
    )
    if division is not None:
        query = query.where(OriginalSchooling.division == division)
    rows = [
        ResultRow(
            i, f"{last.upper()} {first}".strip(), div or "", dip or "", res or ExamResult.INCONNU.value, key
        )
        for i, last, first, div, dip, res, key in session.execute(query)
    ]
    return sorted(rows, key=lambda r: (fold(r.division), fold(r.name)))


def save_exam_results(session: Session, campaign_id: int, results: Mapping[int, str]) -> int:
    """Set exam results ({youth id: ExamResult code}); returns how many changed. Refused whole on a bad code."""
    bad = [code for code in results.values() if ExamResult.from_code(code) is None]
    if bad:
        raise UserError(f"Résultat d'examen inconnu : {', '.join(sorted(set(map(str, bad))))}.")
    if not results:
        return 0
    schooling = {
        youth_id: (s_id, current)
        for youth_id, s_id, current in session.execute(
            select(Youth.id, OriginalSchooling.id, OriginalSchooling.exam_result)
            .outerjoin(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
            .where(Youth.id.in_(list(results)), Youth.campaign_id == campaign_id)
        )
    }
    missing = set(results) - set(schooling)
    if missing:
        raise UserError("Certains jeunes n'appartiennent pas à cette campagne : rien n'a été enregistré.")
    changed = 0
    for youth_id, code in results.items():
        schooling_id, current = schooling[youth_id]
        if current == code:
            continue
        if schooling_id is None:
            session.add(OriginalSchooling(youth_id=youth_id, exam_result=code))
        else:
            session.get(OriginalSchooling, schooling_id).exam_result = code
        audit.record(session, "update", "youth", youth_id, field="exam_result", old=current or "", new=code)
        changed += 1
    session.flush()
    return changed


_RESULT_WORDS = {
    "admis": ExamResult.ADMIS,
    "admise": ExamResult.ADMIS,
    "recu": ExamResult.ADMIS,
    "reçu": ExamResult.ADMIS,
    "a": ExamResult.ADMIS,
    "ajourne": ExamResult.AJOURNE,
    "ajournee": ExamResult.AJOURNE,
    "refuse": ExamResult.AJOURNE,
    "refusee": ExamResult.AJOURNE,
    "echec": ExamResult.AJOURNE,
    "non admis": ExamResult.AJOURNE,
    "absent": ExamResult.ABSENT,
    "absente": ExamResult.ABSENT,
    "abs": ExamResult.ABSENT,
    "en attente": ExamResult.EN_ATTENTE,
    "attente": ExamResult.EN_ATTENTE,
    "non renseigne": ExamResult.INCONNU,
    "": ExamResult.INCONNU,
}


def exam_result_of(value: str) -> ExamResult | None:
    """A result as a jury list spells it («Admis», «ADMISE», «Ajourné(e)», «Refusé», «Absent»…)."""
    text = " ".join(fold(value).replace("(", " ").replace(")", " ").replace("-", " ").split())
    if text in _RESULT_WORDS:
        return _RESULT_WORDS[text]
    for code in ExamResult:
        if text in (code.value.lower(), fold(code.label)):
            return code
    if text.startswith("admis"):  # «Admis mention bien», «Admis (e)»
        return ExamResult.ADMIS
    if text.startswith("ajourne"):
        return ExamResult.AJOURNE
    return None


RESULT_HEADERS = (
    "Résultat",
    "Résultat examen",
    "Résultat à l'examen",
    "Décision",
    "Décision du jury",
    "Resultat",
)


@dataclass
class ResultsImport:
    """Results read from a spreadsheet, matched to the campaign's youths; nothing written yet."""

    matched: dict[int, str] = field(default_factory=dict)  # youth id → ExamResult code
    names: dict[int, str] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)  # «ligne 12 : DUPONT Léa»
    unreadable: list[str] = field(default_factory=list)  # «ligne 13 : “Mention”»


def results_from_table(
    session: Session, campaign_id: int, table, mapping: Mapping[str, int] | None = None
) -> ResultsImport:
    """Match a results spreadsheet (INE, else name + birth date) to the campaign's youths."""
    from pae_desktop.core.services.census import name_key
    from pae_desktop.io.siecle import BadDate, parse_date
    from pae_desktop.io.spreadsheet import guess_mapping, normalise_header

    mapping = dict(mapping or guess_mapping(table.headers))
    if "result" not in mapping:
        wanted = {normalise_header(h) for h in RESULT_HEADERS}
        column = next((i for i, h in enumerate(table.headers) if normalise_header(h) in wanted), None)
        if column is not None:
            mapping["result"] = column
    if "result" not in mapping:
        raise UserError(f"Le fichier « {table.name} » n'a pas de colonne « Résultat ».")
    if "ine" not in mapping and not {"last_name", "first_name", "birth_date"} <= set(mapping):
        raise UserError(
            f"Le fichier « {table.name} » doit donner l'INE, ou le nom, le prénom et la date de naissance."
        )
    by_ine: dict[str, int] = {}
    by_name: dict[tuple, int] = {}
    names: dict[int, str] = {}
    for youth_id, ine, last, first, birth in session.execute(
        select(Youth.id, Youth.ine, Youth.last_name, Youth.first_names, Youth.birth_date).where(
            Youth.campaign_id == campaign_id, Youth.anonymised_at.is_(None)
        )
    ):
        names[youth_id] = f"{last.upper()} {first}".strip()
        if ine:
            by_ine[ine] = youth_id
        key = name_key(last, first, birth)
        if key is not None:
            by_name[key] = youth_id
    found = ResultsImport()
    for index, row in enumerate(table.rows):

        def cell(key: str, row=row) -> object:
            column = mapping.get(key)
            return row[column] if column is not None and column < len(row) else ""

        line = table.line_of(index)
        youth_id = by_ine.get(normalise_ine(str(cell("ine")))) if cell("ine") else None
        if youth_id is None:
            try:
                birth = parse_date(cell("birth_date"))
            except BadDate:
                birth = None
            key = name_key(str(cell("last_name")), str(cell("first_name")), birth)
            youth_id = by_name.get(key) if key is not None else None
        who = f"{str(cell('last_name')).upper()} {cell('first_name')}".strip() or str(cell("ine"))
        if youth_id is None:
            found.unmatched.append(f"ligne {line} : {who}")
            continue
        result = exam_result_of(str(cell("result")))
        if result is None:
            found.unreadable.append(f"ligne {line} : « {cell('result')} »")
            continue
        found.matched[youth_id] = result.value
        found.names[youth_id] = names[youth_id]
    return found


# --- the worklists of the home screen ------------------------------------------------------------------------------


PRE_INTERVIEW = frozenset({Stage.REPERE, Stage.INFORME, Stage.CONTACTE, Stage.INJOIGNABLE})


def _attempts_detail(count: int, failures: int) -> str:
    if count == 0:
        return "Jamais contacté(e)"
    if failures:
        return f"{failures} tentative{'s' if failures > 1 else ''} sans réponse"
    return f"{count} tentative{'s' if count > 1 else ''}"


def worklists(
    session: Session, campaign_id: int, today: dt.date | None = None, now: dt.datetime | None = None
) -> Worklists:
    """«À contacter», «À relancer aujourd'hui», «Injoignables», «Entretien à proposer», «Entretien à saisir»;
    during phase 1's school year, the classes with fewer than four workshops (of that year's campaign).

    Each youth sits in one list at most, in that order of urgency: a past slot to enter, a recontact due,
    then by stage. Youths who left the school or were anonymised are in none.
    """
    now = now or dt.datetime.now()
    today = today or now.date()
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise UserError("Cette campagne n'existe plus.")
    threshold = unreachable_after(session)
    facts, pending = load_facts(session, campaign_id)
    lists: dict[Worklist, list[WorkItem]] = {name: [] for name in Worklist}
    query = (
        select(
            Youth.id,
            Youth.last_name,
            Youth.first_names,
            Youth.phone,
            Youth.phone_raw,
            Youth.email,
            Youth.search_key,
            OriginalSchooling.division,
        )
        .outerjoin(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
        .where(
            Youth.campaign_id == campaign_id, Youth.anonymised_at.is_(None), Youth.left_school_on.is_(None)
        )
    )
    for youth_id, last, first, phone, phone_raw, email, key, division in session.execute(query):
        case = facts.get(youth_id)
        if case is None:
            continue
        stage = derive_stage(case, today, threshold)
        due = pending[youth_id]
        attempts = [a for a in case.attempts if a.at.date() <= today]
        failures = consecutive_failures(attempts)

        target: tuple[Worklist, str, dt.date | None] | None = None
        if stage is Stage.ENTRETIEN_PLANIFIE and due.next_slot is not None and due.next_slot < now:
            target = (
                Worklist.ENTRETIEN_A_SAISIR,
                f"Entretien du {due.next_slot:%d/%m à %Hh%M} à saisir",
                due.next_slot.date(),
            )
        elif stage in PRE_INTERVIEW and due.recontact_on is not None and due.recontact_on <= today:
            late = "" if due.recontact_on == today else f" (prévue le {due.recontact_on:%d/%m})"
            target = (Worklist.A_RELANCER, f"Relance{late}", due.recontact_on)
        elif stage is Stage.INJOIGNABLE:
            target = (
                Worklist.INJOIGNABLES,
                f"{failures} tentatives sans réponse",
                None,
            )
        elif due.recontact_on is not None and due.recontact_on > today and stage in PRE_INTERVIEW:
            target = None  # a recontact is planned: the youth comes back on that day
        elif stage is Stage.CONTACTE:
            target = (Worklist.ENTRETIEN_A_PROPOSER, "Joint(e) : proposer un créneau d'entretien", None)
        elif stage in (Stage.REPERE, Stage.INFORME):
            target = (Worklist.A_CONTACTER, _attempts_detail(len(attempts), failures), None)
        if target is None:
            continue
        name, detail, when = target
        lists[name].append(
            WorkItem(
                youth_id,
                f"{last.upper()} {first}".strip(),
                division or "",
                stage,
                phone or phone_raw,
                email,
                when,
                max((a.at for a in attempts), default=None),
                len(attempts),
                detail,
                key,
            )
        )
    folded: dict[
        str, str
    ] = {}  # a class name is folded once, a youth's name is its search key (already folded)

    def by_class(w: WorkItem) -> str:
        if w.division not in folded:
            folded[w.division] = fold(w.division)
        return folded[w.division]

    order = {
        Worklist.A_CONTACTER: lambda w: (by_class(w), w.search_key),
        Worklist.A_RELANCER: lambda w: (w.due or today, w.search_key),
        Worklist.INJOIGNABLES: lambda w: (w.last_attempt or now, w.search_key),
        Worklist.ENTRETIEN_A_PROPOSER: lambda w: (w.last_attempt or now, w.search_key),
        Worklist.ENTRETIEN_A_SAISIR: lambda w: (w.due or today, w.search_key),
    }
    return Worklists(
        today,
        campaign.interview_deadline,
        {name: tuple(sorted(items, key=order[name])) for name, items in lists.items()},
        campaign.latest_end,
        classes_to_watch(session, today),
    )
