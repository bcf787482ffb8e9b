"""Encryption at rest with SQLCipher: keyed connections, the passphrase prompt, encrypting and rekeying."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from pae_desktop.core.errors import UserError
from pae_desktop.storage import paths

PASSPHRASE_ENV = "PAE_DESKTOP_PASSPHRASE"
SQLITE_HEADER = b"SQLite format 3\x00"
MIN_PASSPHRASE = 8

PASSPHRASE_REQUIRED = "Base chiffrée : phrase de passe requise"
WRONG_PASSPHRASE = "Phrase de passe incorrecte : la base n'a été ni ouverte ni modifiée."
NO_SQLCIPHER = (
    "Le module de chiffrement SQLCipher (sqlcipher3) n'est pas installé : "
    "cette base chiffrée ne peut pas être ouverte sur ce poste."
)


class PassphraseRequired(UserError):
    """The database is encrypted and no passphrase was given."""

    def __init__(self, message: str = PASSPHRASE_REQUIRED) -> None:
        super().__init__(message)


class WrongPassphrase(UserError):
    """The passphrase does not open the database; nothing was written."""

    def __init__(self, message: str = WRONG_PASSPHRASE) -> None:
        super().__init__(message)


def sqlcipher():
    """The SQLCipher DB-API module (imported only when an encrypted database is used)."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError as error:  # pragma: no cover - the package is a dependency
        raise UserError(NO_SQLCIPHER) from error
    return dbapi2


def is_encrypted(path: str | os.PathLike) -> bool:
    """A non-empty file that does not start with SQLite's plain header (SQLCipher files read as noise)."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return len(head) > 0 and head != SQLITE_HEADER


def _quoted(passphrase: str) -> str:
    return "'" + passphrase.replace("'", "''") + "'"


def check_passphrase(passphrase: str, confirmation: str | None = None) -> None:
    """A new passphrase: long enough, typed twice alike, no NUL."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise UserError(f"La phrase de passe doit compter au moins {MIN_PASSPHRASE} caractères.")
    if "\x00" in passphrase:
        raise UserError("La phrase de passe contient un caractère nul : retapez-la.")
    if confirmation is not None and confirmation != passphrase:
        raise UserError("Les deux saisies de la phrase de passe diffèrent.")


def connect(path: str | os.PathLike, passphrase: str | None = None, *, readonly: bool = False, **kwargs):
    """A DB-API connection to a SQLite file: plain `sqlite3` without a passphrase, SQLCipher keyed with one.

    A wrong passphrase raises `WrongPassphrase` before anything is read or written.
    """
    target = f"{Path(path).resolve().as_uri()}?mode=ro" if readonly else str(path)
    if passphrase is None:
        return sqlite3.connect(target, uri=readonly, **kwargs)
    module = sqlcipher()
    connection = module.connect(target, uri=readonly, **kwargs)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = {_quoted(passphrase)}")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except module.DatabaseError as error:
        connection.close()
        raise WrongPassphrase() from error
    return connection


# --- where the passphrase comes from ----------------------------------------------------------------------


def terminal_passphrase(path: Path) -> str:
    """The command line's way: `PAE_DESKTOP_PASSPHRASE`, else a prompt on a terminal, else a refusal."""
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        typed = getpass.getpass(f"Phrase de passe de la base {path.name} : ")
        if typed:
            return typed
    raise PassphraseRequired()


_provider: Callable[[Path], str] = terminal_passphrase


def set_passphrase_provider(provider: Callable[[Path], str] | None) -> None:
    """The window installs its dialog here; `None` restores the command line's way."""
    global _provider
    _provider = provider or terminal_passphrase


def passphrase_for(path: Path | None) -> str | None:
    """None for a plain (or missing) database file, else the passphrase from the installed provider."""
    from pae_desktop.storage.diagnosis import looks_encrypted

    if path is None or not path.is_file() or not looks_encrypted(path):
        return None  # a file that is not SQLite and not recorded as encrypted is diagnosed «illisible»
    return _provider(path)


# --- engines -------------------------------------------------------------------------------------------------


