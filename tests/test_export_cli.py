"""`export foquale|caseload`, `report` and `aggregate` from the command line (specs/cli.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import openpyxl
import pytest

from foquale_rows import campaign_a
from pae_desktop.cli import main
from pae_desktop.core.services.reporting import campaign_report
from pae_desktop.io import foquale


@pytest.fixture
def demo_dir(demo_db):
    demo_db.close()  # the CLI opens the folder itself
    return str(demo_db.data_dir)


def test_report_json_to_stdout(demo_dir, capsys):
    assert main(["report", "--format", "json", "--data-dir", demo_dir]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (
        doc["format"] == "PAE-INDICATEURS-1"
        and doc["campagne"] == 2025
        and doc["etablissements"] == ["0549999A"]
    )
    assert "par_etablissement" not in doc and doc["indicateurs"]["effectif"] == 150


def test_report_pdf_and_xlsx_need_output(demo_dir, capsys):
    for fmt in ("pdf", "xlsx"):
        with pytest.raises(SystemExit) as caught:
            main(["--data-dir", demo_dir, "report", "--format", fmt])
        assert caught.value.code == 2
    assert "-o" in capsys.readouterr().err


def test_export_foquale_then_aggregate_round_trip(demo_dir, tmp_path, capsys):
    csv_path = tmp_path / "ecole.csv"
    assert main(["--data-dir", demo_dir, "export", "foquale", "-o", str(csv_path)]) == 0
    assert main(["--data-dir", demo_dir, "report", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert main(["aggregate", str(csv_path), "--format", "json"]) == 0
    network = json.loads(capsys.readouterr().out)
    assert network["indicateurs"] == report["indicateurs"]
    assert network["par_etablissement"] == {"0549999A": report["indicateurs"]}


def test_export_foquale_into_a_folder_uses_the_spec_name(demo_dir, tmp_path):
    assert main(["--data-dir", demo_dir, "export", "foquale", "--campaign", "2025", "-o", str(tmp_path)]) == 0
    (written,) = tmp_path.glob("PAE_0549999A_2025_*.csv")
    assert len(written.stem.rsplit("_", 1)[1]) == 8


def test_unknown_campaign_exit_1(demo_dir, tmp_path, capsys):
    target = tmp_path / "x.csv"
    assert main(["--data-dir", demo_dir, "export", "foquale", "--campaign", "2019", "-o", str(target)]) == 1
    assert "2019" in capsys.readouterr().err and not target.exists()


def test_aggregate_refuses_with_file_line_column(tmp_path, capsys):
    good = tmp_path / "bon.csv"
    foquale.write_rows(good, campaign_a())
    rows = campaign_a()
    rows[1]["entretien_accepte"] = "N"  # line 3: consistency
    bad = tmp_path / "mauvais.csv"
    foquale.write_rows(bad, [dict(r, uai="0540000G") for r in rows])
    out = tmp_path / "bilan.xlsx"
    assert main(["aggregate", str(good), str(bad), "--format", "xlsx", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}, ligne 3, colonne entretien_accepte" in err
    assert not out.exists()


def test_aggregate_same_school_twice_and_deadline(tmp_path, capsys):
    path = tmp_path / "a.csv"
    foquale.write_rows(path, campaign_a())
    assert main(["aggregate", str(path), str(path), "--format", "json"]) == 1
    assert "colonne uai" in capsys.readouterr().err
    assert main(["aggregate", str(path), "--format", "json", "--deadline", "2024-09-05"]) == 0
    assert json.loads(capsys.readouterr().out)["indicateurs"]["part_entretiens_avant_echeance"] == 0.25
    # The one date parser of every field: the French way is read alike, an impossible date is a usage error.
    assert main(["aggregate", str(path), "--format", "json", "--deadline", "05/09/2024"]) == 0
    assert json.loads(capsys.readouterr().out)["indicateurs"]["part_entretiens_avant_echeance"] == 0.25
    with pytest.raises(SystemExit) as caught:
        main(["aggregate", str(path), "--format", "json", "--deadline", "31/09/2024"])
    assert caught.value.code == 2


def test_report_xlsx_numbers_and_percentages(demo_dir, tmp_path, demo_db):
    out = tmp_path / "bilan.xlsx"
    assert main(["--data-dir", demo_dir, "report", "--format", "xlsx", "-o", str(out)]) == 0
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Indicateurs", "Entonnoir", "Sorties", "Évolution"]
    sheet = workbook["Indicateurs"]
    cells = {row[1].value: row for row in sheet.iter_rows() if row[1].value}
    assert cells["effectif"][2].value == 150 and isinstance(cells["effectif"][2].value, int)
    rate = cells["taux_engagement"]
    assert isinstance(rate[2].value, float) and 0 < rate[2].value < 1 and "%" in rate[2].number_format
    assert rate[3].value == 0.66 and "%" in rate[3].number_format  # the académie's 2023 figure
    with demo_db.read() as session:
        report, _ = campaign_report(session)
    assert rate[2].value == report.indicators["taux_engagement"]


def test_caseload_xlsx_and_csv(demo_dir, tmp_path):
    xlsx, csv_path = tmp_path / "jeunes.xlsx", tmp_path / "jeunes.csv"
    assert main(["--data-dir", demo_dir, "export", "caseload", "-o", str(xlsx)]) == 0
    assert main(["--data-dir", demo_dir, "export", "caseload", "-o", str(csv_path)]) == 0
    sheet = openpyxl.load_workbook(xlsx).active
    header = [c.value for c in sheet[1]]
    assert header[:7] == [
        "Nom",
        "Prénom(s)",
        "Classe",
        "Diplôme préparé",
        "Résultat à l'examen",
        "Étape",
        "Dernier contact",
    ]
    assert sheet.max_row == 151
    text = csv_path.read_bytes().decode("utf-8-sig")
    assert text.count("\r\n") == 151 and text.startswith("Nom;Prénom(s);Classe")
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", demo_dir, "export", "caseload", "-o", str(tmp_path / "jeunes.pdf")])
    assert caught.value.code == 2


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice absent (installé par « make test » : paquet libreoffice-calc-nogui)")
    assert found, "LibreOffice est requis en intégration continue (CI)"
    return found


def test_libreoffice_opens_the_exported_csv(demo_dir, tmp_path):
    soffice = _soffice()
    csv_path = tmp_path / "PAE.csv"
    assert main(["--data-dir", demo_dir, "export", "foquale", "--nominative", "-o", str(csv_path)]) == 0
    env = dict(os.environ, HOME=str(tmp_path))  # a private LibreOffice profile
    subprocess.run(
        [
            soffice,
            "--headless",
            "--infilter=CSV:59,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(csv_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    sheet = openpyxl.load_workbook(tmp_path / "PAE.xlsx").active
    header = [c.value for c in sheet[1]]
    assert (
        len([h for h in header if h]) == 45 and header[0] == "uai" and header[40] == "date_limite_entretiens"
    )
    assert sheet.max_row == 151
    read = foquale.read_file(csv_path).rows
    names = [sheet.cell(r, 5).value for r in range(2, 152)]
    assert names == [r["nom"] for r in read]
    specialities = {sheet.cell(r, 13).value for r in range(2, 152)}
    assert "Métiers de l'électricité et de ses environnements connectés" in specialities  # accents intact
    assert "Équipier polyvalent du commerce" in specialities


def test_output_folder_missing_exit_1(demo_dir, tmp_path, capsys):
    target = tmp_path / "absent" / "bilan.xlsx"
    assert main(["--data-dir", demo_dir, "report", "--format", "xlsx", "-o", str(target)]) == 1
    assert "n'existe pas" in capsys.readouterr().err and not target.exists()
