"""Readers of student spreadsheets: SIECLE's ElevesComplete (.xls, .xlsx) and any CSV or XLSX, by column mapping.

Headers are matched through the synonym table of NOTES.md §6.3 after folding (case, accents, punctuation), so
`NE(E) LE`, `Né(e) le` and `Date Naissance` all land on the birth date; the window lets the user adjust the
mapping. Codes are kept as text (Excel drops leading zeros), `="…"` wrappers and non-breaking spaces removed.
CSV: UTF-8 (with or without BOM) tried first, then Windows-1252; the delimiter (`;`, `,`, tab) is sniffed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import ParentLink
from pae_desktop.io import limits
from pae_desktop.io.siecle import (
    Address,
    FileRefused,
    RepresentativeRecord,
    StudentRecord,
    clean,
    date_field,
    join_names,
    sex_code,
)

Cell = str | dt.date


@dataclass(slots=True)
class Table:
    """A sheet as rows of text (and dates when the spreadsheet holds real dates)."""

    name: str
    headers: list[str]
    rows: list[list[Cell]]
    header_line: int = 1  # the header's line number in the file (1-based)
    kind: str = "csv"  # csv, xls, xlsx
    encoding: str = ""
    delimiter: str = ""

    def line_of(self, index: int) -> int:
        """The file's line number of data row `index` (0-based)."""
        return self.header_line + 1 + index


@dataclass(frozen=True, slots=True)
class ColumnField:
    key: str
    label: str
    synonyms: tuple[str, ...]
    required: bool = False
    main: bool = True  # shown in the window's mapping step (the others are ElevesComplete's details)


def _rep_fields(rank: int) -> tuple[ColumnField, ...]:
    suffix = f"Repr. Lég. {rank}"
    pairs = (
        ("civility", "Civilité", ("Civilité",)),
        ("last_name", "Nom", ("Nom de famille", "Nom")),
        ("first_name", "Prénom", ("Prénom",)),
        ("link", "Lien de parenté", ("Lien Parenté", "Lien de parenté")),
        ("phone_home", "Tél. personnel", ("Tél. Personnel",)),
        ("phone_mobile", "Tél. portable", ("Tél. Portable",)),
        ("phone_work", "Tél. professionnel", ("Tél. Professionnel",)),
        ("email", "Courriel", ("Email",)),
        ("address1", "Adresse ligne 1", ("Ligne Adresse 1",)),
        ("address2", "Adresse ligne 2", ("Ligne Adresse 2",)),
        ("postal_code", "Code postal", ("Code Postal",)),
        ("city", "Commune", ("Lib. Postal",)),
    )
    return tuple(
        ColumnField(
            f"rep{rank}_{key}",
            f"Représentant légal {rank} : {label}",
            tuple(f"{s} {suffix}" for s in synonyms),
            main=False,
        )
        for key, label, synonyms in pairs
    )


