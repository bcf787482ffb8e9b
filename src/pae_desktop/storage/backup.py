"""Backups: consistent copies (SQLite's backup API), automatic rotation, preview, restore and integrity checks."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from pae_desktop.core.dates import short_datetime
from pae_desktop.core.errors import UserError
from pae_desktop.storage import encryption, paths

log = logging.getLogger(__name__)

INFO_TABLE = "pae_backup_info"
AUTO_PREFIX = "pae-desktop-"
MANUAL_PREFIX = "pae-desktop-sauvegarde-"
STAMP = "%Y%m%d-%H%M%S"
_AUTO_NAME = re.compile(r"^pae-desktop-(\d{8}-\d{6})\.db$")
# The copies rotated by age (BACKUP_RETENTION_MONTHS): manual ones of `sauvegardes/`, before a restore or an
# upgrade. The automatic ones follow their own rotation (Rotation: at most about 13 months).
_AGED_NAME = re.compile(
    r"^(?:pae-desktop-sauvegarde-|avant-restauration-|avant-migration-[0-9a-z]+-)(\d{8}-\d{6})\.db$"
)

KIND_LABELS = {
    "automatique": "sauvegarde automatique",
    "manuelle": "sauvegarde manuelle",
    "avant-restauration": "copie avant restauration",
    "avant-migration": "copie avant mise à jour",
}


def _when(moment: dt.datetime) -> str:
    return short_datetime(moment, joiner=" à ")


# --- copying -----------------------------------------------------------------------------------------------------


def sqlite_copy(
    source: str | os.PathLike,
    target: str | os.PathLike,
    passphrase: str | None = None,
    *,
    kind: str = "",
    taken_at: dt.datetime | None = None,
) -> Path:
    """A consistent copy of a live SQLite database through SQLite's backup API, keyed like its source.

    The copy is written beside the target under a temporary name and renamed when complete, so that a
    half-written file never passes for a backup; it is a single file (no write-ahead log). With `kind`, the
    copy records when and how it was taken (the table `pae_backup_info`, dropped again on restore).
    """
    source, target = Path(source), Path(target)
    partial = target.with_name(target.name + ".partiel")
    partial.unlink(missing_ok=True)
    src = encryption.connect(source, passphrase)
    try:
        dst = encryption.connect(partial, passphrase)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
            if kind:
                from pae_desktop import __version__

                stamp = (taken_at or dt.datetime.now()).replace(microsecond=0).isoformat(sep=" ")
                dst.execute(f"CREATE TABLE {INFO_TABLE} (taken_at TEXT, kind TEXT, app_version TEXT)")
                dst.execute(f"INSERT INTO {INFO_TABLE} VALUES (?, ?, ?)", (stamp, kind, __version__))
                dst.commit()
        finally:
            dst.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    with partial.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    paths.make_private(target)
    return target


def backup_dir(data_dir: Path) -> Path:
    return paths.ensure_private_dir(Path(data_dir) / paths.BACKUP_DIR)


def _live_file(db) -> Path:
    if db.file is None:
        raise UserError(
            "Les sauvegardes de l'application ne concernent qu'une base SQLite sur fichier : "
            "une base sur serveur se sauvegarde avec les outils du serveur."
        )
    return Path(db.file)


def manual_backup(
    db, destination: str | os.PathLike | None = None, *, now: dt.datetime | None = None
) -> Path:
    """A backup to a chosen file or folder (a USB key); by default into `sauvegardes/`. Never rotated.

    The copy only: a backup is an export of nominative data, recorded in the audit log by the operation that
    makes it (`core.operations.protection.backup`).
    """
    now = now or dt.datetime.now()
    live = _live_file(db)
    name = f"{MANUAL_PREFIX}{now:{STAMP}}.db"
    if destination is None:
        target = backup_dir(db.data_dir) / name
    else:
        target = Path(destination).expanduser()
        if target.is_dir():
            target = target / name
        elif not target.parent.is_dir():
            raise UserError(f"Le dossier {target.parent} n'existe pas.")
    if target.exists() and target.resolve() == live.resolve():
        raise UserError("Choisissez un autre fichier que la base de données elle-même.")
    try:
        sqlite_copy(live, target, db.passphrase, kind="manuelle", taken_at=now)
    except OSError as error:
        raise UserError(f"Impossible d'écrire la sauvegarde {target} : {error.strerror or error}.") from error
    return target


# --- automatic backups and their rotation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rotation:
    """How many automatic backups are kept beyond today's and yesterday's (as Anki keeps them)."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def automatic_backups(data_dir: Path) -> list[tuple[dt.datetime, Path]]:
    """The automatic backups of a data folder, newest first."""
    folder = Path(data_dir) / paths.BACKUP_DIR
    found = []
    if folder.is_dir():
        for file in folder.iterdir():
            match = _AUTO_NAME.match(file.name)
            if match:
                try:
                    found.append((dt.datetime.strptime(match.group(1), STAMP), file))
                except ValueError:
                    continue
    return sorted(found, reverse=True)


