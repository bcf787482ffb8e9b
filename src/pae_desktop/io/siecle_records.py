"""The records the SIECLE readers produce (students, their representatives, the export's parameters…): plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(slots=True)
class Address:
    lines: tuple[str, ...] = ()
    postal_code: str = ""
    city: str = ""
    country: str = ""

    @property
    def street(self) -> str:
        return ", ".join(line for line in self.lines if line)


@dataclass(slots=True)
class RepresentativeRecord:
    """A SIECLE «responsable» of a student (or a «Repr. Lég.» of a spreadsheet)."""

    last_name: str
    first_name: str = ""
    civility: str = ""
    link: str = ""  # CODE_PARENTE, two characters
    legal: bool = True  # NIVEAU_RESPONSABILITE 1, or RESP_LEGAL 1/2
    order: int = 9  # sorting key: lower comes first
    phone_mobile: str = ""
    phone_home: str = ""
    phone_work: str = ""
    email: str = ""
    address: Address | None = None


@dataclass(slots=True)
class StudentRecord:
    """One student as a file gives them; `problems` are the reasons that will reject the row."""

    ref: str  # where the row is, for people: «ligne 12», «élève 2310457»
    source: str = ""  # file name
    eleve_id: str = ""
    elenoet: str = ""
    ine: str = ""
    other_ines: tuple[str, ...] = ()
    last_name: str = ""
    usage_name: str = ""
    first_names: str = ""
    sex: str = ""  # vocabulary.Sex code, "" when unknown
    birth_date: dt.date | None = None
    mef_code: str = ""
    mef_label: str = ""
    status: str = ""  # CODE_STATUT: ST, AP…
    division: str = ""
    groups: tuple[str, ...] = ()
    entry_date: dt.date | None = None
    leave_date: dt.date | None = None
    leave_reason: str = ""
    email: str = ""
    phone_mobile: str = ""
    phone_home: str = ""
    phone_work: str = ""
    address: Address | None = None
    boursier: bool | None = None  # None: the file says nothing about it
    representatives: list[RepresentativeRecord] | None = None  # None: the file says nothing about them
    problems: list[str] = field(default_factory=list)

    @property
    def all_ines(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i for i in (self.ine, *self.other_ines) if i))


@dataclass(slots=True)
class Parameters:
    """The `PARAMETRES` block every SIECLE export opens with."""

    uai: str = ""
    school_year: int | None = None  # ANNEE_SCOLAIRE: the year of the rentrée (2025 = 2025-2026)
    export_date: dt.date | None = None
    timestamp: dt.datetime | None = None
    version: str = ""

    @property
    def exported_at(self) -> dt.datetime | None:
        if self.timestamp is not None:
            return self.timestamp
        if self.export_date is not None:
            return dt.datetime.combine(self.export_date, dt.time())
        return None


@dataclass(slots=True)
class PersonRecord:
    personne_id: str
    civility: str = ""
    last_name: str = ""
    first_name: str = ""
    phone_home: str = ""
    phone_mobile: str = ""
    phone_work: str = ""
    email: str = ""
    address_id: str = ""


@dataclass(slots=True)
class LinkRecord:
    eleve_id: str
    personne_id: str
    legal: bool
    order: int
    link: str = ""


@dataclass(slots=True)
class MefRecord:
    code: str  # the first 10 characters of CODE_MEF
    label: str = ""  # LIBELLE_LONG
    edition_label: str = ""  # LIBELLE_EDITION
    attached_to: str = ""  # MEF_RATTACHEMENT, first 10 characters
    mefstat: str = ""  # CODE_MEFSTAT (MEFSTAT11)

    @property
    def mefstat4(self) -> str:
        return self.mefstat[:4]


@dataclass(slots=True)
class SiecleFile:
    """One parsed SIECLE export."""

    name: str
    kind: str  # the root element: ELEVES, RESPONSABLES, NOMENCLATURES or STRUCTURES
    params: Parameters
    students: list[StudentRecord] = field(default_factory=list)
    persons: dict[str, PersonRecord] = field(default_factory=dict)
    links: list[LinkRecord] = field(default_factory=list)
    addresses: dict[str, Address] = field(default_factory=dict)
    mefs: dict[str, MefRecord] = field(default_factory=dict)
    divisions: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # code → (label, MEFs)
