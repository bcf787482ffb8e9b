"""The census import: read SIECLE exports and spreadsheets, preview what would change, apply it in one go.

`read_sources` parses the files (no database); `preview_import` plans the import against the database and
writes nothing; `apply_import` plans again and writes everything inside the caller's transaction, so that
an error or a cancel (raised by `progress`) leaves the database as it was. Existing youths of the campaign
are loaded once into dictionaries and the rows are written in batches: no query per student.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from pae_desktop.core import audit
from pae_desktop.core import census as rules
from pae_desktop.core.bulk import full_collections_deferred
from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import birth_date_error, ine_warning, normalise_ine, normalise_phone, uai_error
from pae_desktop.core.models import (
    Campaign,
    ImportRecord,
    LegalRepresentative,
    OriginalSchooling,
    Pathway,
    Youth,
)
from pae_desktop.core.services.campaigns import (
    CampaignDates,
    ensure_campaign,
    get_campaign,
    scheme_codes_in_use,
)
from pae_desktop.core.services.census_reference import import_reference, in_scheme
from pae_desktop.core.services.school import SchoolForm, get_school, save_school
from pae_desktop.core.services.youths import pseudonym, youth_search_key
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import Diploma, ParentLink
from pae_desktop.io import siecle, spreadsheet
from pae_desktop.io.siecle import FileRefused, Parameters, SiecleFile, StudentRecord
from pae_desktop.io.spreadsheet import Mapping as ColumnMapping
from pae_desktop.io.spreadsheet import Table

Progress = Callable[[int, int, str], None]

NO_FINAL_YEAR = "Aucun élève de terminale dans ce fichier : export postérieur à la bascule ?"
UNKNOWN_CAMPAIGN = "Campagne inconnue : précisez --campaign N"
NOTHING_TO_ATTACH = (
    "Aucun élève de ce fichier de responsables n'est dans le recensement : importez-le avec le fichier "
    "des élèves (ElevesSansAdresses ou ElevesAvecAdresses)."
)
SPREADSHEET_ID = "tableur"  # `Youth.siecle_id` of a youth imported from a spreadsheet without ELEVE_ID
BATCH = 1000

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


# phonenumbers takes about 0.1 ms a number: each distinct number of an import is normalised once.
_phone = functools.lru_cache(maxsize=100_000)(normalise_phone)


# --- reading the files ------------------------------------------------------------------------------------------


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


@full_collections_deferred()
def read_sources(paths: Iterable[str | Path], progress: Progress | None = None) -> ImportSources:
    """Parse every file (a ZIP gives its members); refused whole (`FileRefused`) on the first bad file."""
    progress = progress or _nothing
    files: list[SourceFile] = []
    for raw_path in paths:
        path = Path(raw_path)
        if not path.is_file():
            raise FileRefused(f"Le fichier « {path.name} » est introuvable.")
        digest = _sha256(path)
        size = path.stat().st_size
        progress(0, size, f"Lecture de {path.name}…")
        with path.open("rb") as handle:
            head = handle.read(16)
        if not head:
            raise FileRefused(f"Le fichier « {path.name} » est vide.")
        if head.startswith(b"PK\x03\x04"):
            files += _read_zip(path, digest, progress)
        else:
            files.append(
                _read_single(path.name, path, digest, head, lambda p=path: p.open("rb"), size, progress)
            )
    return ImportSources(files)


def _read_zip(path: Path, digest: str, progress: Progress) -> list[SourceFile]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise FileRefused(
            f"L'archive « {path.name} » est endommagée : refaites le téléchargement."
        ) from error
    with archive:
        if "[Content_Types].xml" in archive.namelist():  # an XLSX workbook is a ZIP too
            table = spreadsheet.read_xlsx(path.read_bytes(), path.name)
            return [SourceFile(path.name, path, KIND_SPREADSHEET, digest, table=table)]
        found = []
        for info in siecle.zip_members(path, archive):
            name = f"{path.name} › {Path(info.filename).name}"
            try:
                with archive.open(info) as member:
                    head = member.read(16)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as error:
                raise FileRefused(f"L'archive « {path.name} » est illisible ({error}).") from error
            if not head or siecle.describe_foreign(head) is not None:
                continue
            suffix = Path(info.filename).suffix.lower()
            if not (
                siecle.looks_like_xml(head) or head.startswith((_OLE2, b"PK")) or suffix in (".csv", ".txt")
            ):
                continue
            found.append(
                _read_single(
                    name, path, digest, head, lambda i=info: archive.open(i), info.file_size, progress
                )
            )
    if not found:
        raise FileRefused(
            f"L'archive « {path.name} » ne contient ni export SIECLE (XML) ni tableur d'élèves."
        )
    return found


def _read_single(
    name: str, path: Path, digest: str, head: bytes, opener, size: int, progress: Progress
) -> SourceFile:
    foreign = siecle.describe_foreign(head)
    if foreign is not None:
        raise FileRefused(
            f"Le fichier « {name} » est {foreign} : ce n'est ni un export SIECLE ni un tableur d'élèves."
        )
    if siecle.looks_like_xml(head):
        with opener() as stream:
            parsed = siecle.read_siecle(stream, name, size, progress)
        return SourceFile(name, path, _KIND_OF_ROOT[parsed.kind], digest, params=parsed.params, siecle=parsed)
    with opener() as stream:
        data = stream.read()
    if head.startswith(_OLE2):
        table = spreadsheet.read_xls(data, name)
    elif head.startswith(b"PK"):
        table = spreadsheet.read_xlsx(data, name)
    else:
        if b"\x00" in data[:4096]:
            raise FileRefused(f"Le fichier « {name} » n'est ni un export SIECLE ni un tableur d'élèves.")
        table = spreadsheet.read_csv(data, name)
    return SourceFile(name, path, KIND_SPREADSHEET, digest, table=table)


# --- the preview -------------------------------------------------------------------------------------------------


class Outcome(StrEnum):
    """What the import does with a row; the value is the French heading of the preview."""

    ADDED = "À ajouter"
    UPDATED = "À mettre à jour"
    UNCHANGED = "Inchangé"
    REJECTED = "Rejeté"
    LEFT = "A quitté l'établissement"
    NOT_CONCERNED = "Non concerné"
    PAE = "Inscrit dans le dispositif"  # shown as `ImportPreview.outcome_label`: «Inscrit en AvenirPro+»


# The preview's order: what is written or needs a look first, the unchanged (most rows on a re-import) last.
OUTCOME_ORDER = {
    outcome: index
    for index, outcome in enumerate(
        (
            Outcome.ADDED,
            Outcome.UPDATED,
            Outcome.REJECTED,
            Outcome.LEFT,
            Outcome.PAE,
            Outcome.NOT_CONCERNED,
            Outcome.UNCHANGED,
        )
    )
}

FIELD_LABELS = {
    "last_name": "nom",
    "usage_name": "nom d'usage",
    "first_names": "prénoms",
    "sex": "sexe",
    "birth_date": "date de naissance",
    "ine": "INE",
    "phone": "téléphone",
    "phone2": "second téléphone",
    "email": "courriel",
    "address": "adresse",
    "postal_code": "code postal",
    "city": "commune",
    "boursier": "bourse",
    "diploma": "diplôme",
    "speciality": "spécialité",
    "mef_code": "MEF",
    "mef_label": "libellé du MEF",
    "division": "classe",
    "status": "statut",
    "school_year": "année scolaire",
    "detected_by": "reconnaissance de la terminale",
    "representatives": "représentants légaux",
    "left_school_on": "de retour dans l'établissement",
}


@dataclass(frozen=True, slots=True)
class PreviewRow:
    outcome: Outcome
    ref: str  # file and row: «ElevesSansAdresses.xml, élève 2310457»
    name: str
    birth_date: dt.date | None = None
    ine: str = ""
    division: str = ""
    diploma: str = ""
    detail: str = ""  # the reason, the fields that change, the date of leaving
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FileSummary:
    name: str
    kind: str
    uai: str
    school_year: int | None
    exported_at: dt.datetime | None
    students: int


@dataclass
class LabelClass:
    """A class recognised by its label only: the user confirms it before its students enter the census."""

    division: str
    label: str
    diploma: str
    students: int
    confirmed: bool


@dataclass
class ImportPreview:
    files: list[FileSummary]
    uai: str
    school_name: str
    school_setup: bool
    campaign_year: int
    implied_year: int | None
    campaign_exists: bool
    export_date: dt.date
    rows: list[PreviewRow]
    label_classes: list[LabelClass]
    not_final: int
    warnings: list[str] = field(default_factory=list)
    import_ids: list[int] = field(default_factory=list)
    mef_table: str = ""  # «Table nationale des MEF 2026-2027»: the table final years were read from
    mef_table_warning: str = ""  # why it is not the export's own year's table (also in `warnings`)
    scheme_name: str = ""  # the campaign's scheme, naming the students already in it

    @property
    def table_sentence(self) -> str:
        """«Terminales reconnues d'après la table nationale des MEF 2026-2027.», empty without a table."""
        return (
            f"Terminales reconnues d'après la {self.mef_table[0].lower()}{self.mef_table[1:]}."
            if self.mef_table
            else ""
        )

    def outcome_label(self, outcome: Outcome, plural: bool = False) -> str:
        """A row's heading; the students already in the scheme are «Inscrit(s) en AvenirPro+» (its name)."""
        if outcome is Outcome.PAE:
            return in_scheme(self.scheme_name, plural)
        return outcome.value

    @property
    def campaign_overridden(self) -> bool:
        return self.implied_year is not None and self.implied_year != self.campaign_year

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome is outcome)

    @property
    def counts(self) -> dict[Outcome, int]:
        result = dict.fromkeys(Outcome, 0)
        for row in self.rows:
            result[row.outcome] += 1
        return result

    def rows_of(self, outcome: Outcome) -> list[PreviewRow]:
        return [row for row in self.rows if row.outcome is outcome]