def obsolete(stamps: list[dt.datetime], today: dt.date, rotation: Rotation = Rotation()) -> set[dt.datetime]:
    """Anki's thinning: keep every backup of today and yesterday, then the latest of each of the `daily`
    previous days that have one, then of `weekly` weeks, then of `monthly` months; the rest is obsolete."""
    left = {"daily": rotation.daily, "weekly": rotation.weekly, "monthly": rotation.monthly}
    last_day = last_week = last_month = None
    yesterday = today - dt.timedelta(days=1)
    drop: set[dt.datetime] = set()

    def week(stamp: dt.datetime) -> tuple[int, int]:
        iso = stamp.date().isocalendar()
        return iso[0], iso[1]

    for stamp in sorted(stamps, reverse=True):
        day, wk, month = stamp.date(), week(stamp), (stamp.year, stamp.month)
        if day >= yesterday:
            stage, keep = None, True
        elif left["daily"]:
            stage, keep = "daily", last_day is None or day < last_day
        elif left["weekly"]:
            stage, keep = "weekly", last_week is None or wk < last_week
        elif left["monthly"]:
            stage, keep = "monthly", last_month is None or month < last_month
        else:
            stage, keep = None, False
        if keep:
            last_day, last_week, last_month = day, wk, month
            if stage:
                left[stage] -= 1
        else:
            drop.add(stamp)
    return drop


def automatic_backup(
    db,
    *,
    now: dt.datetime | None = None,
    min_interval: dt.timedelta = dt.timedelta(minutes=5),
    rotation: Rotation = Rotation(),
) -> Path | None:
    """The start-up and closing backup into `sauvegardes/`, then the rotation. None when the latest automatic
    backup is younger than `min_interval`, when the copy fails `quick_check` (the rotation is then left alone),
    or when the database is not a SQLite file. The window only calls this: commands make no automatic backup."""
    if db.file is None or not Path(db.file).exists():
        return None
    # The start-up backup runs in the background: a window closed at once must wait for it, then find it fresh,
    # instead of writing the same file beside it.
    with _automatic_backup_lock:
        return _automatic_backup(db, now, min_interval, rotation)


_automatic_backup_lock = threading.Lock()


def _automatic_backup(db, now: dt.datetime | None, min_interval: dt.timedelta, rotation: Rotation) -> Path | None:
    now = (now or dt.datetime.now()).replace(microsecond=0)
    existing = automatic_backups(db.data_dir)
    if existing and abs(now - existing[0][0]) < min_interval:
        return None
    target = backup_dir(db.data_dir) / f"{AUTO_PREFIX}{now:{STAMP}}.db"
    sqlite_copy(db.file, target, db.passphrase, kind="automatique", taken_at=now)
    problems = integrity_problems(target, db.passphrase)
    if problems:  # a damaged database: never let its copies push the good backups out of the rotation
        target.unlink(missing_ok=True)
        log.warning("Sauvegarde automatique abandonnée, base endommagée : %s", "; ".join(problems[:3]))
        return None
    stamps = [stamp for stamp, _ in existing] + [now]
    drop = obsolete(stamps, now.date(), rotation)
    for stamp, file in existing:
        if stamp in drop:
            file.unlink(missing_ok=True)
    rotate_by_age(db.data_dir, backup_retention_months(db), now)
    return target


