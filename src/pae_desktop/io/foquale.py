"""The PAE-FOQUALE exchange file (specs/foquale-csv-v1.md): writer, and reader that reports every problem."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import operator
import os
import re
import tempfile
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pae_desktop.core.errors import UserError
from pae_desktop.core.foquale_spec import COLUMNS, NOMINATIVE_COLUMNS, PHASE1_COLUMNS
from pae_desktop.core.identity import uai_error
from pae_desktop.core.vocabulary import (
    EXIT_DETAILS,
    Decision,
    Diploma,
    ExamResult,
    ExitCategory,
    ModuleType,
    Role,
)

BOM = "\ufeff"
SEPARATOR = ";"
CRLF = "\r\n"

# Spec §2 «required» column: present in the header (whether the value may be empty is said per column).
REQUIRED: tuple[str, ...] = (
    "uai",
    "campagne",
    "id_jeune",
    "sexe",
    "annee_naissance",
    "diplome_prepare",
    "resultat_examen",
    "informe",
    "nb_tentatives_contact",
    "contacte",
    "entretien_accepte",
    "entretien_realise",
    "date_entretien",
    "ml_presente",
    "mission_locale",
    "decision",
    "date_debut_parcours",
    "nb_modules",
    "partenarial",
    "jours_pfmp",
    "abandon",
    "sortie",
    "date_limite_entretiens",
)
# Text columns 4–9, 13, 14, 24, 27 and 37 get the spreadsheet formula protection (spec §1), and so does
# version 1.1's `dispositif` (42): a name the school types, like them. It is safe for any reader: one leading
# `'` is removed only before the characters that called for it, so an unprotected name reads the same.
PROTECTED: tuple[str, ...] = (
    "ine",
    "nom",
    "prenom",
    "date_naissance",
    "telephone",
    "email",
    "specialite",
    "division",
    "mission_locale",
    "motif_refus",
    "motif_abandon",
    "dispositif",
)
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_MAY_NEED_PROTECTION = frozenset(_DANGEROUS) | {"'"}  # first characters worth asking `needs_protection` about

_YES_NO = ("informe", "contacte", "entretien_accepte", "entretien_realise", "ml_presente", "partenarial", "abandon")
_COUNTS = ("nb_tentatives_contact", "nb_modules", "jours_pfmp")
_DATES = (
    "date_naissance",
    "date_premier_contact",
    "date_entretien",
    "date_debut_parcours",
    "date_fin_prevue",
    "date_abandon",
    "date_sortie",
    "date_limite_entretiens",
)
_PHASE1_COUNTS = ("ateliers_avenirpro", "evenements_avenirpro")
_SHARED = ("uai", "campagne", "date_limite_entretiens")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID_JEUNE = re.compile(r"^[0-9a-f]{16}$")
_YEAR = re.compile(r"\d{4}")
_MEF = re.compile(r"\d{10,11}")
_DIPLOMAS = frozenset(d.value for d in Diploma)
_RESULTS = frozenset(r.value for r in ExamResult)
_DECISIONS = frozenset(d.value for d in Decision)
_ROLES = tuple(r.value for r in Role)
_MODULES = tuple(m.value for m in ModuleType)


# --- writing ----------------------------------------------------------------------------------------------


def needs_protection(value: str) -> bool:
    """Begins with `=`, `+`, `-`, `@`, a tab, a CR, or with `'` followed by one of those (spec §1)."""
    return value.startswith(_DANGEROUS) or (value.startswith("'") and value[1:2] != "" and value[1] in _DANGEROUS)


def protect(value: str) -> str:
    """One more leading `'` on a value a spreadsheet would read as a formula (spec §1)."""
    return "'" + value if needs_protection(value) else value


def unprotect(value: str) -> str:
    """Remove the one leading `'` that `protect` added: a `'` followed by what needs protection (spec §1)."""
    return value[1:] if value.startswith("'") and needs_protection(value[1:]) else value


_NEEDS_QUOTES = re.compile(r'[;"\r\n]')


def quote(value: str) -> str:
    """RFC 4180: a field holding `;`, `"`, CR or LF is enclosed in `"`, with inner `"` doubled."""
    if _NEEDS_QUOTES.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def encode(rows: Iterable[Mapping[str, str]], blank: Iterable[str] = ()) -> bytes:
    """The whole file: BOM, header, one CRLF-terminated line per row, UTF-8; the `blank` columns left empty.

    The csv module's minimal quoting is exactly RFC 4180's rule of spec §1 (`;`, `"`, CR or LF): a test
    holds it to `quote`.
    """
    buffer = io.StringIO(newline="")
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=SEPARATOR, quotechar='"', lineterminator=CRLF, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    guarded = [index for index, column in enumerate(COLUMNS) if column in PROTECTED]
    blank = set(blank)
    blanked = [index for index, column in enumerate(COLUMNS) if column in blank]
    getter = operator.itemgetter(*COLUMNS)
    for row in rows:
        try:
            values = list(getter(row))
        except KeyError:
            values = [row.get(column) or "" for column in COLUMNS]
        for index in blanked:
            values[index] = ""
        for index in guarded:
            value = values[index]
            if value and value[0] in _MAY_NEED_PROTECTION and needs_protection(value):  # 48 000 cells at 16 000
                values[index] = "'" + value
        writer.writerow(values)
    return buffer.getvalue().encode("utf-8")


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write through a temporary file in the same folder: a failure leaves no half-written file behind."""
    target = Path(path)
    if not target.parent.is_dir():
        raise UserError(f"Le dossier « {target.parent} » n'existe pas.")
    if target.is_dir():
        raise UserError(f"« {target} » est un dossier : indiquez un nom de fichier.")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".pae-", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise UserError(f"Impossible d'écrire dans le dossier « {target.parent} » : vérifiez les droits d'accès.") from error
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UserError(f"Impossible d'écrire le fichier « {target} » (ouvert dans un autre logiciel ?).") from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def file_name(uai: str, campagne: int, today: dt.date | None = None) -> str:
    """`PAE_<UAI>_<campagne>_<AAAAMMJJ>.csv` (spec §1)."""
    return f"PAE_{uai}_{campagne}_{(today or dt.date.today()):%Y%m%d}.csv"