@dataclass(frozen=True)
class ImportOptions:
    campaign_year: int | None = None  # overrides the campaign the files imply
    confirmed_classes: frozenset[str] | None = None  # classes recognised by label; None: all accepted
    mappings: Mapping[str, ColumnMapping] = field(default_factory=dict)  # by SourceFile.name
    today: dt.date | None = None


# --- existing youths, loaded once -----------------------------------------------------------------------------


class _Existing(NamedTuple):
    id: int
    version: int
    ine: str
    siecle_id: str
    last_name: str
    usage_name: str
    first_names: str
    sex: str
    birth_date: dt.date | None
    phone_raw: str
    phone2_raw: str
    email: str
    address: str
    postal_code: str
    city: str
    boursier: bool
    corrected_fields: str
    left_school_on: dt.date | None
    schooling_id: int | None
    diploma: str | None
    speciality: str | None
    mef_code: str | None
    mef_label: str | None
    division: str | None
    status: str | None
    school_year: int | None
    detected_by: str | None


_EXISTING_COLUMNS = (
    Youth.id,
    Youth.version,
    Youth.ine,
    Youth.siecle_id,
    Youth.last_name,
    Youth.usage_name,
    Youth.first_names,
    Youth.sex,
    Youth.birth_date,
    Youth.phone_raw,
    Youth.phone2_raw,
    Youth.email,
    Youth.address,
    Youth.postal_code,
    Youth.city,
    Youth.boursier,
    Youth.corrected_fields,
    Youth.left_school_on,
    OriginalSchooling.id,
    OriginalSchooling.diploma,
    OriginalSchooling.speciality,
    OriginalSchooling.mef_code,
    OriginalSchooling.mef_label,
    OriginalSchooling.division,
    OriginalSchooling.status,
    OriginalSchooling.school_year,
    OriginalSchooling.detected_by,
)

