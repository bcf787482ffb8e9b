"""What every screen shares: the open database, the current campaign, and the signals that keep views fresh."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

# What a change touched: the topics are the operation contract's (core.operations), re-exported for the screens.
from pae_desktop.core.operations import (  # noqa: F401
    ALL_TOPICS,
    AUDIT,
    CAMPAIGNS,
    CONTACTS,
    DIRECTORY,
    INTERVIEWS,
    PATHWAYS,
    PHASE1,
    SCHOOL,
    SLOTS,
    YOUTHS,
    Changes,
)
from pae_desktop.storage.database import Database


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

    def apply(self, changes: Changes) -> None:
        """Refresh the screens from what an operation returned (its topics); nothing when it changed nothing."""
        if changes.topics:
            self.data_changed.emit(frozenset(changes.topics))

    def set_campaign(self, campaign_id: int) -> None:
        if campaign_id != self.campaign_id:
            self.campaign_id = campaign_id
            self.campaign_changed.emit(campaign_id)