def backup_retention_months(db) -> int:
    """The setting BACKUP_RETENTION_MONTHS of the open database (its default when it cannot be read)."""
    from pae_desktop.core import settings

    try:
        with db.read() as session:
            return int(settings.get(session, settings.BACKUP_RETENTION_MONTHS))
    except Exception:  # noqa: BLE001 - an older schema: the default
        return settings.BACKUP_RETENTION_MONTHS.default


def _months_before(moment: dt.datetime, months: int) -> dt.datetime:
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month + 1, day=day)


def rotate_by_age(data_dir: Path, months: int, now: dt.datetime | None = None) -> list[Path]:
    """Manual backups and before-restore or before-upgrade copies of `sauvegardes/` older than `months`
    (by the date in their name) removed; returns them. Copies kept elsewhere (a USB key) are the school's."""
    cutoff = _months_before(now or dt.datetime.now(), months)
    folder = Path(data_dir) / paths.BACKUP_DIR
    removed = []
    if folder.is_dir():
        for file in folder.iterdir():
            match = _AGED_NAME.match(file.name)
            if not match:
                continue
            try:
                taken = dt.datetime.strptime(match.group(1), STAMP)
            except ValueError:
                continue
            if taken < cutoff:
                file.unlink(missing_ok=True)
                removed.append(file)
    return removed


def after_purge(db, now: dt.datetime | None = None) -> list[Path]:
    """After a purge: a fresh automatic backup, then every automatic backup taken before the purge removed (they
    still hold the purged data), and the other copies rotated by age. When the fresh backup cannot be made,
    nothing is removed (never without a backup). Returns the files removed."""
    if db.file is None or not Path(db.file).exists():
        return []
    now = (now or dt.datetime.now()).replace(microsecond=0)
    with _automatic_backup_lock:
        older = [(stamp, file) for stamp, file in automatic_backups(db.data_dir) if stamp < now]
        fresh = _automatic_backup(db, now, dt.timedelta(0), Rotation())
        if fresh is None:
            return []
        removed = []
        for _stamp, file in older:
            if file.exists() and file != fresh:
                file.unlink()
                removed.append(file)
    return removed + rotate_by_age(db.data_dir, backup_retention_months(db), now)


# --- what a backup holds -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignSummary:
    year: int
    youths: int
    pathways: int
    anonymised: int


