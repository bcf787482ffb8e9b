"""The bounds of every imported file (size, rows, columns, zips) and the guarded readers that enforce them.

A school's export has at most a few thousand students: a file that declares or holds more than these bounds
is refused before it is read, with a French message naming the file and the limit, so that no input (a 5 Ko
workbook claiming a million rows, a zip bomb, a 200 Mo line) can exhaust the memory. The size limit itself
is a setting («Taille maximale d'un fichier importé (Mo)»), handed to the readers as `max_bytes`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from pae_desktop.core.errors import UserError

MAX_ROWS = 100_000  # lines of a spreadsheet, records of one kind in a SIECLE export
MAX_COLUMNS = 200  # filled columns of a spreadsheet
MAX_CELLS = 3_000_000  # filled cells of a spreadsheet, all rows together (the memory of what is kept)
MAX_FIELD_CHARS = 100_000  # one CSV field (csv.field_size_limit)
MAX_LINE_CHARS = 1_000_000  # one CSV line
MAX_SHEET_CELLS_PER_ROW = 16_384  # `<c>` elements in one XLSX row, filled or not: Excel's own limit
MAX_XLSX_PART_BYTES = 20 << 20  # an XLSX part other than sheets and shared strings (styles, theme…)
MAX_XML_KEPT_ELEMENTS = 1_000_000  # elements of a SIECLE export kept outside its records (the tree's shape)
DEFAULT_MAX_FILE_MB = 200
ZIP_SUSPECT_RATIO = 100  # a member compressed more than 100 times…
ZIP_SUSPECT_BYTES = 50 << 20  # …into more than 50 Mo is a decompression bomb
CHUNK = 1 << 16
MEGABYTE = 1 << 20

REFUSED = "Import refusé, rien n'a été modifié."
NOT_AN_EXPORT = "il ne peut s'agir d'un export d'établissement"
SETTING_LABEL = "Taille maximale d'un fichier importé"


class FileRefused(UserError):
    """A whole file is refused: its French message names it."""


def number(value: int) -> str:
    """An integer the French way: 1 048 576 (non-breaking spaces)."""
    return f"{value:,}".replace(",", "\u00a0")


def megabytes(size: int) -> str:
    """A size in Mo for people: «950 Mo», «0,4 Mo»."""
    value = round(size / MEGABYTE, 1)
    if value >= 10 or value == int(value):
        return f"{number(round(value))}\u00a0Mo"
    return f"{value:.1f}".replace(".", ",") + "\u00a0Mo"


def refuse(text: str) -> FileRefused:
    """A refusal whose message ends by saying nothing was written."""
    return FileRefused(f"{text} {REFUSED}")


def over_size(name: str, size: int, max_bytes: int, what: str = "fait") -> FileRefused:
    return refuse(
        f"Le fichier « {name} » {what} {megabytes(size)} : au-delà de {megabytes(max_bytes)} "
        f"(réglage « {SETTING_LABEL} »), {NOT_AN_EXPORT}."
    )


def too_many_rows(name: str, rows: int, declared: bool = False) -> FileRefused:
    verb = "déclare" if declared else "compte plus de"
    shown = rows if declared else MAX_ROWS
    return refuse(
        f"Le fichier « {name} » {verb} {number(shown)} lignes : au-delà de {number(MAX_ROWS)}, {NOT_AN_EXPORT}."
    )


def too_many_columns(name: str, columns: int, line: int | None = None) -> FileRefused:
    where = "déclare" if line is None else f"a, à la ligne {number(line)},"
    return refuse(
        f"Le fichier « {name} » {where} {number(columns)} colonnes : au-delà de {number(MAX_COLUMNS)}, "
        f"{NOT_AN_EXPORT}."
    )


def too_many_cells(name: str) -> FileRefused:
    return refuse(
        f"Le fichier « {name} » contient plus de {number(MAX_CELLS)} cellules remplies : {NOT_AN_EXPORT}."
    )


def check_file_size(path: Path, max_bytes: int, name: str | None = None) -> int:
    """The file's size, refused over `max_bytes` before it is opened."""
    size = path.stat().st_size
    if size > max_bytes:
        raise over_size(name or path.name, size, max_bytes)
    return size


def check_rows(name: str, rows: int) -> None:
    if rows > MAX_ROWS:
        raise too_many_rows(name, rows)


# --- zips ------------------------------------------------------------------------------------------------------