def write_rows(path: str | Path, rows: Iterable[Mapping[str, str]], *, nominative: bool = True) -> Path:
    """Write the rows; unless `nominative`, the columns naming a person are left empty whatever the rows hold."""
    return write_atomic(path, encode(rows, () if nominative else NOMINATIVE_COLUMNS))


# --- reading ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One problem of a file: where (file, line — the header is line 1 —, column) and what, in French."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, ligne {self.line}"
        if self.column:
            where += f", colonne {self.column}"
        return f"{where} : {self.message}"


@dataclass
class FoqualeFile:
    path: str
    rows: list[dict[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line of each row (the header is line 1)

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def uai(self) -> str:
        return self.rows[0]["uai"] if self.rows else ""

    @property
    def campagne(self) -> str:
        return self.rows[0]["campagne"] if self.rows else ""


# The longest field a school's file can hold (the longest value, a commune or a free text, is far shorter): a
# longer one refuses the file with its line and column. Fields up to PARSE_LIMIT are read to be located; past it
# (a hostile file) csv stops at the line, never with a traceback.
MAX_FIELD_LENGTH = 1000
PARSE_LIMIT = 8 * 1024 * 1024


def _thousands(number: int) -> str:
    return f"{number:_}".replace("_", "\u00a0")


class FieldTooLong(ValueError):
    """A field over the csv reader's limit: `line` is where reading stopped."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def split_records(text: str) -> list[list[str]]:
    """RFC 4180 records separated by `;` (CRLF or LF line ends; quoted fields may hold both).

    Raises `FieldTooLong` at a field over PARSE_LIMIT characters.
    """
    previous = csv.field_size_limit(PARSE_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=SEPARATOR, quotechar='"', doublequote=True)
    try:
        return list(reader)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise FieldTooLong(reader.line_num) from error
        raise
    finally:
        csv.field_size_limit(previous)


def read_file(path: str | Path, label: str | None = None) -> FoqualeFile:
    """Read and validate one file; every problem is listed, none raises."""
    path = Path(path)
    name = label or str(path)
    result = FoqualeFile(str(path))

    def problem(line: int, column: str, message: str) -> None:
        result.problems.append(Problem(name, line, column, message))

    text = _read_text(path, problem)
    if text is None:
        return result
    try:
        records = split_records(text)
    except FieldTooLong as error:
        problem(error.line, "", f"Un champ dépasse {_thousands(MAX_FIELD_LENGTH)} caractères : le fichier est refusé.")
        return result
    except csv.Error:
        problem(1, "", "Le fichier n'est pas un CSV lisible (guillemets ou caractères invalides).")
        return result
    position = _header_positions(records, problem)
    if position is None:
        return result
    data_records = [(number, record) for number, record in enumerate(records[1:], start=2) if record != [""]]
    if not data_records:
        problem(1, "", "Le fichier ne contient aucune ligne de données.")
        return result
    result.rows.extend(_read_rows(data_records, position, len(records[0]), problem))
    result.lines.extend(number for number, _record in data_records)
    _check_lengths_and_ids(data_records, records[0], result, problem)
    return result


def _check_lengths_and_ids(
    data_records: list[tuple[int, list[str]]],
    header: list[str],
    result: FoqualeFile,
    problem: Callable[[int, str, str], None],
) -> None:
    """A field over MAX_FIELD_LENGTH, and an `id_jeune` met twice in the file, are problems of their line."""
    limit = _thousands(MAX_FIELD_LENGTH)
    for line, record in data_records:
        for index, value in enumerate(record):
            if len(value) > MAX_FIELD_LENGTH:
                column = header[index] if index < len(header) and header[index] else f"n° {index + 1}"
                problem(line, column, f"Le champ compte {_thousands(len(value))} caractères, plus que les {limit} admis.")
    seen: dict[str, int] = {}
    for line, row in zip(result.lines, result.rows, strict=True):
        identifier = row.get("id_jeune", "")
        if not identifier:
            continue
        if identifier in seen:
            problem(
                line,
                "id_jeune",
                f"Le jeune « {identifier} » figure déjà ligne {seen[identifier]} : chaque jeune ne compte qu'une fois.",
            )
        else:
            seen[identifier] = line


def _read_text(path: Path, problem: Callable[[int, str, str], None]) -> str | None:
    """The file's text decoded from UTF-8 (a BOM dropped), or None once the problem is told."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problem(1, "", "Fichier introuvable.")
        return None
    except IsADirectoryError:
        problem(1, "", "C'est un dossier, pas un fichier CSV.")
        return None
    except OSError:
        problem(1, "", "Fichier illisible : vérifiez les droits d'accès.")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problem(line, "", "Le fichier n'est pas encodé en UTF-8.")
        return None


def _header_positions(
    records: list[list[str]], problem: Callable[[int, str, str], None]
) -> dict[str, int] | None:
    """Column name → its first index in the header; None when the header is unusable (problems told)."""
    if not records or not any(records[0]):
        problem(1, "", "Fichier vide : l'en-tête des colonnes est absent.")
        return None
    header = records[0]
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        problem(1, "", "Le séparateur des colonnes doit être le point-virgule « ; ».")
        return None
    position: dict[str, int] = {}
    for index, column in enumerate(header):
        if column in position and column in COLUMNS:
            problem(1, column, f"La colonne « {column} » figure deux fois dans l'en-tête.")
        position.setdefault(column, index)
    missing = [column for column in REQUIRED if column not in position]
    for column in missing:
        problem(1, column, f"Colonne obligatoire absente : « {column} ».")
    if missing:
        return None
    return position


def _read_rows(
    data_records: list[tuple[int, list[str]]],
    position: dict[str, int],
    width: int,
    problem: Callable[[int, str, str], None],
) -> list[dict[str, str]]:
    """The data records as rows of COLUMNS, each validated and held to the first row's shared values."""
    rows: list[dict[str, str]] = []
    first: dict[str, str] | None = None
    first_line = 2
    indexes = [position.get(column) for column in COLUMNS]
    complete = None not in indexes
    picker = operator.itemgetter(*indexes) if complete else None
    guarded = [column for column in PROTECTED if column in position]
    for line, record in data_records:
        if len(record) != width:
            problem(line, "", f"La ligne compte {len(record)} champs au lieu de {width} (les colonnes de l'en-tête).")
            padded = record + [""] * width
            row = {c: (padded[i] if i is not None else "") for c, i in zip(COLUMNS, indexes, strict=True)}
        elif picker is not None:
            row = dict(zip(COLUMNS, picker(record), strict=True))
        else:
            row = {c: (record[i] if i is not None else "") for c, i in zip(COLUMNS, indexes, strict=True)}
        for column in guarded:
            if row[column][:1] == "'":
                row[column] = unprotect(row[column])
        for column, message in validate_row(row):
            problem(line, column, message)
        if first is None:
            first, first_line = row, line
        else:
            for column in _SHARED:
                if row[column] != first[column]:
                    problem(
                        line,
                        column,
                        f"Toutes les lignes d'un fichier doivent avoir la même valeur de « {column} » "
                        f"(« {row[column]} » ici, « {first[column]} » ligne {first_line}).",
                    )
        rows.append(row)
    return rows


_uai_error = functools.lru_cache(maxsize=256)(uai_error)


@functools.lru_cache(maxsize=4096)
def _valid_date(value: str) -> bool:
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _codes_error(value: str, codes: tuple[str, ...], what: str) -> str:
    parts = value.split("|")
    unknown = [p for p in parts if p not in codes]
    if unknown:
        return f"Code{'s' if len(unknown) > 1 else ''} {what} inconnu{'s' if len(unknown) > 1 else ''} : " + ", ".join(
            f"« {u} »" for u in unknown
        ) + "."
    order = [codes.index(p) for p in parts]
    if len(set(order)) != len(order):
        return f"Code {what} répété dans « {value} »."
    if order != sorted(order):
        return f"Les codes {what} doivent suivre l'ordre de la liste du format : « {value} »."
    return ""


def validate_row(row: Mapping[str, str]) -> list[tuple[str, str]]:
    """(column, French message) for every problem of one row: values, codes, dates, consistency (spec §2)."""
    out: list[tuple[str, str]] = []

    def bad(column: str, message: str) -> None:
        out.append((column, message))

    if row["uai"] == "":
        bad("uai", "L'UAI est obligatoire.")
    elif error := _uai_error(row["uai"]):
        bad("uai", error)
    elif row["uai"] != row["uai"].strip().upper():
        bad("uai", f"L'UAI « {row['uai']} » doit s'écrire en majuscules, sans espace.")
    if not _YEAR.fullmatch(row["campagne"]):
        bad("campagne", f"L'année de campagne « {row['campagne']} » doit compter quatre chiffres.")
    if not _ID_JEUNE.fullmatch(row["id_jeune"]):
        bad("id_jeune", f"« {row['id_jeune']} » n'est pas un identifiant de 16 caractères hexadécimaux minuscules.")
    if row["sexe"] not in ("", "F", "M"):
        bad("sexe", f"Sexe « {row['sexe']} » inconnu : F, M ou vide.")
    if row["annee_naissance"] and not _YEAR.fullmatch(row["annee_naissance"]):
        bad("annee_naissance", f"L'année de naissance « {row['annee_naissance']} » doit compter quatre chiffres.")
    if row["diplome_prepare"] not in _DIPLOMAS:
        bad("diplome_prepare", f"Diplôme « {row['diplome_prepare']} » inconnu : {', '.join(d.value for d in Diploma)}.")
    if row["resultat_examen"] not in _RESULTS:
        bad(
            "resultat_examen",
            f"Résultat « {row['resultat_examen']} » inconnu : {', '.join(r.value for r in ExamResult)}.",
        )
    for column in _YES_NO:
        if row[column] not in ("O", "N"):
            bad(column, f"Valeur « {row[column]} » : O ou N attendu.")
    for column in _COUNTS:
        if not row[column].isascii() or not row[column].isdigit():
            bad(column, f"Valeur « {row[column]} » : un nombre entier positif ou nul est attendu.")
    for column in _DATES:
        value = row[column]
        if not value:
            if column == "date_limite_entretiens":
                bad(column, "La date limite des entretiens est obligatoire.")
        elif not _valid_date(value):
            bad(column, f"Date « {value} » invalide : format AAAA-MM-JJ attendu.")
    if row["participants"] and (error := _codes_error(row["participants"], _ROLES, "participant")):
        bad("participants", error)
    if row["modules"] and (error := _codes_error(row["modules"], _MODULES, "module")):
        bad("modules", error)
    if row["decision"] and row["decision"] not in _DECISIONS:
        bad("decision", f"Décision « {row['decision']} » inconnue : {', '.join(d.value for d in Decision)}.")
    if row["mef_pae"] and not _MEF.fullmatch(row["mef_pae"]):
        bad("mef_pae", f"Code MEF « {row['mef_pae']} » invalide : 10 ou 11 chiffres attendus.")
    category = ExitCategory.from_code(row["sortie"])
    if row["sortie"] and category is None:
        bad("sortie", f"Sortie « {row['sortie']} » inconnue : {', '.join(c.value for c in ExitCategory)}.")
    if row["sortie_detail"]:
        if not row["sortie"]:
            bad("sortie_detail", "Un détail de sortie sans catégorie de sortie (colonne « sortie » vide).")
        elif category is not None:
            allowed = tuple(d.value for d in EXIT_DETAILS[category])
            if error := _codes_error(row["sortie_detail"], allowed, f"de sortie sous {category.value}"):
                bad("sortie_detail", error)

    _validate_phase1(row, bad)

    # Consistency (spec §2).
    if row["entretien_realise"] == "O" and row["entretien_accepte"] != "O":
        bad("entretien_accepte", "Un entretien réalisé doit avoir été accepté (entretien_accepte = O).")
    if "O" in (row["entretien_accepte"], row["entretien_realise"]) and row["contacte"] != "O":
        bad("contacte", "Un entretien accepté suppose un jeune contacté (contacte = O).")
    if row["decision"] and row["entretien_realise"] != "O":
        bad("decision", "Une décision suppose un entretien réalisé (entretien_realise = O).")
    if row["date_entretien"] and row["entretien_realise"] != "O":
        bad("date_entretien", "Une date d'entretien suppose un entretien réalisé (entretien_realise = O).")
    if not row["date_entretien"] and row["entretien_realise"] == "O":
        bad("date_entretien", "Un entretien réalisé doit avoir sa date (date_entretien).")
    has_ml = "ML" in row["participants"].split("|")
    if row["ml_presente"] == "O" and not has_ml:
        bad("participants", "ml_presente = O : les participants doivent comprendre ML.")
    if row["ml_presente"] == "N" and has_ml:
        bad("ml_presente", "Les participants comprennent ML : ml_presente doit valoir O.")
    return out


def _validate_phase1(row: Mapping[str, str], bad) -> None:
    """Columns 43–45 (spec §6): counts, `O`/`N`, all three filled or all three empty (no phase 1 recorded)."""
    for column in _PHASE1_COUNTS:
        value = row.get(column, "")
        if value and not (value.isascii() and value.isdigit()):
            bad(column, f"Valeur « {value} » : un nombre entier positif ou nul est attendu (ou vide).")
    interview = row.get("entretien_individuel_avenirpro", "")
    if interview not in ("", "O", "N"):
        bad("entretien_individuel_avenirpro", f"Valeur « {interview} » : O, N ou vide attendu.")
    filled = [column for column in PHASE1_COLUMNS if row.get(column, "")]
    if filled and len(filled) < len(PHASE1_COLUMNS):
        for column in PHASE1_COLUMNS:
            if column not in filled:
                bad(
                    column,
                    f"La phase 1 est renseignée pour ce jeune (colonne « {filled[0]} ») : cette colonne doit "
                    "l'être aussi (0 ou N quand il n'a rien suivi).",
                )


def read_files(paths: Iterable[str | Path]) -> list[FoqualeFile]:
    return [read_file(p) for p in paths]


_E164 = re.compile(r"^\+[1-9]\d{5,14}$")


def encode_table(
    headers: Iterable[str], rows: Iterable[Iterable[object]], *, numbers: Collection[int] = ()
) -> bytes:
    """Any table in the same CSV conventions (BOM, `;`, CRLF, RFC 4180), every text cell formula-protected.

    In the columns `numbers` (indexes), a phone number in E.164 (`+33612345678`, a `+` then digits only: no
    formula can hide there) is written as it is, for the SMS tools that read it; anything else is protected."""
    lines = [SEPARATOR.join(quote(protect(h)) for h in headers)]
    for values in rows:
        fields = []
        for index, value in enumerate(values):
            if index in numbers and isinstance(value, str) and _E164.match(value):
                fields.append(value)
                continue
            if value is None:
                text = ""
            elif isinstance(value, dt.datetime):
                text = value.strftime("%Y-%m-%d %H:%M")
            elif isinstance(value, dt.date):
                text = value.isoformat()
            else:
                text = protect(str(value))
            fields.append(quote(text))
        lines.append(SEPARATOR.join(fields))
    return (BOM + CRLF.join(lines) + CRLF).encode("utf-8")