@dataclass
class BackupPreview:
    """What a backup file holds, read without changing it."""

    path: Path
    size: int
    encrypted: bool
    revision: str | None
    taken_at: dt.datetime | None = None
    kind: str = ""
    app_version: str = ""
    school_name: str = ""
    uai: str = ""
    is_demo: bool = False
    campaigns: list[CampaignSummary] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # quick_check's findings, empty when sound

    @property
    def youths(self) -> int:
        return sum(c.youths for c in self.campaigns)

    @property
    def pathways(self) -> int:
        return sum(c.pathways for c in self.campaigns)

    @property
    def sound(self) -> bool:
        return not self.problems

    def compatibility(self) -> str:
        """«ok», «older» (upgraded after restoring) or «newer» (refused)."""
        from pae_desktop.storage.database import known_revisions

        known = known_revisions()
        if self.revision == known[-1]:
            return "ok"
        if self.revision in known:
            return "older"
        return "newer"

    def lines(self) -> list[str]:
        """The preview in French, one line each."""
        taken = _when(self.taken_at) if self.taken_at else "date inconnue"
        kind = KIND_LABELS.get(self.kind, "copie de la base")
        out = [
            f"Fichier : {self.path} ({self.size / 1_048_576:.1f} Mo{', chiffré' if self.encrypted else ''})"
        ]
        out.append(f"Prise le : {taken} ({kind})")
        school = f"{self.school_name} ({self.uai})" if self.uai else "aucun établissement paramétré"
        out.append(f"Établissement : {school}{' — démonstration' if self.is_demo else ''}")
        if self.campaigns:
            for c in self.campaigns:
                anonymised = f", dont {c.anonymised} anonymisés" if c.anonymised else ""
                out.append(f"Campagne {c.year} : {c.youths} jeunes{anonymised}, {c.pathways} parcours")
        else:
            out.append("Aucune campagne.")
        status = {
            "ok": "à jour",
            "older": "plus ancien, mis à jour après restauration",
            "newer": "plus récent",
        }
        out.append(f"Schéma : {self.revision or 'aucun'} ({status[self.compatibility()]})")
        out.append(
            "Intégrité : vérifiée"
            if self.sound
            else "Intégrité : ENDOMMAGÉE — " + "; ".join(self.problems[:3])
        )
        return out


def _scalar(connection, sql: str, default=None):
    try:
        row = connection.execute(sql).fetchone()
    except sqlite3.DatabaseError:
        return default
    except Exception as error:  # SQLCipher's DB-API raises its own classes
        if type(error).__name__ in ("DatabaseError", "OperationalError"):
            return default
        raise
    return default if row is None else row[0]


