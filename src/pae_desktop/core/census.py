"""Who enters the census (domain.md §3, NOTES.md §11.4): final-year detection from MEFs and labels, pure.

A student's MEF is first replaced by its «MEF de rattachement» and read through its MEFSTAT4 (from the
file's nomenclature, else the national BCN table of the export's school year in `resources/reference/`);
failing that, the MEF code's digits (dispositif, durée, année); failing that, labels, which the user then
confirms class by class. Everything here is a pure function of its arguments, apart from `national_mefs()`
which reads each school year's table once.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from pae_desktop.core.resources import reference_years, resource
from pae_desktop.core.scheme import ALL_SCHEME_CODES
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import Diploma


@dataclass(frozen=True, slots=True)
class MefRef:
    """What the census needs of a MEF (10 characters), from a nomenclature or the BCN table."""

    code: str
    label: str = ""
    mefstat4: str = ""
    attached_to: str = ""


class Method(StrEnum):
    """How the final year was recognised (stored in `OriginalSchooling.detected_by`)."""

    MEFSTAT = "mefstat"
    MEF = "mef"
    LABEL = "libellé"
    NONE = ""


@dataclass(frozen=True, slots=True)
class Detection:
    diploma: Diploma | None  # the final year's diploma; None when not a final year
    pae: bool = False  # already under a MEF of the scheme (either family of domain §1)
    method: Method = Method.NONE
    mef_code: str = ""  # the MEF (10 characters) the detection read: the «rattachement» when there is one
    label: str = ""  # the MEF's label when known

    @property
    def final_year(self) -> bool:
        return self.diploma is not None


NOT_FINAL = Detection(None)

# MEFSTAT4 of the final years (NOTES.md §11.3).
MEFSTAT4_FINAL = {
    "2311": Diploma.CAP,
    "2322": Diploma.CAP,
    "2333": Diploma.CAP,
    "2383": Diploma.BAC_PRO,
    "2372": Diploma.BAC_PRO,
    "2361": Diploma.BAC_PRO,
    "23B1": Diploma.BMA,
    "23C2": Diploma.BMA,
    "23D3": Diploma.BMA,
}
MEFSTAT4_PAE = frozenset({"4151", "4161"})
MEFSTAT4_DTMS = "2213"  # terminale G-T and BT: DTMS only for dispositif 222 «TEC.MET.SPEC»
DISPOSITIF_FINAL = {
    "240": Diploma.CAP,
    "241": Diploma.CAP,
    "242": Diploma.CAP,
    "271": Diploma.CAP,
    "245": Diploma.BAC_PRO,
    "246": Diploma.BAC_PRO,
    "247": Diploma.BAC_PRO,
    "276": Diploma.BAC_PRO,
    "250": Diploma.BMA,
    "251": Diploma.BMA,
}
DISPOSITIF_PAE = frozenset({"703", "704"})
DISPOSITIF_DTMS = "222"
DTMS_DIPLOMAS = frozenset({"32306", "24210"})  # CFD 42032306, 42024210: characters 4–8, as in the MEF
_MEF10 = re.compile(r"^[0-9A-Z]{10}$")


def mef10(code: str | None) -> str:
    """SIECLE's CODE_MEF has 11 characters; the national MEF is its first 10."""
    return (code or "").strip().upper()[:10]


def _is_dtms(code: str, label: str) -> bool:
    return code[:3] == DISPOSITIF_DTMS and (code[3:8] in DTMS_DIPLOMAS or "TEC.MET.SPEC" in label.upper())


