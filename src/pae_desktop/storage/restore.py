"""Restoring a backup over the open database, the database file of a data folder opened without reading it, and
the audit trail of a database file (what a restore carries over)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pae_desktop.core.errors import UserError
from pae_desktop.storage import diagnosis, encryption, paths
from pae_desktop.storage.backup import (
    INFO_TABLE,
    STAMP,
    BackupPreview,
    _live_file,
    backup_dir,
    inspect_backup,
    sqlite_copy,
)

# --- the audit trail of a database file ---------------------------------------------------------------------------

AUDIT_COLUMNS = (
    "at",
    "os_user",
    "staff_id",
    "action",
    "entity",
    "entity_id",
    "field",
    "old_value",
    "new_value",
    "nominative",
    "detail",
)


@dataclass(frozen=True)
class AuditTrail:
    """A database file's school (its UAI) and its audit events, oldest first, as plain tuples of AUDIT_COLUMNS."""

    uai: str
    events: list[tuple]


def read_audit_trail(path: str | os.PathLike, passphrase: str | None = None) -> AuditTrail | None:
    """The school and the audit log of a database file, read without changing it; None when it cannot be read
    (a damaged file, another kind of file)."""
    try:
        connection = encryption.connect(Path(path), passphrase)
    except Exception:  # noqa: BLE001 - unreadable: the caller says so
        return None
    try:
        school = connection.execute("SELECT uai FROM school LIMIT 1").fetchone()
        events = connection.execute(
            f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_event ORDER BY at, id"
        ).fetchall()
    except Exception:  # noqa: BLE001 - SQLite's and SQLCipher's DatabaseError alike
        return None
    finally:
        connection.close()
    return AuditTrail((school[0] or "") if school else "", [tuple(row) for row in events])


# --- restore -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    preview: BackupPreview
    safety_copy: Path | None


def restore_backup(
    db, source: str | os.PathLike, *, backup_passphrase: str | None = None, now: dt.datetime | None = None
) -> RestoreResult:
    """Replace the open database `db` (its lock held) by a backup, after backing the current one up.

    Refused, the database unchanged, when the backup is unreadable, damaged or of a newer schema. The new file
    is prepared beside the live one and swapped in atomically; an older schema is then upgraded (with its own
    copy first, by `storage.database.migrate`). The restored database keeps the current encryption.
    """
    from pae_desktop.storage.database import migrate

    live = _live_file(db)
    if db.lock is None or not db.lock.held:
        raise UserError("La base doit être ouverte en écriture pour restaurer une sauvegarde.")
    source = Path(source).expanduser()
    if source.exists() and live.exists() and source.resolve() == live.resolve():
        raise UserError("Ce fichier est la base de données elle-même : choisissez une sauvegarde.")
    key = backup_passphrase if backup_passphrase is not None else db.passphrase
    preview = inspect_backup(source, key if encryption.is_encrypted(source) else None)
    if preview.compatibility() == "newer":
        raise UserError(
            f"Cette sauvegarde vient d'une version plus récente de PAE Desktop (schéma {preview.revision}) : "
            "installez la dernière version de l'application pour la restaurer. Rien n'a été modifié."
        )
    if not preview.sound:
        raise UserError(
            "Cette sauvegarde est endommagée ("
            + "; ".join(preview.problems[:3])
            + ") : choisissez-en une autre."
            " Rien n'a été modifié."
        )
    now = (now or dt.datetime.now()).replace(microsecond=0)
    db.engine.dispose()
    damage = diagnosis.diagnose(live, db.passphrase)
    # a damaged file is set aside under its own name, never deleted; a sound one is backed up first
    safety = diagnosis.set_aside(live, now) if damage is not None else _safety_copy(db, live, now)
    if damage is not None and db.passphrase is None and preview.encrypted:
        _rekey(db, key)  # the damaged file gave no key: the restored one stays encrypted under its backup's
    staged = live.with_name(live.name + ".restauration")
    staged.unlink(missing_ok=True)
    source_key = key if preview.encrypted else None
    try:
        if source_key == db.passphrase:
            sqlite_copy(source, staged, source_key)
        else:
            encryption.export_database(source, source_key, staged, db.passphrase)
        connection = encryption.connect(staged, db.passphrase)
        try:
            connection.execute(f"DROP TABLE IF EXISTS {INFO_TABLE}")
            connection.commit()
        finally:
            connection.close()
        db.engine.dispose()
        encryption.replace_database_file(live, staged)
    finally:
        staged.unlink(missing_ok=True)
    db.engine.dispose()
    migrate(db)
    return RestoreResult(preview, safety)


