"""The years in the «Bilan»: the colours of the campaigns compared, and the trend of the funnel's rates.

Pure values shared by the window (`ui/bilan*.py`), the PDF (`documents/bilan.py`) and the XLSX
(`io/report_xlsx.py`): each campaign keeps one colour across the charts of a report, and the rates of the
trend are those of `core.indicators` (one definition), read from the report's own per-campaign indicators.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pae_desktop.core import indicators as ind
from pae_desktop.core import palette

# How many earlier campaigns the table and the charts show beside the campaign (the trend shows them all).
SHOWN_EARLIER = 3

# A colour-blind-safe palette (core/palette.py): 3:1 against the background and between neighbouring bars.
CURRENT_COLOUR = palette.CURRENT
EARLIER_COLOURS = palette.EARLIER  # latest first: it stands beside the campaign's bar
ACADEMIE_COLOUR = palette.ACADEMIE

# The funnel's rates followed across campaigns, with the short names of a chart's legend.
TREND: tuple[tuple[str, str], ...] = (
    ("taux_information", "Information"),
    ("taux_contact", "Contact"),
    ("taux_acceptation_entretien", "Acceptation de l'entretien"),
    ("taux_engagement", "Engagement"),
    ("taux_couverture", "Couverture"),
    ("taux_abandon", "Abandon"),
)
TREND_KEYS = tuple(key for key, _label in TREND)
# One colour and one marker per rate, so that a line is told apart without its colour.
TREND_COLOURS = palette.TREND
TREND_MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square")

Series = tuple[str, str, dict]  # (legend, hex colour, flat values)


def earlier_shown(report) -> list[tuple[int, dict]]:
    """The earlier campaigns shown beside the report's: the latest `SHOWN_EARLIER`, oldest first."""
    return list(report.previous[-SHOWN_EARLIER:])


def comparison_series(report, *, academie: bool = True) -> list[Series]:
    """The bars of a comparison chart: the earlier campaigns shown (oldest first), the campaign, the académie.

    The latest earlier campaign always takes the first of `EARLIER_COLOURS`, whatever the chart."""
    earlier = earlier_shown(report)
    series = [
        (f"Campagne {year}", EARLIER_COLOURS[len(earlier) - 1 - index], ind.flat(values))
        for index, (year, values) in enumerate(earlier)
    ]
    series.append((f"Campagne {report.campagne}", CURRENT_COLOUR, ind.flat(report.indicators)))
    if academie:
        series.append(("Académie 2023", ACADEMIE_COLOUR, dict(ind.ACADEMIE_2023)))
    return series


def compared_years(report) -> str:
    """« et la campagne 2025 », « et les campagnes 2024 et 2025 »: what a comparison's title adds; "" alone."""
    years = [str(year) for year, _values in earlier_shown(report)]
    if not years:
        return ""
    if len(years) == 1:
        return f" et la campagne {years[0]}"
    return f" et les campagnes {', '.join(years[:-1])} et {years[-1]}"


def trend_points(report) -> list[tuple[int, dict[str, float | None]]]:
    """(year, rate → value or None) for every campaign of the school up to the report's, oldest first; a
    consolidation (several schools, one campaign) has none."""
    if getattr(report, "per_school", None) is not None:
        return []
    campaigns: Sequence[tuple[int, Mapping]] = [*report.previous, (report.campagne, report.indicators)]
    return [(year, {key: values.get(key) for key in TREND_KEYS}) for year, values in campaigns]


def segments(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """The runs of known values, as (index, value): a campaign whose rate is null breaks the line (a gap)."""
    out: list[list[tuple[int, float]]] = []
    run: list[tuple[int, float]] = []
    for index, value in enumerate(values):
        if value is None:
            if run:
                out.append(run)
            run = []
        else:
            run.append((index, float(value)))
    if run:
        out.append(run)
    return out
