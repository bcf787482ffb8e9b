"""The PFMP allowance paid by the State through APLyPro (domain.md §1): the bundled rate tables, one per school
year, and the amount expected per youth and PFMP period — plain values in, plain values out, no session.

A campaign of rentrée N runs from September to December N, in the school year N-(N+1): it takes the table
`aplypro_wages_N_N+1.csv` (`resources/reference/`), else the nearest bundled one, and says so. The amount is
paid on the days actually done: min(days done × daily rate, cap), the cap applying to the youth's periods of
the campaign together; a period without days recorded counts 0 («jours effectués non saisis»).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pae_desktop.core.resources import reference_years, resource

NOT_RECORDED = "jours effectués non saisis"
CAP_REACHED = "plafond atteint"
MORE_THAN_PLANNED = "plus de jours effectués que de jours ouvrés prévus"


# --- the rate tables ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AllowanceRate:
    """One MEF's line of an APLyPro table: the daily rate and the cap, in euros."""

    mef: str
    label: str
    daily_rate: int
    cap: int
    table_year: int  # the table's school year: `table_year`-`table_year + 1`

    @property
    def table_title(self) -> str:
        return table_title(self.table_year)


def table_title(table_year: int) -> str:
    return f"barème APLyPro {table_year}-{table_year + 1}"


def school_year_of_campaign(campaign_year: int) -> int:
    """The school year (its first calendar year) of the campaign of rentrée N: September–December N is in N-(N+1)."""
    return campaign_year


def bundled_allowance_years() -> tuple[int, ...]:
    """The school years of the APLyPro tables shipped in `resources/reference/`."""
    return reference_years("aplypro_wages")


def allowance_table_year(school_year: int) -> int | None:
    """The bundled table of `school_year`, else the nearest (the newer on a tie); None when none is bundled."""
    years = bundled_allowance_years()
    if not years:
        return None
    return min(years, key=lambda year: (abs(year - school_year), -year))


def _euros(value: str | None) -> int | None:
    text = (value or "").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number >= 0 and number == int(number) else None


