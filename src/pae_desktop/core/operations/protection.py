"""The data-protection operations (domain.md §9): backup, restore, retention purge and erasure on request, each
audited in one place and called alike by the window and the command line.

A declared seam of the layers: backups and restores are file operations of `storage.backup` and
`storage.restore`, which this module (and no other module of `core`) calls.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from pae_desktop.core import audit, settings
from pae_desktop.core.dates import short_datetime
from pae_desktop.core.errors import UserError
from pae_desktop.core.operations import ALL_TOPICS, AUDIT, Changes, changes, load_for_update

log = logging.getLogger(__name__)

YOUTH_GONE = "Ce jeune n'existe plus dans la base (supprimé ou anonymisé entre-temps)."


def _staff(session) -> int | None:
    """The staff member the workstation is set to; None when the settings cannot be read (an older schema)."""
    try:
        return settings.get(session, settings.CURRENT_STAFF_ID)
    except Exception:  # noqa: BLE001 - a backup of a damaged or older database is still made
        return None


# --- backup ------------------------------------------------------------------------------------------------------


def backup(db, destination: str | os.PathLike | None = None, *, now: dt.datetime | None = None) -> Changes:
    """A copy of the database to a chosen file or folder (by default `sauvegardes/`): an export of every file,
    recorded in the audit log when `db` holds the writer lock (a command run while the window holds it copies
    without recording: the window is the one writer)."""
    from pae_desktop.storage.backup import manual_backup

    target = manual_backup(db, destination, now=now)
    if db.lock is None or not db.lock.held:
        return changes(file=target)
    try:
        with db.transaction() as session:
            audit.record(
                session,
                "export",
                "database",
                nominative=True,
                detail=f"sauvegarde : {target}",
                staff_id=_staff(session),
            )
    except Exception:  # a damaged database is still copied; the copy matters more than its record
        log.exception("Sauvegarde non inscrite au journal")
        return changes(
            file=target, warnings=["La sauvegarde est faite, mais n'a pas pu être inscrite au journal."]
        )
    return changes(AUDIT, file=target)


# --- restore -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Replay:
    """An erasure or anonymisation recorded since the backup, to apply again to the restored database."""

    youth_id: int
    delete: bool  # the whole file deleted; else anonymised


@dataclass
class RestorePlan:
    """What a restore would do: the backup's content, the audit events recorded since it (carried into the
    restored database) and the erasures among them (applied again); `refusal` when it cannot be restored."""

    preview: object  # storage.backup.BackupPreview
    carried: list[tuple] = field(default_factory=list)  # storage.restore.AUDIT_COLUMNS values
    replays: list[Replay] = field(default_factory=list)
    live_readable: bool = True
    other_school: str = ""  # the refusal of another school's backup, whose audit trail cannot be merged
    refusal: str = ""  # any refusal: another school, a newer schema, a damaged file

    def lines(self) -> list[str]:
        """The backup's preview, then what happens to the audit trail, in French."""
        out = list(self.preview.lines())
        if not self.live_readable:
            out.append("Journal de la base actuelle illisible : il ne pourra pas être reporté.")
        else:
            out.append(
                f"Journal : {len(self.carried)} événement(s) enregistré(s) depuis cette sauvegarde "
                "seront conservés dans la base restaurée."
            )
            out.append(
                f"Effacements et anonymisations faits depuis cette sauvegarde : {len(self.replays)}, "
                "appliqués à nouveau après la restauration."
            )
        if self.refusal:
            out.append(self.refusal)
        return out


def events_since(live: list[tuple], saved: list[tuple]) -> list[tuple]:
    """The events of the live log that the backup's log does not hold and that are not older than its newest
    one: what was recorded since the backup (the order of `live` kept)."""
    known = set(saved)
    newest = max((event[0] for event in saved), default=None)
    return [event for event in live if event not in known and (newest is None or event[0] >= newest)]


def _replays(events: list[tuple]) -> list[Replay]:
    from pae_desktop.core.services.retention import ERASE_DELETED
    from pae_desktop.storage.restore import AUDIT_COLUMNS

    action, entity, entity_id, detail = (
        AUDIT_COLUMNS.index(c) for c in ("action", "entity", "entity_id", "detail")
    )
    out = []
    for event in events:
        if (
            event[entity] == "youth"
            and event[entity_id] is not None
            and event[action] in ("erase", "anonymise")
        ):
            delete = event[action] == "erase" and (event[detail] or "").endswith(ERASE_DELETED)
            out.append(Replay(int(event[entity_id]), delete))
    return out


def _backup_key(db, source: Path, backup_passphrase: str | None) -> str | None:
    from pae_desktop.storage import encryption

    if not encryption.is_encrypted(source):
        return None
    return backup_passphrase if backup_passphrase is not None else db.passphrase


