"""Every indicator of the FOQUALE spec §4, defined once over spec-conformant rows (dicts of CSV columns)."""

# The database path (`core.services.reporting`) builds these same rows (for the campaign report, only the
# columns of `READS`), so the screen, the PDF, the XLSX, the JSON and the network's consolidation all go
# through `compute`.

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pae_desktop.core.vocabulary import PHASE1_MIN_WORKSHOPS

Row = Mapping[str, str]

EXIT_CATEGORIES = ("RETOUR_FORMATION", "EMPLOI", "ACCOMPAGNEMENT_ML", "AUTRE")

# Every column `memberships` and `compute_with_counts` read (a test holds them to it): rows holding only
# these give the indicators of complete rows, and rows alike on these are counted once (`_profiles`).
READS: tuple[str, ...] = (
    "resultat_examen",
    "informe",
    "contacte",
    "entretien_accepte",
    "entretien_realise",
    "date_entretien",
    "ml_presente",
    "mission_locale",
    "decision",
    "date_debut_parcours",
    "nb_modules",
    "partenarial",
    "abandon",
    "sortie",
    "date_limite_entretiens",
    "ateliers_avenirpro",
    "entretien_individuel_avenirpro",
    "evenements_avenirpro",
)
_read = operator.itemgetter(*READS)


def _yes(row: Row, column: str) -> bool:
    return row.get(column, "") == "O"


def _filled(row: Row, column: str) -> bool:
    return bool((row.get(column) or "").strip())


def _int(value: str | None) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        return 0


@functools.lru_cache(maxsize=4096)
def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _date(value: str | None) -> dt.date | None:
    return _parse_date(value) if value else None


def has_pathway(row: Row) -> bool:
    return _filled(row, "date_debut_parcours")


def before_deadline(row: Row, deadline: dt.date | None = None) -> bool:
    """An interview held on or before the row's target date (or the `aggregate --deadline` override)."""
    if not _yes(row, "entretien_realise"):
        return False
    held = _date(row.get("date_entretien"))
    limit = deadline or _date(row.get("date_limite_entretiens"))
    return held is not None and limit is not None and held <= limit


def memberships(row: Row, deadline: dt.date | None = None) -> list[str]:
    """The populations a row belongs to: the one definition of every count of spec §4, in one pass."""
    keys = ["effectif"]
    if row.get("informe") == "O":
        keys.append("informes")
    if row.get("contacte") == "O":
        keys.append("contactes")
    if row.get("entretien_accepte") == "O":
        keys.append("entretiens_acceptes")
    if row.get("entretien_realise") == "O":
        keys.append("entretiens_realises")
        if row.get("ml_presente") == "O":
            keys.append("entretiens_avec_ml")
        if before_deadline(row, deadline):
            keys.append("entretiens_avant_echeance")
    if row.get("decision") == "ENGAGE":
        keys.append("engages")
    if has_pathway(row):
        keys.append("parcours")
        if row.get("resultat_examen") == "ADMIS":
            keys.append("parcours_diplomes")
        if row.get("partenarial") == "O":
            keys.append("parcours_partenariaux")
        if _int(row.get("nb_modules")) == 1:
            keys.append("parcours_mono_module")
        if row.get("abandon") == "O":
            keys.append("abandons")
        if _filled(row, "sortie"):
            keys.append("sorties_connues")
            if row.get("sortie") in EXIT_CATEGORIES:
                keys.append("sortie_" + row["sortie"])
    if _filled(row, "ateliers_avenirpro"):  # phase 1 (spec §6): rows that carry it
        keys.append("avenirpro_renseignes")
        if _int(row.get("ateliers_avenirpro")) >= PHASE1_MIN_WORKSHOPS:
            keys.append("avenirpro_4_ateliers")
        if row.get("entretien_individuel_avenirpro") == "O":
            keys.append("avenirpro_entretien_individuel")
        if _int(row.get("evenements_avenirpro")) >= 1:
            keys.append("avenirpro_evenement")
    return keys


@dataclass(frozen=True, slots=True)
class Population:
    """A named set of rows: what a count counts, and what a user sees when they click it."""

    key: str
    label: str

    def test(self, row: Row, deadline: dt.date | None = None) -> bool:
        return self.key in memberships(row, deadline)


