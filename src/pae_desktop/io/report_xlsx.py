"""Formatted XLSX workbooks: the campaign or network report (one sheet per table) and plain tables (caseload)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

from pae_desktop.core import indicators as ind
from pae_desktop.core import trend as tr
from pae_desktop.core.vocabulary import ExitCategory, ExitDetail

PERCENT = "0.0%"
DATE = "DD/MM/YYYY"
DATETIME = "DD/MM/YYYY HH:MM"
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


# Control characters XLSX cannot hold (openpyxl refuses them); tab, LF and CR are allowed.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


_E164 = re.compile(r"^\+[1-9]\d{5,14}$")  # a phone number in E.164: no formula can hide there


def safe_text(value: str) -> str:
    """Control characters XLSX cannot hold dropped; a text a spreadsheet would run as a formula gets a `'`
    (a phone number in E.164, `+33612345678`, stays as it is)."""
    value = _ILLEGAL.sub("", value)
    if _E164.match(value):
        return value
    if value.startswith(_DANGEROUS) or (value.startswith("'") and value[1:2] and value[1] in _DANGEROUS):
        return "'" + value
    return value


class _Sheet:
    """One worksheet written row by row with typed cells: numbers as numbers, rates with a % format."""

    def __init__(self, workbook, title: str, first: bool = False) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = workbook.active if first else workbook.create_sheet()
        self.ws.title = title[:31]
        self.row = 1
        self._bold = Font(bold=True)
        self._title = Font(bold=True, size=14, color="1F3B73")
        self._header_font = Font(bold=True, color="FFFFFF")
        self._header_fill = PatternFill("solid", fgColor="1F3B73")
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self.widths: dict[int, int] = {}

    def title(self, text: str, subtitle: str = "") -> None:
        cell = self.ws.cell(self.row, 1, safe_text(text))
        cell.font = self._title
        self.row += 1
        if subtitle:
            self.ws.cell(self.row, 1, safe_text(subtitle))
            self.row += 1
        self.row += 1

    def header(self, values: Sequence[str]) -> None:
        for column, value in enumerate(values, start=1):
            cell = self.ws.cell(self.row, column, safe_text(value))
            cell.font = self._header_font
            cell.fill = self._header_fill
            cell.alignment = self._wrap
            self._width(column, value)
        self.ws.freeze_panes = self.ws.cell(self.row + 1, 1)
        self.row += 1

    def line(self, values: Sequence[Any], formats: Sequence[str | None] | None = None, bold: bool = False) -> None:
        for column, value in enumerate(values, start=1):
            fmt = formats[column - 1] if formats and column - 1 < len(formats) else None
            self.put(self.row, column, value, fmt, bold)
        self.row += 1

    def put(self, row: int, column: int, value: Any, fmt: str | None = None, bold: bool = False) -> None:
        if isinstance(value, str):
            cell = self.ws.cell(row, column, safe_text(value))
            cell.data_type = "s"
        else:
            cell = self.ws.cell(row, column, value)
            if isinstance(value, dt.datetime):
                cell.number_format = fmt or DATETIME
            elif isinstance(value, dt.date):
                cell.number_format = fmt or DATE
            elif fmt:
                cell.number_format = fmt
        if bold:
            cell.font = self._bold
        self._width(column, value)

    def _width(self, column: int, value: Any) -> None:
        length = 10 if not isinstance(value, str) else min(60, max(len(part) for part in value.split("\n")) + 2)
        self.widths[column] = max(self.widths.get(column, 8), length)

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        for column, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(column)].width = width
        # Printed on one page wide, landscape when the table is wide.
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.page_setup.paperSize = self.ws.PAPERSIZE_A4
        if sum(self.widths.values()) > 100:
            self.ws.page_setup.orientation = "landscape"


def _value_format(key: str) -> str | None:
    return PERCENT if ind.is_rate(key) else "0"


def _academie(key: str) -> float | int | None:
    if key in ind.ACADEMIE_2023:
        return ind.ACADEMIE_2023[key]
    return ind.ACADEMIE_2023_COUNTS.get(key)


def report_workbook(report) -> bytes:
    """The report (`core.services.reporting.Report`) as an XLSX: indicators, funnel, exits, schools."""
    from openpyxl import Workbook

    workbook = Workbook()
    subtitle = _subtitle(report)
    _indicators_sheet(workbook, report, subtitle)
    _funnel_sheet(workbook, report, subtitle)
    _exits_sheet(workbook, report, subtitle)
    _phase1_sheet(workbook, report, subtitle)
    _trend_sheet(workbook, report, subtitle)
    if report.per_school is not None:
        _schools_sheet(workbook, report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _subtitle(report) -> str:
    """The line under every sheet's title: the school(s), the scheme, the imposed interview deadline."""
    subtitle = ", ".join(report.etablissements)
    if report.school_name:
        subtitle = f"{report.school_name} ({subtitle})"
    if report.scheme_name:
        subtitle += f" — {report.scheme_name}"
    if report.deadline:
        subtitle += f" — date cible des entretiens imposée : {report.deadline:%d/%m/%Y}"
    return subtitle


