"""The census import's preview: what each row of the files becomes, and the options the user chose."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from pae_desktop.core.dates import short_datetime
from pae_desktop.core.services.census_reference import in_scheme
from pae_desktop.io.spreadsheet import Mapping as ColumnMapping

# Refusals of a whole import
NO_FINAL_YEAR = "Aucun élève de terminale dans ce fichier : export postérieur à la bascule ?"
UNKNOWN_CAMPAIGN = "Campagne inconnue : précisez --campaign N"
NOTHING_TO_ATTACH = (
    "Aucun élève de ce fichier de responsables n'est dans le recensement : importez-le avec le fichier "
    "des élèves (ElevesSansAdresses ou ElevesAvecAdresses)."
)


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
    "siecle_id": "identifiant SIECLE",
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
    # «A quitté l'établissement» of a youth of the database: the youth the import marks (the user may untick the
    # row: `ImportOptions.keep_ids`); `kept` when the import leaves them as they are (unticked, or their leaving
    # was undone by hand in their file)
    youth_id: int | None = None
    kept: bool = False


@dataclass(frozen=True, slots=True)
class FileSummary:
    name: str
    kind: str
    uai: str
    school_year: int | None
    exported_at: dt.datetime | None
    students: int

    def facts(self) -> list[str]:
        """What the file says of itself, in French: its kind, UAI, school year and export time."""
        parts = [self.kind]
        if self.uai:
            parts.append(f"UAI {self.uai}")
        if self.school_year is not None:
            parts.append(f"année scolaire {self.school_year}-{self.school_year + 1}")
        if self.exported_at is not None:
            parts.append(f"export du {short_datetime(self.exported_at, joiner=' à ')}")
        return parts


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

    @property
    def left_marked(self) -> int:
        """The rows «A quitté l'établissement» the import marks or records, those kept in the census apart."""
        return sum(1 for row in self.rows if row.outcome is Outcome.LEFT and not row.kept)

    def rows_of(self, outcome: Outcome) -> list[PreviewRow]:
        return [row for row in self.rows if row.outcome is outcome]


@dataclass(frozen=True)
class ImportOptions:
    campaign_year: int | None = None  # overrides the campaign the files imply
    confirmed_classes: frozenset[str] | None = None  # classes recognised by label; None: all accepted
    mappings: Mapping[str, ColumnMapping] = field(default_factory=dict)  # by SourceFile.name
    today: dt.date | None = None
    keep_ids: frozenset[int] = frozenset()  # youths NOT to mark as having left (rows unticked in the preview)