def plan_restore(db, source: str | os.PathLike, backup_passphrase: str | None = None) -> RestorePlan:
    """What restoring `source` over `db` would do, read without changing anything (the preview)."""
    from pae_desktop.storage.backup import inspect_backup
    from pae_desktop.storage.restore import read_audit_trail

    source = Path(source).expanduser()
    key = _backup_key(db, source, backup_passphrase)
    plan = RestorePlan(inspect_backup(source, key))
    saved = read_audit_trail(source, key)
    live = (
        read_audit_trail(db.file, db.passphrase) if db.file is not None and Path(db.file).exists() else None
    )
    plan.live_readable = live is not None
    if live is not None and saved is not None:
        if live.uai and saved.uai and live.uai != saved.uai:
            plan.refusal = plan.other_school = (
                f"Cette sauvegarde est celle d'un autre établissement (UAI {saved.uai}, la base actuelle est celle "
                f"de {live.uai}) : elle ne peut pas être restaurée ici."
            )
        plan.carried = events_since(live.events, saved.events)
        plan.replays = _replays(plan.carried)
    if not plan.refusal and plan.preview.compatibility() == "newer":
        plan.refusal = "Cette sauvegarde vient d'une version plus récente de PAE Desktop : elle ne peut pas être restaurée."
    elif not plan.refusal and not plan.preview.sound:
        plan.refusal = "Cette sauvegarde est endommagée : elle ne peut pas être restaurée."
    return plan


def restore(
    db, source: str | os.PathLike, *, backup_passphrase: str | None = None, now: dt.datetime | None = None
) -> Changes:
    """Replace the database by a backup (the current one backed up first) and keep the audit trail: the events
    recorded since the backup are carried over with a «restauration» event, and the erasures and anonymisations
    among them applied again. A backup of another school is refused, nothing changed. `file` is the safety copy.
    """
    from pae_desktop.storage.restore import restore_backup

    plan = plan_restore(db, source, backup_passphrase)
    if plan.other_school:  # the other refusals are restore_backup's own (newer schema, damaged file)
        raise UserError(plan.other_school + " Rien n'a été modifié.")
    result = restore_backup(db, source, backup_passphrase=backup_passphrase, now=now)
    with db.transaction() as session:
        carried_ids = _carry(session, plan.carried)
        replayed = _replay(session, plan.replays)
        taken = plan.preview.taken_at
        audit.record(
            session,
            "restore",
            "database",
            detail=(
                f"sauvegarde du {short_datetime(taken, joiner=' à ')} ({Path(source).name}) : "
                if taken
                else f"{Path(source).name} : "
            )
            + f"{len(plan.carried)} événement(s) du journal reporté(s), {len(replayed)} effacement(s) ou "
            "anonymisation(s) appliqué(s) à nouveau",
            staff_id=_staff(session),
        )
    warnings = (
        []
        if plan.live_readable
        else ["Le journal de la base remplacée était illisible : il n'a pas été reporté."]
    )
    return changes(
        *ALL_TOPICS,
        ids={"audit_event": carried_ids, "youth": replayed},
        file=result.safety_copy,
        count=len(plan.carried),
        warnings=warnings,
    )


def _carry(session, events: list[tuple]) -> list[int]:
    """The live log's events written into the restored database, as they were (date, user, detail)."""
    from pae_desktop.core.models import AuditEvent
    from pae_desktop.storage.restore import AUDIT_COLUMNS

    rows = []
    for event in events:
        values = dict(zip(AUDIT_COLUMNS, event, strict=True))
        at = values["at"]
        values["at"] = dt.datetime.fromisoformat(at) if isinstance(at, str) else at
        values["nominative"] = bool(values["nominative"])
        for text in ("os_user", "action", "entity", "field", "old_value", "new_value", "detail"):
            values[text] = values[text] or ""
        rows.append(AuditEvent(**values))
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def _replay(session, replays: list[Replay]) -> list[int]:
    """Apply the erasures again to the youths the backup still holds; the ids of the youths concerned."""
    from pae_desktop.core.models import Youth
    from pae_desktop.core.services.retention import anonymise_youths

    done = []
    for replay in replays:
        youth = session.get(Youth, replay.youth_id)
        if youth is None:  # created after the backup, or already deleted in it
            continue
        if replay.delete:
            session.delete(youth)
        elif youth.anonymised_at is None:
            anonymise_youths(session, [youth.id])
        else:
            continue
        session.flush()
        done.append(replay.youth_id)
    return done


# --- retention ------------------------------------------------------------------------------------------------------