def _indicators_sheet(workbook, report, subtitle: str) -> None:
    """The «Indicateurs» sheet: each indicator, the academy's 2023 value and the earlier campaigns'."""
    sheet = _Sheet(workbook, "Indicateurs", first=True)
    sheet.title(report.title, subtitle)
    years = [year for year, _values in report.previous]
    sheet.header(
        ["Indicateur", "Clé", f"Campagne {report.campagne}", "Académie 2023"] + [f"Campagne {y}" for y in years]
    )
    for key, value in ind.displayed(report.indicators).items():
        fmt = _value_format(key)
        values = [ind.LABELS[key], key, value, _academie(key)]
        values += [ind.flat(previous).get(key) for _year, previous in report.previous]
        sheet.line(values, [None, None, fmt, fmt] + [fmt] * len(years))
    sheet.row += 1
    sheet.line(
        [
            "Missions locales ayant participé aux entretiens (académie 2023)",
            "",
            None,
            ind.ACADEMIE_2023_ML_SHARE,
        ],
        [None, None, None, PERCENT],
    )
    sheet.finish()


def _funnel_sheet(workbook, report, subtitle: str) -> None:
    """The «Entonnoir» sheet: the youths at each step from the census to the pathway, with the step's rate."""
    sheet = _Sheet(workbook, "Entonnoir")
    sheet.title(f"Du repérage au parcours — campagne {report.campagne}", subtitle)
    sheet.header(["Étape", "Jeunes", "Part des recensés", "Taux de l'étape", "Académie 2023"])
    effectif = report.counts.get("effectif", 0)
    funnel = (
        ("effectif", None),
        ("informes", "taux_information"),
        ("contactes", "taux_contact"),
        ("entretiens_acceptes", "taux_acceptation_entretien"),
        ("entretiens_realises", None),
        ("engages", "taux_engagement"),
        ("parcours", "taux_couverture"),
    )
    for key, rate_key in funnel:
        count = report.counts.get(key, 0)
        sheet.line(
            [
                ind.POPULATION[key].label,
                count,
                ind.rate(count, effectif),
                report.indicators.get(rate_key) if rate_key else None,
                _academie(rate_key) if rate_key else None,
            ],
            [None, "0", PERCENT, PERCENT, PERCENT],
        )
    sheet.finish()


def _exits_sheet(workbook, report, subtitle: str) -> None:
    """The «Sorties» sheet: the exits of the pathways by category, then by detail."""
    sheet = _Sheet(workbook, "Sorties")
    sheet.title(f"Sorties des parcours — campagne {report.campagne}", subtitle)
    sheet.header(["Catégorie", "Détail", "Jeunes", "Part des sorties connues", "Académie 2023"])
    known = report.counts.get("sorties_connues", 0)
    for category in ind.EXIT_CATEGORIES:
        total = sum(report.exits.get(category, {}).values())
        sheet.line(
            [ExitCategory.label_of(category), "Toutes", total, ind.rate(total, known), ind.ACADEMIE_2023[f"sorties.{category}"]],
            [None, None, "0", PERCENT, PERCENT],
            bold=True,
        )
        for detail, count in sorted(report.exits.get(category, {}).items()):
            sheet.line(
                ["", ExitDetail.label_of(detail, "Non précisé"), count, ind.rate(count, known)],
                [None, None, "0", PERCENT],
            )
    sheet.line(["Sorties connues", "", known], [None, None, "0"], bold=True)
    sheet.finish()


