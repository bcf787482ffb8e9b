"""The demonstration school: reproducible, complete, refused on a database that holds data."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import Counter

from sqlalchemy import func, select

from pae_desktop.core.models import (
    Exit,
    Interview,
    InterviewParticipant,
    Pathway,
    PathwayModule,
    School,
    Youth,
)
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.demo import generate_demo
from pae_desktop.core.services.youths import caseload_rows
from pae_desktop.core.vocabulary import Stage
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