@functools.cache
def allowance_table(table_year: int) -> dict[str, AllowanceRate]:
    """The APLyPro table of the school year `table_year`-`table_year + 1` by MEF code (read once)."""
    table: dict[str, AllowanceRate] = {}
    path = resource("reference", f"aplypro_wages_{table_year}_{table_year + 1}.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            code = (row.get("MEF") or "").strip()
            rate, cap = _euros(row.get("FORFAIT JOURNALIER")), _euros(row.get("PLAFOND MAX"))
            if code and rate is not None and cap is not None:
                label = " ".join((row.get("LIBELLE_LONG") or "").split())
                table[code] = AllowanceRate(code, label, rate, cap, table_year)
    return table


@dataclass(frozen=True, slots=True)
class RateLookup:
    """The rate of one MEF for one campaign, the table used, and what the office should know about it."""

    rate: AllowanceRate | None
    school_year: int
    table_year: int | None

    @property
    def table_note(self) -> str:
        """Why the campaign's own table was not used ("" when it was)."""
        if self.table_year is None:
            return "Aucun barème APLyPro n'est fourni avec le programme : forfait et plafond inconnus."
        if self.table_year != self.school_year:
            wanted = f"{self.school_year}-{self.school_year + 1}"
            return f"Barème APLyPro {wanted} non fourni : celui de {self.table_year}-{self.table_year + 1} est appliqué."
        return ""

    def mef_note(self, mef: str) -> str:
        """Why the MEF has no rate ("" when it has one)."""
        if self.rate is not None or self.table_year is None:
            return ""
        return f"MEF {mef or '(vide)'} absent du {table_title(self.table_year)} : forfait inconnu"


def rate_for(mef: str, campaign_year: int) -> RateLookup:
    """The daily rate and cap of `mef` for the campaign of rentrée `campaign_year`."""
    school_year = school_year_of_campaign(campaign_year)
    table_year = allowance_table_year(school_year)
    rate = allowance_table(table_year).get((mef or "").strip()) if table_year is not None else None
    return RateLookup(rate, school_year, table_year)


# --- the amounts ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeriodInput:
    """One PFMP period of a youth: its dates and the days actually done (None: not recorded yet)."""

    key: Any
    start: dt.date
    end: dt.date
    days_done: int | None


@dataclass(frozen=True, slots=True)
class PeriodAmount:
    """What one period brings: weekdays planned (union rule), days done, amount (None: rate unknown), notes."""

    key: Any
    planned_days: int
    days_done: int | None
    amount: int | None
    note: str


@dataclass(frozen=True, slots=True)
class YouthAllowance:
    """A youth's periods of the campaign and their total, the cap applied to the total."""

    periods: tuple[PeriodAmount, ...]
    planned_days: int
    days_done: int
    amount: int | None
    capped: bool
    not_recorded: int  # periods without days done

    @property
    def note(self) -> str:
        notes = []
        if self.not_recorded:
            plural = "s" if self.not_recorded > 1 else ""
            notes.append(f"{self.not_recorded} période{plural} sans jours effectués saisis")
        if self.capped:
            notes.append(CAP_REACHED)
        return " ; ".join(notes)


def _weekdays(start: dt.date, end: dt.date) -> set[dt.date]:
    days = set()
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.add(day)
        day += dt.timedelta(days=1)
    return days


def youth_allowance(periods: Iterable[PeriodInput], rate: AllowanceRate | None) -> YouthAllowance:
    """The amount expected for a youth's PFMP periods: days done × rate, the cap on the total, shared out period
    by period in date order (a period after the cap is reached brings 0). Weekdays planned follow the union rule
    (domain §6.7): a weekday two periods cover counts for the earlier one only."""
    counted: set[dt.date] = set()
    remaining = rate.cap if rate is not None else 0
    lines, planned_total, done_total, missing, capped = [], 0, 0, 0, False
    for period in sorted(periods, key=lambda p: (p.start, p.end, str(p.key))):
        own = _weekdays(period.start, period.end) - counted
        counted |= own
        notes, amount = [], None
        if period.days_done is None:
            notes.append(NOT_RECORDED)
            missing += 1
            amount = 0 if rate is not None else None
        else:
            done_total += period.days_done
            if period.days_done > len(own):
                notes.append(MORE_THAN_PLANNED)
            if rate is not None:
                gross = period.days_done * rate.daily_rate
                amount = min(gross, remaining)
                remaining -= amount
                if amount < gross:
                    notes.append(CAP_REACHED)
                    capped = True
        planned_total += len(own)
        lines.append(PeriodAmount(period.key, len(own), period.days_done, amount, " ; ".join(notes)))
    total = None if rate is None else min(done_total * rate.daily_rate, rate.cap)
    return YouthAllowance(tuple(lines), planned_total, done_total, total, capped, missing)


# --- the records the screen and the export show -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AllowanceLine:
    """One PFMP period of one youth, as the office screen and the APLyPro export show it."""

    id: int  # the module's
    youth_id: int
    pseudonym: str
    last_name: str
    first_names: str
    ine: str
    birth_date: dt.date | None
    division: str
    mef: str
    mef_label: str
    company: str
    siret: str
    start: dt.date
    end: dt.date
    planned_days: int
    days_done: int | None
    daily_rate: int | None
    cap: int | None
    amount: int | None
    youth_amount: int | None
    note: str
    search_key: str = ""

    @property
    def name(self) -> str:
        return f"{self.last_name.upper()} {self.first_names}".strip()


@dataclass(frozen=True, slots=True)
class AllowanceTotal:
    """One youth's periods of the campaign together: the line of the totals."""

    id: int  # the youth's
    pseudonym: str
    name: str
    division: str
    mef: str
    periods: int
    planned_days: int
    days_done: int
    daily_rate: int | None
    cap: int | None
    amount: int | None
    not_recorded: int
    note: str
    search_key: str = ""
