"""The database: engine and sessions, SQLite pragmas, the writer lock, and migrations at start-up."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.storage import diagnosis, encryption, paths, roles
from pae_desktop.storage.backup import sqlite_copy
from pae_desktop.storage.lock import WriterLock

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def known_revisions() -> list[str]:
    """Revision ids of the migrations shipped with this version, oldest first (files `NNNN_*.py`)."""
    return sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def head_revision() -> str:
    return known_revisions()[-1]


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean the psycopg 3 driver (SQLAlchemy would look for psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


_PASSWORD_IN_URL = re.compile(r"(://[^:/@?#\s]*:)[^@\s]*(@)")
_PASSWORD_IN_QUERY = re.compile(r"((?:^|[?&;\s])password=)[^&;\s]*", re.IGNORECASE)


def mask_url(url: str | None) -> str:
    """A database URL fit to show or log: its password (in `user:password@` or `?password=`) becomes `***`.

    The one masking function: every place that shows, prints or logs a URL goes through it.
    """
    if not url:
        return ""
    masked = _PASSWORD_IN_URL.sub(r"\1***\2", str(url))
    return _PASSWORD_IN_QUERY.sub(r"\1***", masked)


def make_engine(url: str, passphrase: str | None = None) -> Engine:
    """The engine of a database URL; a passphrase keys every connection of an encrypted SQLite file."""
    url = normalise_url(url)
    if url.startswith("sqlite") and passphrase is not None:
        return encryption.encrypted_engine(url, passphrase, _sqlite_pragmas)
    if url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    from pae_desktop.core.models import declare_postgresql_options

    declare_postgresql_options()
    return create_engine(url, pool_pre_ping=True)


@dataclass
class Database:
    """An open database: its data folder, engine and session factory, and the writer lock when taken."""

    data_dir: Path
    url: str
    engine: Engine
    lock: WriterLock | None = None
    sessions: sessionmaker[Session] = field(init=False)
    # The SQLCipher passphrase of an encrypted database (None: a plain file); backups are keyed alike.
    passphrase: str | None = field(default=None, repr=False)
    # Who is connected and their role on a shared server (storage/roles.py); a local file allows everything.
    access: roles.Access = roles.LOCAL

    def __post_init__(self) -> None:
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def file(self) -> Path | None:
        return Path(self.engine.url.database) if self.is_sqlite and self.engine.url.database else None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed whole at the end, rolled back whole on any error."""
        try:
            with self.sessions() as session, session.begin():
                yield session
        except StaleDataError as error:  # someone else saved the same row meanwhile (a shared server)
            raise UserError(CONFLICT_MESSAGE) from error

    def read(self) -> Session:
        """A session for reading; the caller closes it (use it as a context manager)."""
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()


def database_url(data_dir: Path, explicit_url: str | None = None) -> str:
    if explicit_url:
        return explicit_url
    configured = read_config_url(data_dir)
    if configured:
        return configured
    return f"sqlite:///{data_dir / paths.DATABASE_FILE}"


def read_config_url(data_dir: Path) -> str | None:
    config = data_dir / paths.CONFIG_FILE
    if not config.is_file():
        return None
    import configparser

    parser = configparser.ConfigParser(interpolation=None)  # a URL holds «%40» and the like
    parser.read(config, encoding="utf-8")
    return parser.get("database", "url", fallback=None) or None


def open_database(
    data_dir: str | Path | None = None,
    url: str | None = None,
    *,
    write: bool = True,
    create: bool = True,
    passphrase: str | None = None,
) -> Database:
    """Open (and create or upgrade) the database of a data folder.

    `write` takes the writer lock first. A database newer than this application is refused; an older one is
    copied into `sauvegardes/` before it is upgraded. An encrypted file is opened with `passphrase`, else with
    the one `storage.encryption`'s provider gives (the environment or a prompt; the window's dialog).
    """
    folder = paths.ensure_private_dir(paths.resolve_data_dir(data_dir))
    lock = WriterLock(folder / paths.LOCK_FILE) if write else None
    if lock is not None:
        lock.acquire()
    try:
        resolved_url = database_url(folder, url)
        if resolved_url.startswith("sqlite"):
            db_file = Path(resolved_url.split("///", 1)[1]) if "///" in resolved_url else None
            if db_file is not None and not db_file.exists() and not create:
                raise UserError(f"Aucune base de données dans {folder}.")
            if db_file is not None:
                diagnosis.require_sound(db_file, folder)
            if passphrase is None:
                passphrase = encryption.passphrase_for(db_file)
            if db_file is not None and passphrase is not None:
                diagnosis.require_sound(db_file, folder, passphrase)
            if lock is not None:
                diagnosis.remove_leftovers(folder)
                diagnosis.make_folder_private(folder)
        engine = make_engine(resolved_url, passphrase)
        db = Database(folder, resolved_url, engine, lock, passphrase=passphrase)
        if not db.is_sqlite:  # the staff member's own login: its role, and the server's refusals in French
            db.access = roles.connect_access(engine)
            roles.map_refusals(engine, db.access)
        migrate(db, allow_write=write)
        if db.file is not None:
            paths.make_private(db.file)
        return db
    except BaseException:
        if lock is not None:
            lock.release()
        raise


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            has_tables = bool(inspect(conn).get_table_names())
            return "unknown" if has_tables else None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(db: Database, *, allow_write: bool = True) -> None:
    revision = current_revision(db.engine)
    known = known_revisions()
    head = known[-1]
    if revision == head:
        return
    if revision == "unknown":
        raise UserError(
            "Ce fichier n'est pas une base PAE Desktop reconnue : il contient des tables mais aucune version de schéma."
        )
    if revision is not None and revision not in known:
        raise UserError(
            f"Cette base de données a été créée par une version plus récente de PAE Desktop (schéma {revision}). "
            "Installez la dernière version de l'application pour l'ouvrir ; la base n'a pas été modifiée."
        )
    if not allow_write:
        raise UserError("La base de données doit être mise à jour : ouvrez-la une fois avec l'application.")
    if not db.access.is_admin:
        raise UserError(
            "La base du serveur doit être mise à jour : le propriétaire de la base doit l'ouvrir une fois avec "
            "cette version de PAE Desktop."
        )
    if revision is not None and db.file is not None:
        copy = backup_before_migration(db.file, db.data_dir, revision, db.passphrase)
        log.info("Copie avant migration : %s", copy)
    upgrade(db.engine)
    if not db.is_sqlite and roles.installed(db.engine):
        roles.install_roles(db.engine)  # the new tables get the roles' privileges


def upgrade(engine: Engine, target: str = "head") -> None:
    """Run Alembic's migrations up to `target` (imported here only: start-up does not pay for it)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def backup_before_migration(db_file: Path, data_dir: Path, revision: str, passphrase: str | None = None) -> Path:
    folder = paths.ensure_private_dir(data_dir / paths.BACKUP_DIR)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"avant-migration-{revision}-{stamp}.db"
    sqlite_copy(db_file, target, passphrase)
    return target
