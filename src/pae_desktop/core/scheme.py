"""The scheme as it stands for one campaign: its name, its phase 1 and its two MEF codes (domain.md §1).

Every screen, document and export of campaign N asks `scheme_of(campaign)`; nothing else in the code names a
scheme or a MEF code. The defaults per rentrée year are the table of domain.md §1; each value is a setting of
the campaign, edited on the settings page, never of the application.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, replace
from typing import Any

from pae_desktop.core.rules import mef_level

_MEF_CODE = re.compile(r"^[0-9]{10}$")


@dataclass(frozen=True, slots=True)
class SchemeMef:
    """One of the scheme's two MEFs: the code entered in SIECLE, its short and long BCN labels."""

    code: str
    short: str
    label: str


@dataclass(frozen=True, slots=True)
class Scheme:
    """The scheme of one campaign. `phase1_name` is empty for campaigns before phase 1 existed (2026)."""

    name: str
    phase1_name: str
    n3: SchemeMef
    n4: SchemeMef

    @property
    def has_phase1(self) -> bool:
        return bool(self.phase1_name)

    @property
    def codes(self) -> tuple[str, str]:
        return self.n3.code, self.n4.code

    def mef(self, level: str) -> SchemeMef:
        """The MEF of level «N3» or «N4»."""
        return self.n3 if level == "N3" else self.n4

    def mef_for_diploma(self, diploma: str | None) -> str | None:
        """Level 3 from a CAP, level 4 from a bac pro, BMA or DTMS (domain §6.4); None when not eligible."""
        level = mef_level(diploma)
        return None if level is None else self.mef(level).code

    def mef_short(self, code: str) -> str:
        """«APRO PLUS 3» for the level-3 code of this campaign, the code itself for any other."""
        for mef in (self.n3, self.n4):
            if code and code == mef.code:
                return mef.short or code
        return code

    def mef_label(self, code: str) -> str:
        """The long label of one of this campaign's codes, the code itself for any other."""
        for mef in (self.n3, self.n4):
            if code and code == mef.code:
                return mef.label or mef.short or code
        return code


# The table of domain.md §1: (first rentrée year, scheme). A campaign takes the latest row not after its year.
PAE = Scheme(
    name="Parcours Ambition Emploi",
    phase1_name="",
    n3=SchemeMef("7034150211", "PAE N3", "PAE N3 PARCOURS AMBITION EMPLOI NIVEAU 3"),
    n4=SchemeMef("7044150111", "PAE N4", "PAE N4 PARCOURS AMBITION EMPLOI NIVEAU 4"),
)
AVENIRPRO = Scheme(
    name="AvenirPro+",
    phase1_name="AvenirPro",
    n3=SchemeMef("7034150311", "APRO PLUS 3", "AVENIR PRO PLUS NIVEAU 3"),
    n4=SchemeMef("7044150211", "APRO PLUS 4", "AVENIR PRO PLUS NIVEAU 4"),
)
SCHEMES_BY_YEAR: tuple[tuple[int, Scheme], ...] = ((2023, PAE), (2026, AVENIRPRO))

# Every code any row of the table ever had: a student under one of them is «already in the scheme».
ALL_SCHEME_CODES = frozenset(code for _year, scheme in SCHEMES_BY_YEAR for code in scheme.codes)


def default_scheme(year: int) -> Scheme:
    """The scheme of domain.md §1 for the campaign of rentrée `year` (the first row before 2023)."""
    chosen = SCHEMES_BY_YEAR[0][1]
    for first_year, scheme in SCHEMES_BY_YEAR:
        if year >= first_year:
            chosen = scheme
    return chosen


# The campaign's columns, in the order of `Scheme`'s fields.
_COLUMNS = (
    "scheme_name",
    "phase1_name",
    "mef_n3",
    "mef_n3_short",
    "mef_n3_label",
    "mef_n4",
    "mef_n4_short",
    "mef_n4_label",
)


def _flat(scheme: Scheme) -> tuple[str, ...]:
    return (
        scheme.name,
        scheme.phase1_name,
        scheme.n3.code,
        scheme.n3.short,
        scheme.n3.label,
        scheme.n4.code,
        scheme.n4.short,
        scheme.n4.label,
    )


def scheme_of(campaign: Any) -> Scheme:
    """The scheme stored on a campaign (a model or any object with its columns); an empty field takes the
    default of the campaign's year, so a campaign row written before its scheme was set still reads right.
    `phase1_name` is the exception: empty is a value (no phase 1), filled in by `create_campaign`."""
    default = default_scheme(campaign.year)
    values = []
    for column, fallback in zip(_COLUMNS, _flat(default), strict=True):
        stored = (getattr(campaign, column, "") or "").strip()
        values.append(stored if stored or column == "phase1_name" else fallback)
    name, phase1, c3, s3, l3, c4, s4, l4 = values
    return Scheme(name, phase1, SchemeMef(c3, s3, l3), SchemeMef(c4, s4, l4))


def stored_values(scheme: Scheme) -> dict[str, str]:
    """The scheme as the campaign's columns hold it: {column: value}."""
    return dict(zip(_COLUMNS, _flat(scheme), strict=True))


def store_scheme(campaign: Any, scheme: Scheme) -> None:
    """Write a scheme onto a campaign's columns."""
    for column, value in zip(_COLUMNS, _flat(scheme), strict=True):
        setattr(campaign, column, value.strip())


def with_values(scheme: Scheme, **changes: str) -> Scheme:
    """A copy with some fields changed: name, phase1_name, n3_code, n3_short, n3_label, n4_… ."""
    top = {k: v for k, v in changes.items() if k in ("name", "phase1_name")}
    n3 = {k[3:]: v for k, v in changes.items() if k.startswith("n3_")}
    n4 = {k[3:]: v for k, v in changes.items() if k.startswith("n4_")}
    return replace(scheme, **top, n3=replace(scheme.n3, **n3), n4=replace(scheme.n4, **n4))


def errors(scheme: Scheme) -> list[str]:
    """What makes a scheme unusable: saving it is refused with these reasons."""
    problems = []
    if not scheme.name.strip():
        problems.append("Le nom du dispositif est obligatoire.")
    for level, mef in (("3", scheme.n3), ("4", scheme.n4)):
        if not mef.code.strip():
            problems.append(f"Le code MEF de niveau {level} est obligatoire.")
    if scheme.n3.code and scheme.n3.code == scheme.n4.code:
        problems.append("Les codes MEF de niveau 3 et de niveau 4 doivent être différents.")
    return problems


def code_warnings(scheme: Scheme, known_codes: Container[str]) -> list[str]:
    """Codes that are not 10 digits or that no bundled national table lists: saved, with a warning naming them."""
    warnings = []
    for level, mef in (("3", scheme.n3), ("4", scheme.n4)):
        code = mef.code.strip()
        if not code:
            continue
        if not _MEF_CODE.match(code):
            warnings.append(f"Le code MEF de niveau {level} « {code} » ne compte pas 10 chiffres.")
        elif code not in known_codes:
            warnings.append(
                f"Le code MEF de niveau {level} « {code} » ne figure dans aucune table nationale des MEF fournie "
                "avec l'application : vérifiez-le avec le secrétariat."
            )
    return warnings