POPULATIONS: tuple[Population, ...] = (
    Population("effectif", "Jeunes recensés"),
    Population("informes", "Jeunes informés"),
    Population("contactes", "Jeunes contactés"),
    Population("entretiens_acceptes", "Entretiens acceptés"),
    Population("entretiens_realises", "Entretiens réalisés"),
    Population("engages", "Jeunes engagés"),
    Population("parcours", "Parcours"),
    Population("parcours_diplomes", "Parcours de jeunes diplômés"),
    Population("entretiens_avec_ml", "Entretiens avec la Mission locale"),
    Population("entretiens_avant_echeance", "Entretiens avant la date cible"),
    Population("parcours_partenariaux", "Parcours partenariaux"),
    Population("parcours_mono_module", "Parcours à un seul module"),
    Population("abandons", "Abandons"),
    Population("sorties_connues", "Sorties connues"),
    Population("sortie_RETOUR_FORMATION", "Sorties : retour en formation"),
    Population("sortie_EMPLOI", "Sorties : emploi"),
    Population("sortie_ACCOMPAGNEMENT_ML", "Sorties : accompagnement Mission locale"),
    Population("sortie_AUTRE", "Sorties : autre"),
    Population("avenirpro_renseignes", "Phase 1 renseignée"),
    Population("avenirpro_4_ateliers", "Phase 1 : au moins 4 ateliers collectifs"),
    Population("avenirpro_entretien_individuel", "Phase 1 : entretien individuel"),
    Population("avenirpro_evenement", "Phase 1 : au moins un événement"),
)
POPULATION = {p.key: p for p in POPULATIONS}

# (rate key, numerator population, denominator population) in the order of spec §4.
RATES: tuple[tuple[str, str, str], ...] = (
    ("taux_information", "informes", "effectif"),
    ("taux_contact", "contactes", "effectif"),
    ("taux_acceptation_entretien", "entretiens_acceptes", "contactes"),
    ("taux_engagement", "engages", "entretiens_realises"),
    ("taux_couverture", "parcours", "effectif"),
    ("part_diplomes_parcours", "parcours_diplomes", "parcours"),
    ("part_entretiens_avec_ml", "entretiens_avec_ml", "entretiens_realises"),
    ("part_entretiens_avant_echeance", "entretiens_avant_echeance", "entretiens_realises"),
    ("part_parcours_partenariaux", "parcours_partenariaux", "parcours"),
    ("part_parcours_mono_module", "parcours_mono_module", "parcours"),
    ("taux_abandon", "abandons", "parcours"),
    ("part_4_ateliers_avenirpro", "avenirpro_4_ateliers", "avenirpro_renseignes"),
    ("part_entretien_individuel_avenirpro", "avenirpro_entretien_individuel", "avenirpro_renseignes"),
    ("part_evenement_avenirpro", "avenirpro_evenement", "avenirpro_renseignes"),
)
RATE = {key: (num, den) for key, num, den in RATES}

# The indicators version 1.1 adds (spec §6), all null when no row carries phase 1.
PHASE1_KEYS = (
    "avenirpro_renseignes",
    "part_4_ateliers_avenirpro",
    "part_entretien_individuel_avenirpro",
    "part_evenement_avenirpro",
)

# The keys of spec §4 in its order, then those of §6; `sorties` nests the four exit shares (spec §5).
INDICATOR_KEYS = (
    "effectif",
    "informes",
    "contactes",
    "entretiens_acceptes",
    "entretiens_realises",
    "engages",
    "parcours",
    "taux_information",
    "taux_contact",
    "taux_acceptation_entretien",
    "taux_engagement",
    "taux_couverture",
    "part_diplomes_parcours",
    "part_entretiens_avec_ml",
    "missions_locales",
    "part_entretiens_avant_echeance",
    "part_parcours_partenariaux",
    "part_parcours_mono_module",
    "taux_abandon",
    "sorties_connues",
    "sorties",
    *PHASE1_KEYS,
)

