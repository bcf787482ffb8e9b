"""What a census import reads an export against: the national MEF table of its school year and the scheme.

The table is the one of the export's school year (ANNEE_SCOLAIRE N-1 → table «N-1_N»), else the nearest one
bundled, which the preview then says. A student under any MEF the scheme ever had (both families of
domain.md §1) or under the import campaign's own codes is «already in the scheme», and the preview names that
campaign's scheme: «Inscrit en AvenirPro+ sans parcours» for campaign 2026.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pae_desktop.core import census as rules
from pae_desktop.core.scheme import Scheme, default_scheme, scheme_of
from pae_desktop.core.services.campaigns import get_campaign


@dataclass(frozen=True, slots=True)
class ImportReference:
    """The national table and the scheme an import uses; `scheme` is None while the campaign is unknown."""

    school_year: int | None  # the export's school year (its first calendar year), None when unknown
    table_year: int | None  # the bundled table read; None when none is bundled
    scheme: Scheme | None

    @property
    def national(self) -> dict[str, rules.MefRef]:
        return rules.national_mefs(self.table_year) if self.table_year is not None else {}

    @property
    def scheme_name(self) -> str:
        return self.scheme.name if self.scheme else ""

    @property
    def table_title(self) -> str:
        """«Table nationale des MEF 2026-2027», empty when no table is bundled."""
        return rules.mef_table_title(self.table_year) if self.table_year is not None else ""

    @property
    def table_warning(self) -> str:
        """Why the table read is not the export's own: said in the preview, the import goes on."""
        if self.table_year is None:
            return (
                "Aucune table nationale des MEF n'est fournie avec l'application : les terminales sont "
                "reconnues par la nomenclature du fichier, les codes MEF et les libellés."
            )
        if self.school_year is None or self.school_year == self.table_year:
            return ""
        wanted = f"{self.school_year}-{self.school_year + 1}"
        used = f"{self.table_title[0].lower()}{self.table_title[1:]}"
        if self.school_year > self.table_year:
            return (
                f"Aucune table nationale des MEF {wanted} n'est fournie avec cette version : la plus récente, "
                f"{used}, a été utilisée à sa place. Vérifiez les classes reconnues, et installez une version "
                "plus récente de l'application si elle existe."
            )
        return (
            f"Aucune table nationale des MEF {wanted} n'est fournie avec cette version : la plus proche, {used}, "
            "a été utilisée à sa place. Vérifiez les classes reconnues."
        )


def import_reference(
    session: Session, file_years: Iterable[int | None], campaign_year: int | None
) -> ImportReference:
    """The reference of an import whose files carry `file_years` (ANNEE_SCOLAIRE), into `campaign_year` when the
    user chose it. Several years in the files are refused later by the import; here they count as unknown."""
    years = {year for year in file_years if year is not None}
    school_year = next(iter(years)) if len(years) == 1 else None
    year = campaign_year or (school_year + 1 if school_year is not None else None)
    table_school_year = school_year if school_year is not None else (year - 1 if year is not None else None)
    scheme = None
    if year is not None:
        campaign = get_campaign(session, year)
        scheme = scheme_of(campaign) if campaign is not None else default_scheme(year)
    return ImportReference(table_school_year, rules.mef_table_year(table_school_year), scheme)


def in_scheme(scheme_name: str, plural: bool = False) -> str:
    """«Inscrit en AvenirPro+» (the heading of the students already in the scheme), «Inscrits en …»."""
    word = "Inscrits" if plural else "Inscrit"
    return f"{word} en {scheme_name}" if scheme_name else f"{word} dans le dispositif"
