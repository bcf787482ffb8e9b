"""The database file checked before it is opened: its header, its size, `PRAGMA quick_check`, its schema.

A damaged file is never opened as a new install, never backed up into the rotation and never deleted: the window
shows its recovery screen, the command line says the same in French (exit status 1).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pae_desktop.core.dates import short_datetime
from pae_desktop.core.errors import UserError
from pae_desktop.storage import encryption, paths

DAMAGED_SUFFIX = ".endommagee-"
# What an interrupted write leaves behind: never a backup, removed at the next start.
LEFTOVER_SUFFIXES = (".partiel", ".restauration", ".chiffrement")

EMPTY, TRUNCATED, DAMAGED, UNREADABLE, FOREIGN, NEWER = (
    "vide",
    "tronquée",
    "endommagée",
    "illisible",
    "étrangère",
    "plus récente",
)

_EXPLANATIONS = {
    EMPTY: "le fichier est vide (0 octet) : la base a été effacée ou son écriture interrompue",
    TRUNCATED: "le fichier est tronqué : il est plus court que ce que son en-tête annonce",
    DAMAGED: "le fichier est endommagé : la vérification d'intégrité de SQLite a échoué",
    UNREADABLE: "fichier illisible : ce n'est pas une base SQLite (ni une base chiffrée de PAE Desktop)",
    FOREIGN: "ce fichier est une base SQLite, mais pas une base PAE Desktop",
    NEWER: "cette base a été créée par une version plus récente de PAE Desktop",
}


@dataclass(frozen=True)
class Damage:
    """What is wrong with a database file, in French."""

    file: Path
    kind: str
    detail: str = ""

    @property
    def explanation(self) -> str:
        return _EXPLANATIONS[self.kind]

    def message(self) -> str:
        text = f"La base de données {self.file} ne peut pas être ouverte : {self.explanation}"
        if self.detail:
            text += f" ({self.detail})"
        return text + "."


class DamagedDatabase(UserError):
    """The database file fails the start-up check; `damage` says how, the message adds the way out."""

    def __init__(self, damage: Damage, message: str | None = None) -> None:
        self.damage = damage
        super().__init__(message or damage.message())


# --- is the file encrypted? -------------------------------------------------------------------------------------

_PAGE_SIZES = {512, 1024, 2048, 4096, 8192, 16384, 32768, 65536}


def encryption_recorded(data_dir: Path) -> bool | None:
    """`[database] encrypted` of `config.ini` (written when encryption is turned on or off); None if unset."""
    import configparser

    config = Path(data_dir) / paths.CONFIG_FILE
    if not config.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    parser.BOOLEAN_STATES = {**parser.BOOLEAN_STATES, "oui": True, "non": False}
    try:
        parser.read(config, encoding="utf-8")
        return parser.getboolean("database", "encrypted", fallback=None)
    except (configparser.Error, ValueError, UnicodeDecodeError):
        return None


def looks_encrypted(file: Path) -> bool:
    """A file whose header is not SQLite's that could be a SQLCipher database: what `config.ini` says, else (a
    data folder from before the setting) a whole number of pages of noise, never a text file."""
    if not encryption.is_encrypted(file):
        return False
    recorded = encryption_recorded(file.parent)
    if recorded is not None:
        return recorded
    size = file.stat().st_size
    if size < 1024 or not any(size % page == 0 for page in _PAGE_SIZES):
        return False
    with file.open("rb") as handle:
        head = handle.read(64)
    printable = sum(32 <= byte < 127 or byte in (9, 10, 13) for byte in head)
    return printable < len(head) * 0.9


# --- the check -----------------------------------------------------------------------------------------------------


def _header_damage(file: Path, size: int, header: bytes) -> Damage | None:
    if size < 100:
        return Damage(file, TRUNCATED, f"{size} octets")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size not in _PAGE_SIZES:
        return Damage(file, DAMAGED, "en-tête incohérent")
    pages = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]
    if size % page_size or (counter_valid and pages and size < pages * page_size):
        expected = pages * page_size if counter_valid and pages else None
        return Damage(file, TRUNCATED, f"{size} octets au lieu de {expected}" if expected else f"{size} octets")
    return None


def _content_damage(file: Path, passphrase: str | None) -> Damage | None:
    from pae_desktop.storage.database import known_revisions

    try:
        connection = encryption.connect(file, passphrase, readonly=True)
    except encryption.WrongPassphrase:
        raise
    except Exception as error:  # noqa: BLE001 - sqlite3's and SQLCipher's errors alike
        return Damage(file, UNREADABLE, _reason(error))
    try:
        connection.text_factory = lambda raw: raw.decode("utf-8", "replace")
        rows = [row[0] for row in connection.execute("PRAGMA quick_check").fetchall()]
        if rows != ["ok"]:
            return Damage(file, DAMAGED, f"{len(rows)} anomalie{'s' if len(rows) > 1 else ''} relevée{'s' if len(rows) > 1 else ''}")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return None  # a new database whose first migration did not run: created again at opening
        if "alembic_version" not in tables or "school" not in tables:
            return Damage(file, FOREIGN, "tables d'une autre application")
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = revision[0] if revision else None
        if revision is not None and revision not in known_revisions():
            return Damage(file, NEWER, f"schéma {revision} : installez la dernière version de l'application")
    except Exception as error:  # noqa: BLE001 - a malformed page shows up as any DatabaseError
        return Damage(file, DAMAGED, _reason(error))
    finally:
        connection.close()
    return None


def _reason(error: BaseException) -> str:
    raw = getattr(error, "object", None)  # SQLite's message about a damaged page may itself not decode
    text = (raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(error)).lower()
    if "malformed database schema" in text:
        return "schéma illisible"
    if "malformed" in text or "corrupt" in text:
        return "image disque malformée"
    if "not a database" in text:
        return "ce n'est pas une base de données"
    if "disk i/o" in text:
        return "erreur de lecture du disque"
    return "erreur SQLite"


def diagnose(file: str | os.PathLike, passphrase: str | None = None) -> Damage | None:
    """None when the database file is sound (or absent: a new install), else what is wrong with it.

    An encrypted file (see `looks_encrypted`) is only checked with its passphrase; without it, None.
    """
    file = Path(file)
    try:
        size = file.stat().st_size
    except FileNotFoundError:
        return None
    except OSError as error:
        return Damage(file, UNREADABLE, error.strerror or str(error))
    if size == 0:
        return Damage(file, EMPTY)
    try:
        with file.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        return Damage(file, UNREADABLE, error.strerror or str(error))
    if header[:16] != encryption.SQLITE_HEADER:
        if not looks_encrypted(file):
            return Damage(file, UNREADABLE)
        return None if passphrase is None else _content_damage(file, passphrase)
    return _header_damage(file, size, header) or _content_damage(file, None)


# --- what the start-up does with a damaged file -----------------------------------------------------------------


def set_aside(file: Path, now: dt.datetime | None = None) -> Path:
    """Rename a damaged database (and its journal files) `pae-desktop.db.endommagee-AAAAMMJJ-HHMMSS`: never
    deleted, out of the way of the restored one."""
    stamp = f"{(now or dt.datetime.now()):%Y%m%d-%H%M%S}"
    target = file.with_name(f"{file.name}{DAMAGED_SUFFIX}{stamp}")
    os.replace(file, target)
    paths.make_private(target)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = Path(f"{file}{suffix}")
        if companion.exists():
            os.replace(companion, Path(f"{target}{suffix}"))
            paths.make_private(Path(f"{target}{suffix}"))
    return target


def remove_leftovers(data_dir: Path) -> list[Path]:
    """The partial copies an interrupted backup, restore or encryption left in the data folder and in
    `sauvegardes/`: removed (they are never a backup). The caller holds the writer lock."""
    removed = []
    for folder in (Path(data_dir), Path(data_dir) / paths.BACKUP_DIR):
        if not folder.is_dir():
            continue
        for file in folder.iterdir():
            if file.is_file() and file.name.endswith(LEFTOVER_SUFFIXES):
                file.unlink(missing_ok=True)
                removed.append(file)
    return removed


def make_folder_private(data_dir: Path) -> None:
    """Every file the application keeps in the data folder readable by its owner only (0600), folders 0700."""
    if os.name != "posix":
        return
    for root, folders, files in os.walk(data_dir):
        for name in folders:
            path = Path(root) / name
            if not path.is_symlink():
                os.chmod(path, 0o700)
        for name in files:
            path = Path(root) / name
            if not path.is_symlink():
                try:
                    os.chmod(path, 0o600)
                except OSError:
                    continue


def backups_hint(data_dir: Path, passphrase: str | None = None) -> str:
    """The way out, in French: the newest sound backup and the command that restores it."""
    from pae_desktop.storage.backup import last_good_backup

    try:
        good = last_good_backup(Path(data_dir), passphrase)
    except (UserError, sqlite3.Error):
        good = None
    folder = Path(data_dir) / paths.BACKUP_DIR
    if good is None:
        return (
            f" Aucune sauvegarde valide dans {folder} : restaurez une sauvegarde copiée ailleurs (clé USB) avec "
            "« pae-desktop restore FICHIER --yes ». Le fichier endommagé est alors mis de côté, jamais effacé."
        )
    when = short_datetime(good.taken_at, "date inconnue", joiner=" à ")
    return (
        f" Dernière sauvegarde valide : {good.path} ({when}, {good.youths} jeunes). Ouvrez l'application pour "
        f'la restaurer, ou : pae-desktop restore "{good.path}" --yes (le fichier endommagé est mis de côté, '
        "jamais effacé)."
    )


def require_sound(
    file: Path, data_dir: Path, passphrase: str | None = None, *, allow_newer: bool = False
) -> None:
    """Raise `DamagedDatabase` (with the way out) when the file fails the check; `allow_newer` lets a sound file
    of a newer schema through (a backup copies it as it is)."""
    damage = diagnose(file, passphrase)
    if damage is not None and not (allow_newer and damage.kind == NEWER):
        raise DamagedDatabase(damage, damage.message() + backups_hint(data_dir, passphrase))


def record_encryption(data_dir: Path, encrypted: bool) -> None:
    """Write `[database] encrypted` in `config.ini`: the passphrase is asked only for a file recorded so."""
    from pae_desktop.storage.shared import write_config_option

    write_config_option(data_dir, "encrypted", "oui" if encrypted else "non")


# --- the backups the recovery screen offers ----------------------------------------------------------------------


@dataclass(frozen=True)
class BackupEntry:
    """One file of `sauvegardes/` as the recovery screen lists it (read-only, never changed)."""

    path: Path
    taken_at: dt.datetime | None
    youths: int | None  # None: unknown (encrypted without its passphrase, unreadable)
    encrypted: bool
    usable: bool
    note: str = ""

    @property
    def id(self) -> str:
        return str(self.path)


def list_backups(data_dir: Path, passphrase: str | None = None) -> list[BackupEntry]:
    """Every backup of `sauvegardes/`, newest first: date, number of youths, encrypted or not, and whether it
    can be restored. Each file is read read-only; an unreadable or foreign one is listed as such."""
    from pae_desktop.storage.backup import candidate_backups, inspect_backup

    entries = []
    for file in candidate_backups(Path(data_dir)):
        encrypted = encryption.is_encrypted(file)
        modified = dt.datetime.fromtimestamp(file.stat().st_mtime).replace(microsecond=0)
        if encrypted and passphrase is None:
            entries.append(BackupEntry(file, modified, None, True, True, "phrase de passe demandée"))
            continue
        try:
            preview = inspect_backup(file, passphrase if encrypted else None)
        except UserError:
            entries.append(BackupEntry(file, modified, None, encrypted, False, "illisible"))
            continue
        except Exception:  # noqa: BLE001 - a damaged file raises any DatabaseError: listed, not offered
            entries.append(BackupEntry(file, modified, None, encrypted, False, "endommagée"))
            continue
        note = ""
        if not preview.sound:
            note = "endommagée"
        elif preview.compatibility() == "newer":
            note = "version plus récente"
        entries.append(
            BackupEntry(file, preview.taken_at or modified, preview.youths, encrypted, not note, note)
        )
    return entries