def detect(
    mef_code: str,
    label: str = "",
    local: Mapping[str, MefRef] | None = None,
    national: Mapping[str, MefRef] | None = None,
    pae_codes: Iterable[str] = ALL_SCHEME_CODES,
    class_name: str = "",
) -> Detection:
    """The final-year diploma of a student's MEF (NOTES.md §11.4, steps 1–4)."""
    local = local or {}
    national = national or {}
    code = mef10(mef_code)
    if code:
        own = local.get(code) or national.get(code)
        target = (own.attached_to if own is not None and own.attached_to else "") or code
        target_ref = local.get(target) or national.get(target)
        mef_label = (target_ref.label if target_ref else "") or (own.label if own else "") or label
        mefstat4 = (target_ref.mefstat4 if target_ref else "") or (own.mefstat4 if own else "")
        if target in set(pae_codes) or code in set(pae_codes):
            return Detection(None, pae=True, method=Method.MEF, mef_code=target, label=mef_label)
        if mefstat4:
            if mefstat4 in MEFSTAT4_PAE:
                return Detection(None, pae=True, method=Method.MEFSTAT, mef_code=target, label=mef_label)
            diploma = MEFSTAT4_FINAL.get(mefstat4)
            if diploma is None and mefstat4 == MEFSTAT4_DTMS and _is_dtms(target, mef_label):
                diploma = Diploma.DTMS
            if diploma is None:
                return Detection(None, method=Method.MEFSTAT, mef_code=target, label=mef_label)
            return Detection(diploma, method=Method.MEFSTAT, mef_code=target, label=mef_label)
        if _MEF10.match(target):
            return _from_digits(target, mef_label)
    return detect_label(label, class_name)


def _from_digits(code: str, label: str) -> Detection:
    dispositif, duration, year = code[:3], code[8], code[9]
    if dispositif in DISPOSITIF_PAE:
        return Detection(None, pae=True, method=Method.MEF, mef_code=code, label=label)
    diploma = DISPOSITIF_FINAL.get(dispositif)
    if diploma is not None and duration == year:
        return Detection(diploma, method=Method.MEF, mef_code=code, label=label)
    if _is_dtms(code, label):
        return Detection(Diploma.DTMS, method=Method.MEF, mef_code=code, label=label)
    return Detection(None, method=Method.MEF, mef_code=code, label=label)


# Label prefixes once accents, case and punctuation are folded and spaces removed (NOTES.md §11.4, step 4).
_LABEL_PATTERNS: tuple[tuple[re.Pattern[str], Diploma], ...] = tuple(
    (re.compile(pattern), diploma)
    for pattern, diploma in (
        (
            r"^(TLEPRO|TLPROA|TERMPRO|TERMINALEPRO|TBACPRO|TLEBACPRO|TERMINALEBACPRO|TERMBACPRO|TBP)",
            Diploma.BAC_PRO,
        ),
        (r"^(1CAP1|2CAP2|3CAP3|2CAP2A|CAPEN1AN|TCAP|TLECAP|TERMCAP|TERMINALECAP)", Diploma.CAP),
        (r"^CAP.*2E(ME)?ANNEE|^2E(ME)?ANNEECAP", Diploma.CAP),
        (r"^(1BMA1|2BMA2|3BMA3|TBMA|TLEBMA|TERMBMA|TERMINALEBMA)", Diploma.BMA),
        (r"^(TDTMS|TLEDTMS|TERMINALEDTMS|DTMS)|^TBT.*TECMETSPEC", Diploma.DTMS),
    )
)