FIELDS: tuple[ColumnField, ...] = (
    ColumnField(
        "last_name",
        "Nom de famille",
        ("Nom de famille", "NOM_DE_FAMILLE", "Nom", "Nom élève", "Nom de l'élève"),
        True,
    ),
    ColumnField("first_name", "Prénom", ("Prénom", "PRENOM", "Prénom 1", "Prénoms", "Prénom élève"), True),
    ColumnField("first_name2", "Prénom 2", ("Prénom 2", "PRENOM2"), main=False),
    ColumnField("first_name3", "Prénom 3", ("Prénom 3", "PRENOM3"), main=False),
    ColumnField("usage_name", "Nom d'usage", ("Nom d'usage", "NOM_USAGE")),
    ColumnField(
        "birth_date",
        "Date de naissance",
        ("Date Naissance", "NE(E) LE", "Né(e) le", "Date de naissance", "DATE_NAISS", "Naissance"),
    ),
    ColumnField(
        "ine",
        "INE",
        ("Id National", "INE", "N° INE", "N_NATIONAL", "Identifiant national", "ID_NATIONAL", "Numéro INE"),
    ),
    ColumnField("sex", "Sexe", ("Sexe", "CODE_SEXE", "Genre")),
    ColumnField(
        "division", "Classe (division)", ("Division", "DIV.", "Code Structure", "Classe", "Structure")
    ),
    ColumnField("structure_type", "Type de structure", ("Type Structure",), main=False),
    ColumnField("mef_code", "Code MEF", ("Code MEF", "MEF", "CODE_MEF")),
    ColumnField(
        "mef_label",
        "Libellé de la formation",
        ("Lib. MEF", "Formation", "Libellé MEF", "Libellé formation", "Libellé de la formation"),
    ),
    ColumnField("status", "Statut (ST / AP)", ("Statut", "CODE_STATUT", "Code statut")),
    ColumnField("leave_date", "Date de sortie", ("Date Sortie", "DATE_SORTIE", "Date de sortie")),
    ColumnField("leave_reason", "Motif de sortie", ("Motif Sortie", "CODE_MOTIF_SORTIE"), main=False),
    ColumnField(
        "student_number",
        "N° élève établissement",
        ("Elève No Etab", "ELENOET", "N° élève", "Numéro élève"),
        main=False,
    ),
    ColumnField(
        "phone_mobile",
        "Téléphone portable",
        ("Tél. Portable", "TEL_PORTABLE", "Portable", "Téléphone portable", "Mobile"),
    ),
    ColumnField(
        "phone_home",
        "Téléphone personnel",
        ("Tél. Personnel", "TEL_PERSONNEL", "Téléphone", "Tél. domicile", "Tel"),
    ),
    ColumnField(
        "phone_work", "Téléphone professionnel", ("Tél. Professionnel", "TEL_PROFESSIONNEL"), main=False
    ),
    ColumnField(
        "email",
        "Courriel",
        ("Email", "Mél", "MEL", "Courriel", "E-mail", "Adresse mail", "Adresse électronique"),
    ),
    ColumnField("address1", "Adresse ligne 1", ("Ligne Adresse 1", "Adresse", "LIGNE1_ADRESSE")),
    ColumnField("address2", "Adresse ligne 2", ("Ligne Adresse 2", "LIGNE2_ADRESSE"), main=False),
    ColumnField("address3", "Adresse ligne 3", ("Ligne Adresse 3", "LIGNE3_ADRESSE"), main=False),
    ColumnField("address4", "Adresse ligne 4", ("Ligne Adresse 4", "LIGNE4_ADRESSE"), main=False),
    ColumnField("postal_code", "Code postal", ("Code Postal", "CP", "CODE_POSTAL")),
    ColumnField("city", "Commune", ("Lib. Postal", "Commune", "Ville", "LIBELLE_POSTAL")),
    ColumnField("bourse", "Bourse", ("Code Bourse 1", "Boursier", "Bourse"), main=False),
    *_rep_fields(1),
    *_rep_fields(2),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}

Mapping = dict[str, int]  # field key → column index


def normalise_header(header: object) -> str:
    """Case, accents and punctuation folded away: «N° INE» → «n ine», «NE(E) LE» → «ne e le»."""
    text = fold(clean(header))
    text = re.sub(r"[.\-_'’()°:/]", " ", text)
    return " ".join(text.split())


_SYNONYMS = {f.key: tuple(normalise_header(s) for s in f.synonyms) for f in FIELDS}


def guess_mapping(headers: list[str]) -> Mapping:
    """The usual headers preselected: each field takes the first of its synonyms present, a column serves once."""
    normalised = [normalise_header(h) for h in headers]
    taken: set[int] = set()
    mapping: Mapping = {}
    for column_field in FIELDS:
        for synonym in _SYNONYMS[column_field.key]:
            index = next((i for i, h in enumerate(normalised) if h == synonym and i not in taken), None)
            if index is not None:
                mapping[column_field.key] = index
                taken.add(index)
                break
    return mapping


def missing_required(mapping: Mapping) -> list[str]:
    return [f.label for f in FIELDS if f.required and f.key not in mapping]


# --- reading ------------------------------------------------------------------------------------------------


def _cell_text(value: Any) -> Cell:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, int):
        return str(value)
    return clean(value)


def _table_from_rows(name: str, rows: list[list[Cell]], kind: str, **extra: str) -> Table:
    for index, row in enumerate(rows):
        if sum(1 for cell in row if cell not in ("", None)) >= 2:
            headers = [clean(c) if not isinstance(c, dt.date) else c.isoformat() for c in row]
            data = [r for r in rows[index + 1 :] if any(cell not in ("", None) for cell in r)]
            width = len(headers)
            data = [r + [""] * (width - len(r)) if len(r) < width else r for r in data]
            return Table(name, headers, data, header_line=index + 1, kind=kind, **extra)
    raise FileRefused(
        f"Le fichier « {name} » ne contient aucune ligne d'en-têtes : est-ce bien une liste d'élèves ?"
    )


def _bounded_rows(name: str, rows: Iterable[Sequence[Any]], convert=_cell_text) -> list[list[Cell]]:
    """The rows as cells, refused over the bounds of `limits` as soon as they are passed (never read whole)."""
    kept: list[list[Cell]] = []
    filled = 0
    for line, row in enumerate(rows, 1):
        if line > limits.MAX_ROWS:
            raise limits.too_many_rows(name, line)
        values = [convert(v) for v in row]
        if len(values) > limits.MAX_COLUMNS:
            while values and values[-1] in ("", None):
                values.pop()
            if len(values) > limits.MAX_COLUMNS:
                raise limits.too_many_columns(name, len(values), line)
        filled += sum(1 for v in values if v != "")
        if filled > limits.MAX_CELLS:
            raise limits.too_many_cells(name)
        kept.append(values)
    return kept


def sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


Source = bytes | Callable[[], IO[bytes]]


def _opener(source: Source) -> Callable[[], IO[bytes]]:
    return (lambda: io.BytesIO(source)) if isinstance(source, bytes | bytearray) else source


def _lines(text: IO[str], name: str) -> Iterator[str]:
    """The lines of a text stream, each bounded (a file without line breaks is never read whole)."""
    number = 0
    while line := text.readline(limits.MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > limits.MAX_LINE_CHARS:
            raise limits.refuse(
                f"Le fichier « {name} » a, à la ligne {limits.number(number)}, une ligne de plus de "
                f"{limits.number(limits.MAX_LINE_CHARS)} caractères : ce n'est pas un tableur d'élèves."
            )
        yield line


def _csv_rows(opener: Callable[[], IO[bytes]], name: str, encoding: str, delimiter: str, max_bytes: int):
    csv.field_size_limit(limits.MAX_FIELD_CHARS)
    with opener() as raw:
        bounded = io.BufferedReader(limits.BoundedReader(raw, name, max_bytes), limits.CHUNK)
        text = io.TextIOWrapper(bounded, encoding=encoding, newline="")
        reader = csv.reader(_lines(text, name), delimiter=delimiter)
        try:
            return _bounded_rows(name, reader, clean)
        except csv.Error as error:
            raise limits.refuse(
                f"Le fichier « {name} » a, à la ligne {limits.number(reader.line_num)}, un champ de plus de "
                f"{limits.number(limits.MAX_FIELD_CHARS)} caractères : ce n'est pas un tableur d'élèves."
            ) from error


def read_csv(
    source: Source, name: str, max_bytes: int = limits.DEFAULT_MAX_FILE_MB * limits.MEGABYTE
) -> Table:
    """A CSV streamed from `source` (bytes, or a function opening it): UTF-8 (with or without BOM) first, then
    Windows-1252 (read again from the start); bounded in bytes, line length, field size, rows and columns."""
    opener = _opener(source)
    with opener() as stream:
        head = stream.read(limits.CHUNK)
    if b"\x00" in head[:4096]:
        raise FileRefused(f"Le fichier « {name} » n'est pas un fichier texte CSV.")
    delimiter = sniff_delimiter(head.decode("latin-1"))
    bom = head.startswith(b"\xef\xbb\xbf")
    try:
        rows = _csv_rows(opener, name, "utf-8-sig", delimiter, max_bytes)
        encoding = "UTF-8 (BOM)" if bom else "UTF-8"
    except UnicodeDecodeError:
        try:
            rows = _csv_rows(opener, name, "cp1252", delimiter, max_bytes)
        except UnicodeDecodeError as error:
            raise FileRefused(
                f"Le fichier « {name} » n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le en CSV UTF-8."
            ) from error
        encoding = "Windows-1252"
    return _table_from_rows(name, rows, "csv", encoding=encoding, delimiter=delimiter)


def read_xlsx(
    source: bytes | Path | IO[bytes], name: str, max_bytes: int = limits.DEFAULT_MAX_FILE_MB * limits.MEGABYTE
) -> Table:
    """The active sheet of a workbook, read only, once its zip and its XML passed the bounds of `limits`."""
    from openpyxl import load_workbook

    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    limits.check_xlsx_parts(source, name, max_bytes)
    try:
        workbook = load_workbook(_rewound(source), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FileRefused(f"Le classeur « {name} » est illisible ({type(error).__name__}).") from error
    try:
        sheet = workbook.active or workbook.worksheets[0]
        last_row = limits.check_xlsx_sheet(source, name, sheet._worksheet_path, max_bytes)
        sheet.reset_dimensions()  # declared dimensions would pad every row: only the cells present are read
        rows = _bounded_rows(name, itertools.islice(sheet.iter_rows(values_only=True), last_row))
    finally:
        workbook.close()
    return _table_from_rows(name, rows, "xlsx")


def _rewound(source: Path | IO[bytes]) -> Path | IO[bytes]:
    if not isinstance(source, Path):
        source.seek(0)
    return source


def read_xls(data: bytes, name: str) -> Table:
    """The first sheet of a legacy workbook (xlrd; BIFF holds 65 536 rows at most): rows as long as their cells
    (`ragged_rows`), refused over the columns and cells of `limits`."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True)
    except Exception as error:  # xlrd.XLRDError and struct errors on damaged files
        raise FileRefused(f"Le classeur « {name} » est illisible ({error}).") from error
    try:
        try:
            sheet = book.sheet_by_index(0)
        except Exception as error:  # a damaged sheet
            raise FileRefused(f"Le classeur « {name} » est illisible ({error}).") from error
        limits.check_rows(name, sheet.nrows)

        def convert(cell) -> Cell:
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    return xlrd.xldate_as_datetime(cell.value, book.datemode).date()
                except (ValueError, OverflowError):
                    return str(cell.value)
            return _cell_text(cell.value)

        rows = _bounded_rows(name, (sheet.row(r) for r in range(sheet.nrows)), convert)
    finally:
        book.release_resources()
    return _table_from_rows(name, rows, "xls")


# --- from a table to student records -----------------------------------------------------------------------------

_LINK_BY_LABEL = {fold(member.label): member.value for member in ParentLink}
_LINK_BY_LABEL.update(
    {
        "mere": "10",
        "pere": "20",
        "fratrie": "37",
        "frere": "37",
        "soeur": "37",
        "autre membre": "39",
        "autre membre de la famille": "39",
        "educateur": "41",
        "tuteur": "50",
        "ase": "51",
        "eleve": "70",
        "eleve lui meme": "70",
        "autre": "90",
        "autre lien": "90",
    }
)


def link_code(value: str) -> str:
    text = clean(value)
    if ParentLink.from_code(text):
        return text
    return _LINK_BY_LABEL.get(" ".join(fold(text).replace("-", " ").split()), "")


def records_from_table(table: Table, mapping: Mapping) -> list[StudentRecord]:
    """Student records from a mapped table; refused whole when a required column is not mapped."""
    missing = missing_required(mapping)
    if missing:
        raise FileRefused(
            f"Le fichier « {table.name} » n'a pas de colonne associée à : {', '.join(missing)}. "
            "Indiquez quelle colonne la contient."
        )
    width = len(table.headers)
    bad = [key for key, index in mapping.items() if not 0 <= index < width]
    if bad:
        raise FileRefused(f"Correspondance de colonnes invalide pour le fichier « {table.name} ».")
    records = []
    for index, row in enumerate(table.rows):

        def get(key: str, row: list[Cell] = row) -> Cell:
            column = mapping.get(key)
            return row[column] if column is not None else ""

        def text(key: str) -> str:
            value = get(key)
            return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else clean(value)

        line = table.line_of(index)
        record = StudentRecord(
            ref=f"ligne {line}",
            source=table.name,
            elenoet=text("student_number"),
            ine=text("ine").replace(" ", "").upper(),
            last_name=text("last_name"),
            usage_name=text("usage_name"),
            first_names=join_names(text("first_name"), text("first_name2"), text("first_name3")),
            sex=sex_code(text("sex")),
            mef_code=text("mef_code"),
            mef_label=text("mef_label"),
            status=text("status").upper()[:2],
            division="" if text("structure_type").upper() == "G" else text("division"),
            leave_reason=text("leave_reason"),
            email=text("email"),
            phone_mobile=text("phone_mobile"),
            phone_home=text("phone_home"),
            phone_work=text("phone_work"),
        )
        record.birth_date = date_field(record, "Date de naissance", get("birth_date"))
        record.leave_date = date_field(record, "Date de sortie", get("leave_date"))
        lines = tuple(x for x in (text(f"address{i}") for i in range(1, 5)) if x)
        if lines or text("postal_code") or text("city"):
            record.address = Address(lines=lines, postal_code=text("postal_code"), city=text("city"))
        if "bourse" in mapping:
            record.boursier = text("bourse").upper() not in ("", "0", "N", "NON")
        if any(key.startswith("rep") for key in mapping):
            record.representatives = [
                rep for rep in (_representative(text, rank) for rank in (1, 2)) if rep is not None
            ]
        records.append(record)
    return records


def _representative(text, rank: int) -> RepresentativeRecord | None:
    def value(key: str) -> str:
        return text(f"rep{rank}_{key}")

    if not value("last_name"):
        return None
    lines = tuple(x for x in (value("address1"), value("address2")) if x)
    address = None
    if lines or value("postal_code") or value("city"):
        address = Address(lines=lines, postal_code=value("postal_code"), city=value("city"))
    return RepresentativeRecord(
        last_name=value("last_name"),
        first_name=value("first_name"),
        civility=value("civility"),
        link=link_code(value("link")),
        legal=True,
        order=10 + rank,
        phone_mobile=value("phone_mobile"),
        phone_home=value("phone_home"),
        phone_work=value("phone_work"),
        email=value("email"),
        address=address,
    )
