"""Storage: migrations from an empty database, newer databases refused, the writer lock, file permissions."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Base
from pae_desktop.storage import database as database_module
from pae_desktop.storage.database import head_revision, open_database
from pae_desktop.storage.paths import DATABASE_FILE, resolve_data_dir


def test_empty_folder_gets_the_whole_schema(db, data_dir):
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with sqlite3.connect(data_dir / DATABASE_FILE) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_sqlite_workstation_never_loads_the_postgresql_dialect(data_dir):
    open_database(data_dir).close()  # created and migrated: the migrations are written for both databases
    script = f"""
import sys
from pae_desktop.storage.database import open_database
db = open_database({str(data_dir)!r})
with db.read() as session:
    from pae_desktop.core.services.campaigns import get_campaign
    get_campaign(session)
print("sqlalchemy.dialects.postgresql" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"]


def test_the_active_booking_index_is_partial_on_postgresql_too():
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex

    from pae_desktop.core.models import SlotBooking, declare_postgresql_options

    declare_postgresql_options()
    (index,) = [index for index in SlotBooking.__table__.indexes if index.name == "uq_slot_booking_active"]
    assert str(CreateIndex(index).compile(dialect=postgresql.dialect())).endswith(
        "WHERE cancelled_at IS NULL"
    )


def test_migrations_produce_exactly_the_models(db):
    with db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_files_are_private(db, data_dir):
    assert (data_dir / DATABASE_FILE).stat().st_mode & 0o077 == 0
    assert data_dir.stat().st_mode & 0o077 == 0


def test_newer_database_is_refused_and_left_untouched(data_dir):
    open_database(data_dir).close()
    path = data_dir / DATABASE_FILE
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    with pytest.raises(UserError, match="plus récente"):
        open_database(data_dir)
    assert path.read_bytes() == before


def test_pending_migration_copies_the_database_first(data_dir, monkeypatch):
    open_database(data_dir).close()
    with sqlite3.connect(data_dir / DATABASE_FILE) as conn:
        conn.execute("CREATE TABLE marker (x)")
        conn.execute("INSERT INTO marker VALUES (42)")
    upgraded = []
    head = database_module.head_revision()
    monkeypatch.setattr(database_module, "known_revisions", lambda: [head, "9998"])
    monkeypatch.setattr(database_module, "upgrade", lambda engine, target="head": upgraded.append(target))
    open_database(data_dir).close()
    copies = list((data_dir / "sauvegardes").glob(f"avant-migration-{head}-*.db"))
    assert upgraded == ["head"] and len(copies) == 1
    with sqlite3.connect(copies[0]) as conn:
        assert conn.execute("SELECT x FROM marker").fetchone() == (42,)


def test_foreign_file_is_refused(data_dir):
    with sqlite3.connect(data_dir / DATABASE_FILE) as conn:
        conn.execute("CREATE TABLE other (x)")
    with pytest.raises(UserError, match="pas une base PAE Desktop"):
        open_database(data_dir)


def test_second_writer_gets_a_french_refusal(db, data_dir):
    with pytest.raises(UserError, match="déjà ouverte"):
        open_database(data_dir)
    reader = open_database(data_dir, write=False)  # read-only commands take no lock
    reader.close()


def test_lock_is_released_when_the_holder_dies(data_dir):
    script = (
        "import sys, time\n"
        "from pae_desktop.storage.database import open_database\n"
        f"db = open_database({str(data_dir)!r})\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(UserError, match=f"processus {holder.pid}"):
            open_database(data_dir)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    deadline = time.monotonic() + 10
    while True:
        try:
            open_database(data_dir).close()
            break
        except UserError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("PAE_DESKTOP_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "explicit") == (tmp_path / "explicit").resolve()
    assert resolve_data_dir() == (tmp_path / "env").resolve()


def test_the_first_paint_reads_name_real_tables_and_columns():
    from pae_desktop.core.services import first_paint

    for light in (first_paint.SCHOOL, first_paint.CAMPAIGN):
        assert set(light.c.keys()) <= set(Base.metadata.tables[light.name].c.keys())