def check_zip(
    archive: zipfile.ZipFile,
    name: str,
    max_bytes: int,
    part_limit: Callable[[zipfile.ZipInfo], int | None] | None = None,
) -> None:
    """Refuse, before extracting anything, a zip whose declared content is over `max_bytes` in all, or one of
    whose members is a decompression bomb (more than 100 times compressed into more than 50 Mo), or over the
    limit `part_limit` gives it."""
    infos = [info for info in archive.infolist() if not info.is_dir()]
    total = sum(info.file_size for info in infos)
    if total > max_bytes:
        raise refuse(
            f"L'archive « {name} » contient {megabytes(total)} une fois décompressée : au-delà de "
            f"{megabytes(max_bytes)} (réglage « {SETTING_LABEL} »), {NOT_AN_EXPORT}."
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > ZIP_SUSPECT_RATIO and info.file_size > ZIP_SUSPECT_BYTES:
            raise refuse(
                f"L'archive « {name} » contient « {info.filename} », {megabytes(info.file_size)} compressés "
                f"{number(int(ratio))} fois : au-delà de {ZIP_SUSPECT_RATIO} fois pour plus de "
                f"{megabytes(ZIP_SUSPECT_BYTES)}, c'est une « bombe de décompression », pas un export."
            )
        limit = part_limit(info) if part_limit is not None else None
        if limit is not None and info.file_size > limit:
            raise refuse(
                f"Le classeur « {name} » contient « {info.filename} » de {megabytes(info.file_size)} : "
                f"au-delà de {megabytes(limit)}, {NOT_AN_EXPORT}."
            )


def xlsx_part_limit(info: zipfile.ZipInfo) -> int | None:
    """Sheets and shared strings are bounded by their rows and cells; every other part of a workbook is small."""
    name = info.filename.lower()
    if name.startswith("xl/worksheets/") or name == "xl/sharedstrings.xml":
        return None
    return MAX_XLSX_PART_BYTES


class BoundedReader(io.RawIOBase):
    """A binary stream read in chunks with a running byte count: refused past `max_bytes` (a zip member's
    declared size can lie, a stream can be longer than announced)."""

    def __init__(self, raw: IO[bytes], name: str, max_bytes: int) -> None:
        self._raw = raw
        self.name_shown = name
        self.max_bytes = max_bytes
        self.count = 0

    def readable(self) -> bool:
        return True

    def _counted(self, data: bytes) -> bytes:
        self.count += len(data)
        if self.count > self.max_bytes:
            raise refuse(
                f"Le fichier « {self.name_shown} » dépasse {megabytes(self.max_bytes)} une fois lu "
                f"(réglage « {SETTING_LABEL} ») : {NOT_AN_EXPORT}."
            )
        return data

    def readinto(self, buffer) -> int:
        data = self._counted(self._raw.read(min(len(buffer), CHUNK)))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:  # the whole stream, chunk by chunk, still bounded
            parts = []
            while data := self._counted(self._raw.read(CHUNK)):
                parts.append(data)
            return b"".join(parts)
        return self._counted(self._raw.read(min(size, CHUNK)))


# --- workbooks (XLSX) --------------------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _open_zip(source: Path | IO[bytes], name: str) -> zipfile.ZipFile:
    if not isinstance(source, Path):
        source.seek(0)
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise FileRefused(f"Le classeur « {name} » est illisible ({type(error).__name__}).") from error


def _xml_ends(archive: zipfile.ZipFile, member: str, name: str, max_bytes: int):
    """The end events of one part of a workbook, defused and bounded in bytes."""
    from defusedxml.ElementTree import iterparse

    try:
        with archive.open(member) as raw:
            yield from iterparse(BoundedReader(raw, f"{name} › {member}", max_bytes), events=("end",))
    except KeyError:
        return
    except FileRefused:
        raise
    except Exception as error:  # ParseError, DefusedXmlException, BadZipFile, zlib errors
        raise FileRefused(f"Le classeur « {name} » est illisible ({type(error).__name__}).") from error


def check_xlsx_parts(source: Path | IO[bytes], name: str, max_bytes: int) -> None:
    """Before openpyxl loads a workbook: its zip (sizes, ratios, small parts) and its shared strings (which
    openpyxl keeps in memory whole), counted in a streamed pass."""
    with _open_zip(source, name) as archive:
        check_zip(archive, name, max_bytes, xlsx_part_limit)
        member = next((n for n in archive.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
        if member is None:
            return
        strings = 0
        for _event, element in _xml_ends(archive, member, name, max_bytes):
            if _local(element.tag) == "si":
                strings += 1
                if strings > MAX_CELLS:
                    raise too_many_cells(name)
                element.clear()


def check_xlsx_sheet(source: Path | IO[bytes], name: str, member: str, max_bytes: int) -> int:
    """A streamed pass over the sheet to read: its declared dimensions, its cells per row and its last row
    holding a value, all within the bounds; returns that last row (the rows to read)."""
    from openpyxl.utils.cell import range_boundaries

    last = cells = 0
    valued = False
    with _open_zip(source, name) as archive:
        for _event, element in _xml_ends(archive, member.lstrip("/"), name, max_bytes):
            tag = _local(element.tag)
            if tag in ("v", "is"):
                valued = True
            elif tag == "c":
                cells += 1
                if cells > MAX_SHEET_CELLS_PER_ROW:
                    raise too_many_columns(name, cells, last + 1)
            elif tag == "row":
                row = element.get("r")
                index = int(row) if row and row.isdigit() else last + 1
                if valued and index > MAX_ROWS:
                    raise too_many_rows(name, index)
                last = index if valued else last
                cells, valued = 0, False
                element.clear()
            elif tag == "dimension":
                _check_dimension(name, element.get("ref", ""), range_boundaries)
    return last


def _check_dimension(name: str, ref: str, boundaries) -> None:
    try:
        _min_col, _min_row, max_col, max_row = boundaries(ref.upper())
    except (ValueError, TypeError):
        return  # openpyxl reads it as unsized: the cells are counted instead
    if max_row is not None and max_row > MAX_ROWS:
        raise too_many_rows(name, max_row, declared=True)
    if max_col is not None and max_col > MAX_COLUMNS:
        raise too_many_columns(name, max_col)
