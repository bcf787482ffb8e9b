"""Exam results: the quick grid of a class, and results read from a jury's spreadsheet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import normalise_ine
from pae_desktop.core.models import OriginalSchooling, Youth
from pae_desktop.core.operations import YOUTHS, Changes, changes
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import ExamResult


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


def save_exam_results(session: Session, campaign_id: int, results: Mapping[int, str]) -> Changes:
    """Set exam results ({youth id: ExamResult code}); the Changes' `count` says how many changed. Refused whole
    on a bad code or a youth of another campaign."""
    bad = [code for code in results.values() if ExamResult.from_code(code) is None]
    if bad:
        raise UserError(f"Résultat d'examen inconnu : {', '.join(sorted(set(map(str, bad))))}.")
    if not results:
        return changes()
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
    changed: list[int] = []
    for youth_id, code in results.items():
        schooling_id, current = schooling[youth_id]
        if current == code:
            continue
        if schooling_id is None:
            session.add(OriginalSchooling(youth_id=youth_id, exam_result=code))
        else:
            session.get(OriginalSchooling, schooling_id).exam_result = code
        audit.record(session, "update", "youth", youth_id, field="exam_result", old=current or "", new=code)
        changed.append(youth_id)
    session.flush()
    return changes(YOUTHS, ids={"youth": changed}, count=len(changed)) if changed else changes()


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
