"""The PFMP allowance (issue 17 §5): APLyPro rates per level and school year, the cap over a youth's periods,
days not recorded, SIRET checks, the campaign's periods, the audited CSV/XLSX export, `export pfmp`, the plan."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from pae_desktop.cli import main
from pae_desktop.core import allowance as a
from pae_desktop.core import rules
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import AuditEvent, Partner
from pae_desktop.core.operations.pfmp_export import export_pfmp
from pae_desktop.core.services import directory
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.services.allowance import NO_SIRET, NOT_A_COMPANY, allowance_report
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.demo.pfmp import demo_siret
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import ModuleType, PartnerType
from pae_desktop.io.foquale import BOM, split_records

D = dt.date
FORMULA = "=HYPERLINK(\"http://x\";\"y\")"


# --- the rate tables ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mef", "campaign", "rate", "cap", "table"),
    [
        ("7034150211", 2025, 15, 750, 2025),  # PAE N3 in 2025-2026
        ("7044150111", 2025, 20, 1000, 2025),  # PAE N4 in 2025-2026
        ("7034150311", 2026, 15, 750, 2026),  # APRO PLUS 3 in 2026-2027
        ("7044150211", 2026, 20, 1000, 2026),  # APRO PLUS 4 in 2026-2027
    ],
)
def test_rate_and_cap_per_level_and_school_year(mef, campaign, rate, cap, table):
    found = a.rate_for(mef, campaign)
    assert (found.rate.daily_rate, found.rate.cap, found.rate.table_year) == (rate, cap, table)
    assert found.table_note == "" and found.rate.table_title == f"barème APLyPro {table}-{table + 1}"


def test_campaign_n_reads_the_table_of_school_year_n_and_the_nearest_when_missing():
    assert a.bundled_allowance_years() == (2025, 2026)
    # The 2026-2027 table no longer lists the PAE codes; the 2025-2026 one does not list AvenirPro+ yet.
    assert a.rate_for("7034150211", 2026).rate is None
    assert "7034150211 absent du barème APLyPro 2026-2027" in a.rate_for("7034150211", 2026).mef_note("7034150211")
    assert a.rate_for("7034150311", 2025).rate is None
    older = a.rate_for("7034150211", 2024)
    assert older.rate.table_year == 2025 and older.rate.daily_rate == 15
    assert older.table_note == "Barème APLyPro 2024-2025 non fourni : celui de 2025-2026 est appliqué."
    newer = a.rate_for("7044150211", 2027)
    assert newer.rate.table_year == 2026 and "2027-2028 non fourni" in newer.table_note


# --- the computation ----------------------------------------------------------------------------------------

N3 = a.AllowanceRate("7034150311", "AVENIR PRO PLUS NIVEAU 3", 15, 750, 2026)


def test_the_cap_applies_to_the_youths_periods_together_in_date_order():
    periods = [
        a.PeriodInput(2, D(2026, 11, 2), D(2026, 11, 27), 20),  # 300 € alone
        a.PeriodInput(1, D(2026, 9, 14), D(2026, 10, 23), 30),  # 450 € alone, first in date order
        a.PeriodInput(3, D(2026, 12, 7), D(2026, 12, 11), 5),
    ]
    result = a.youth_allowance(periods, N3)
    assert result.amount == 750 and result.days_done == 55 and result.capped
    assert [(p.key, p.amount) for p in result.periods] == [(1, 450), (2, 300), (3, 0)]
    assert result.periods[0].note == "" and result.periods[2].note == a.CAP_REACHED
    assert "plafond atteint" in result.note
    # under the cap: days × rate
    assert a.youth_allowance(periods[:1], N3).amount == 300


def test_a_period_without_days_recorded_counts_zero_with_its_note():
    periods = [
        a.PeriodInput(1, D(2026, 9, 14), D(2026, 10, 9), None),
        a.PeriodInput(2, D(2026, 11, 2), D(2026, 11, 6), 4),
    ]
    result = a.youth_allowance(periods, N3)
    assert [(p.amount, p.note) for p in result.periods] == [(0, "jours effectués non saisis"), (60, "")]
    assert result.amount == 60 and result.not_recorded == 1 and result.days_done == 4
    assert result.note == "1 période sans jours effectués saisis"
    # unknown rate: no amount at all, never a made-up one
    unknown = a.youth_allowance(periods, None)
    assert unknown.amount is None and [p.amount for p in unknown.periods] == [None, None]


def test_weekdays_planned_follow_the_union_rule_per_period():
    periods = [
        a.PeriodInput(1, D(2026, 9, 14), D(2026, 9, 25), 10),  # two weeks: 10 weekdays
        a.PeriodInput(2, D(2026, 9, 21), D(2026, 10, 2), 5),  # overlaps the second week: 5 of its own
    ]
    result = a.youth_allowance(periods, N3)
    assert [p.planned_days for p in result.periods] == [10, 5] and result.planned_days == 15
    modules = [rules.ModuleFacts(ModuleType.PFMP.value, p.start, p.end) for p in periods]
    assert result.planned_days == rules.pfmp_days(modules)
    assert a.youth_allowance([a.PeriodInput(1, D(2026, 9, 14), D(2026, 9, 18), 6)], N3).periods[0].note == (
        a.MORE_THAN_PLANNED
    )


# --- SIRET ----------------------------------------------------------------------------------------------------


def test_siret_checked_with_the_luhn_key_and_la_postes_exception():
    assert directory.siret_error("732 829 320 00074") == ""  # spaces allowed
    wrong = directory.siret_error("73282932000075")
    assert "clé de contrôle" in wrong and "Luhn" in wrong and "73282932000075" in wrong
    assert "14 chiffres" in directory.siret_error("7328293200007")
    assert "14 chiffres" in directory.siret_error("7328293200007A")
    # La Poste (SIREN 356 000 000): the sum of the digits is a multiple of 5, not the Luhn key
    assert directory.siret_error("35600000049837") == ""  # sum 45, Luhn fails
    assert "clé" in directory.siret_error("35600000049838")
    assert directory.siret_error("35600000000048") == ""  # its head office passes the Luhn key
    assert all(directory.siret_error(demo_siret(n)) == "" for n in range(1, 30))


def test_a_wrong_siret_is_refused_and_nothing_written(school_db):
    form = directory.PartnerForm(name="Garage Dupont", type=PartnerType.ENTREPRISE.value, siret="73282932000075")
    with pytest.raises(UserError, match="clé de contrôle"):
        with school_db.transaction() as session:
            directory.save_partner(session, form)
    with school_db.read() as session:
        assert session.scalars(select(Partner)).all() == []
    form.siret = "732 829 320 00074"
    with school_db.transaction() as session:
        saved = directory.save_partner(session, form)
    with school_db.read() as session:
        assert session.get(Partner, saved.id).siret == "73282932000074"


# --- the campaign's periods, the export, the plan -------------------------------------------------------------


@pytest.fixture
def periods_db(school_db):
    """Campaign 2025: a CAP youth with two PFMP reaching the cap (a company without SIRET, then one whose name
    is a formula) and a bac pro youth whose PFMP, carried by an association, has no days recorded."""
    db = school_db
    with db.transaction() as session:
        campaign = get_campaign(session, 2025)
        garage = Partner(name="Garage Dupont", type=PartnerType.ENTREPRISE.value)
        formula = Partner(name=FORMULA, type=PartnerType.ENTREPRISE.value, siret="73282932000074")
        club = Partner(name="Association sportive", type=PartnerType.ASSOCIATION.value, siret="73282932000074")
        session.add_all([garage, formula, club])
        session.flush()
        first = _youth(session, campaign, "Zola", "Émile", "CAP")
        _pathway(
            session,
            first,
            "7034150211",
            [(garage, D(2025, 9, 8), D(2025, 10, 24), 35), (formula, D(2025, 11, 3), D(2025, 11, 28), 20)],
        )
        second = _youth(session, campaign, "Éluard", "Paul", "BAC_PRO")
        _pathway(session, second, "7044150111", [(club, D(2025, 9, 15), D(2025, 10, 17), None)])
    return db, first, second


def _youth(session, campaign, last, first, diploma) -> int:
    form = YouthForm(last_name=last, first_names=first, diploma=diploma, birth_date=D(2006, 5, 4))
    return save_youth(session, campaign, form, today=D(2025, 8, 20)).youth_id


def _module(carrier, start, end, days):
    return svc.ModuleForm(ModuleType.PFMP.value, start, end, carrier_partner_id=carrier.id, days_done=days)


def _pathway_form(mef, modules):
    return svc.PathwayForm(
        mef_code=mef,
        start_date=D(2025, 9, 8),
        planned_end=D(2025, 12, 31),
        modules=[_module(*m) for m in modules],
        non_engaged_note="Test",
    )


def _pathway(session, youth_id, mef, modules):
    svc.save_pathway(session, youth_id, _pathway_form(mef, modules))


def test_the_campaigns_periods_with_their_amounts_and_totals(periods_db):
    db, first, second = periods_db
    with db.read() as session:
        report = allowance_report(session, get_campaign(session, 2025).id)
    assert report.table_note == "" and report.campaign_year == 2025
    eluard, zola1, zola2 = report.lines  # by name: Éluard before Zola
    assert (eluard.youth_id, zola1.youth_id, zola2.youth_id) == (second, first, first)
    assert (zola1.daily_rate, zola1.cap, zola1.planned_days, zola1.days_done, zola1.amount) == (15, 750, 35, 35, 525)
    assert (zola2.company, zola2.siret, zola2.amount, zola2.youth_amount) == (FORMULA, "73282932000074", 225, 750)
    assert NO_SIRET in zola1.note and "plafond atteint" in zola2.note
    assert (eluard.daily_rate, eluard.cap, eluard.amount, eluard.days_done) == (20, 1000, 0, None)
    assert "jours effectués non saisis" in eluard.note and NOT_A_COMPANY in eluard.note
    totals = {t.id: t for t in report.totals}
    assert (totals[first].amount, totals[first].days_done, totals[first].periods) == (750, 55, 2)
    assert totals[second].not_recorded == 1 and report.amount == 750 and report.not_recorded == 1


def _audit_events(db) -> list[AuditEvent]:
    with db.read() as session:
        return session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()


def test_the_csv_export_columns_formula_protection_and_audit(periods_db, tmp_path):
    db, _first, _second = periods_db
    target = tmp_path / "pfmp.csv"
    with db.transaction() as session:
        done = export_pfmp(session, get_campaign(session, 2025).id, target)
    assert done.count == 3 and done.file == target and "audit" in done.topics
    text = target.read_bytes().decode("utf-8")
    assert text.startswith(BOM) and "\r\n" in text
    header, *rows = split_records(text.removeprefix(BOM))
    for column in ("id_jeune", "mef", "jours_effectues", "forfait_journalier", "plafond", "montant_estime",
                   "entreprise", "siret", "date_debut", "date_fin"):
        assert column in header
    row = dict(zip(header, rows[2], strict=True))
    assert row["entreprise"] == "'" + FORMULA  # neutralised as in the FOQUALE file
    assert (row["mef"], row["jours_effectues"], row["forfait_journalier"], row["plafond"]) == (
        "7034150211", "20", "15", "750"
    )
    assert (row["montant_estime"], row["date_debut"], row["siret"]) == ("225", "2025-11-03", "73282932000074")
    assert dict(zip(header, rows[0], strict=True))["jours_effectues"] == ""
    (event,) = _audit_events(db)
    assert event.nominative and "Allocation PFMP" in event.detail and "pfmp.csv" in event.detail
    assert "Zola" not in event.detail


def test_the_xlsx_export_has_typed_cells_and_protected_text(periods_db, tmp_path):
    db, _first, _second = periods_db
    target = tmp_path / "pfmp.xlsx"
    with db.transaction() as session:
        export_pfmp(session, get_campaign(session, 2025).id, target)
    sheet = openpyxl.load_workbook(target).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values[0]
    row = dict(zip(header, values[3], strict=True))
    assert row["entreprise"] == "'" + FORMULA and row["siret"] == "73282932000074"
    assert row["montant_estime"] == 225 and row["jours_effectues"] == 20 and row["mef"] == "7034150211"
    assert row["date_debut"].date() == D(2025, 11, 3)
    assert len(_audit_events(db)) == 1


def test_a_wrong_suffix_is_refused_and_nothing_written(periods_db, tmp_path):
    db, _first, _second = periods_db
    with pytest.raises(UserError, match=r"\.csv ou \.xlsx"):
        with db.transaction() as session:
            export_pfmp(session, get_campaign(session, 2025).id, tmp_path / "pfmp.pdf")
    assert not (tmp_path / "pfmp.pdf").exists() and _audit_events(db) == []


def test_export_pfmp_command(periods_db, tmp_path, capsys):
    db, _first, _second = periods_db
    db.close()
    target = tmp_path / "pfmp.csv"
    assert main(["--data-dir", str(db.data_dir), "export", "pfmp", "--campaign", "2025", "-o", str(target)]) == 0
    assert "3 périodes" in capsys.readouterr().err and target.exists()
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", str(db.data_dir), "export", "pfmp", "-o", str(tmp_path / "pfmp.txt")])
    assert caught.value.code == 2 and ".csv ou .xlsx" in capsys.readouterr().err
    assert main(["--data-dir", str(db.data_dir), "export", "pfmp", "--campaign", "2019", "-o", str(target)]) == 1
    assert "Aucune campagne 2019" in capsys.readouterr().err


def _plan_text(session, youth_id) -> str:
    from pae_desktop.core.services.pathways import pathway_document
    from pae_desktop.documents import plan_parcours

    pdf = plan_parcours.render(None, None, pathway_document(session, youth_id, today=D(2025, 9, 20)))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_plan_de_parcours_mentions_the_allowance(periods_db):
    db, first, second = periods_db
    with db.read() as session:
        first_text, second_text = _plan_text(session, first), _plan_text(session, second)
    assert "Allocation PFMP" in first_text and "APLyPro" in first_text
    assert "15 € par jour de PFMP effectué" in first_text and "750 €" in first_text
    assert "jours réellement effectués" in first_text and "barème APLyPro 2025-2026" in first_text
    assert "55 jours de PFMP prévus, elle atteindrait au plus 750 €" in first_text
    assert "20 € par jour" in second_text and "1 000 €" in second_text


def test_the_plan_paragraph_without_a_known_rate():
    from pae_desktop.documents.plan_parcours import allowance_text

    class Plan:
        allowance = None
        mef_code = "7034150211"
        modules = ()
        pfmp_days = 0

    assert allowance_text(Plan()) == ""
    Plan.modules = (type("M", (), {"is_pfmp": True})(),)
    assert "barème du MEF 7034150211 n'est pas connu" in allowance_text(Plan())


def test_the_demo_has_sirets_and_days_done(demo_db):
    with demo_db.read() as session:
        report = allowance_report(session, get_campaign(session, 2025).id)
    assert report.lines and report.amount > 0
    assert any(line.days_done is None for line in report.lines)
    assert sum(line.days_done is not None for line in report.lines) > len(report.lines) // 2
    assert all(directory.siret_error(line.siret) == "" for line in report.lines)
