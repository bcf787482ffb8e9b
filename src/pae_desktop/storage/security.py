"""What the storage knows of the database's protection, as a plain record for the DPO's documents."""

from __future__ import annotations

from pae_desktop.core.records import StorageFacts
from pae_desktop.storage import backup


def storage_facts(db) -> StorageFacts:
    """Encryption, shared server and automatic backups of an open `Database`, as they are now."""
    rotation = backup.Rotation()
    on_file = db.file is not None
    return StorageFacts(
        encrypted=db.passphrase is not None,
        shared_server=not db.is_sqlite,
        automatic_backups=on_file,
        backup_days=rotation.daily,
        backup_weeks=rotation.weekly,
        backup_months=rotation.monthly,
        backups_found=len(backup.automatic_backups(db.data_dir)) if on_file else 0,
    )
