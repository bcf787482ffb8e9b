"""Backups: consistent copies, rotation, preview, restore (exact state, refusals), start-up integrity check."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Pathway, School, Youth
from pae_desktop.storage import backup, database
from pae_desktop.storage.backup import (
    INFO_TABLE,
    Rotation,
    automatic_backup,
    automatic_backups,
    inspect_backup,
    manual_backup,
    obsolete,
    restore_backup,
    startup_check,
)
from pae_desktop.storage.database import open_database


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [line for line in connection.iterdump() if INFO_TABLE not in line]
    finally:
        connection.close()


def rename_first_youth(db, name: str = "MODIFIÉ") -> None:
    with db.transaction() as session:
        youth = session.scalars(select(Youth).order_by(Youth.id).limit(1)).one()
        youth.last_name = name


def test_database_module_still_exports_sqlite_copy(school_db, tmp_path):
    from pae_desktop.storage.database import sqlite_copy

    target = sqlite_copy(school_db.file, tmp_path / "copie.db")
    assert dump(target) == dump(school_db.file)
    assert not Path(f"{target}-wal").exists()
    assert sqlite3.connect(target).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_backup_change_restore_gives_back_the_backed_up_state(demo_db, tmp_path):
    before = dump(demo_db.file)
    usb = tmp_path / "cle"
    usb.mkdir()
    saved = manual_backup(demo_db, usb, now=dt.datetime(2026, 11, 26, 10, 0))
    assert saved.parent == usb and saved.name == "pae-desktop-sauvegarde-20261126-100000.db"
    rename_first_youth(demo_db)
    with demo_db.transaction() as session:
        session.delete(session.scalars(select(Youth).order_by(Youth.id.desc()).limit(1)).one())
    changed = dump(demo_db.file)
    assert changed != before

    result = restore_backup(demo_db, saved, now=dt.datetime(2026, 11, 26, 11, 0))

    assert dump(demo_db.file) == before
    with demo_db.read() as session:  # the open Database keeps working on the restored file
        assert session.scalar(select(func.count()).select_from(Youth)) == 150
    assert result.safety_copy is not None and result.safety_copy.name.startswith("avant-restauration-")
    assert dump(result.safety_copy) == changed
    assert result.preview.youths == 150


def test_preview_says_what_the_backup_holds(demo_db, tmp_path):
    saved = manual_backup(demo_db, tmp_path / "s.db", now=dt.datetime(2026, 11, 26, 10, 30))
    preview = inspect_backup(saved)
    assert preview.uai and preview.is_demo and preview.revision == database.head_revision()
    assert [(c.year, c.youths) for c in preview.campaigns] == [(2025, 150)]
    with demo_db.read() as session:
        pathways = session.scalar(select(func.count()).select_from(Pathway))
    assert pathways > 0 and preview.pathways == pathways
    assert preview.taken_at == dt.datetime(2026, 11, 26, 10, 30) and preview.kind == "manuelle"
    text = "\n".join(preview.lines())
    assert f"Campagne 2025 : 150 jeunes, {pathways} parcours" in text
    assert "26/11/2026 à 10 h 30" in text and "Intégrité : vérifiée" in text
    assert f"({preview.uai})" in text and "démonstration" in text


def test_newer_schema_is_refused_and_nothing_changes(school_db, tmp_path):
    saved = manual_backup(school_db, tmp_path / "future.db")
    connection = sqlite3.connect(saved)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    before = dump(school_db.file)
    with pytest.raises(UserError, match="version plus récente"):
        restore_backup(school_db, saved)
    assert dump(school_db.file) == before
    assert not list((school_db.data_dir / "sauvegardes").glob("avant-restauration-*"))


def test_a_file_that_is_not_a_backup_is_refused(school_db, tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"pas une base" * 100)
    with pytest.raises(UserError, match="n'est pas une sauvegarde PAE Desktop"):
        restore_backup(school_db, junk)
    other = tmp_path / "autre.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(UserError, match="n'est pas une sauvegarde PAE Desktop"):
        inspect_backup(other)
    with pytest.raises(UserError, match="n'existe pas"):
        inspect_backup(tmp_path / "absent.db")


def test_restore_needs_the_writer_lock(school_db, tmp_path):
    saved = manual_backup(school_db, tmp_path / "s.db")
    reader = open_database(school_db.data_dir, write=False)
    try:
        with pytest.raises(UserError, match="ouverte en écriture"):
            restore_backup(reader, saved)
    finally:
        reader.close()


HEAD = database.head_revision()
NEXT = f"{int(HEAD) + 1:04d}"


def _older_schema(tmp_path, monkeypatch) -> None:
    """Ship one more migration (a new table) so that a backup at today's head is of an older schema."""
    migrations = tmp_path / "migrations"
    shutil.copytree(database.MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / f"{NEXT}_test_extra.py").write_text(
        '"""Test migration."""\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        f'revision = "{NEXT}"\ndown_revision = "{HEAD}"\nbranch_labels = None\ndepends_on = None\n\n\n'
        "def upgrade():\n"
        '    op.create_table("test_extra", sa.Column("id", sa.Integer, primary_key=True))\n\n\n'
        "def downgrade():\n"
        '    op.drop_table("test_extra")\n'
    )
    monkeypatch.setattr(database, "MIGRATIONS_DIR", migrations)