def purge(db, today: dt.date | None = None) -> Changes:
    """Apply the retention rules due on `today` (domain.md §9): anonymise, purge the old log, record both.
    `ids` holds the youths anonymised and the log entries deleted."""
    from pae_desktop.core.models import AuditEvent
    from pae_desktop.core.services.retention import apply_retention, plan_retention

    with db.transaction() as session:
        plan = plan_retention(session, today)
        purged = []
        if plan.audit_entries and plan.audit_before is not None and not plan.demo:
            purged = list(session.scalars(select(AuditEvent.id).where(AuditEvent.at < plan.audit_before)))
        result = apply_retention(session, plan, staff_id=_staff(session))
    if plan.demo or plan.empty:
        return changes()
    warnings = _purge_backups(db)
    return changes(
        *ALL_TOPICS,
        ids={"youth": plan.youth_ids, "audit_event": purged},
        count=result.anonymised,
        warnings=warnings,
    )


def _purge_backups(db) -> list[str]:
    """The automatic backups that still hold the purged data removed, after a fresh one (storage.backup)."""
    from pae_desktop.storage.backup import after_purge

    if db.file is None or db.lock is None or not db.lock.held:
        return []
    try:
        after_purge(db)
    except Exception:  # noqa: BLE001 - the purge is done; the backups are retried at the next purge
        log.exception("Sauvegardes non renouvelées après l'anonymisation")
        return [
            "Les sauvegardes automatiques n'ont pas pu être renouvelées : les plus anciennes contiennent encore "
            "les données anonymisées."
        ]
    return []


# --- erasure on request --------------------------------------------------------------------------------------------


def find_youth(session, id_jeune: str, year: int | None = None) -> int:
    """The internal id of the youth whose pseudonymous `id_jeune` (the FOQUALE file's) is given, in the campaign
    of rentrée `year` or in any; unknown, or found in several campaigns without `year`: the French refusal."""
    from pae_desktop.core.models import Campaign, Youth

    wanted = id_jeune.strip().lower()
    query = select(Youth.id, Campaign.year).join(Campaign, Campaign.id == Youth.campaign_id)
    query = query.where(Youth.pseudonym == wanted)
    if year is not None:
        query = query.where(Campaign.year == year)
    found = session.execute(query.order_by(Campaign.year)).all()
    if not found:
        where = f" dans la campagne {year}" if year is not None else ""
        raise UserError(f"Aucun jeune d'identifiant {id_jeune.strip()}{where}.")
    if len(found) > 1:
        years = ", ".join(str(y) for _id, y in found)
        raise UserError(
            f"Plusieurs dossiers portent l'identifiant {id_jeune.strip()} (campagnes {years}) : précisez --campaign N."
        )
    return found[0][0]


def erasure_lines(session, youth_id: int, *, anonymise: bool) -> list[str]:
    """What an erasure of the youth would do, in French (its preview); refused as the erasure itself would be."""
    from pae_desktop.core.models import ContactAttempt, GeneratedDocument, Interview, Pathway, Youth

    youth = session.get(Youth, youth_id)
    if youth is None:
        raise UserError(YOUTH_GONE)
    if anonymise and youth.anonymised_at is not None:
        raise UserError("Ce dossier est déjà anonymisé.")
    division = youth.schooling.division if youth.schooling is not None else ""
    name = " ".join(filter(None, (youth.last_name.upper(), youth.first_names)))
    out = [
        f"Jeune n° {youth.id} : {name}{f' ({division})' if division else ''}, campagne {youth.campaign.year}, "
        f"identifiant {youth.pseudonym}."
    ]
    if anonymise:
        out.append(
            "Anonymisation : nom, prénoms, INE, coordonnées, représentants légaux, jour et mois de naissance et "
            "textes libres seront effacés ; les faits datés qui servent aux indicateurs de la campagne sont gardés."
        )
    else:
        counts = [
            (session.scalar(select(func.count()).where(model.youth_id == youth_id)), label)
            for model, label in (
                (ContactAttempt, "tentative(s) de contact"),
                (Interview, "entretien(s)"),
                (Pathway, "parcours"),
                (GeneratedDocument, "document(s) imprimé(s)"),
            )
        ]
        held = ", ".join(f"{count} {label}" for count, label in counts)
        out.append(f"Suppression du dossier entier, avec tout ce qui s'y rattache : {held}.")
    out.append(
        "L'opération est inscrite au journal, sous le numéro interne du jeune, et ne peut pas être annulée."
    )
    return out


def erase(db, youth_id: int, *, anonymise: bool, version: int | None = None) -> Changes:
    """The person's erasure on request: anonymised at once (statistics kept) or the whole file deleted; the
    audit log records it, naming the youth by its internal id only. `version`: the one the user loaded."""
    from pae_desktop.core.models import Youth
    from pae_desktop.core.services.retention import erase_youth

    with db.transaction() as session:
        load_for_update(session, Youth, youth_id, version, YOUTH_GONE)
        erase_youth(session, youth_id, delete_record=not anonymise, staff_id=_staff(session))
    return changes(*ALL_TOPICS, ids={"youth": [youth_id]}, count=1)
