"""The import dialog's parts: the preview table's model and the column mapping of a spreadsheet."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.services.census import OUTCOME_ORDER, ImportPreview, Outcome, PreviewRow, SourceFile
from pae_desktop.core.text import fold
from pae_desktop.io.spreadsheet import FIELD_BY_KEY, FIELDS

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
PREVIEW_COLUMNS = ("Résultat", "Nom", "Né(e) le", "INE", "Classe", "Diplôme", "Détail")
OUTCOME_COLORS = {
    Outcome.ADDED: "#1b5e20",
    Outcome.UPDATED: "#0d47a1",
    Outcome.UNCHANGED: "#555555",
    Outcome.REJECTED: "#b00020",
    Outcome.LEFT: "#8a5a00",
    Outcome.NOT_CONCERNED: "#777777",
    Outcome.PAE: "#6a1b9a",
}
COUNT_WORDS = {  # (one, several); the students already in the scheme are named after it (`count_words`)
    Outcome.ADDED: ("nouveau", "nouveaux"),
    Outcome.UPDATED: ("mis à jour", "mis à jour"),
    Outcome.UNCHANGED: ("inchangé", "inchangés"),
    Outcome.REJECTED: ("rejeté", "rejetés"),
    Outcome.LEFT: ("a quitté l'établissement", "ont quitté l'établissement"),
    Outcome.NOT_CONCERNED: ("non concerné", "non concernés"),
}
OUTCOME_TITLES = {
    Outcome.ADDED: "Nouveaux",
    Outcome.UPDATED: "Mis à jour",
    Outcome.UNCHANGED: "Inchangés",
    Outcome.REJECTED: "Rejetés",
    Outcome.LEFT: "Ont quitté l'établissement",
    Outcome.NOT_CONCERNED: "Non concernés",
}


def count_words(preview: ImportPreview, outcome: Outcome, count: int) -> str:
    """«2 nouveaux», «1 inscrit en AvenirPro+»: the words after a count in the preview's summary."""
    if outcome in COUNT_WORDS:
        return COUNT_WORDS[outcome][count > 1]
    label = preview.outcome_label(outcome, plural=count > 1)
    return label[0].lower() + label[1:]


KEEP_TIP = (
    "Coché : l'élève sera marqué comme ayant quitté l'établissement et sortira des listes de travail. "
    "Décochez-le s'il est toujours dans l'établissement."
)


class PreviewModel(QAbstractTableModel):
    """The preview rows (immutable), filtered in Python by outcome; sorting on raw values. A row «A quitté
    l'établissement» of a youth of the database has a tick: unticked, the youth is kept (`keep`)."""

    keep_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.all_rows: list[PreviewRow] = []
        self.rows: list[PreviewRow] = []
        self.outcome: Outcome | None = None
        self.labels: dict[Outcome, str] = {}
        self.keep: set[int] = set()  # youths NOT to mark as having left (`ImportOptions.keep_ids`)

    def set_rows(self, rows: list[PreviewRow], labels: dict[Outcome, str] | None = None) -> None:
        """The rows, and the heading of each outcome when it is not its value (the campaign's scheme)."""
        self.all_rows = rows
        self.labels = labels or {}
        self.keep = {row.youth_id for row in rows if row.kept and row.youth_id is not None}
        self._apply()

    @staticmethod
    def tickable(row: PreviewRow) -> bool:
        return row.outcome is Outcome.LEFT and row.youth_id is not None

    def flags(self, index):
        flags = super().flags(index)
        if index.isValid() and index.column() == 0 and self.tickable(self.rows[index.row()]):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 0:
            return False
        row = self.rows[index.row()]
        if not self.tickable(row):
            return False
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.keep.discard(row.youth_id)
        else:
            self.keep.add(row.youth_id)
        self.dataChanged.emit(index, index.siblingAtColumn(len(PREVIEW_COLUMNS) - 1))
        self.keep_changed.emit()
        return True

    def set_outcome(self, outcome: Outcome | str | None) -> None:
        self.outcome = Outcome(outcome) if outcome else None  # a combo box gives back the plain string
        self._apply()

    def _apply(self) -> None:
        self.beginResetModel()
        self.rows = [r for r in self.all_rows if self.outcome is None or r.outcome is self.outcome]
        self.endResetModel()

    def rowCount(self, parent=None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent=None) -> int:  # noqa: N802
        return len(PREVIEW_COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == 0 and self.tickable(row):
            return Qt.CheckState.Unchecked if row.youth_id in self.keep else Qt.CheckState.Checked
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and self.tickable(row):
            return KEEP_TIP
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            detail = " ; ".join(filter(None, (row.detail, *row.warnings)))
            values = (
                self.labels.get(row.outcome, row.outcome.value),
                row.name,
                f"{row.birth_date:%d/%m/%Y}" if row.birth_date else "",
                row.ine,
                row.division,
                row.diploma,
                detail,
            )
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{row.ref} — {detail}" if column == 6 and detail else row.ref
            return values[column]
        if role == SORT_ROLE:
            return (
                OUTCOME_ORDER[row.outcome],
                fold(row.name),
                row.birth_date.isoformat() if row.birth_date else "",
                row.ine,
                fold(row.division),
                row.diploma,
                row.detail,
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QColor(OUTCOME_COLORS[row.outcome])
        if role == Qt.ItemDataRole.ForegroundRole and column == 6 and row.warnings:
            return QColor("#8a5a00")
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return PREVIEW_COLUMNS[section]
        return None


class MappingEditor(QWidget):
    """Which column holds which field, for one spreadsheet; the usual headers come preselected."""

    def __init__(self, source: SourceFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        table = source.table
        guessed = source.guessed_mapping
        self.hidden = {key: index for key, index in guessed.items() if not FIELD_BY_KEY[key].main}
        self.boxes: dict[str, QComboBox] = {}
        form = QFormLayout()
        for column_field in FIELDS:
            if not column_field.main:
                continue
            box = QComboBox()
            box.addItem("(aucune colonne)", -1)
            for index, header in enumerate(table.headers):
                box.addItem(header or f"Colonne {index + 1}", index)
            box.setCurrentIndex(box.findData(guessed.get(column_field.key, -1)))
            box.setAccessibleName(column_field.label)
            label = column_field.label + (" *" if column_field.required else "")
            form.addRow(QLabel(label + " :"), box)
            self.boxes[column_field.key] = box
        sample = QTableWidget(min(5, len(table.rows)), len(table.headers))
        sample.setHorizontalHeaderLabels(table.headers)
        sample.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(table.rows[:5]):
            for c, value in enumerate(row[: len(table.headers)]):
                sample.setItem(
                    r, c, QTableWidgetItem(value if isinstance(value, str) else f"{value:%d/%m/%Y}")
                )
        sample.setMaximumHeight(170)
        sample.setAccessibleName("Premières lignes du fichier")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"<b>{source.name}</b> : {len(table.rows)} lignes. Indiquez la colonne de chaque information "
            "(* obligatoire). Les intitulés habituels sont déjà reconnus."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel("Premières lignes :"))
        layout.addWidget(sample)

    def mapping(self) -> dict[str, int]:
        chosen = {key: box.currentData() for key, box in self.boxes.items() if box.currentData() >= 0}
        return {**self.hidden, **chosen}

    def set_column(self, key: str, header_index: int) -> None:
        box = self.boxes[key]
        box.setCurrentIndex(box.findData(header_index))