def _schools_sheet(workbook, report) -> None:
    """The «Par établissement» sheet of a consolidation: the indicators of each school, then the network's."""
    flat = ind.flat(report.indicators)
    sheet = _Sheet(workbook, "Par établissement")
    sheet.title(report.title, f"{len(report.per_school)} établissement(s)")
    keys = list(ind.displayed(report.indicators))
    sheet.header(["UAI"] + [ind.LABELS[k] for k in keys])
    for uai in sorted(report.per_school):
        values = ind.flat(report.per_school[uai])
        sheet.line([uai] + [values[k] for k in keys], [None] + [_value_format(k) for k in keys])
    sheet.line(["Réseau"] + [flat[k] for k in keys], [None] + [_value_format(k) for k in keys], bold=True)
    sheet.finish()


def _phase1_sheet(workbook, report, subtitle: str) -> None:
    """The «Phase 1» sheet (spec §6), only when some row carried phase 1."""
    lines = ind.phase1_lines(report.indicators, report.counts)
    if not lines:
        return
    name = f"Phase 1 {report.phase1_name}".strip()
    sheet = _Sheet(workbook, name)
    sheet.title(f"{name} — campagne {report.campagne}", subtitle)
    sheet.header(["Pendant la phase 1", "Clé", "Jeunes", "Part des jeunes dont la phase 1 est renseignée"])
    recorded = report.counts.get("avenirpro_renseignes", 0)
    sheet.line([ind.LABELS["avenirpro_renseignes"], "avenirpro_renseignes", recorded], [None, None, "0"], bold=True)
    for key, label, count, share in lines:
        sheet.line([label, key, count, share], [None, None, "0", PERCENT])
    sheet.finish()


def _trend_sheet(workbook, report, subtitle: str) -> None:
    """The «Évolution» sheet: the funnel's rates, one row per campaign of the school, and their line chart
    (an empty cell where a rate is null: the line has a gap, not a zero)."""
    from openpyxl.chart import LineChart, Reference
    from openpyxl.chart.marker import Marker
    from openpyxl.chart.shapes import GraphicalProperties

    points = tr.trend_points(report)
    if not points:
        return
    sheet = _Sheet(workbook, "Évolution")
    sheet.title(f"Évolution des taux sur les campagnes de l'établissement — jusqu'à {report.campagne}", subtitle)
    header_row = sheet.row
    sheet.header(["Campagne"] + [label for _key, label in tr.TREND])
    for year, values in points:
        sheet.line([year] + [values[key] for key in tr.TREND_KEYS], ["0"] + [PERCENT] * len(tr.TREND_KEYS))
    sheet.finish()
    chart = LineChart()
    chart.title = "Évolution des taux"
    chart.y_axis.title = "Taux"
    chart.x_axis.title = "Campagne"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.display_blanks = "gap"
    last = header_row + len(points)
    data = Reference(sheet.ws, min_col=2, max_col=1 + len(tr.TREND_KEYS), min_row=header_row, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=header_row + 1, max_row=last))
    for series, colour, shape in zip(chart.series, tr.TREND_COLOURS, tr.TREND_MARKERS, strict=True):
        series.graphicalProperties.line.solidFill = colour.lstrip("#")
        series.graphicalProperties.line.width = 22000  # EMU: 1.7 pt
        series.marker = Marker(symbol=shape, size=7)
        series.marker.graphicalProperties = GraphicalProperties(solidFill=colour.lstrip("#"))
        series.marker.graphicalProperties.line.solidFill = colour.lstrip("#")
        series.smooth = False
    chart.width, chart.height = 22, 11
    sheet.ws.add_chart(chart, f"A{last + 3}")


def table_workbook(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A one-sheet workbook of a plain table (header row, then typed values)."""
    return tables_workbook([(title, headers, rows)])


def tables_workbook(tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """A workbook of plain tables, one sheet each: (sheet title, header row, rows of typed values)."""
    from openpyxl import Workbook

    workbook = Workbook()
    for index, (title, headers, rows) in enumerate(tables):
        sheet = _Sheet(workbook, title, first=index == 0)
        sheet.header(headers)
        for values in rows:
            sheet.line(values)
        sheet.ws.auto_filter.ref = sheet.ws.dimensions
        sheet.finish()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
