"""What every screen shares: the open database, the current campaign, and the signals that keep views fresh."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from pae_desktop.storage.database import Database

# What a change touched (Anki's OpChanges): a view refreshes only when its topic is in the set.
YOUTHS = "youths"
CONTACTS = "contacts"
INTERVIEWS = "interviews"
SLOTS = "slots"
PATHWAYS = "pathways"
DIRECTORY = "directory"
SCHOOL = "school"
CAMPAIGNS = "campaigns"
PHASE1 = "phase1"  # workshops, attendance, individual interviews and events of phase 1 «AvenirPro»
ALL_TOPICS = frozenset({YOUTHS, CONTACTS, INTERVIEWS, SLOTS, PATHWAYS, DIRECTORY, SCHOOL, CAMPAIGNS, PHASE1})


class AppContext(QObject):
    """Handed to every screen. Services run in `db.transaction()`; afterwards the screen calls `changed`."""

    # topics (a frozenset of the names above) that a write touched
    data_changed = Signal(object)
    campaign_changed = Signal(int)
    # ask the main window to show a youth's file
    open_youth = Signal(int)

    def __init__(self, db: Database, campaign_id: int | None = None) -> None:
        super().__init__()
        self.db = db
        self.campaign_id = campaign_id

    def changed(self, *topics: str) -> None:
        self.data_changed.emit(frozenset(topics) or ALL_TOPICS)

    def set_campaign(self, campaign_id: int) -> None:
        if campaign_id != self.campaign_id:
            self.campaign_id = campaign_id
            self.campaign_changed.emit(campaign_id)
