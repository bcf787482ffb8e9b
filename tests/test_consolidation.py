"""The network's consolidation: files validated, combined and school by school, or refused with every problem."""

from __future__ import annotations

import datetime as dt

import pytest

from foquale_rows import UAI_A, UAI_B, campaign_a, interviewed, row
from pae_desktop.core import indicators
from pae_desktop.core.operations.exports import export_foquale
from pae_desktop.core.services import consolidation
from pae_desktop.core.services.reporting import campaign_report
from pae_desktop.io import foquale


def school_b() -> list[dict[str, str]]:
    """Three youths at school B, target date 20 September: one interview on the 19th, one on the 25th."""
    common = {"uai": UAI_B, "date_limite_entretiens": "2024-09-20"}
    return [
        interviewed("2024-09-19", "ENGAGE", ml=True, mission="Mission locale de Toul", n="101", **common),
        interviewed("2024-09-25", "REFLEXION", n="102", **common),
        row(n="103", **common),
    ]


def files(tmp_path, *groups):
    paths = []
    for index, rows in enumerate(groups):
        path = tmp_path / f"ecole{index}.csv"
        foquale.write_rows(path, rows)
        paths.append(path)
    return paths


def test_two_schools_combined_and_each(tmp_path):
    report = consolidation.consolidate(files(tmp_path, campaign_a(), school_b()))
    doc = report.document()
    assert doc["etablissements"] == [UAI_B, UAI_A]  # sorted
    assert set(doc["par_etablissement"]) == {UAI_A, UAI_B}
    assert doc["par_etablissement"][UAI_A] == indicators.compute(campaign_a())
    combined = doc["indicateurs"]
    # By hand: 9 + 3 youths; interviews 4 + 2; before each school's own date: 3 (A) + 1 (B, the 19th) of 6.
    assert combined["effectif"] == 12
    assert combined["entretiens_realises"] == 6
    assert combined["part_entretiens_avant_echeance"] == 0.6667
    assert combined["part_entretiens_avec_ml"] == 0.6667  # 3 (A) + 1 (B) of 6
    assert combined["missions_locales"] == 2  # Nancy, Toul (in both schools: counted once)
    assert combined["taux_engagement"] == 0.6667  # 3 + 1 of 6
    assert doc["campagne"] == 2024 and doc["format"] == "PAE-INDICATEURS-1"


def test_deadline_override(tmp_path):
    # 15 September for every row: A's 1 September and 10 September only, of 6 interviews.
    report = consolidation.consolidate(
        files(tmp_path, campaign_a(), school_b()), deadline=dt.date(2024, 9, 15)
    )
    assert report.indicators["part_entretiens_avant_echeance"] == 0.3333
    assert report.per_school[UAI_B]["part_entretiens_avant_echeance"] == 0.0
    assert report.per_school[UAI_A]["part_entretiens_avant_echeance"] == 0.5


def test_single_file_still_has_par_etablissement(tmp_path):
    doc = consolidation.consolidate(files(tmp_path, school_b())).document()
    assert list(doc["par_etablissement"]) == [UAI_B]
    assert doc["par_etablissement"][UAI_B] == doc["indicateurs"]


def test_different_campaigns_refused_naming_each_file(tmp_path):
    other = [dict(r, campagne="2025") for r in school_b()]
    with pytest.raises(consolidation.InvalidFiles) as caught:
        consolidation.consolidate(files(tmp_path, campaign_a(), other))
    problems = caught.value.problems
    assert {(p.file.rsplit("/", 1)[-1], p.column) for p in problems} == {
        ("ecole0.csv", "campagne"),
        ("ecole1.csv", "campagne"),
    }
    assert "2024" in problems[0].message and "2025" in problems[0].message


def test_same_school_twice_refused(tmp_path):
    with pytest.raises(consolidation.InvalidFiles) as caught:
        consolidation.consolidate(files(tmp_path, school_b(), school_b()))
    problems = [(p.line, p.column) for p in caught.value.problems]
    # the same youths again in the second file: each refused at its line, then the school twice
    assert problems == [(2, "id_jeune"), (3, "id_jeune"), (4, "id_jeune"), (2, "uai"), (2, "uai")]


def test_every_problem_of_every_file_listed(tmp_path):
    bad_a = campaign_a()
    bad_a[3]["informe"] = "X"  # line 5
    bad_b = school_b()
    bad_b[1]["date_entretien"] = "25/09/2024"  # line 3
    paths = files(tmp_path, bad_a, bad_b)
    with pytest.raises(consolidation.InvalidFiles) as caught:
        consolidation.consolidate(paths)
    where = {(p.file, p.line, p.column) for p in caught.value.problems}
    assert where == {(str(paths[0]), 5, "informe"), (str(paths[1]), 3, "date_entretien")}
    assert "ligne 5" in str(caught.value) and "colonne informe" in str(caught.value)


def test_round_trip_demo_campaign(demo_db, tmp_path):
    """Export the demo campaign's CSV, consolidate it alone: the same indicators as the campaign's report."""
    target = tmp_path / "demo.csv"
    export_foquale(demo_db, None, target)
    with demo_db.read() as session:
        report, _rows = campaign_report(session)
    network = consolidation.consolidate([target])
    assert network.indicators == report.indicators
    assert network.document()["par_etablissement"] == {report.etablissements[0]: report.indicators}
    assert network.document()["indicateurs"] == report.document()["indicateurs"]
    assert "par_etablissement" not in report.document()
    assert report.indicators["parcours"] > 0 and report.indicators["sorties_connues"] > 0
