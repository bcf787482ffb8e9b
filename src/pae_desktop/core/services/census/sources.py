"""The census import, reading the files: SIECLE exports (a ZIP gives its members) and spreadsheets, no database."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from pae_desktop.core import settings
from pae_desktop.core.bulk import full_collections_deferred
from pae_desktop.io import limits, siecle, spreadsheet
from pae_desktop.io.siecle import FileRefused, Parameters, SiecleFile
from pae_desktop.io.spreadsheet import Mapping as ColumnMapping
from pae_desktop.io.spreadsheet import Table

Progress = Callable[[int, int, str], None]

KIND_ELEVES = "eleves"
KIND_RESPONSABLES = "responsables"
KIND_NOMENCLATURE = "nomenclature"
KIND_STRUCTURES = "structures"
KIND_SPREADSHEET = "tableur"
_KIND_OF_ROOT = {
    siecle.ELEVES: KIND_ELEVES,
    siecle.RESPONSABLES: KIND_RESPONSABLES,
    siecle.NOMENCLATURES: KIND_NOMENCLATURE,
    siecle.STRUCTURES: KIND_STRUCTURES,
}
KIND_LABELS = {
    KIND_ELEVES: "élèves",
    KIND_RESPONSABLES: "responsables",
    KIND_NOMENCLATURE: "nomenclature",
    KIND_STRUCTURES: "structures",
    KIND_SPREADSHEET: "tableur",
}


def _nothing(done: int, total: int, message: str = "") -> None:
    return None


@dataclass
class SourceFile:
    """One file of an import (a member of a ZIP counts as one file)."""

    name: str
    path: Path
    kind: str
    sha256: str
    params: Parameters = field(default_factory=Parameters)
    siecle: SiecleFile | None = None
    table: Table | None = None

    @property
    def kind_label(self) -> str:
        if self.table is not None:
            return f"tableur {self.table.kind.upper()}"
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def guessed_mapping(self) -> ColumnMapping:
        return spreadsheet.guess_mapping(self.table.headers) if self.table is not None else {}


@dataclass
class ImportSources:
    files: list[SourceFile]

    def of_kind(self, kind: str) -> list[SourceFile]:
        return [f for f in self.files if f.kind == kind]

    @property
    def spreadsheets(self) -> list[SourceFile]:
        return self.of_kind(KIND_SPREADSHEET)


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def max_import_bytes(session: Session) -> int:
    """The size limit of an imported file, in bytes, from the setting «Taille maximale d'un fichier importé»."""
    return settings.get(session, settings.MAX_IMPORT_MB) * limits.MEGABYTE


@full_collections_deferred()
def read_sources(
    paths: Iterable[str | Path],
    progress: Progress | None = None,
    max_bytes: int = limits.DEFAULT_MAX_FILE_MB * limits.MEGABYTE,
) -> ImportSources:
    """Parse every file (a ZIP gives its members); refused whole (`FileRefused`) on the first bad file, and
    before reading it when it is over `max_bytes` or the bounds of `io.limits`."""
    progress = progress or _nothing
    files: list[SourceFile] = []
    for raw_path in paths:
        path = Path(raw_path)
        if not path.is_file():
            raise FileRefused(f"Le fichier « {path.name} » est introuvable.")
        size = limits.check_file_size(path, max_bytes)
        digest = _sha256(path)
        progress(0, size, f"Lecture de {path.name}…")
        with path.open("rb") as handle:
            head = handle.read(16)
        if not head:
            raise FileRefused(f"Le fichier « {path.name} » est vide.")
        if head.startswith(b"PK\x03\x04"):
            files += _read_zip(path, digest, progress, max_bytes)
        else:
            reading = _Reading(path.name, path, digest, progress, max_bytes)
            files.append(_read_single(reading, head, lambda p=path: p.open("rb"), size))
    return ImportSources(files)


@dataclass(frozen=True)
class _Reading:
    """What every file of one import is read with."""

    name: str
    path: Path
    digest: str
    progress: Progress
    max_bytes: int


def _read_zip(path: Path, digest: str, progress: Progress, max_bytes: int) -> list[SourceFile]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise FileRefused(
            f"L'archive « {path.name} » est endommagée : refaites le téléchargement."
        ) from error
    with archive:
        if "[Content_Types].xml" in archive.namelist():  # an XLSX workbook is a ZIP too
            table = spreadsheet.read_xlsx(path, path.name, max_bytes)
            return [SourceFile(path.name, path, KIND_SPREADSHEET, digest, table=table)]
        found = []
        for info in siecle.zip_members(path, archive, max_bytes):
            name = f"{path.name} › {Path(info.filename).name}"
            try:
                with archive.open(info) as member:
                    head = member.read(16)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as error:
                raise FileRefused(
                    f"L'archive « {path.name} » est illisible (endommagée, chiffrée ou compressée d'une manière "
                    "inconnue) : refaites le téléchargement."
                ) from error
            if not head or siecle.describe_foreign(head) is not None:
                continue
            suffix = Path(info.filename).suffix.lower()
            if not (
                siecle.looks_like_xml(head) or head.startswith((_OLE2, b"PK")) or suffix in (".csv", ".txt")
            ):
                continue
            reading = _Reading(name, path, digest, progress, max_bytes)
            try:
                found.append(_read_single(reading, head, lambda i=info: archive.open(i), info.file_size))
            except zipfile.BadZipFile as error:  # a member longer than announced, a wrong CRC
                raise FileRefused(
                    f"L'archive « {path.name} » est endommagée : refaites le téléchargement."
                ) from error
    if not found:
        raise FileRefused(
            f"L'archive « {path.name} » ne contient ni export SIECLE (XML) ni tableur d'élèves."
        )
    return found


def _read_single(reading: _Reading, head: bytes, opener, size: int) -> SourceFile:
    name, path, digest, max_bytes = reading.name, reading.path, reading.digest, reading.max_bytes
    foreign = siecle.describe_foreign(head)
    if foreign is not None:
        raise FileRefused(
            f"Le fichier « {name} » est {foreign} : ce n'est ni un export SIECLE ni un tableur d'élèves."
        )
    if siecle.looks_like_xml(head):
        with opener() as stream:
            parsed = siecle.read_siecle(stream, name, size, reading.progress, max_bytes)
        return SourceFile(name, path, _KIND_OF_ROOT[parsed.kind], digest, params=parsed.params, siecle=parsed)
    if head.startswith(_OLE2):
        with opener() as stream:  # xlrd reads a workbook whole: bounded by the size checked above
            data = limits.BoundedReader(stream, name, max_bytes).read()
        table = spreadsheet.read_xls(data, name)
    elif head.startswith(b"PK"):
        with opener() as stream:  # a workbook inside an archive: read where it is, never extracted
            table = spreadsheet.read_xlsx(stream, name, max_bytes)
    else:
        table = spreadsheet.read_csv(opener, name, max_bytes)
    return SourceFile(name, path, KIND_SPREADSHEET, digest, table=table)
