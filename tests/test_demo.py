"""The demonstration school: reproducible, complete, as it stands on a given day, refused on a database that
holds data."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import Counter

import pytest
from sqlalchemy import Date, DateTime, func, select

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    Base,
    Campaign,
    ContactAttempt,
    Exit,
    Interview,
    InterviewParticipant,
    OriginalSchooling,
    Pathway,
    PathwayModule,
    Phase1Attendance,
    Phase1Event,
    Phase1Interview,
    Phase1Workshop,
    School,
    Youth,
)
from pae_desktop.core.phase1 import classes_below_minimum, phase1_summaries
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.contacts import worklists
from pae_desktop.core.services.demo import demo_years, generate_demo
from pae_desktop.core.services.youths import caseload_rows
from pae_desktop.core.vocabulary import Stage
from pae_desktop.core.worklist import Worklist
from pae_desktop.storage.database import open_database

TODAY = dt.date(2026, 11, 26)


def names(db):
    with db.read() as session:
        return sorted(session.scalars(select(Youth.last_name + " " + Youth.first_names)))


def test_same_seed_same_school(tmp_path):
    first, second = open_database(tmp_path / "a"), open_database(tmp_path / "b")
    for database in (first, second):
        with database.transaction() as session:
            generate_demo(session, students=40, seed=7, year=2025, today=TODAY)
    assert names(first) == names(second)
    first.close()
    second.close()


def test_demo_is_a_plausible_whole_campaign(demo_db):
    with demo_db.read() as session:
        campaign = get_campaign(session)
        assert campaign.year == 2025
        assert session.scalars(select(School.is_demo)).one() is True
        rows = caseload_rows(session, campaign.id, TODAY)
        pathways = session.scalar(select(func.count()).select_from(Pathway))
        modules = Counter(
            session.scalars(
                select(func.count()).select_from(PathwayModule).group_by(PathwayModule.pathway_id)
            )
        )
        exits = session.scalar(select(func.count()).select_from(Exit))
        interviews = session.scalar(select(func.count()).select_from(Interview))
        with_ml = session.scalar(
            select(func.count(func.distinct(InterviewParticipant.interview_id))).where(
                InterviewParticipant.role == "ML"
            )
        )
        abandoned = session.scalar(select(func.count()).where(Pathway.abandoned_on.is_not(None)))
        latest_fact = max(
            session.scalar(select(func.max(Exit.on))),
            session.scalar(select(func.max(Pathway.planned_end))),
        )
    assert len(rows) == 150
    stages = Counter(row.stage for row in rows)
    assert len(stages) >= 12
    assert 15 <= pathways <= 50
    assert 1 in modules and any(n >= 2 for n in modules)
    assert 0 < exits <= pathways and 0 < abandoned < pathways
    assert 0 < with_ml < interviews
    assert latest_fact < TODAY
    assert stages[Stage.SORTI] > 0 and stages[Stage.INJOIGNABLE] > 0


def test_cli_demo_refuses_a_database_with_data(tmp_path):
    command = [sys.executable, "-m", "pae_desktop", "--data-dir", str(tmp_path), "demo", "--students", "10"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""
    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 1
    assert "déjà des données" in again.stderr


def test_cli_version_and_usage_errors():
    version = subprocess.run(
        [sys.executable, "-m", "pae_desktop", "--version"], capture_output=True, text=True
    )
    assert version.stdout.strip().startswith("pae-desktop ")
    bad = subprocess.run(
        [sys.executable, "-m", "pae_desktop", "demo", "--students", "x"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "erreur" in bad.stderr


# --- the demo of this year: `demo --today` ----------------------------------------------------------------------

DECEMBER = dt.date(2026, 12, 4)
PAE_CODES = {"7034150211", "7044150111"}
AVENIRPRO_CODES = {"7034150311", "7044150211"}
# Dates that say what is planned, not what happened: they may lie after the demo's today.
PLANS = {
    ("campaign", "census_cutoff"),
    ("campaign", "rentree"),
    ("campaign", "interview_deadline"),
    ("campaign", "latest_end"),
    ("youth", "birth_date"),
    ("interview_slot", "starts_at"),
    ("contact_attempt", "next_date"),
    ("follow_up_event", "due_on"),
    ("pathway", "planned_end"),
    ("pathway_module", "start_date"),
    ("pathway_module", "end_date"),
}


@pytest.fixture(scope="module")
def december(tmp_path_factory):
    """The demo opened on 4 December 2026 (SQLite; built once for the tests that only read it)."""
    database = open_database(tmp_path_factory.mktemp("decembre"))
    with database.transaction() as session:
        summary = generate_demo(session, seed=0, today=DECEMBER)
    yield database, summary
    database.close()


def dump(database) -> dict[str, list[tuple]]:
    """Every row of every table, every column (timestamps included), in primary-key order."""
    with database.read() as session:
        return {
            table.name: [
                tuple(row) for row in session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def test_current_campaign_by_date():
    assert demo_years(DECEMBER) == (2025, 2026)
    assert demo_years(dt.date(2026, 3, 15)) == (2025, 2026)  # phase 1 of 2026 under way since October
    assert demo_years(dt.date(2025, 3, 15)) == (2023, 2024)  # no phase 1 in 2025: last year's report
    assert demo_years(dt.date(2025, 6, 1)) == (2024, 2025)  # the census opens campaign 2025


def test_december_2026_has_a_closed_pae_campaign_and_an_avenirpro_one(december):
    database, summary = december
    assert [(c.year, c.closed) for c in summary.campaigns] == [(2025, True), (2026, False)]
    with database.read() as session:
        campaigns = {c.year: c for c in session.scalars(select(Campaign))}
        assert set(campaigns) == {2025, 2026}
        codes = {
            year: set(
                session.scalars(
                    select(Pathway.mef_code).join(Youth).where(Youth.campaign_id == campaigns[year].id)
                )
            )
            for year in campaigns
        }
        assert campaigns[2025].scheme_name == "Parcours Ambition Emploi"
        assert campaigns[2026].scheme_name == "AvenirPro+"
        youths = {
            year: session.scalar(select(func.count()).where(Youth.campaign_id == campaigns[year].id))
            for year in campaigns
        }
        ines = [
            set(session.scalars(select(Youth.ine).where(Youth.campaign_id == c.id, Youth.ine != "")))
            for c in campaigns.values()
        ]
    assert codes == {2025: PAE_CODES, 2026: AVENIRPRO_CODES}
    assert youths == {2025: 150, 2026: 150}
    assert not ines[0] & ines[1]  # different people each year


def test_phase1_is_recorded_for_2026_only(december):
    database, _summary = december
    with database.read() as session:
        campaign = get_campaign(session, 2026)
        workshops = session.scalars(select(Phase1Workshop)).all()
        assert {w.campaign_id for w in workshops} == {campaign.id}
        assert {w.operator.type for w in workshops} == {"FRANCE_TRAVAIL", "MISSION_LOCALE"}
        assert all(w.advisor is not None and 60 <= w.duration_minutes <= 120 for w in workshops)
        assert dt.date(2025, 10, 1) <= min(w.held_on for w in workshops)
        assert max(w.held_on for w in workshops) <= dt.date(2026, 5, 31)
        presence = Counter(session.scalars(select(Phase1Attendance.present)))
        below = classes_below_minimum(session, campaign.id)
        summaries = phase1_summaries(session, campaign.id)
        interviews = session.scalars(select(Phase1Interview.campaign_id)).all()
        events = session.scalars(select(Phase1Event)).all()
        attendees = [len(e.participants) for e in events]
        assert not any(
            s.workshops_held for s in phase1_summaries(session, get_campaign(session, 2025).id).values()
        )
    assert presence[True] > 4 * presence[False] > 0  # most came, some missed some
    assert below and all(0 < held < 4 for _division, held in below)
    assert any(s.workshops_held >= 6 for s in summaries.values())
    assert len(summaries) == 150 and any(s.below_minimum for s in summaries.values())
    assert interviews and set(interviews) == {campaign.id}
    assert 2 <= len(events) <= 3 and all(attendees)
    assert {e.campaign_id for e in events} == {campaign.id}


def test_nothing_happens_after_the_demo_day(december):
    database, _summary = december
    latest = {}
    with database.read() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, Date | DateTime) and (table.name, column.name) not in PLANS:
                    value = session.scalar(select(func.max(column)))
                    if value is not None:
                        latest[f"{table.name}.{column.name}"] = value
    late = {
        name: value
        for name, value in latest.items()
        if (value.date() if isinstance(value, dt.datetime) else value) > DECEMBER
    }
    assert not late
    assert latest["pathway.start_date"] <= DECEMBER and latest["exit.on"] <= DECEMBER
    assert latest["phase1_workshop.created_at"] < dt.datetime(2026, 6, 1)


def test_december_worklists_and_pathways_are_this_years(december):
    database, _summary = december
    with database.read() as session:
        campaign = get_campaign(session)
        assert campaign.year == 2026  # the window opens on the most recent campaign
        lists = worklists(session, campaign.id, DECEMBER, dt.datetime.combine(DECEMBER, dt.time(12)))
        stages = Counter(row.stage for row in caseload_rows(session, campaign.id, DECEMBER))
        pathways = session.scalars(select(Pathway).join(Youth).where(Youth.campaign_id == campaign.id)).all()
        exits = session.scalar(
            select(func.count()).select_from(Exit).join(Youth).where(Youth.campaign_id == campaign.id)
        )
        results = Counter(
            session.scalars(
                select(OriginalSchooling.exam_result).join(Youth).where(Youth.campaign_id == campaign.id)
            )
        )
    counts = lists.counts
    for name in (
        Worklist.A_CONTACTER,
        Worklist.A_RELANCER,
        Worklist.INJOIGNABLES,
        Worklist.ENTRETIEN_A_SAISIR,
    ):
        assert counts[name] > 0, name
    assert stages[Stage.PARCOURS_EN_COURS] >= 10 and stages[Stage.ENTRETIEN_PLANIFIE] > 0
    assert stages[Stage.ABANDON] + stages[Stage.SORTI] > 0 and exits > 0
    assert all(dt.date(2026, 9, 1) <= p.start_date <= DECEMBER for p in pathways)
    assert all(p.planned_end <= dt.date(2026, 12, 31) for p in pathways)
    assert all(
        p.actual_end is None or p.abandoned_on is not None for p in pathways
    )  # none ended on 31/12 yet
    assert results["ADMIS"] > 50


def test_march_2026_shows_phase1_under_way_and_no_census_facts_yet(tmp_path):
    database = open_database(tmp_path)
    with database.transaction() as session:
        generate_demo(session, students=40, seed=3, today=dt.date(2026, 3, 15))
    with database.read() as session:
        campaign = get_campaign(session)
        attempts = session.scalar(
            select(func.count())
            .select_from(ContactAttempt)
            .join(Youth)
            .where(Youth.campaign_id == campaign.id)
        )
        results = set(
            session.scalars(
                select(OriginalSchooling.exam_result).join(Youth).where(Youth.campaign_id == campaign.id)
            )
        )
        workshops = session.scalars(select(Phase1Workshop.held_on)).all()
        years = sorted(session.scalars(select(Campaign.year)))
    database.close()
    assert campaign.year == 2026 and years == [2025, 2026]
    assert attempts == 0 and results == {"INCONNU"}
    assert workshops and max(workshops) <= dt.date(2026, 3, 15)


def test_same_seed_and_day_give_the_same_database(tmp_path):
    built = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        database = open_database(tmp_path / name)
        with database.transaction() as session:
            generate_demo(session, students=30, seed=seed, today=DECEMBER)
        built.append(dump(database))
        database.close()
    assert built[0] == built[1]
    assert built[0]["phase1_attendance"] and built[0]["pathway"]
    assert built[0]["youth"] != built[2]["youth"]


def test_a_day_before_the_first_campaign_or_a_campaign_not_begun_is_refused(tmp_path):
    database = open_database(tmp_path)
    with pytest.raises(UserError, match="campagne 2023"):
        with database.transaction() as session:
            generate_demo(session, students=5, today=dt.date(2024, 3, 1))
    with pytest.raises(UserError, match="n'a pas encore commencé"):
        with database.transaction() as session:
            generate_demo(session, students=5, year=2027, today=dt.date(2026, 6, 1))
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(School)) == 0
    database.close()


def test_cli_demo_today(tmp_path):
    command = [sys.executable, "-m", "pae_desktop", "--data-dir", str(tmp_path), "demo", "--students", "12"]
    made = subprocess.run([*command, "--today", "2026-12-04"], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert "campagne 2025 terminée" in made.stderr and "campagne 2026 en cours" in made.stderr
    for bad, reason in (("2026-13-01", "Le 01/13/2026 n'existe pas."), ("hier", "« hier » n'est pas une date")):
        refused = subprocess.run([*command, "--today", bad], capture_output=True, text=True, timeout=120)
        assert refused.returncode == 2
        assert reason in refused.stderr and "Formats acceptés : AAAA-MM-JJ ou JJ/MM/AAAA." in refused.stderr
    help_text = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=120).stdout
    assert "--today AAAA-MM-JJ" in help_text and "par campagne" in help_text


def test_demo_of_this_year_on_either_backend(db):
    """The bulk phase-1 attendance and the final timestamps go through on PostgreSQL as on SQLite."""
    with db.transaction() as session:
        generate_demo(session, students=20, seed=1, today=DECEMBER)
    with db.read() as session:
        years = sorted(session.scalars(select(Campaign.year)))
        attendance = session.scalar(select(func.count()).select_from(Phase1Attendance))
        modified = set(session.scalars(select(Youth.updated_at)))
    assert years == [2025, 2026] and attendance > 0
    assert max(modified) < dt.datetime.combine(DECEMBER, dt.time())