def test_restoring_an_older_schema_upgrades_it_after_a_copy(school_db, tmp_path, monkeypatch):
    saved = manual_backup(school_db, tmp_path / "ancienne.db")
    _older_schema(tmp_path, monkeypatch)
    assert inspect_backup(saved).compatibility() == "older"
    result = restore_backup(school_db, saved)
    assert database.current_revision(school_db.engine) == NEXT
    assert result.preview.revision == HEAD
    copies = list((school_db.data_dir / "sauvegardes").glob(f"avant-migration-{HEAD}-*.db"))
    assert len(copies) == 1 and inspect_backup(copies[0]).revision == HEAD
    with school_db.read() as session:
        assert session.scalars(select(School.uai)).one() == "0759999L"


def test_opening_an_older_database_upgrades_it_from_the_schema_on_disk(data_dir, tmp_path, monkeypatch):
    db = open_database(data_dir)
    with db.transaction() as session:
        session.add(School(name="Lycée", uai="0759999L", secret=b"0" * 32))
    db.close()
    _older_schema(tmp_path, monkeypatch)
    db = open_database(data_dir)
    try:
        assert database.current_revision(db.engine) == NEXT
        with db.read() as session:
            assert session.scalars(select(School.name)).one() == "Lycée"
    finally:
        db.close()
    assert len(list((data_dir / "sauvegardes").glob(f"avant-migration-{HEAD}-*.db"))) == 1


# --- rotation ------------------------------------------------------------------------------------------------


def test_rotation_keeps_recent_then_daily_weekly_monthly():
    today = dt.date(2026, 11, 26)
    # two backups a day (start-up and close) for 400 days
    stamps = [
        dt.datetime.combine(today - dt.timedelta(days=n), dt.time(hour))
        for n in range(400)
        for hour in (8, 17)
    ]
    drop = obsolete(stamps, today, Rotation(daily=7, weekly=4, monthly=12))
    kept = sorted(set(stamps) - drop, reverse=True)
    # today and yesterday whole: 4 backups
    assert kept[:4] == [
        dt.datetime(2026, 11, 26, 17),
        dt.datetime(2026, 11, 26, 8),
        dt.datetime(2026, 11, 25, 17),
        dt.datetime(2026, 11, 25, 8),
    ]
    assert len(kept) == 4 + 7 + 4 + 12
    daily = kept[4:11]
    assert [k.date() for k in daily] == [today - dt.timedelta(days=n) for n in range(2, 9)]
    assert all(k.hour == 17 for k in daily)  # the latest of each day
    weekly = kept[11:15]
    assert len({k.isocalendar()[:2] for k in weekly}) == 4
    monthly = kept[15:]
    assert len({(k.year, k.month) for k in monthly}) == 12


def test_automatic_backup_rotates_and_respects_the_minimum_interval(school_db):
    start = dt.datetime(2026, 1, 1, 8, 0)
    for day in range(60):
        assert automatic_backup(school_db, now=start + dt.timedelta(days=day)) is not None
    assert automatic_backup(school_db, now=start + dt.timedelta(days=59, minutes=2)) is None
    kept = automatic_backups(school_db.data_dir)
    # today and yesterday, 7 days, then the Sundays of 4 weeks back to 25 January: nothing older is left
    assert len(kept) == 2 + 7 + 4
    assert kept[-1][0] == dt.datetime(2026, 1, 25, 8, 0)
    assert kept[0][0] == start + dt.timedelta(days=59)
    assert inspect_backup(kept[0][1]).kind == "automatique"


# --- integrity at start-up --------------------------------------------------------------------------------------


def corrupt(db_file: Path, table: str = "youth") -> None:
    connection = sqlite3.connect(db_file)
    root, page_size = (
        connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0],
        connection.execute("PRAGMA page_size").fetchone()[0],
    )
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    with db_file.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\x0d\xff\xff\xff" + b"\xa5" * (page_size - 4))


def test_startup_check_points_to_the_last_good_backup(demo_db):
    assert startup_check(demo_db) is None
    good = automatic_backup(demo_db, now=dt.datetime(2026, 11, 25, 8, 0))
    demo_db.engine.dispose()
    corrupt(demo_db.file)
    message = startup_check(demo_db)
    assert message is not None and message.startswith("La base de données est endommagée")
    assert str(good) in message and "pae-desktop restore" in message and "25/11/2026" in message
    # and the way out works: the good backup comes back whole
    restore_backup(demo_db, good)
    assert startup_check(demo_db) is None
    with demo_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Youth)) == 150


def test_startup_check_without_any_backup_says_so(demo_db):
    demo_db.engine.dispose()
    corrupt(demo_db.file)
    message = startup_check(demo_db)
    assert "Aucune sauvegarde valide" in message


def test_a_damaged_database_never_rotates_the_good_backups_out(demo_db):
    start = dt.datetime(2026, 11, 1, 8, 0)
    for day in range(3):
        automatic_backup(demo_db, now=start + dt.timedelta(days=day))
    before = automatic_backups(demo_db.data_dir)
    demo_db.engine.dispose()
    corrupt(demo_db.file)
    assert automatic_backup(demo_db, now=dt.datetime(2027, 6, 1, 8, 0)) is None
    assert automatic_backups(demo_db.data_dir) == before


def test_damaged_backups_are_not_offered(demo_db):
    damaged = automatic_backup(demo_db, now=dt.datetime(2026, 11, 25, 8, 0))
    corrupt(damaged)
    assert backup.last_good_backup(demo_db.data_dir) is None
    with pytest.raises(UserError, match="endommagée"):
        restore_backup(demo_db, damaged)