def label_key(label: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", fold(label).upper())


def diploma_of_label(label: str) -> Diploma | None:
    key = label_key(label)
    if not key:
        return None
    for pattern, diploma in _LABEL_PATTERNS:
        if pattern.search(key):
            return diploma
    return None


def detect_label(label: str, class_name: str = "") -> Detection:
    """Only labels are known (spreadsheets, EDT): the formation's label, else the class's name."""
    for text in (label, class_name):
        diploma = diploma_of_label(text)
        if diploma is not None:
            return Detection(diploma, method=Method.LABEL, label=label or class_name)
    return NOT_FINAL


def speciality_of(label: str) -> str:
    """The speciality in a MEF label: «TLEPRO METIERS ELECT. ENVIRON. CONNECTES» → «METIERS ELECT. …»."""
    words = label.split()
    if len(words) > 1 and (any(c.isdigit() for c in words[0]) or words[0].upper() in _LEVEL_WORDS):
        words = words[1:]
    return " ".join(words)


_LEVEL_WORDS = frozenset({"TLEPRO", "TLPROA", "TBT", "1ERPRO", "2NDPRO", "TERMINALE", "TLE", "TERM"})


# --- who enters ---------------------------------------------------------------------------------------------


class Status(StrEnum):
    """What the census does with a student of the file; the value is the French reason shown."""

    ENTERS = "Recensé(e)"
    NOT_FINAL = "Pas en classe de terminale"
    LEFT = "A quitté l'établissement"
    NO_CLASS = "Sans classe"
    INACTIVE = "Classe « Inactifs »"
    APPRENTICE = "Apprenti : non concerné"
    PAE = "Inscrit dans le dispositif"  # the import names the campaign's scheme


INACTIVE_CLASS = "inactifs"


def left_during_year(leave_date: dt.date | None, export_date: dt.date, census_cutoff: dt.date) -> bool:
    """Left during the year: `DATE_SORTIE` on or before the export date and before the census cut-off.

    A later date (the end-of-year exit SIECLE records for the whole cohort) never excludes (domain §3).
    """
    return leave_date is not None and leave_date <= export_date and leave_date < census_cutoff


def census_status(
    detection: Detection,
    status_code: str,
    division: str,
    leave_date: dt.date | None,
    export_date: dt.date,
    census_cutoff: dt.date,
) -> Status:
    """The census rule of domain §3 for one student."""
    if detection.pae:
        return Status.PAE
    if not detection.final_year:
        return Status.NOT_FINAL
    if left_during_year(leave_date, export_date, census_cutoff):
        return Status.LEFT
    if not division.strip():
        return Status.NO_CLASS
    if fold(division) == INACTIVE_CLASS:
        return Status.INACTIVE
    if status_code.strip().upper() == "AP":
        return Status.APPRENTICE
    return Status.ENTERS


def row_problems(
    last_name: str,
    first_names: str,
    problems: Iterable[str] = (),
    birth_date: dt.date | None = None,
    today: dt.date | None = None,
) -> list[str]:
    """Why a row is rejected on its own: a missing name, an impossible or implausible birth date.

    Dates that do not exist were found while reading (`problems`); a birth date in the future or before 1900
    is refused here, as the youth's form refuses it.
    """
    reasons = list(problems)
    if not last_name.strip():
        reasons.insert(0, "Nom de famille manquant")
    if not first_names.strip():
        reasons.insert(0 if last_name.strip() else 1, "Prénom manquant")
    if birth_date is not None:
        shown = f"{birth_date.day:02d}/{birth_date.month:02d}/{birth_date.year:04d}"
        if birth_date > (today or dt.date.today()):
            reasons.append(f"Date de naissance dans le futur : {shown}")
        elif birth_date.year < 1900:
            reasons.append(f"Date de naissance antérieure à 1900 : {shown}")
    return reasons


def duplicated(values: Iterable[str]) -> set[str]:
    """The non-empty values present more than once (an INE twice in a file rejects both rows)."""
    counts = Counter(v for v in values if v)
    return {value for value, count in counts.items() if count > 1}


# --- the national MEF tables, one per school year -------------------------------------------------------------

def bundled_mef_years() -> tuple[int, ...]:
    """The school years (first calendar year) of the national MEF tables shipped in `resources/reference/`."""
    return reference_years("mefs")


def mef_table_year(school_year: int | None) -> int | None:
    """The bundled table for the school year `school_year`-`school_year + 1`: its own, else the nearest (the
    newer on a tie); the newest when the year is unknown; None when no table is bundled."""
    years = bundled_mef_years()
    if not years:
        return None
    if school_year is None:
        return years[-1]
    return min(years, key=lambda year: (abs(year - school_year), -year))


def mef_table_title(table_year: int) -> str:
    return f"Table nationale des MEF {table_year}-{table_year + 1}"


def national_mefs(school_year: int | None = None) -> dict[str, MefRef]:
    """The BCN MEF table for lycées professionnels (aplypro's extract) of a school year (ANNEE_SCOLAIRE N-1 →
    table «N-1_N»), or of the nearest bundled year (`mef_table_year`); each table is read once."""
    table_year = mef_table_year(school_year)
    return _read_table(table_year) if table_year is not None else {}


@functools.cache
def _read_table(table_year: int) -> dict[str, MefRef]:
    table: dict[str, MefRef] = {}
    path = resource("reference", f"mefs_{table_year}_{table_year + 1}.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = mef10(row.get("MEF"))
            if code:
                table[code] = MefRef(
                    code=code,
                    label=" ".join((row.get("LIBELLE_LONG") or "").split()),
                    mefstat4=(row.get("MEF_STAT_4") or "").strip(),
                )
    return table


@functools.cache
def known_mef_codes() -> frozenset[str]:
    """Every MEF code of every bundled table (a campaign's scheme codes are checked against it)."""
    return frozenset(code for year in bundled_mef_years() for code in _read_table(year))
