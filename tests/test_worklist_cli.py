"""`pae-desktop worklist` (issue 17 §7) and the PSAD's list of the youths «Sans solution connue» (CSV, XLSX)."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from sqlalchemy import select

from pae_desktop.cli import main
from pae_desktop.core.models import AuditEvent, Campaign, Youth
from pae_desktop.core.operations.worklist_exports import export_psad
from pae_desktop.core.services.worklist_export import PSAD_HEADERS, WORKLIST_COLUMNS
from pae_desktop.core.services.worklists import worklist_items, worklists
from pae_desktop.core.worklist import SLUGS, Worklist
from pae_desktop.io.foquale import BOM

TODAY = "2026-01-05"  # campaign 2025 of the demo, past its 31 December
DAY = dt.date(2026, 1, 5)


@pytest.fixture
def demo(demo_db):
    """The demo school, with one youth without a known solution named like a spreadsheet formula."""
    with demo_db.transaction() as session:
        campaign = session.scalars(select(Campaign)).one()
        first = worklist_items(session, campaign.id, Worklist.SANS_SOLUTION, DAY)[0]
        youth = session.get(Youth, first.youth_id)
        youth.last_name, youth.address = "=HYPERLINK(1)", "+33 rue du Test"
        counts = worklists(session, campaign.id, DAY).counts
        pseudonym = youth.pseudonym
    demo_db.close()  # the command opens the folder itself
    return str(demo_db.data_dir), counts, pseudonym


def _audits(data_dir: str) -> list[AuditEvent]:
    from pae_desktop.storage.database import open_database

    db = open_database(data_dir, write=False, create=False)
    try:
        with db.read() as session:
            return session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    finally:
        db.close()


def test_list_gives_the_names_labels_and_counts(demo, capsys):
    data_dir, counts, _pseudonym = demo
    assert main(["--data-dir", data_dir, "worklist", "--list", "--today", TODAY]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(SLUGS.values())
    assert lines[-1].split() == ["sans-solution-connue", "Sans", "solution", "connue", str(counts[Worklist.SANS_SOLUTION])]
    assert main(["--data-dir", data_dir, "worklist", "--list", "--today", TODAY, "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[5] == {
        "liste": "actions-en-retard",
        "libelle": "Actions en retard",
        "effectif": counts[Worklist.ACTIONS_EN_RETARD],
    }
    assert {row["liste"]: row["effectif"] for row in listed} == {n.slug: c for n, c in counts.items()}
    assert counts[Worklist.SANS_SOLUTION] > 0 and counts[Worklist.ACTIONS_EN_RETARD] > 0


def test_rows_on_standard_output_are_pseudonymised_csv_and_json(demo, capsys):
    data_dir, counts, pseudonym = demo
    assert main(["--data-dir", data_dir, "worklist", "sans-solution-connue", "--today", TODAY]) == 0
    out = capsys.readouterr().out
    assert out.startswith(BOM + ";".join(WORKLIST_COLUMNS) + "\r\n")
    rows = [line.split(";") for line in out[len(BOM) :].splitlines()[1:]]
    assert len(rows) == counts[Worklist.SANS_SOLUTION]
    assert all(len(row[0]) == 16 and row[1] == row[2] == row[4] == row[5] == "" for row in rows)
    assert main(["--data-dir", data_dir, "worklist", "sans-solution-connue", "--today", TODAY, "--format", "json"]) == 0
    objects = json.loads(capsys.readouterr().out)
    assert isinstance(objects, list) and list(objects[0]) == list(WORKLIST_COLUMNS)
    assert pseudonym in {o["id_jeune"] for o in objects} and {o["nom"] for o in objects} == {""}
    assert _audits(data_dir) == []  # nothing nominative left: nothing written


def test_a_file_names_the_youths_and_is_audited(demo, tmp_path, capsys):
    data_dir, counts, pseudonym = demo
    target = tmp_path / "retard.json"
    argv = ["--data-dir", data_dir, "worklist", "actions-en-retard", "--today", TODAY, "-o", str(target)]
    assert main(argv) == 0
    objects = json.loads(target.read_text(encoding="utf-8"))  # the format from the file's suffix
    assert len(objects) == counts[Worklist.ACTIONS_EN_RETARD] and all(o["nom"] and o["echeance"] for o in objects)
    assert "inscrite au journal" in capsys.readouterr().err
    csv_target = tmp_path / "sans_solution.csv"
    argv = ["--data-dir", data_dir, "worklist", "sans-solution-connue", "--today", TODAY, "-o", str(csv_target)]
    assert main(argv) == 0
    text = csv_target.read_text(encoding="utf-8-sig")
    assert f"{pseudonym};'=HYPERLINK(1);" in text  # a formula-like name is neutralised as in the FOQUALE file
    events = _audits(data_dir)
    assert [e.nominative for e in events] == [True, True]
    assert events[0].detail == f"Liste « Actions en retard », campagne 2025, {len(objects)} jeunes : retard.json"


def test_an_unknown_list_is_a_usage_error_naming_the_lists(demo, capsys):
    data_dir, _counts, _pseudonym = demo
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", data_dir, "worklist", "a-appeler"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "liste inconnue « a-appeler »" in err
    assert all(slug in err for slug in SLUGS.values()) and "Sans solution connue" in err
    for argv in (["worklist"], ["worklist", "absences", "--psad", "-o", "x.csv"], ["worklist", "--list", "absences"]):
        with pytest.raises(SystemExit) as caught:
            main(["--data-dir", data_dir, *argv])
        assert caught.value.code == 2


def test_an_unknown_campaign_or_folder_is_refused(demo, tmp_path, capsys):
    data_dir, _counts, _pseudonym = demo
    assert main(["--data-dir", data_dir, "worklist", "absences", "--campaign", "1999"]) == 1
    assert "Aucune campagne 1999" in capsys.readouterr().err
    missing = tmp_path / "absent" / "liste.csv"
    assert main(["--data-dir", data_dir, "worklist", "absences", "-o", str(missing)]) == 1
    assert not missing.exists() and _audits(data_dir) == []


def test_psad_list_columns_in_xlsx_and_csv(demo, tmp_path, capsys):
    data_dir, counts, _pseudonym = demo
    xlsx = tmp_path / "psad.xlsx"
    argv = ["--data-dir", data_dir, "worklist", "sans-solution-connue", "--today", TODAY, "--psad", "-o", str(xlsx)]
    assert main(argv) == 0
    sheet = openpyxl.load_workbook(xlsx).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == PSAD_HEADERS == (
        "Nom",
        "Prénom(s)",
        "Date de naissance",
        "INE",
        "Téléphone",
        "Adresse",
        "Code postal",
        "Commune",
        "Diplôme préparé",
        "Spécialité",
        "Classe",
        "Dernier contact",
        "Situation connue",
    )
    assert len(rows) - 1 == counts[Worklist.SANS_SOLUTION]
    named = {row[0]: row for row in rows[1:]}
    assert all(row[2] is None or isinstance(row[2], dt.datetime) for row in rows[1:])  # dates as dates
    assert sum(len(row[3] or "") == 11 for row in rows[1:]) > len(rows) // 2  # the INE, when known
    assert "'=HYPERLINK(1)" in named and named["'=HYPERLINK(1)"][5] == "'+33 rue du Test"
    assert {row[8] for row in rows[1:]} <= {"CAP", "Bac pro", "BMA", "DTMS"}
    csv_path = tmp_path / "psad.csv"
    argv[-1] = str(csv_path)
    assert main(argv) == 0
    data = csv_path.read_bytes()
    assert data.startswith(BOM.encode("utf-8") + ";".join(PSAD_HEADERS).encode("utf-8") + b"\r\n")
    assert b"'=HYPERLINK(1);" in data
    events = _audits(data_dir)
    assert len(events) == 2 and all(e.nominative and "PSAD" in e.detail for e in events)


def test_psad_export_refuses_another_suffix_and_writes_nothing(demo_db, tmp_path):
    from pae_desktop.core.errors import UserError

    tmp_path = tmp_path / "sortie"
    tmp_path.mkdir()
    with pytest.raises(UserError, match="choisissez un fichier .csv ou .xlsx"):
        with demo_db.transaction() as session:
            export_psad(session, session.scalars(select(Campaign)).one(), tmp_path / "psad.pdf", DAY)
    with demo_db.read() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all() == []
    assert list(tmp_path.iterdir()) == []


def test_csv_reads_back_with_the_csv_module(demo, capsys):
    import csv

    data_dir, counts, _pseudonym = demo
    assert main(["--data-dir", data_dir, "worklist", "sortie-a-saisir", "--today", TODAY]) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out[len(BOM) :]), delimiter=";"))
    assert len(rows) == counts[Worklist.SORTIE_A_SAISIR]
    assert all(row["a_faire"].endswith("saisir la sortie") for row in rows)
