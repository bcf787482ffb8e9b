"""FOQUALE version 1.1 (spec §6): the scheme's name, phase 1 «AvenirPro» per youth and its four indicators,
from the database to the file and back, beside a 2025 campaign that had no phase 1."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from foquale_rows import UAI_A, UAI_B, campaign_a, row
from pae_desktop.core import indicators
from pae_desktop.core.models import (
    OriginalSchooling,
    Pathway,
    Phase1Attendance,
    Phase1Event,
    Phase1EventParticipant,
    Phase1Interview,
    Phase1Workshop,
    Phase1WorkshopClass,
    School,
    Youth,
)
from pae_desktop.core.operations.exports import export_foquale
from pae_desktop.core.scheme import AVENIRPRO, PAE, with_values
from pae_desktop.core.services import consolidation
from pae_desktop.core.services.campaigns import ensure_campaign, require_campaign
from pae_desktop.core.services.foquale_scheme import campaign_mef
from pae_desktop.core.services.reporting import COLUMNS, campaign_report
from pae_desktop.core.services.youths import pseudonym
from pae_desktop.io import foquale

V1_COLUMNS = COLUMNS[:41]
PHASE1 = ("ateliers_avenirpro", "entretien_individuel_avenirpro", "evenements_avenirpro")


def _youth(session, school, campaign, name, division, diploma):
    youth = Youth(
        campaign=campaign,
        pseudonym="",
        last_name=name,
        first_names="Camille",
        schooling=OriginalSchooling(diploma=diploma, division=division, exam_result="ADMIS"),
    )
    session.add(youth)
    session.flush()
    youth.pseudonym = pseudonym(school.secret, "", youth.id)
    return youth


def _workshop(campaign, day, divisions, attendance):
    workshop = Phase1Workshop(campaign=campaign, held_on=day, theme="Se présenter à un employeur")
    workshop.classes = [Phase1WorkshopClass(division=d) for d in divisions]
    workshop.attendance = [Phase1Attendance(youth_id=y.id, present=present) for y, present in attendance]
    return workshop


def build_two_campaigns(db) -> dict[str, int]:
    """Campaign 2025 (no phase 1) and campaign 2026 with phase 1, in one database. By hand, for 2026:

    A (T1, CAP): workshops 1–4 present, an individual interview, events 1 and 2 → 4 / O / 2
    B (T1, bac pro): workshops 1–3 present, 4 absent, event 1 → 3 / N / 1
    C (T2, bac pro): workshop 5 absent, an individual interview → 0 / O / 0
    D (T3, CAP): nothing (no workshop for T3) → 0 / N / 0
    """
    with db.transaction() as session:
        school = session.scalars(select(School)).one()
        old = require_campaign(session, 2025)
        new = ensure_campaign(session, 2026)
        old_cap = _youth(session, school, old, "ANCIEN", "T1", "CAP")
        old_bac = _youth(session, school, old, "AUTREFOIS", "T2", "BAC_PRO")
        a = _youth(session, school, new, "ARNAUD", "T1", "CAP")
        b = _youth(session, school, new, "BERNARD", "T1", "BAC_PRO")
        c = _youth(session, school, new, "CHEVALIER", "T2", "BAC_PRO")
        d = _youth(session, school, new, "DUBOIS", "T3", "CAP")
        for index in range(3):
            session.add(_workshop(new, dt.date(2025, 11, 3 + 7 * index), ["T1"], [(a, True), (b, True)]))
        session.add(_workshop(new, dt.date(2026, 1, 12), ["T1"], [(a, True), (b, False)]))
        session.add(_workshop(new, dt.date(2026, 1, 13), ["T2"], [(c, False)]))
        session.add_all(
            [
                Phase1Interview(campaign_id=new.id, youth_id=a.id, held_on=dt.date(2026, 2, 2)),
                Phase1Interview(campaign_id=new.id, youth_id=c.id, held_on=dt.date(2026, 2, 3)),
            ]
        )
        salon = Phase1Event(campaign_id=new.id, held_on=dt.date(2026, 3, 5), kind="SALON", title="Salon")
        salon.participants = [Phase1EventParticipant(youth_id=a.id), Phase1EventParticipant(youth_id=b.id)]
        visit = Phase1Event(campaign_id=new.id, held_on=dt.date(2026, 4, 9), kind="VISITE_ENTREPRISE")
        visit.participants = [Phase1EventParticipant(youth_id=a.id)]
        session.add_all([salon, visit])
        start, end = dt.date(2026, 9, 7), dt.date(2026, 12, 31)
        session.add_all(
            [
                Pathway(youth=a, mef_code="7034150311", start_date=start, planned_end=end),
                # Saved under the PAE code before campaign 2026 had its own: written with 2026's level 4.
                Pathway(youth=b, mef_code="7044150111", start_date=start, planned_end=end),
                Pathway(
                    youth=old_cap, mef_code="7034150211", start_date=start.replace(year=2025), planned_end=end
                ),
                Pathway(
                    youth=old_bac, mef_code="7044150111", start_date=start.replace(year=2025), planned_end=end
                ),
            ]
        )
        session.flush()
        return {y.last_name: y.pseudonym for y in (old_cap, old_bac, a, b, c, d)}


@pytest.fixture
def two_campaigns(school_db):
    return school_db, build_two_campaigns(school_db)


def export(db, year, path):
    export_foquale(db, year, path)
    return foquale.read_file(path)


def test_phase1_round_trips_to_the_columns_and_indicators(two_campaigns, tmp_path):
    db, ids = two_campaigns
    back = export(db, 2026, tmp_path / "2026.csv")
    assert back.problems == []
    names = ("ARNAUD", "BERNARD", "CHEVALIER", "DUBOIS")
    by_name = {name: next(r for r in back.rows if r["id_jeune"] == ids[name]) for name in names}
    columns = {name: tuple(r[c] for c in PHASE1) for name, r in by_name.items()}
    assert columns == {
        "ARNAUD": ("4", "O", "2"),
        "BERNARD": ("3", "N", "1"),
        "CHEVALIER": ("0", "O", "0"),
        "DUBOIS": ("0", "N", "0"),
    }
    assert {r["dispositif"] for r in back.rows} == {"AvenirPro+"}
    assert by_name["ARNAUD"]["mef_pae"] == "7034150311"
    assert by_name["BERNARD"]["mef_pae"] == "7044150211"  # the stale PAE code stands for level 4
    assert by_name["DUBOIS"]["mef_pae"] == ""  # no pathway
    expected = {
        "avenirpro_renseignes": 4,
        "part_4_ateliers_avenirpro": 0.25,  # A
        "part_entretien_individuel_avenirpro": 0.5,  # A, C
        "part_evenement_avenirpro": 0.5,  # A, B
    }
    from_file = consolidation.consolidate([tmp_path / "2026.csv"]).document()
    assert {k: from_file["indicateurs"][k] for k in expected} == expected
    assert {k: from_file["par_etablissement"][UAI_A][k] for k in expected} == expected
    with db.read() as session:
        report, _rows = campaign_report(session, 2026)
    assert {k: report.indicators[k] for k in expected} == expected
    assert report.document()["indicateurs"] == from_file["indicateurs"]
    assert (report.scheme_name, report.phase1_name) == ("AvenirPro+", "AvenirPro")


def test_2025_campaign_without_phase1(two_campaigns, tmp_path):
    db, ids = two_campaigns
    path = tmp_path / "2025.csv"
    back = export(db, 2025, path)
    assert back.problems == [] and len(back.rows) == 2
    assert all(r[c] == "" for r in back.rows for c in PHASE1)  # phase 1 is 2026's, not 2025's
    assert {r["dispositif"] for r in back.rows} == {"Parcours Ambition Emploi"}
    assert sorted(r["mef_pae"] for r in back.rows) == ["7034150211", "7044150111"]
    with db.read() as session:
        report, _rows = campaign_report(session, 2025)
    document = report.document()["indicateurs"]
    assert all(document[key] is None for key in indicators.PHASE1_KEYS)
    assert report.scheme_name == "Parcours Ambition Emploi" and report.phase1_name == ""
    # The 2026 report compares with 2025, whose phase-1 indicators are null.
    with db.read() as session:
        later, _rows = campaign_report(session, 2026)
    assert later.previous[0][0] == 2025 and later.previous[0][1]["avenirpro_renseignes"] is None


def test_file_bytes_keep_the_format(two_campaigns, tmp_path):
    db, _ids = two_campaigns
    path = tmp_path / "2026.csv"
    export(db, 2026, path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data[3:].decode("utf-8").split("\r\n")[:-1]
    assert lines[0] == ";".join(COLUMNS)
    assert lines[0].endswith(
        ";date_limite_entretiens;dispositif;ateliers_avenirpro;entretien_individuel_avenirpro;evenements_avenirpro"
    )
    assert len(lines) == 5 and all(len(line.split(";")) == 45 for line in lines)


def test_dispositif_is_formula_protected(tmp_path):
    path = tmp_path / "f.csv"
    foquale.write_rows(path, [row(n="1", dispositif="=Dispositif")])
    line = path.read_bytes().decode("utf-8-sig").split("\r\n")[1]
    assert line.split(";")[41] == "'=Dispositif"
    assert foquale.read_file(path).rows[0]["dispositif"] == "=Dispositif"


def test_campaign_mef_of_each_campaign():
    assert campaign_mef(PAE, "7034150211") == "7034150211"
    assert campaign_mef(AVENIRPRO, "7034150211") == "7034150311"
    assert campaign_mef(AVENIRPRO, "70441501110") == "7044150211"  # SIECLE's 11 characters
    assert campaign_mef(AVENIRPRO, "") == ""
    assert campaign_mef(AVENIRPRO, "", "CAP") == "7034150311"
    assert campaign_mef(PAE, "", "BAC_PRO") == "7044150111"
    typed = with_values(AVENIRPRO, n3_code="7034159999")
    assert campaign_mef(typed, "7034159999") == "7034159999"
    assert campaign_mef(typed, "7034150311") == "7034159999"  # a code of the table: its level
    assert campaign_mef(AVENIRPRO, "1234567890") == "1234567890"  # typed by the school: as recorded


def write_v1(path, rows):
    """A version-1 file: the 41 columns of spec §2 only, written as the version-1 writer did."""
    lines = [";".join(V1_COLUMNS)] + [";".join(foquale.quote(r[c]) for c in V1_COLUMNS) for r in rows]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def school_b_v11() -> list[dict[str, str]]:
    """Four youths at school B with phase 1: 5/O/1, 4/N/0, 1/N/2, 0/N/0."""
    common = {"uai": UAI_B, "dispositif": "AvenirPro+"}
    values = (("5", "O", "1"), ("4", "N", "0"), ("1", "N", "2"), ("0", "N", "0"))
    return [row(n=str(100 + i), **common, **dict(zip(PHASE1, v, strict=True))) for i, v in enumerate(values)]


def test_v1_file_reads_as_empty_phase1(tmp_path):
    back = foquale.read_file(write_v1(tmp_path / "v1.csv", campaign_a()))
    assert back.problems == []
    assert all(r[c] == "" for r in back.rows for c in ("dispositif", *PHASE1))
    assert back.rows == campaign_a()  # the rows of version 1, the added columns empty


def test_aggregate_v1_and_v11_files_together(tmp_path, capsys):
    from pae_desktop.cli import main

    v1 = write_v1(tmp_path / "v1.csv", campaign_a())
    v11 = tmp_path / "v11.csv"
    foquale.write_rows(v11, school_b_v11())
    assert main(["aggregate", str(v1), str(v11), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    network, a, b = doc["indicateurs"], doc["par_etablissement"][UAI_A], doc["par_etablissement"][UAI_B]
    assert all(a[key] is None for key in indicators.PHASE1_KEYS)  # the version-1 school
    # By hand, over school B's four rows only: ≥ 4 workshops 2, interview 1, an event 2.
    expected = {
        "avenirpro_renseignes": 4,
        "part_4_ateliers_avenirpro": 0.5,
        "part_entretien_individuel_avenirpro": 0.25,
        "part_evenement_avenirpro": 0.5,
    }
    assert {k: network[k] for k in expected} == expected
    assert {k: b[k] for k in expected} == expected
    assert network["effectif"] == 13 and a["effectif"] == 9


@pytest.mark.parametrize(
    ("values", "column"),
    [
        (("-1", "N", "0"), "ateliers_avenirpro"),
        (("2", "oui", "0"), "entretien_individuel_avenirpro"),
        (("2", "N", "1,5"), "evenements_avenirpro"),
        (("2", "", "0"), "entretien_individuel_avenirpro"),  # filled, then empty: not «no phase 1»
        (("", "O", ""), "ateliers_avenirpro"),
    ],
)
def test_bad_phase1_values_named_by_line_and_column(tmp_path, values, column):
    rows = [row(n="1"), row(n="2", **dict(zip(PHASE1, values, strict=True)))]
    path = tmp_path / "f.csv"
    foquale.write_rows(path, rows)
    problems = foquale.read_file(path).problems
    assert (3, column) in {(p.line, p.column) for p in problems}
    assert all(p.line == 3 for p in problems) and all(p.message for p in problems)
    with pytest.raises(consolidation.InvalidFiles) as caught:
        consolidation.consolidate([path])
    assert f"ligne 3, colonne {column}" in str(caught.value)


def test_indicators_null_only_without_any_filled_row():
    none = indicators.compute([row(n="1"), row(n="2")])
    assert [none[k] for k in indicators.PHASE1_KEYS] == [None] * 4
    zero = indicators.compute(
        [
            row(n="1", ateliers_avenirpro="0", entretien_individuel_avenirpro="N", evenements_avenirpro="0"),
            row(n="2"),
        ]
    )
    assert [zero[k] for k in indicators.PHASE1_KEYS] == [1, 0.0, 0.0, 0.0]
    rows = school_b_v11()
    assert [indicators.members(rows, "avenirpro_4_ateliers")[i]["ateliers_avenirpro"] for i in (0, 1)] == [
        "5",
        "4",
    ]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_bilan_pdf_and_xlsx_show_phase1_only_when_recorded(two_campaigns):
    from pae_desktop.documents.bilan import build_bilan
    from pae_desktop.io.report_xlsx import report_workbook

    db, _ids = two_campaigns
    with db.read() as session:
        new, _rows = campaign_report(session, 2026)
        old, _rows = campaign_report(session, 2025)
        school = session.scalars(select(School)).one()
        new_pdf, old_pdf = build_bilan(None, new, school), build_bilan(None, old, school)
    text = pdf_text(new_pdf)
    assert "Phase 1 AvenirPro" in text and "Au moins 4 ateliers collectifs suivis" in text
    assert "Phase 1 renseignée pour 4 jeunes sur 4 recensés" in text
    assert "25,0" in text and "50,0" in text
    assert "AvenirPro+" in text and "Parcours Ambition Emploi" not in text
    old_text = pdf_text(old_pdf)
    assert (
        "Phase 1" not in old_text and "Parcours Ambition Emploi" in old_text and "AvenirPro" not in old_text
    )
    workbook = openpyxl.load_workbook(io.BytesIO(report_workbook(new)))
    assert workbook.sheetnames == ["Indicateurs", "Entonnoir", "Sorties", "Phase 1 AvenirPro", "Évolution"]
    cells = {
        r[1].value: (r[2].value, r[3].value) for r in workbook["Phase 1 AvenirPro"].iter_rows() if r[1].value
    }
    assert cells["avenirpro_renseignes"][0] == 4
    assert cells["part_4_ateliers_avenirpro"] == (1, 0.25)
    assert cells["part_evenement_avenirpro"] == (2, 0.5)
    keys = {r[1].value for r in workbook["Indicateurs"].iter_rows()}
    assert "part_entretien_individuel_avenirpro" in keys
    old_book = openpyxl.load_workbook(io.BytesIO(report_workbook(old)))
    assert old_book.sheetnames == ["Indicateurs", "Entonnoir", "Sorties", "Évolution"]
    assert "avenirpro_renseignes" not in {r[1].value for r in old_book["Indicateurs"].iter_rows()}


def test_bilan_tab_shows_the_phase1_box_for_2026_only(qtbot, two_campaigns, tmp_path):
    from PySide6.QtCore import Qt

    from pae_desktop.core.services.campaigns import get_campaign
    from pae_desktop.ui.bilan import BilanView
    from pae_desktop.ui.context import AppContext

    db, _ids = two_campaigns
    with db.read() as session:
        ids = {year: get_campaign(session, year).id for year in (2025, 2026)}
    view = BilanView(AppContext(db, ids[2026]))
    qtbot.addWidget(view)
    view.resize(1200, 1400)
    view.show()
    assert view.phase1.isVisible() and view.phase1.title() == "Phase 1 AvenirPro"
    assert "4 jeunes" in view.phase1.text.text() and "25,0" in view.phase1.text.text()
    assert "AvenirPro+" in view.heading.text()
    keys = {view.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(view.table.rowCount())}
    assert "part_4_ateliers_avenirpro" in keys
    view.grab().save(str(tmp_path / "bilan_2026.png"))
    old = BilanView(AppContext(db, ids[2025]))
    qtbot.addWidget(old)
    old.show()
    assert not old.phase1.isVisible() and "Parcours Ambition Emploi" in old.heading.text()
    assert "avenirpro_renseignes" not in {
        old.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(old.table.rowCount())
    }
