"""The report and table workbooks: numbers as numbers, % formats, one sheet per table, no formula injection."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess

import openpyxl
import pytest

from foquale_rows import UAI_A, UAI_B, campaign_a
from pae_desktop.core import indicators
from pae_desktop.core.services import consolidation
from pae_desktop.io import foquale
from pae_desktop.io.report_xlsx import report_workbook, safe_text, table_workbook


def network_report(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    foquale.write_rows(a, campaign_a())
    foquale.write_rows(b, [dict(r, uai=UAI_B) for r in campaign_a()[:3]])
    return consolidation.consolidate([a, b])


def test_network_workbook(tmp_path):
    report = network_report(tmp_path)
    workbook = openpyxl.load_workbook(io.BytesIO(report_workbook(report)))
    assert workbook.sheetnames == ["Indicateurs", "Entonnoir", "Sorties", "Par établissement"]
    schools = workbook["Par établissement"]
    rows = {r[0].value: r for r in schools.iter_rows() if r[0].value in (UAI_A, UAI_B, "Réseau")}
    header = [c.value for c in next(r for r in schools.iter_rows() if r[0].value == "UAI")]
    engagement = header.index(indicators.LABELS["taux_engagement"])
    assert rows[UAI_A][engagement].value == 0.75 and rows[UAI_A][engagement].number_format == "0.0%"
    assert rows[UAI_A][header.index("Jeunes recensés")].value == 9
    assert rows["Réseau"][header.index("Jeunes recensés")].value == 12
    funnel = workbook["Entonnoir"]
    counts = {r[0].value: r[1].value for r in funnel.iter_rows() if isinstance(r[1].value, int)}
    assert counts["Jeunes recensés"] == 12 and counts["Parcours"] == 5  # 3 (A) + 2 (B: rows 1 and 2 of A)


def test_null_rates_stay_empty_cells(tmp_path):
    path = tmp_path / "a.csv"
    foquale.write_rows(path, campaign_a()[6:7])  # one youth never reached
    workbook = openpyxl.load_workbook(io.BytesIO(report_workbook(consolidation.consolidate([path]))))
    cells = {r[1].value: r[2].value for r in workbook["Indicateurs"].iter_rows() if r[1].value}
    assert cells["taux_engagement"] is None and cells["effectif"] == 1


@pytest.mark.parametrize("value", ["=1+1", "+33", "-2", "@SUM(A1)", '=HYPERLINK("http://x")'])
def test_no_formula_in_text_cells(value):
    data = table_workbook("Jeunes", ["Nom", "Nombre"], [[value, 3]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "'" + value
    assert sheet["B2"].value == 3 and sheet["B2"].data_type == "n"
    assert safe_text("Lycée ; « guillemets »") == "Lycée ; « guillemets »"


def test_libreoffice_opens_the_report_xlsx(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if not os.environ.get("CI"):
            pytest.skip("LibreOffice absent (installé par « make test » : paquet libreoffice-calc-nogui)")
        pytest.fail("LibreOffice est requis en intégration continue (CI)")
    path = tmp_path / "bilan.xlsx"
    path.write_bytes(report_workbook(network_report(tmp_path)))
    subprocess.run(
        [
            soffice,
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(tmp_path / "out"),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env=dict(os.environ, HOME=str(tmp_path)),
    )
    produced = sorted((tmp_path / "out").glob("*.csv"))
    assert len(produced) == 4  # one CSV per sheet: LibreOffice read all four
    assert [p.stem for p in produced] == [
        "bilan-Entonnoir",
        "bilan-Indicateurs",
        "bilan-Par établissement",
        "bilan-Sorties",
    ]
    schools = produced[2].read_text(encoding="utf-8").splitlines()
    assert schools[3].startswith("UAI;Jeunes recensés;")
    line_a = next(line for line in schools if line.startswith(UAI_A)).split(";")
    assert line_a[1] == "9"  # a number, as a number
    assert re.fullmatch(
        r"75([.,]0+)?\s?%", line_a[schools[3].split(";").index(indicators.LABELS["taux_engagement"])]
    )


def test_control_characters_dropped():
    data = table_workbook("Jeunes", ["Notes"], [["avant\x07après\x1b\tfin"]])
    assert openpyxl.load_workbook(io.BytesIO(data)).active["A2"].value == "avantaprès\tfin"