RepTuple = tuple[str, str, str, str, bool, str, str, str, str, str]


def name_key(last_name: str, first_names: str, birth_date: dt.date | None) -> tuple[str, str, dt.date] | None:
    """Last resort identity across imports: folded last name, first first name, birth date."""
    first = fold(first_names).split(" ")[0] if first_names else ""
    if not last_name.strip() or not first or birth_date is None:
        return None
    return fold(last_name), first, birth_date


class _Index:
    """The campaign's youths by INE, ELEVE_ID and name key: each row is matched without a query."""

    def __init__(self, session: Session, campaign_id: int | None) -> None:
        self.rows: dict[int, _Existing] = {}
        self.reps: dict[int, list[RepTuple]] = {}
        self.by_ine: dict[str, int] = {}
        self.by_siecle_id: dict[str, int] = {}
        self.by_name: dict[tuple, int] = {}
        if campaign_id is None:
            return
        query = (
            select(*_EXISTING_COLUMNS)
            .outerjoin(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
            .where(Youth.campaign_id == campaign_id, Youth.anonymised_at.is_(None))
        )
        for row in session.execute(query):
            existing = _Existing(*row)
            self.rows[existing.id] = existing
            if existing.ine:
                self.by_ine.setdefault(existing.ine, existing.id)
            if existing.siecle_id and existing.siecle_id != SPREADSHEET_ID:
                self.by_siecle_id.setdefault(existing.siecle_id, existing.id)
            key = name_key(existing.last_name, existing.first_names, existing.birth_date)
            if key is not None:
                self.by_name.setdefault(key, existing.id)
        reps_query = (
            select(
                LegalRepresentative.youth_id,
                LegalRepresentative.last_name,
                LegalRepresentative.first_name,
                LegalRepresentative.civility,
                LegalRepresentative.link,
                LegalRepresentative.is_legal,
                LegalRepresentative.phone_raw,
                LegalRepresentative.email,
                LegalRepresentative.address,
                LegalRepresentative.postal_code,
                LegalRepresentative.city,
            )
            .join(Youth, Youth.id == LegalRepresentative.youth_id)
            .where(Youth.campaign_id == campaign_id)
            .order_by(LegalRepresentative.youth_id, LegalRepresentative.rank)
        )
        for youth_id, *values in session.execute(reps_query):
            self.reps.setdefault(youth_id, []).append(tuple(values))

    def match(self, record: StudentRecord) -> int | None:
        for ine in record.all_ines:
            found = self.by_ine.get(normalise_ine(ine))
            if found is not None:
                return found
        if record.eleve_id and record.eleve_id in self.by_siecle_id:
            return self.by_siecle_id[record.eleve_id]
        key = name_key(record.last_name, record.first_names, record.birth_date)
        return self.by_name.get(key) if key is not None else None


# --- from a record to the values the database holds -------------------------------------------------------------

_CIVILITIES = {
    "MME": "Mme",
    "MADAME": "Mme",
    "M.": "M.",
    "M": "M.",
    "MR": "M.",
    "MONSIEUR": "M.",
    "MLLE": "Mlle",
}
_Y = Youth.__table__.c
_S = OriginalSchooling.__table__.c
_R = LegalRepresentative.__table__.c


def _fit(column, value: str) -> str:
    """The value cut to its column's length: PostgreSQL refuses longer strings (SQLite would keep them)."""
    length = getattr(column.type, "length", None)
    return value[:length] if length else value


def _phones(*raws: str) -> list[str]:
    return list(dict.fromkeys(r.strip() for r in raws if r and r.strip()))


def _youth_values(record: StudentRecord) -> dict[str, object]:
    """The youth's fields the record gives (an empty value never clears what the database holds)."""
    values: dict[str, object] = {}
    for name in ("last_name", "usage_name", "first_names", "sex", "email"):
        value = getattr(record, name).strip()
        if value:
            values[name] = _fit(_Y[name], " ".join(value.split()))
    if record.birth_date is not None:
        values["birth_date"] = record.birth_date
    ine = normalise_ine(record.ine)
    if ine and len(ine) <= _Y.ine.type.length:  # a longer one is only warned about (see _warnings)
        values["ine"] = ine
    phones = _phones(record.phone_mobile, record.phone_home, record.phone_work)
    own = [r for r in record.representatives or () if r.link == ParentLink.ELEVE.value]
    if not phones and own:  # an adult student is often their own «responsable» (CODE_PARENTE 70)
        phones = _phones(own[0].phone_mobile, own[0].phone_home, own[0].phone_work)
    if "email" not in values and own and own[0].email:
        values["email"] = _fit(_Y.email, own[0].email)
    if phones:
        values["phone"] = _fit(_Y.phone_raw, phones[0])
    if len(phones) > 1:
        values["phone2"] = _fit(_Y.phone2_raw, phones[1])
    address = record.address or (own[0].address if own else None)
    if address is not None:
        for name, value in (
            ("address", address.street),
            ("postal_code", address.postal_code),
            ("city", address.city),
        ):
            if value:
                values[name] = _fit(_Y[name], value)
    if record.boursier:
        values["boursier"] = True  # an export that does not list a scholarship never takes one away
    return values


def _rep_tuples(record: StudentRecord) -> list[RepTuple] | None:
    if record.representatives is None:
        return None
    result = []
    for rep in record.representatives:
        if rep.link == ParentLink.ELEVE.value:
            continue
        phone = (_phones(rep.phone_mobile, rep.phone_home, rep.phone_work) or [""])[0]
        address = rep.address
        result.append(
            (
                _fit(_R.last_name, rep.last_name),
                _fit(_R.first_name, rep.first_name),
                _fit(_R.civility, _CIVILITIES.get(rep.civility.strip().upper(), rep.civility.strip())),
                rep.link if ParentLink.from_code(rep.link) else "",
                rep.legal,
                _fit(_R.phone_raw, phone),
                _fit(_R.email, rep.email),
                _fit(_R.address, address.street) if address else "",
                _fit(_R.postal_code, address.postal_code) if address else "",
                _fit(_R.city, address.city) if address else "",
            )
        )
    return result


@dataclass
class _Row:
    record: StudentRecord
    detection: rules.Detection
    status: rules.Status
    youth_id: int | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    preview: ImportPreview
    campaign_year: int
    school_uai: str | None  # set up the school from this UAI
    school_year: int | None
    export_date: dt.date
    inserts: list[tuple[dict, dict, list[RepTuple]]] = field(default_factory=list)
    youth_updates: list[dict] = field(default_factory=list)
    schooling_updates: list[dict] = field(default_factory=list)
    schooling_inserts: list[dict] = field(default_factory=list)
    rep_replacements: dict[int, list[RepTuple]] = field(default_factory=dict)
    audits: list[tuple[int, str]] = field(default_factory=list)
    left: list[dict] = field(default_factory=list)
    pae_pathways: list[int] = field(default_factory=list)


def _display_name(record: StudentRecord) -> str:
    first = record.first_names.split(" ")[0] if record.first_names else ""
    return f"{record.last_name.upper()} {first}".strip() or "(sans nom)"


def _ref(record: StudentRecord) -> str:
    return f"{record.source}, {record.ref}" if record.source else record.ref


@full_collections_deferred()
def preview_import(
    session: Session,
    sources: ImportSources,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportPreview:
    """What the import would do; writes nothing. Refusals of the whole import raise `UserError`."""
    return _plan(session, sources, options or ImportOptions(), progress or _nothing).preview


def _students(sources: ImportSources, options: ImportOptions) -> list[StudentRecord]:
    """Students of every students file (XML variants of one export merged on ELEVE_ID) and spreadsheet."""
    records: list[StudentRecord] = []
    by_eleve_id: dict[str, StudentRecord] = {}
    for source in sources.of_kind(KIND_ELEVES):
        assert source.siecle is not None
        for student in source.siecle.students:
            twin = by_eleve_id.get(student.eleve_id) if student.eleve_id else None
            if twin is not None:  # «sans» and «avec adresses» of the same export
                if twin.address is None and student.address is not None:
                    twin.address = student.address
                continue
            if student.eleve_id:
                by_eleve_id[student.eleve_id] = student
            records.append(student)
    for source in sources.spreadsheets:
        assert source.table is not None
        mapping = options.mappings.get(source.name) or source.guessed_mapping
        records += spreadsheet.records_from_table(source.table, mapping)
    for source in sources.of_kind(KIND_RESPONSABLES):
        assert source.siecle is not None
        siecle.attach_representatives(records, source.siecle)
    return records


def _check_school(session: Session, sources: ImportSources) -> tuple[str, str, bool]:
    """The file's UAI against the school's: (uai, school name, set up from the file)."""
    uais: dict[str, str] = {}
    for source in sources.files:
        uai = source.params.uai
        if not uai:
            continue
        if error := uai_error(uai):
            raise FileRefused(f"Le fichier « {source.name} » porte un UAI invalide. {error}")
        uais.setdefault(uai, source.name)
    if len(uais) > 1:
        listed = ", ".join(f"{uai} ({name})" for uai, name in uais.items())
        raise UserError(
            f"Les fichiers viennent de plusieurs établissements : {listed}. Importez-les séparément."
        )
    uai = next(iter(uais), "")
    school = get_school(session)
    if school is not None and uai and uai != school.uai:
        raise UserError(
            f"Le fichier « {uais[uai]} » est celui d'un autre établissement (UAI {uai}) : "
            f"cette base est celle de {school.name} (UAI {school.uai}). Import refusé."
        )
    if school is not None:
        return school.uai, school.name, False
    return uai, "", True


def _campaign_year(sources: ImportSources, options: ImportOptions) -> tuple[int, int | None, int | None]:
    """(campaign year, the year the files imply, the files' school year)."""
    years: dict[int, str] = {}
    for source in sources.files:
        if source.params.school_year is not None:
            years.setdefault(source.params.school_year, source.name)
    if len(years) > 1:
        listed = ", ".join(f"{year}-{year + 1} ({name})" for year, name in sorted(years.items()))
        raise UserError(f"Les fichiers portent des années scolaires différentes : {listed}.")
    school_year = next(iter(years), None)
    implied = school_year + 1 if school_year is not None else None
    year = options.campaign_year or implied
    if year is None:
        raise UserError(UNKNOWN_CAMPAIGN)
    problems = CampaignDates.defaults(year).errors()
    if problems:
        raise UserError(f"Campagne {year} : {problems[0]}")
    return year, implied, school_year


def _check_not_older(session: Session, campaign: Campaign | None, sources: ImportSources) -> None:
    if campaign is None:
        return
    for source in sources.files:
        exported = source.params.exported_at
        if exported is None:
            continue
        last = session.scalar(
            select(ImportRecord.exported_at)
            .where(
                ImportRecord.campaign_id == campaign.id,
                ImportRecord.file_kind == source.kind,
                ImportRecord.exported_at.is_not(None),
            )
            .order_by(ImportRecord.exported_at.desc())
            .limit(1)
        )
        if last is not None and exported < last:
            raise UserError(
                f"Le fichier « {source.name} » (export du {exported:%d/%m/%Y à %H:%M}) est plus ancien que le "
                f"dernier importé pour la campagne {campaign.year} (export du {last:%d/%m/%Y à %H:%M}). Import refusé."
            )


def _mef_tables(sources: ImportSources) -> tuple[dict[str, rules.MefRef], dict[str, str]]:
    """The MEFs of the files' nomenclatures, and the MEF of each division (Structures.xml)."""
    local: dict[str, rules.MefRef] = {}
    for source in sources.of_kind(KIND_NOMENCLATURE):
        assert source.siecle is not None
        for code, mef in source.siecle.mefs.items():
            local[code] = rules.MefRef(code, mef.label, mef.mefstat4, mef.attached_to)
    division_mef: dict[str, str] = {}
    for source in sources.of_kind(KIND_STRUCTURES):
        assert source.siecle is not None
        for code, (_label, mefs) in source.siecle.divisions.items():
            if mefs:
                division_mef[code] = mefs[0]
    return local, division_mef


def _plan(session: Session, sources: ImportSources, options: ImportOptions, progress: Progress) -> _Plan:
    today = options.today or dt.date.today()
    progress(0, 0, "Analyse des fichiers…")
    uai, school_name, school_setup = _check_school(session, sources)
    has_students = bool(sources.of_kind(KIND_ELEVES) or sources.spreadsheets)
    if not has_students and not sources.of_kind(KIND_RESPONSABLES):
        raise UserError(
            "Aucun fichier d'élèves parmi les fichiers choisis : la nomenclature et les structures complètent "
            "un import d'élèves (ElevesSansAdresses ou ElevesAvecAdresses), elles n'ajoutent personne."
        )
    records = _students(sources, options) if has_students else []
    local, division_mef = _mef_tables(sources)
    reference = import_reference(
        session, (f.params.school_year for f in sources.files), options.campaign_year
    )
    national, scheme_codes = reference.national, reference.scheme_codes
    scheme_codes = scheme_codes | scheme_codes_in_use(session)  # a code typed on any campaign too
    rows = []
    for record in records:
        code = record.mef_code or division_mef.get(record.division, "")
        detection = rules.detect(
            code, record.mef_label, local, national, scheme_codes, class_name=record.division
        )
        rows.append(_Row(record, detection, rules.Status.NOT_FINAL))
    if has_students and not any(row.detection.final_year for row in rows):
        raise UserError(NO_FINAL_YEAR)
    if school_setup and not uai:
        raise UserError("Paramétrez d'abord l'établissement : ce fichier n'indique pas d'UAI.")
    try:
        year, implied, school_year = _campaign_year(sources, options)
    except UserError:
        if has_students:
            raise
        raise UserError(NOTHING_TO_ATTACH) from None
    campaign = get_campaign(session, year)
    if campaign is None and not has_students:
        raise UserError(NOTHING_TO_ATTACH)
    _check_not_older(session, campaign, sources)
    cutoff = campaign.census_cutoff if campaign else CampaignDates.defaults(year).census_cutoff
    export_dates = [
        f.params.export_date or f.params.exported_at.date() for f in sources.files if f.params.exported_at
    ]
    export_date = max(export_dates) if export_dates else today
    preview = ImportPreview(
        files=[
            FileSummary(
                f.name,
                f.kind_label,
                f.params.uai,
                f.params.school_year,
                f.params.exported_at,
                len(f.siecle.students) if f.siecle else (len(f.table.rows) if f.table else 0),
            )
            for f in sources.files
        ],
        uai=uai,
        school_name=school_name or f"Établissement {uai}",
        school_setup=school_setup,
        campaign_year=year,
        implied_year=implied,
        campaign_exists=campaign is not None,
        export_date=export_date,
        rows=[],
        label_classes=[],
        not_final=0,
        mef_table=reference.table_title,
        mef_table_warning=reference.table_warning,
        scheme_name=reference.scheme_name,
    )
    if reference.table_warning:
        preview.warnings.append(reference.table_warning)
    if preview.campaign_overridden:
        preview.warnings.append(
            f"Campagne {year} choisie : l'année scolaire {school_year}-{school_year + 1} du fichier "
            f"indique la campagne {implied}."
        )
    plan = _Plan(preview, year, uai if school_setup else None, school_year, export_date)
    index = _Index(session, campaign.id if campaign else None)
    if has_students:
        _plan_students(session, plan, rows, index, options, cutoff)
    else:
        _plan_representatives_only(plan, sources, index)
    preview.rows.sort(key=lambda r: (OUTCOME_ORDER[r.outcome], fold(r.name)))
    return plan


def _plan_students(
    session: Session,
    plan: _Plan,
    rows: list[_Row],
    index: _Index,
    options: ImportOptions,
    cutoff: dt.date,
) -> None:
    preview = plan.preview
    today = options.today or dt.date.today()
    for row in rows:
        record = row.record
        row.status = rules.census_status(
            row.detection, record.status, record.division, record.leave_date, plan.export_date, cutoff
        )
        row.youth_id = index.match(record)
    duplicate_ines = rules.duplicated(normalise_ine(row.record.ine) for row in rows)

    # classes recognised by their label only: confirmed class by class
    label_classes: dict[str, LabelClass] = {}
    for row in rows:
        if row.status is rules.Status.ENTERS and row.detection.method is rules.Method.LABEL:
            division = row.record.division
            entry = label_classes.get(division)
            if entry is None:
                confirmed = options.confirmed_classes is None or division in options.confirmed_classes
                entry = label_classes[division] = LabelClass(
                    division, row.detection.label, row.detection.diploma.label, 0, confirmed
                )
            entry.students += 1
    preview.label_classes = sorted(label_classes.values(), key=lambda c: fold(c.division))

    pae_by_ine = _pae_pathways(session, plan, rows)
    seen_youths: dict[int, str] = {}
    seen_names: dict[tuple, str] = {}
    matched_ids: set[int] = set()
    for row in rows:
        record = row.record
        if row.youth_id is not None:
            matched_ids.add(row.youth_id)
        status = row.status
        if status is rules.Status.NOT_FINAL:
            preview.not_final += 1
            continue
        common = {
            "ref": _ref(record),
            "name": _display_name(record),
            "birth_date": record.birth_date,
            "ine": record.ine,
            "division": record.division,
            "diploma": row.detection.diploma.label if row.detection.diploma else "",
        }
        if status is rules.Status.PAE:
            pathway = next((pae_by_ine[i] for i in record.all_ines if i in pae_by_ine), None)
            if pathway is not None:
                pathway_id, entered = pathway
                if not entered:
                    plan.pae_pathways.append(pathway_id)
                detail = "parcours trouvé" + ("" if entered else " : inscription dans SIECLE notée")
            else:
                detail = f"{in_scheme(preview.scheme_name)} sans parcours"
            preview.rows.append(PreviewRow(Outcome.PAE, detail=detail, **common))
            continue
        if status is rules.Status.LEFT:
            existing = index.rows.get(row.youth_id) if row.youth_id is not None else None
            if existing is not None and existing.left_school_on is None:
                plan.left.append(
                    {"id": existing.id, "version": existing.version, "left_school_on": record.leave_date}
                )
            preview.rows.append(PreviewRow(Outcome.LEFT, detail=f"le {record.leave_date:%d/%m/%Y}", **common))
            continue
        if status is not rules.Status.ENTERS:
            preview.rows.append(PreviewRow(Outcome.NOT_CONCERNED, detail=status.value, **common))
            continue
        if row.detection.method is rules.Method.LABEL and not label_classes[record.division].confirmed:
            preview.rows.append(
                PreviewRow(
                    Outcome.NOT_CONCERNED, detail="classe reconnue par libellé, non confirmée", **common
                )
            )
            continue
        problems = rules.row_problems(
            record.last_name, record.first_names, record.problems, record.birth_date, today
        )
        if record.ine and normalise_ine(record.ine) in duplicate_ines:
            problems.append(f"INE {normalise_ine(record.ine)} présent plusieurs fois dans le fichier")
        key = name_key(record.last_name, record.first_names, record.birth_date)
        if not problems and row.youth_id is not None and row.youth_id in seen_youths:
            problems.append(f"même élève que {seen_youths[row.youth_id]}")
        elif (
            not problems and row.youth_id is None and key is not None and key in seen_names and not record.ine
        ):
            problems.append(f"même nom, prénom et date de naissance que {seen_names[key]}")
        if problems:
            preview.rows.append(PreviewRow(Outcome.REJECTED, detail=" ; ".join(problems), **common))
            continue
        if row.youth_id is not None:
            seen_youths[row.youth_id] = record.ref
        if key is not None:
            seen_names.setdefault(key, record.ref)
        warnings = _warnings(record, today)
        schooling = _schooling_values(row, plan)
        if row.youth_id is None:
            youth = _youth_values(record)
            youth["siecle_id"] = _fit(_Y.siecle_id, record.eleve_id) or SPREADSHEET_ID
            plan.inserts.append((youth, schooling, _rep_tuples(record) or []))
            preview.rows.append(PreviewRow(Outcome.ADDED, warnings=warnings, **common))
        else:
            changed = _plan_update(plan, index, row.youth_id, record, schooling)
            if changed:
                before = index.rows[row.youth_id].division or "sans classe"
                detail = ", ".join(
                    f"classe {before} → {schooling['division']}"
                    if name == "division"
                    else FIELD_LABELS.get(name, name)
                    for name in changed
                )
                preview.rows.append(PreviewRow(Outcome.UPDATED, detail=detail, warnings=warnings, **common))
            else:
                preview.rows.append(PreviewRow(Outcome.UNCHANGED, warnings=warnings, **common))

    # youths of the same school year imported from SIECLE, absent from this complete export: left
    if any(row.record.eleve_id for row in rows):
        for existing in index.rows.values():
            if (
                existing.id not in matched_ids
                and existing.siecle_id
                and existing.left_school_on is None
                and existing.school_year == plan.school_year
            ):
                plan.left.append(
                    {"id": existing.id, "version": existing.version, "left_school_on": plan.export_date}
                )
                first = existing.first_names.split(" ")[0] if existing.first_names else ""
                preview.rows.append(
                    PreviewRow(
                        Outcome.LEFT,
                        ref="base",
                        name=f"{existing.last_name.upper()} {first}".strip(),
                        birth_date=existing.birth_date,
                        ine=existing.ine,
                        division=existing.division or "",
                        diploma=Diploma.label_of(existing.diploma),
                        detail=f"absent de l'export du {plan.export_date:%d/%m/%Y}",
                    )
                )


def _warnings(record: StudentRecord, today: dt.date) -> tuple[str, ...]:
    warnings = []
    if warning := ine_warning(record.ine):
        too_long = len(normalise_ine(record.ine)) > _Y.ine.type.length
        warnings.append(warning + (" Il n'est pas enregistré." if too_long else ""))
    if warning := birth_date_error(record.birth_date, today):
        warnings.append(warning)
    for raw in _phones(record.phone_mobile, record.phone_home, record.phone_work)[:2]:
        if not _phone(raw).normalised:
            warnings.append(f"Téléphone « {raw} » illisible : gardé tel quel.")
    return tuple(warnings)


def _schooling_values(row: _Row, plan: _Plan) -> dict[str, object]:
    detection, record = row.detection, row.record
    label = detection.label or record.mef_label
    return {
        "diploma": detection.diploma.value if detection.diploma else "",
        "speciality": _fit(_S.speciality, rules.speciality_of(label)),
        "mef_code": _fit(_S.mef_code, record.mef_code or detection.mef_code),
        "mef_label": _fit(_S.mef_label, label),
        "division": _fit(_S.division, record.division),
        "status": _fit(_S.status, record.status or "ST"),
        "school_year": plan.school_year if plan.school_year is not None else plan.campaign_year - 1,
        "detected_by": detection.method.value,
    }


def _plan_update(
    plan: _Plan, index: _Index, youth_id: int, record: StudentRecord, schooling: dict
) -> list[str]:
    """Queue the changes a record brings to an existing youth, sparing what the user corrected."""
    existing = index.rows[youth_id]
    corrected = set(filter(None, existing.corrected_fields.split(",")))
    changes: dict[str, object] = {}
    changed: list[str] = []
    for name, value in _youth_values(record).items():
        if name in corrected:
            continue
        if name in ("phone", "phone2"):
            if getattr(existing, f"{name}_raw") != value:
                phone = _phone(str(value))
                changes[name], changes[f"{name}_raw"] = phone.normalised, phone.raw
                changed.append(name)
        elif name == "ine":
            if existing.ine not in [normalise_ine(i) for i in record.all_ines]:
                changes["ine"] = value
                changed.append(name)
        elif getattr(existing, name) != value:
            changes[name] = value
            changed.append(name)
    if existing.left_school_on is not None:
        changes["left_school_on"] = None
        changed.append("left_school_on")
    if changes:
        keyed = existing._replace(**{k: v for k, v in changes.items() if k in existing._fields})
        changes["search_key"] = youth_search_key(keyed)
        plan.youth_updates.append({"id": youth_id, "version": existing.version, **changes})
    school_changes = {
        name: value
        for name, value in schooling.items()
        if name not in corrected and value not in ("", None) and getattr(existing, name) != value
    }
    if existing.schooling_id is None:
        plan.schooling_inserts.append({"youth_id": youth_id, **schooling})
        changed += [name for name in ("diploma", "division") if schooling[name]]
    elif school_changes:
        plan.schooling_updates.append({"id": existing.schooling_id, **school_changes})
        changed += [n for n in school_changes if n not in ("school_year", "detected_by")] or list(
            school_changes
        )
    reps = _rep_tuples(record)
    if reps and "representatives" not in corrected and reps != index.reps.get(youth_id, []):
        plan.rep_replacements[youth_id] = reps
        changed.append("representatives")
    plan.audits += [(youth_id, name) for name in changed]
    return changed


def _pae_pathways(session: Session, plan: _Plan, rows: list[_Row]) -> dict[str, tuple[int, bool]]:
    """Pathways of the campaign of the file's school year by INE, for students already under a scheme MEF (either
    family: a student of school year 2026-2027 may still be under a code of the old one)."""
    ines = {normalise_ine(i) for row in rows if row.status is rules.Status.PAE for i in row.record.all_ines}
    if not ines:
        return {}
    pae_year = plan.school_year if plan.school_year is not None else plan.campaign_year - 1
    query = (
        select(Youth.ine, Pathway.id, Pathway.siecle_entered)
        .join(Pathway, Pathway.youth_id == Youth.id)
        .join(Campaign, Campaign.id == Youth.campaign_id)
        .where(Campaign.year == pae_year, Youth.ine != "")
    )
    return {ine: (pathway_id, entered) for ine, pathway_id, entered in session.execute(query) if ine in ines}


def _plan_representatives_only(plan: _Plan, sources: ImportSources, index: _Index) -> None:
    """A responsables export alone: its contacts attach to the students already in the census."""
    attached = 0
    for source in sources.of_kind(KIND_RESPONSABLES):
        assert source.siecle is not None
        by_student: dict[str, list[siecle.LinkRecord]] = {}
        for link in source.siecle.links:
            by_student.setdefault(link.eleve_id, []).append(link)
        for eleve_id, links in by_student.items():
            youth_id = index.by_siecle_id.get(eleve_id)
            if youth_id is None:
                continue
            attached += 1
            existing = index.rows[youth_id]
            record = StudentRecord(ref=f"élève {eleve_id}", source=source.name, eleve_id=eleve_id)
            record.representatives = siecle.representatives_of(links, source.siecle)
            reps = _rep_tuples(record) or []
            common = {
                "ref": _ref(record),
                "name": f"{existing.last_name.upper()} {existing.first_names.split(' ')[0]}".strip(),
                "birth_date": existing.birth_date,
                "ine": existing.ine,
                "division": existing.division or "",
                "diploma": "",
            }
            corrected = set(filter(None, existing.corrected_fields.split(",")))
            if reps and "representatives" not in corrected and reps != index.reps.get(youth_id, []):
                plan.rep_replacements[youth_id] = reps
                plan.audits.append((youth_id, "representatives"))
                plan.preview.rows.append(PreviewRow(Outcome.UPDATED, detail="représentants légaux", **common))
            else:
                plan.preview.rows.append(PreviewRow(Outcome.UNCHANGED, **common))
    if not attached:
        raise UserError(NOTHING_TO_ATTACH)


# --- applying ----------------------------------------------------------------------------------------------------


class _Keyed(NamedTuple):
    """What `youth_search_key` reads of a youth."""

    last_name: str
    usage_name: str
    first_names: str
    ine: str


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@full_collections_deferred()
def apply_import(
    session: Session,
    sources: ImportSources,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportPreview:
    """Plan again and write it all in the caller's transaction; `progress` may raise to cancel (rollback)."""
    options = options or ImportOptions()
    progress = progress or _nothing
    plan = _plan(session, sources, options, progress)
    preview = plan.preview
    total = len(plan.inserts) + len(plan.youth_updates) + len(plan.rep_replacements) + len(plan.left) + 1
    done = 0
    progress(done, total, "Enregistrement…")
    if plan.school_uai:
        save_school(session, SchoolForm(name=preview.school_name, uai=plan.school_uai))
    school = get_school(session)
    campaign = ensure_campaign(session, plan.campaign_year)
    try:
        for batch in _chunks(plan.inserts):
            _insert_youths(session, campaign.id, school.secret, batch)
            done += len(batch)
            progress(done, total, f"Ajout des élèves ({done}/{len(plan.inserts)})…")
        for batch in _chunks(plan.youth_updates):
            session.execute(update(Youth), batch)
            done += len(batch)
            progress(done, total, "Mise à jour des élèves…")
        for batch in _chunks(plan.schooling_updates):
            session.execute(update(OriginalSchooling), batch)
        if plan.schooling_inserts:
            session.execute(insert(OriginalSchooling), plan.schooling_inserts)
        replaced = list(plan.rep_replacements.items())
        for batch in _chunks(replaced):
            session.execute(
                delete(LegalRepresentative).where(LegalRepresentative.youth_id.in_([y for y, _ in batch]))
            )
            session.execute(
                insert(LegalRepresentative), [r for y, reps in batch for r in _rep_dicts(y, reps)]
            )
            done += len(batch)
            progress(done, total, "Représentants légaux…")
        for batch in _chunks(plan.left):
            session.execute(update(Youth), batch)
            done += len(batch)
        if plan.pae_pathways:
            session.execute(
                update(Pathway)
                .where(Pathway.id.in_(plan.pae_pathways))
                .values(siecle_entered=True, siecle_entered_on=plan.export_date)
            )
    except StaleDataError as error:
        raise UserError(
            "Des dossiers ont été modifiés pendant l'import : rien n'a été enregistré, relancez l'import."
        ) from error
    for youth_id, name in plan.audits:
        audit.record(session, "update", "youth", youth_id, field=name, detail="import")
    counts = preview.counts
    students_kinds = (KIND_ELEVES, KIND_SPREADSHEET)
    first_students = next((f for f in sources.files if f.kind in students_kinds), None)
    for source in sources.files:
        counted = source is first_students or (first_students is None and source is sources.files[0])
        record = ImportRecord(
            campaign_id=campaign.id,
            file_name=source.name[:500],
            file_kind=source.kind,
            sha256=source.sha256,
            uai=source.params.uai or preview.uai,
            school_year=source.params.school_year,
            exported_at=source.params.exported_at,
            added=counts[Outcome.ADDED] if counted else 0,
            updated=counts[Outcome.UPDATED] if counted else 0,
            unchanged=counts[Outcome.UNCHANGED] if counted else 0,
            rejected=counts[Outcome.REJECTED] if counted else 0,
            left=counts[Outcome.LEFT] if counted else 0,
        )
        session.add(record)
        session.flush()
        preview.import_ids.append(record.id)
    audit.record(
        session,
        "import",
        "import_record",
        preview.import_ids[0] if preview.import_ids else None,
        detail=(
            f"campagne {campaign.year} : {counts[Outcome.ADDED]} ajoutés, {counts[Outcome.UPDATED]} mis à jour, "
            f"{counts[Outcome.UNCHANGED]} inchangés, {counts[Outcome.REJECTED]} rejetés, "
            f"{counts[Outcome.LEFT]} sortis"
        ),
    )
    session.flush()
    progress(total, total, "Import terminé.")
    return preview


def _insert_youths(
    session: Session, campaign_id: int, secret: bytes, batch: list[tuple[dict, dict, list]]
) -> None:
    youth_rows = []
    for values, _schooling, _reps in batch:
        phones = [_phone(str(values.get(name, ""))) for name in ("phone", "phone2")]
        row = {
            "campaign_id": campaign_id,
            "pseudonym": pseudonym(secret, str(values.get("ine", "")), 0) if values.get("ine") else "",
            "ine": values.get("ine", ""),
            "siecle_id": values["siecle_id"],
            "last_name": values.get("last_name", ""),
            "usage_name": values.get("usage_name", ""),
            "first_names": values.get("first_names", ""),
            "sex": values.get("sex", ""),
            "birth_date": values.get("birth_date"),
            "phone": phones[0].normalised,
            "phone_raw": phones[0].raw,
            "phone2": phones[1].normalised,
            "phone2_raw": phones[1].raw,
            "email": values.get("email", ""),
            "address": values.get("address", ""),
            "postal_code": values.get("postal_code", ""),
            "city": values.get("city", ""),
            "boursier": bool(values.get("boursier", False)),
            "version": 1,
        }
        row["search_key"] = youth_search_key(
            _Keyed(row["last_name"], row["usage_name"], row["first_names"], row["ine"])
        )
        youth_rows.append(row)
    ids = session.scalars(insert(Youth).returning(Youth.id, sort_by_parameter_order=True), youth_rows).all()
    without_ine = [
        {"b_id": i, "b_pseudonym": pseudonym(secret, "", i)}
        for i, row in zip(ids, youth_rows, strict=True)
        if not row["ine"]
    ]
    if without_ine:
        table = Youth.__table__
        session.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(pseudonym=bindparam("b_pseudonym")),
            without_ine,
        )
    session.execute(
        insert(OriginalSchooling),
        [{"youth_id": i, **schooling} for i, (_v, schooling, _r) in zip(ids, batch, strict=True)],
    )
    reps = [r for i, (_v, _s, rep_list) in zip(ids, batch, strict=True) for r in _rep_dicts(i, rep_list)]
    if reps:
        session.execute(insert(LegalRepresentative), reps)


def _rep_dicts(youth_id: int, reps: list[RepTuple]) -> list[dict]:
    result = []
    for rank, (last, first, civility, link, legal, phone_raw, email, address, postal, city) in enumerate(
        reps, 1
    ):
        phone = _phone(phone_raw)
        result.append(
            {
                "youth_id": youth_id,
                "rank": rank,
                "last_name": last,
                "first_name": first,
                "civility": civility,
                "link": link,
                "is_legal": legal,
                "phone": phone.normalised,
                "phone_raw": phone.raw,
                "email": email,
                "address": address,
                "postal_code": postal,
                "city": city,
            }
        )
    return result


# --- the imports of a campaign -------------------------------------------------------------------------------------


def list_imports(session: Session, campaign_id: int | None = None) -> list[ImportRecord]:
    """The imports recorded, latest first (of one campaign, or of all)."""
    query = select(ImportRecord).order_by(ImportRecord.imported_at.desc(), ImportRecord.id.desc())
    if campaign_id is not None:
        query = query.where(ImportRecord.campaign_id == campaign_id)
    return list(session.scalars(query))
