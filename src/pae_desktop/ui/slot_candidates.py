"""The «Entretien à proposer» panel of the «Entretiens» tab: the home screen's list, searchable, to book from."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from pae_desktop.core.text import fold

ROW_ROLE = Qt.ItemDataRole.UserRole


class CandidatesPanel(QWidget):
    """The youths to book (`core.services.interviews.youths_to_book`, the home screen's «Entretien à proposer»);
    «Inclure les jeunes pas encore joints» adds the home screen's lists of youths not reached yet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list = []
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher un jeune…")
        self.search.setAccessibleName("Rechercher un jeune à convoquer")
        self.everyone = QCheckBox("Inclure les jeunes pas encore joints")
        self.list = QListWidget()
        self.list.setAccessibleName("Entretien à proposer")
        self.title = QLabel("<b>Entretien à proposer</b>")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.search)
        layout.addWidget(self.everyone)
        layout.addWidget(self.list, 1)
        self.search.textChanged.connect(self._filter)

    def load(self, db, campaign_id: int | None) -> None:
        from pae_desktop.core.services.interviews import youths_to_book

        self._rows = []
        if campaign_id is not None:
            with db.read() as session:
                self._rows = youths_to_book(session, campaign_id, everyone_open=self.everyone.isChecked())
        self._filter()

    def _filter(self) -> None:
        selected = self.selected_youth()
        words = fold(self.search.text()).split()
        self.list.clear()
        for row in self._rows:
            if all(w in row.search_key or w in fold(row.division) for w in words):
                label = f"{row.name} — {row.division}" if row.division else row.name
                if row.proposed:
                    label += " (entretien proposé)"
                item = QListWidgetItem(label)
                item.setData(ROW_ROLE, row.id)
                item.setToolTip(row.stage.label)
                self.list.addItem(item)
                if row.id == selected:
                    self.list.setCurrentItem(item)
        self.title.setText(f"<b>Entretien à proposer</b> ({self.list.count()})")

    def youth_ids(self) -> list[int]:
        """Every youth the panel lists (search included), in its order."""
        return [self.list.item(i).data(ROW_ROLE) for i in range(self.list.count())]

    def selected_youth(self) -> int | None:
        item = self.list.currentItem()
        return item.data(ROW_ROLE) if item else None

    def select_youth(self, youth_id: int) -> bool:
        for index in range(self.list.count()):
            if self.list.item(index).data(ROW_ROLE) == youth_id:
                self.list.setCurrentRow(index)
                return True
        return False
