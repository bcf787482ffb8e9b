"""Migration 0002: a database of schema 0001 keeps every campaign and every value the user typed, the global
scheme settings moving onto each campaign (domain.md §1), on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

import pg_server
from pae_desktop.storage import database


def _database_at_0001(url: str, settings: dict[str, str]):
    engine = database.make_engine(url)
    database.upgrade(engine, "0001")
    with engine.begin() as conn:
        for year in (2024, 2025, 2026):
            conn.execute(
                text(
                    "INSERT INTO campaign (year, census_cutoff, rentree, interview_deadline, latest_end, created_at) "
                    "VALUES (:y, :c, :r, :d, :e, :n)"
                ),
                {
                    "y": year,
                    "c": f"{year}-06-01",
                    "r": f"{year}-09-01",
                    "d": f"{year}-09-17",
                    "e": f"{year}-12-31",
                    "n": f"{year}-06-02 10:00:00",
                },
            )
        for key, value in settings.items():
            conn.execute(
                text("INSERT INTO setting (key, value) VALUES (:k, :v)"), {"k": key, "v": json.dumps(value)}
            )
    return engine


def _campaigns(engine) -> dict[int, dict]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM campaign ORDER BY year")).mappings().all()
        return {row["year"]: dict(row) for row in rows}


@pytest.fixture(params=pg_server.BACKENDS)
def empty_url(request, tmp_path):
    if request.param == pg_server.SQLITE:
        yield f"sqlite:///{tmp_path / 'ancienne.db'}"
        return
    with pg_server.throwaway_database(migrated=False) as url:
        yield url


def test_defaults_follow_each_campaign_year(empty_url):
    engine = _database_at_0001(empty_url, {})
    database.upgrade(engine)
    campaigns = _campaigns(engine)
    assert campaigns[2025]["scheme_name"] == "Parcours Ambition Emploi"
    assert (campaigns[2025]["mef_n3"], campaigns[2025]["mef_n4"]) == ("7034150211", "7044150111")
    assert campaigns[2025]["phase1_name"] == ""
    assert campaigns[2026]["scheme_name"] == "AvenirPro+" and campaigns[2026]["phase1_name"] == "AvenirPro"
    assert (campaigns[2026]["mef_n3"], campaigns[2026]["mef_n4"]) == ("7034150311", "7044150211")
    assert campaigns[2026]["mef_n3_short"] == "APRO PLUS 3"
    engine.dispose()


def test_a_value_the_user_typed_is_kept_on_every_existing_campaign(empty_url):
    engine = _database_at_0001(empty_url, {"scheme_name": "PAE – lycée Jean Moulin", "mef_n4": "7044150199"})
    database.upgrade(engine)
    campaigns = _campaigns(engine)
    for year in (2024, 2025, 2026):
        assert campaigns[year]["scheme_name"] == "PAE – lycée Jean Moulin"
        assert campaigns[year]["mef_n4"] == "7044150199"
    # the level-3 code was not typed: each campaign takes its year's
    assert campaigns[2025]["mef_n3"] == "7034150211" and campaigns[2026]["mef_n3"] == "7034150311"
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM setting WHERE key IN ('scheme_name', 'mef_n4')")).scalar()
            == 0
        )
    engine.dispose()


def test_a_renaming_typed_ahead_of_time_does_not_rewrite_the_older_campaigns(empty_url):
    """A referent who typed this year's name and codes globally in September 2026: 2025 goes back to PAE."""
    engine = _database_at_0001(
        empty_url, {"scheme_name": "AvenirPro+", "mef_n3": "7034150311", "mef_n4": "7044150211"}
    )
    database.upgrade(engine)
    campaigns = _campaigns(engine)
    assert (
        campaigns[2025]["scheme_name"] == "Parcours Ambition Emploi"
        and campaigns[2025]["mef_n3"] == "7034150211"
    )
    assert campaigns[2026]["scheme_name"] == "AvenirPro+" and campaigns[2026]["mef_n4"] == "7044150211"
    engine.dispose()