def encrypted_engine(url: str, passphrase: str, pragmas: Callable | None = None):
    """A SQLAlchemy engine whose every connection is keyed before anything else runs."""
    from sqlalchemy import create_engine, event, make_url

    file = make_url(url).database
    if not file:
        raise UserError("Le chiffrement ne s'applique qu'à une base SQLite sur fichier.")
    module = sqlcipher()

    def creator():
        return connect(file, passphrase, check_same_thread=False)

    engine = create_engine(url, module=module, creator=creator)
    if pragmas is not None:
        event.listen(engine, "connect", pragmas)
    return engine


# --- turning encryption on, off, and changing the passphrase ---------------------------------------------------


def export_database(
    source: Path, source_passphrase: str | None, target: Path, target_passphrase: str | None
) -> None:
    """Copy a database into a new file under another key (or none) with `sqlcipher_export`."""
    target.unlink(missing_ok=True)
    module = sqlcipher()
    if source_passphrase is None:
        connection = module.connect(str(source))
    else:
        connection = connect(source, source_passphrase)
    try:
        key = _quoted(target_passphrase or "")
        connection.execute(f"ATTACH DATABASE {_quoted(str(target))} AS export KEY {key}")
        connection.execute("SELECT sqlcipher_export('export')")
        # sqlcipher_export copies the schema and rows, not the header's fields: keep the ones SQLite uses.
        for pragma in ("user_version", "application_id"):
            value = int(connection.execute(f"PRAGMA main.{pragma}").fetchone()[0])
            connection.execute(f"PRAGMA export.{pragma} = {value}")
        connection.execute("DETACH DATABASE export")
    finally:
        connection.close()
    paths.make_private(target)


def replace_database_file(live: Path, new_file: Path) -> None:
    """Put `new_file` in place of the live database atomically; the caller holds the lock, no connection open.

    The live file's write-ahead log is checkpointed and dropped first: a stale `-wal` beside the new file
    would be replayed into it.
    """
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    with new_file.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(new_file, live)
    paths.make_private(live)
    if os.name == "posix":
        directory = os.open(live.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def checkpoint(live: Path, passphrase: str | None) -> None:
    """Fold the write-ahead log into the file and leave rollback-journal mode, so the file stands alone."""
    if not live.exists():
        return
    connection = connect(live, passphrase)
    try:
        connection.execute("PRAGMA busy_timeout = 10000")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        connection.close()


def change_encryption(db, new_passphrase: str | None) -> None:
    """Encrypt, re-key or decrypt the open database `db` (holding the lock); its engine follows.

    Turning encryption on or off rewrites the database into a new file swapped in atomically; a new passphrase
    is `PRAGMA rekey`, one transaction. Either way a crash leaves the old file whole.
    """
    if db.file is None:
        raise UserError("Le chiffrement ne s'applique qu'à une base SQLite sur fichier.")
    if db.lock is None or not db.lock.held:
        raise UserError("La base doit être ouverte en écriture pour changer son chiffrement.")
    if new_passphrase is not None:
        check_passphrase(new_passphrase)
    old = getattr(db, "passphrase", None)
    live = Path(db.file)
    db.engine.dispose()
    if old is not None and new_passphrase is not None:
        # a new passphrase: SQLCipher re-encrypts every page in one transaction
        connection = connect(live, old)
        try:
            connection.execute("PRAGMA busy_timeout = 10000")
            connection.execute(f"PRAGMA rekey = {_quoted(new_passphrase)}")
        finally:
            connection.close()
    else:
        checkpoint(live, old)
        fresh = live.with_name(live.name + ".chiffrement")
        try:
            export_database(live, old, fresh, new_passphrase)
            replace_database_file(live, fresh)
        except (OSError, sqlite3.Error, sqlcipher().Error) as error:
            reason = getattr(error, "strerror", None) or error
            raise UserError(f"Impossible de réécrire la base ({reason}) : elle est restée telle quelle.") from error
        finally:
            fresh.unlink(missing_ok=True)
    from pae_desktop.storage.database import make_engine
    from pae_desktop.storage.diagnosis import record_encryption

    record_encryption(db.data_dir, new_passphrase is not None)
    db.engine = make_engine(db.url, passphrase=new_passphrase)
    db.passphrase = new_passphrase
    db.sessions.configure(bind=db.engine)