# French labels for people (screen, PDF, XLSX); the JSON keeps the spec's keys.
LABELS = {
    "effectif": "Jeunes recensés",
    "informes": "Jeunes informés",
    "contactes": "Jeunes contactés",
    "entretiens_acceptes": "Entretiens acceptés",
    "entretiens_realises": "Entretiens réalisés",
    "engages": "Jeunes engagés",
    "parcours": "Parcours",
    "taux_information": "Taux d'information",
    "taux_contact": "Taux de contact",
    "taux_acceptation_entretien": "Acceptation de l'entretien (sur les contactés)",
    "taux_engagement": "Engagement (sur les entretiens réalisés)",
    "taux_couverture": "Couverture (parcours sur les recensés)",
    "part_diplomes_parcours": "Part de diplômés dans les parcours",
    "part_entretiens_avec_ml": "Entretiens avec la Mission locale",
    "missions_locales": "Missions locales présentes aux entretiens",
    "part_entretiens_avant_echeance": "Entretiens avant la date cible",
    "part_parcours_partenariaux": "Parcours partenariaux",
    "part_parcours_mono_module": "Parcours à un seul module",
    "taux_abandon": "Taux d'abandon",
    "sorties_connues": "Sorties connues",
    "sorties.RETOUR_FORMATION": "Sorties : retour en formation",
    "sorties.EMPLOI": "Sorties : emploi",
    "sorties.ACCOMPAGNEMENT_ML": "Sorties : accompagnement Mission locale",
    "sorties.AUTRE": "Sorties : autre",
    "avenirpro_renseignes": "Jeunes dont la phase 1 est renseignée",
    "part_4_ateliers_avenirpro": "Phase 1 : au moins 4 ateliers collectifs",
    "part_entretien_individuel_avenirpro": "Phase 1 : entretien individuel",
    "part_evenement_avenirpro": "Phase 1 : au moins un événement",
}

# The académie's 2023 figures (domain.md §8), to show beside a campaign's own.
ACADEMIE_2023: dict[str, float] = {
    "taux_acceptation_entretien": 0.50,
    "taux_engagement": 0.66,
    "part_diplomes_parcours": 0.70,
    "part_parcours_partenariaux": 0.20,
    "taux_abandon": 0.41,
    "taux_couverture": round(300 / 16000, 4),
    "sorties.RETOUR_FORMATION": 0.45,
    "sorties.EMPLOI": 0.30,
    "sorties.ACCOMPAGNEMENT_ML": 0.15,
    "sorties.AUTRE": 0.10,
}
ACADEMIE_2023_COUNTS = {"effectif": 16000, "parcours": 300}
# «50 % des missions locales ont participé aux entretiens»: a share of the area's Missions locales, shown
# beside the count `missions_locales` (there is no 2023 figure for `part_entretiens_avec_ml`).
ACADEMIE_2023_ML_SHARE = 0.50


def rate(numerator: int, denominator: int) -> float | None:
    """A decimal between 0 and 1 rounded to 4 places, None when the denominator is 0 (spec §4)."""
    if denominator == 0:
        return None
    return round(numerator / denominator, 4)


def _profiles(rows: Iterable[Row]) -> Counter[tuple]:
    """How many rows share each combination of the values of `READS` (a census holds a few hundred)."""
    rows = rows if isinstance(rows, list | tuple) else list(rows)
    try:
        return Counter(map(_read, rows))
    except KeyError:  # rows lacking columns: a missing column reads as None, as through `row.get`
        return Counter(tuple(map(row.get, READS)) for row in rows)


def _tally(rows: Iterable[Row], deadline: dt.date | None) -> tuple[dict[str, int], set[str]]:
    """The population counts and the Missions locales present, `memberships` run once per profile."""
    counts = dict.fromkeys(POPULATION, 0)
    missions: set[str] = set()
    for values, number in _profiles(rows).items():
        row = dict(zip(READS, values, strict=True))
        for key in memberships(row, deadline):
            counts[key] += number
        if _yes(row, "ml_presente") and _filled(row, "mission_locale"):
            missions.add((row.get("mission_locale") or "").strip())
    return counts, missions


def population_counts(rows: Iterable[Row], deadline: dt.date | None = None) -> dict[str, int]:
    """How many rows each population holds."""
    return _tally(rows, deadline)[0]


def members(rows: Iterable[Row], key: str, deadline: dt.date | None = None) -> list[Row]:
    """The rows behind a count (the drill-down of the «Bilan» tab), by population key."""
    POPULATION[key]  # an unknown key is a programming error: KeyError
    return [row for row in rows if key in memberships(row, deadline)]