def _rekey(db, passphrase: str | None) -> None:
    from pae_desktop.storage.database import make_engine

    db.engine.dispose()
    db.passphrase = passphrase
    db.engine = make_engine(db.url, passphrase)
    db.sessions.configure(bind=db.engine)


def _safety_copy(db, live: Path, now: dt.datetime) -> Path | None:
    """The current database backed up before a restore; a damaged one is copied byte for byte."""
    if not live.exists():
        return None
    target = backup_dir(db.data_dir) / f"avant-restauration-{now:{STAMP}}.db"
    try:
        return sqlite_copy(live, target, db.passphrase, kind="avant-restauration", taken_at=now)
    except Exception:  # a damaged database: keep its bytes, write-ahead log included
        db.engine.dispose()
        shutil.copy2(live, target)
        wal = Path(f"{live}-wal")
        if wal.exists():
            shutil.copy2(wal, Path(f"{target}-wal"))
        paths.make_private(target)
        return target


def open_file_database(
    data_dir: str | os.PathLike | None = None,
    url: str | None = None,
    *,
    lock: bool = True,
    must_exist: bool | None = None,
    check: bool = True,
):
    """The SQLite file of a data folder as a `Database`, without reading its schema or migrating it: a damaged
    or older file can still be backed up or replaced. `lock` takes the writer lock (a restore does; a backup,
    which only reads, does not). `must_exist` (by default: without the lock) refuses a folder without a
    database; the preview of a restore accepts one. `check` refuses a file that fails the start-up check
    (`storage.diagnosis`): a damaged database is never backed up; a restore (check=False) replaces it."""
    from pae_desktop.storage.database import Database, database_url, make_engine
    from pae_desktop.storage.lock import WriterLock

    folder = paths.ensure_private_dir(paths.resolve_data_dir(data_dir))
    resolved = database_url(folder, url)
    if not resolved.startswith("sqlite") or "///" not in resolved:
        raise UserError(
            "Les sauvegardes de l'application ne concernent qu'une base SQLite sur fichier : "
            "une base sur serveur se sauvegarde et se restaure avec les outils du serveur."
        )
    writer = WriterLock(folder / paths.LOCK_FILE) if lock else None
    if writer is not None:
        writer.acquire()
    try:
        file = Path(resolved.split("///", 1)[1])
        if (not lock if must_exist is None else must_exist) and not file.is_file():
            raise UserError(f"Aucune base de données dans {folder}.")
        if check:
            diagnosis.require_sound(file, folder, allow_newer=True)
        passphrase = encryption.passphrase_for(file)
        if passphrase is not None:
            encryption.connect(file, passphrase).close()  # a wrong passphrase stops here
            if check:
                diagnosis.require_sound(file, folder, passphrase, allow_newer=True)
        return Database(folder, resolved, make_engine(resolved, passphrase), writer, passphrase=passphrase)
    except BaseException:
        if writer is not None:
            writer.release()
        raise


def open_for_restore(data_dir: str | os.PathLike | None = None, url: str | None = None):
    """The database of a data folder, lock taken, without reading it: a damaged file can still be replaced."""
    return open_file_database(data_dir, url, lock=True, check=False)
