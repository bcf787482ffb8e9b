"""The years in the «Bilan»: every earlier campaign the table shows in the charts, and the trend of the funnel's
rates across the school's campaigns in the window, the PDF and the XLSX; a null rate is a gap, not a zero."""

from __future__ import annotations

import datetime as dt  # noqa: E402  (kept apart: the demo's clock)
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pae_desktop.core import trend as tr
from pae_desktop.core.models import Youth
from pae_desktop.core.services import reporting
from pae_desktop.core.services.campaigns import ensure_campaign, get_campaign
from pae_desktop.core.services.demo import generate_demo
from pae_desktop.core.services.reporting import campaign_report
from pae_desktop.documents.bilan import build_bilan, trend_chart
from pae_desktop.io.report_xlsx import report_workbook
from pae_desktop.ui import tasks
from pae_desktop.ui.bilan import BilanView
from pae_desktop.ui.context import AppContext

TODAY = dt.date(2026, 12, 4)


@pytest.fixture
def three_db(db):
    """The demonstration school on 4 December 2026 (campaigns 2025 and 2026), plus a campaign 2024 made by hand
    with three youths never contacted: its acceptance, engagement and abandon rates are null."""
    with db.transaction() as session:
        generate_demo(session, students=60, seed=1, today=TODAY)
        earlier = ensure_campaign(session, 2024)
        for index in range(3):
            session.add(Youth(campaign=earlier, pseudonym="", last_name=f"ANCIEN{index}", first_names="Paul"))
    return db


def test_trend_points_hold_every_campaign_and_null_rates(three_db):
    with three_db.read() as session:
        report, _rows = campaign_report(session, 2026)
    points = tr.trend_points(report)
    assert [year for year, _values in points] == [2024, 2025, 2026]
    assert points[0][1]["taux_engagement"] is None and points[0][1]["taux_contact"] == 0.0
    assert points[-1][1]["taux_engagement"] == report.indicators["taux_engagement"]
    # one segment per run of known values: the null 2024 engagement starts the line at 2025
    assert tr.segments([values["taux_engagement"] for _year, values in points]) == [
        [(1, points[1][1]["taux_engagement"]), (2, points[2][1]["taux_engagement"])]
    ]
    assert tr.segments([0.5, None, 0.4]) == [[(0, 0.5)], [(2, 0.4)]]


def test_comparison_shows_every_earlier_campaign_in_one_colour_each(three_db):
    with three_db.read() as session:
        report, _rows = campaign_report(session, 2026)
    series = tr.comparison_series(report)
    assert [label for label, _c, _v in series] == ["Campagne 2024", "Campagne 2025", "Campagne 2026", "Académie 2023"]
    colours = [colour for _l, colour, _v in series]
    assert len(set(colours)) == 4 and colours[1] == tr.EARLIER_COLOURS[0]  # the latest earlier one: always first
    assert tr.compared_years(report) == " et les campagnes 2024 et 2025"


def test_earlier_campaigns_known_are_not_computed_again(three_db, monkeypatch):
    calls = []
    original = reporting.report_rows
    monkeypatch.setattr(reporting, "report_rows", lambda s, c: calls.append(c.year) or original(s, c))
    with three_db.read() as session:
        first, _rows = campaign_report(session, 2026)
        assert sorted(calls) == [2024, 2025, 2026]
        calls.clear()
        again, _rows = campaign_report(session, 2026, dict(first.previous))
    assert calls == [2026] and again.previous == first.previous


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_holds_the_trend_section_and_every_year(three_db):
    with three_db.read() as session:
        report, _rows = campaign_report(session, 2026)
    text = " ".join(text_of(build_bilan(None, report)).split())
    assert "Évolution des taux sur les campagnes de l'établissement" in text
    assert "Comparaison avec l'académie (chiffres 2023) et les campagnes 2024 et 2025" in text
    trend = text.split("Évolution des taux sur les campagnes")[1]
    for year in ("2024", "2025", "2026"):
        assert year in trend
    assert "Campagne 2024" in text and "Campagne 2025" in text  # both in the comparison charts' legend


def test_pdf_trend_chart_leaves_a_gap_for_a_null_rate():
    from reportlab.graphics.shapes import PolyLine

    points = [(2024, dict.fromkeys(tr.TREND_KEYS, 0.5)), (2025, dict.fromkeys(tr.TREND_KEYS)),
              (2026, dict.fromkeys(tr.TREND_KEYS, 0.6))]
    lines = [shape for shape in trend_chart(points).contents if isinstance(shape, PolyLine)]
    assert lines == []  # 2025 null everywhere: no line drawn through it, and no point at 0 %
    points[1] = (2025, dict.fromkeys(tr.TREND_KEYS, 0.55))
    lines = [shape for shape in trend_chart(points).contents if isinstance(shape, PolyLine)]
    assert len(lines) == len(tr.TREND_KEYS)


def test_xlsx_trend_sheet_one_row_per_campaign_and_a_chart(three_db):
    with three_db.read() as session:
        report, _rows = campaign_report(session, 2026)
    workbook = load_workbook(io.BytesIO(report_workbook(report)))
    sheet = workbook["Évolution"]
    rows = [row for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert [row[0] for row in rows] == [2024, 2025, 2026]
    engagement = 1 + tr.TREND_KEYS.index("taux_engagement")
    assert rows[0][engagement] is None  # an empty cell, not 0: the chart shows a gap
    assert rows[2][engagement] == pytest.approx(report.indicators["taux_engagement"])
    (chart,) = sheet._charts
    assert chart.tagname == "lineChart" and len(chart.series) == len(tr.TREND_KEYS)
    assert chart.display_blanks == "gap"


@pytest.fixture
def immediate_tasks():
    tasks.use_runner(tasks.run_now)
    yield
    tasks.use_runner(tasks.run_in_thread)


def test_window_shows_the_trend_of_three_campaigns(qtbot, three_db, immediate_tasks):
    with three_db.read() as session:
        campaign_id = get_campaign(session, 2026).id
    view = BilanView(AppContext(three_db, campaign_id))
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    box = view.trend
    assert [year for year, _values in box.chart.points] == [2024, 2025, 2026]
    assert box.model.rowCount() == 3
    assert [box.model.index(r, 0).data() for r in range(3)] == ["2024", "2025", "2026"]
    engagement = 1 + tr.TREND_KEYS.index("taux_engagement")
    assert box.model.index(0, engagement).data() == "—"
    runs = box.chart.lines()["taux_engagement"]
    assert [[index for index, _value in run] for run in runs] == [[1, 2]]  # a gap in 2024, not a zero
    assert "2024 —" in box.chart.accessibleDescription()
    assert [name for name, _c, _v in view.rates.series][:3] == ["Campagne 2024", "Campagne 2025", "Campagne 2026"]
    assert "et les campagnes 2024 et 2025" in view.rates_box.title()
    assert set(view.known) == {2024, 2025, 2026}  # every campaign's indicators kept for the next reload
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    assert headers[-2:] == ["Campagne 2024", "Campagne 2025"]