def compute_with_counts(rows: Iterable[Row], deadline: dt.date | None = None) -> tuple[dict, dict[str, int]]:
    """The indicators of spec §4 and the population counts they come from, in one pass over the rows."""
    counts, missions = _tally(rows, deadline)
    result: dict = {}
    for key in INDICATOR_KEYS:
        if key in RATE:
            numerator, denominator = RATE[key]
            result[key] = rate(counts[numerator], counts[denominator])
        elif key == "missions_locales":
            result[key] = len(missions)
        elif key == "sorties":
            result[key] = {
                category: rate(counts[f"sortie_{category}"], counts["sorties_connues"])
                for category in EXIT_CATEGORIES
            }
        else:
            result[key] = counts[key]
    if not counts["avenirpro_renseignes"]:  # spec §6: «null when no row has ateliers_avenirpro filled»
        result.update(dict.fromkeys(PHASE1_KEYS))
    return result, counts


def compute(rows: Iterable[Row], deadline: dt.date | None = None) -> dict:
    """The indicators of spec §4 over the rows of one campaign (one school or several combined).

    `deadline` replaces each row's `date_limite_entretiens` (the `aggregate --deadline` option).
    """
    return compute_with_counts(rows, deadline)[0]


def flat(indicators: Mapping) -> dict[str, float | int | None]:
    """The indicators with `sorties` spelled `sorties.X`, in the order of spec §4 (tables, XLSX)."""
    out: dict[str, float | int | None] = {}
    for key, value in indicators.items():
        if key == "sorties":
            for category in EXIT_CATEGORIES:
                out[f"sorties.{category}"] = value.get(category)
        else:
            out[key] = value
    return out


def has_phase1(indicators: Mapping) -> bool:
    """Whether some row carried phase 1 (spec §6): the reports then show its section and its indicators."""
    return indicators.get("avenirpro_renseignes") is not None


def displayed(indicators: Mapping) -> dict[str, float | int | None]:
    """`flat(indicators)` for the tables people read: the phase-1 keys only when phase 1 was recorded."""
    out = flat(indicators)
    if not has_phase1(indicators):
        for key in PHASE1_KEYS:
            out.pop(key, None)
    return out


# The «Phase 1» section of the reports: each share of spec §6 with the wording of a section about phase 1.
_PHASE1_SECTION = (
    ("part_4_ateliers_avenirpro", "Au moins 4 ateliers collectifs suivis"),
    ("part_entretien_individuel_avenirpro", "Un entretien individuel"),
    ("part_evenement_avenirpro", "Au moins un événement (salon, visite d'entreprise, forum…)"),
)


def phase1_lines(indicators: Mapping, counts: Mapping[str, int]) -> list[tuple[str, str, int, float | None]]:
    """(indicator key, label, youths, share of those whose phase 1 is recorded) for the «Phase 1» section of the
    screen, the PDF and the XLSX; empty when no row carried phase 1."""
    if not has_phase1(indicators):
        return []
    return [(key, label, counts.get(RATE[key][0], 0), indicators.get(key)) for key, label in _PHASE1_SECTION]


def phase1_intro(counts: Mapping[str, int]) -> str:
    """The sentence that opens the «Phase 1» section: how many youths carry it, out of the census."""
    recorded, census = counts.get("avenirpro_renseignes", 0), counts.get("effectif", 0)

    def spaced(number: int) -> str:  # «16 000», narrow no-break space
        return f"{number:,}".replace(",", "\u202f")

    return (
        f"Phase 1 renseignée pour {spaced(recorded)} jeune{'s' if recorded > 1 else ''} sur {spaced(census)} "
        "recensés, pendant l'année de terminale."
    )


def is_rate(key: str) -> bool:
    return key in RATE or key.startswith("sorties.")


def document(
    campagne: int, etablissements: Iterable[str], indicators: dict, per_school: dict | None = None
) -> dict:
    """The JSON document of spec §5; `per_school` (UAI → indicators) only for a consolidation."""
    doc = {
        "format": "PAE-INDICATEURS-1",
        "campagne": int(campagne),
        "etablissements": sorted(set(etablissements)),
        "indicateurs": indicators,
    }
    if per_school is not None:
        doc["par_etablissement"] = {uai: per_school[uai] for uai in sorted(per_school)}
    return doc