def _tables(connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def inspect_backup(path: str | os.PathLike, passphrase: str | None = None) -> BackupPreview:
    """Read what a backup holds (school, campaigns, counts, date, schema, integrity) without writing to it.

    An encrypted backup needs the passphrase it was made under; a file that is no PAE Desktop database is
    refused with a French message.
    """
    file = Path(path).expanduser()
    if not file.is_file():
        raise UserError(f"Le fichier {file} n'existe pas.")
    encrypted = encryption.is_encrypted(file)
    if encrypted and passphrase is None:
        raise encryption.PassphraseRequired(
            f"Le fichier {file.name} n'est pas une sauvegarde PAE Desktop lisible : s'il s'agit d'une "
            "sauvegarde chiffrée, il faut la phrase de passe sous laquelle elle a été faite."
        )
    not_ours = f"Le fichier {file.name} n'est pas une sauvegarde PAE Desktop."
    try:
        connection = encryption.connect(file, passphrase if encrypted else None, readonly=True)
    except encryption.WrongPassphrase as error:
        raise encryption.WrongPassphrase(
            f"Le fichier {file.name} n'est pas une sauvegarde PAE Desktop lisible avec cette phrase de passe "
            "(sauvegarde chiffrée sous une autre phrase de passe, ou fichier d'un autre type)."
        ) from error
    try:
        try:
            tables = _tables(connection)
        except Exception as error:
            raise UserError(not_ours) from error
        if "alembic_version" not in tables or "school" not in tables:
            raise UserError(not_ours)
        preview = BackupPreview(
            path=file,
            size=file.stat().st_size,
            encrypted=encrypted,
            revision=_scalar(connection, "SELECT version_num FROM alembic_version"),
        )
        if INFO_TABLE in tables:
            row = connection.execute(f"SELECT taken_at, kind, app_version FROM {INFO_TABLE}").fetchone()
            if row:
                try:
                    preview.taken_at = dt.datetime.fromisoformat(row[0])
                except (TypeError, ValueError):
                    pass
                preview.kind, preview.app_version = row[1] or "", row[2] or ""
        if preview.taken_at is None:
            preview.taken_at = dt.datetime.fromtimestamp(file.stat().st_mtime).replace(microsecond=0)
        school = connection.execute("SELECT name, uai, is_demo FROM school LIMIT 1").fetchone()
        if school:
            preview.school_name, preview.uai, preview.is_demo = (
                school[0] or "",
                school[1] or "",
                bool(school[2]),
            )
        try:
            rows = connection.execute(
                "SELECT c.year, COUNT(y.id), COUNT(p.id), COUNT(y.anonymised_at) FROM campaign c "
                "LEFT JOIN youth y ON y.campaign_id = c.id LEFT JOIN pathway p ON p.youth_id = y.id "
                "GROUP BY c.year ORDER BY c.year"
            ).fetchall()
            preview.campaigns = [CampaignSummary(*map(int, row)) for row in rows]
        except Exception:  # a schema of another version: the counts stay unknown
            preview.campaigns = []
        preview.problems = _quick_check(connection)
        return preview
    finally:
        connection.close()


# --- integrity ----------------------------------------------------------------------------------------------------


def _quick_check(connection, full: bool = False) -> list[str]:
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = [row[0] for row in connection.execute(f"PRAGMA {pragma}").fetchall()]
    except Exception as error:
        return [str(error)]
    return [] if rows == ["ok"] else rows


def integrity_problems(
    path: str | os.PathLike, passphrase: str | None = None, *, full: bool = False
) -> list[str]:
    """`PRAGMA quick_check` (or `integrity_check`) of a database file: empty when sound."""
    try:
        connection = encryption.connect(path, passphrase)
    except encryption.WrongPassphrase:
        raise
    except Exception as error:
        return [str(error)]
    try:
        return _quick_check(connection, full)
    finally:
        connection.close()


def candidate_backups(data_dir: Path) -> list[Path]:
    """Every backup of `sauvegardes/`, newest first (by the time written in their name or the file's)."""
    folder = Path(data_dir) / paths.BACKUP_DIR
    if not folder.is_dir():
        return []
    files = [f for f in folder.iterdir() if f.is_file() and f.suffix == ".db"]
    return sorted(files, key=lambda f: f.stat().st_mtime, reverse=True)


def last_good_backup(data_dir: Path, passphrase: str | None = None) -> BackupPreview | None:
    """The newest backup that opens, passes `quick_check` and is not newer than this application."""
    for file in candidate_backups(data_dir):
        try:
            preview = inspect_backup(file, passphrase)
        except UserError:
            continue
        if preview.sound and preview.compatibility() != "newer":
            return preview
    return None


def startup_check(db) -> str | None:
    """`PRAGMA quick_check` of the open database; None when sound, else the French way out."""
    if db.file is None:
        return None
    problems = integrity_problems(db.file, db.passphrase)
    if not problems:
        return None
    good = last_good_backup(db.data_dir, db.passphrase)
    message = (
        "La base de données est endommagée (vérification d'intégrité : " + "; ".join(problems[:3]) + ")."
    )
    if good is None:
        return message + (
            " Aucune sauvegarde valide n'a été trouvée dans "
            f"{Path(db.data_dir) / paths.BACKUP_DIR} : restaurez une sauvegarde copiée ailleurs (clé USB)."
        )
    when = _when(good.taken_at) if good.taken_at else "date inconnue"
    return message + (
        f" Dernière sauvegarde valide : {good.path} ({when}). Restaurez-la depuis le menu Protection des "
        f'données › Sauvegardes et restauration, ou avec la commande : pae-desktop restore "{good.path}".'
    )


# Names that moved to `storage.restore` and `storage.check` stay importable from here (read when first asked,
# so that neither module imports the other at load time).
_MOVED = {
    "AUDIT_COLUMNS": "restore",
    "AuditTrail": "restore",
    "read_audit_trail": "restore",
    "RestoreResult": "restore",
    "restore_backup": "restore",
    "open_file_database": "restore",
    "open_for_restore": "restore",
    "CheckReport": "check",
    "check_database": "check",
}


def __getattr__(name: str):
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(f"pae_desktop.storage.{_MOVED[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
