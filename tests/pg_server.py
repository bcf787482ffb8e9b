"""The PostgreSQL side of the test suite: a throwaway database per test on the server of PAE_TEST_DATABASE_URL.

`PAE_TEST_DATABASE_URL` names a server and a role allowed to create databases (for instance
`postgresql://postgres@127.0.0.1:55432/postgres`); with it, the `db` fixtures also run on PostgreSQL. With
`CI=true` the PostgreSQL variants are always collected and an unset or unreachable server fails them: they
never skip on the continuous integration machine.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

URL_ENV = "PAE_TEST_DATABASE_URL"
SERVER_URL = os.environ.get(URL_ENV, "").strip()
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
BACKENDS = [SQLITE, POSTGRESQL] if SERVER_URL or IN_CI else [SQLITE]

# Test modules about the SQLite file itself (backups by file copy, SQLCipher, killed writers): no PostgreSQL variant.
SQLITE_ONLY_MODULES = frozenset(
    {"test_backup", "test_backup_ui", "test_encryption", "test_crash_safety", "test_storage"}
)

_template: str | None = None


def _admin_engine():
    from sqlalchemy import create_engine

    from pae_desktop.storage.database import normalise_url

    return create_engine(normalise_url(SERVER_URL), isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def _with_database(name: str) -> str:
    from sqlalchemy.engine import make_url

    from pae_desktop.storage.database import normalise_url

    return make_url(normalise_url(SERVER_URL)).set(database=name).render_as_string(hide_password=False)


def require_server() -> None:
    """Skip (fail under CI=true) when no server is configured or reachable."""
    from sqlalchemy import text

    if not SERVER_URL:
        message = f"{URL_ENV} n'est pas défini : pas de serveur PostgreSQL pour les tests"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    try:
        engine = _admin_engine()
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any driver error means «unreachable»
        message = f"serveur PostgreSQL injoignable ({SERVER_URL}) : {error}"
        pytest.fail(message) if IN_CI else pytest.skip(message)


def _migrated_template() -> str:
    """A database migrated to head once per run; each test's database is a copy of it (fast)."""
    global _template
    if _template is None:
        from sqlalchemy import text

        from pae_desktop.storage.database import make_engine, upgrade

        name = f"pae_template_{uuid.uuid4().hex[:10]}"
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        engine = make_engine(_with_database(name))
        upgrade(engine)
        engine.dispose()
        _template = name
    return _template


@contextmanager
def throwaway_database(migrated: bool = True) -> Iterator[str]:
    """The URL of a new database (a copy of the migrated template, or empty), dropped afterwards."""
    from sqlalchemy import text

    require_server()
    name = f"pae_test_{uuid.uuid4().hex[:12]}"
    template = f' TEMPLATE "{_migrated_template()}"' if migrated else ""
    admin = _admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
        yield _with_database(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def drop_template() -> None:
    global _template
    if _template is None:
        return
    from sqlalchemy import text

    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{_template}" WITH (FORCE)'))
    admin.dispose()
    _template = None
