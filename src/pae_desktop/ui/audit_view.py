"""The audit log viewer: who did what and when, with filters (dates, action, youth, nominative only, text)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QDate, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.services.audit_log import (
    ACTION_LABELS,
    AuditFilter,
    AuditRow,
    actions_in_use,
    audit_rows,
)
from pae_desktop.ui.context import AppContext

HEADERS = (
    "Date",
    "Qui",
    "Action",
    "Objet",
    "Champ",
    "Ancienne valeur",
    "Nouvelle valeur",
    "Nominatif",
    "Détail",
)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class AuditModel(QAbstractTableModel):
    """A thin model over immutable `AuditRow`s; the sort role holds raw values (dates, ids)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[AuditRow] = []

    def set_rows(self, rows: list[AuditRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent=None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == SORT_ROLE:
            return (
                row.at.isoformat(),
                row.who,
                row.action,
                row.entity_id or 0,
                row.field,
                row.old_value,
                row.new_value,
                int(row.nominative),
                row.detail,
            )[column]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (
                f"{row.at:%d/%m/%Y %H:%M:%S}",
                row.who,
                row.action_label,
                row.entity_label,
                row.field,
                row.old_value,
                row.new_value,
                "Oui" if row.nominative else "",
                row.detail,
            )
            return values[column]
        return None


class AuditView(QWidget):
    """Built as `AuditView(context)`; reloads on `context.data_changed`."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        today = QDate.currentDate()
        self.since = QDateEdit(today.addMonths(-1))
        self.until = QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.action = QComboBox()
        self.youth_id = QLineEdit()
        self.youth_id.setPlaceholderText("n° interne")
        self.youth_id.setMaximumWidth(110)
        self.nominative = QCheckBox("Nominatifs seulement")
        self.text = QLineEdit()
        self.text.setPlaceholderText("Utilisateur, champ, détail…")
        self.text.setAccessibleName("Rechercher dans le journal")
        self.count = QLabel()

        filters = QHBoxLayout()
        for label, widget in (
            ("Du", self.since),
            ("au", self.until),
            ("Action", self.action),
            ("Jeune", self.youth_id),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        filters.addWidget(self.nominative)
        filters.addWidget(self.text, 1)

        self.model = AuditModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setAccessibleName("Événements du journal")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

        self._fill_actions()
        for signal in (self.since.dateChanged, self.until.dateChanged):
            signal.connect(self.reload)
        self.action.currentIndexChanged.connect(self.reload)
        self.nominative.toggled.connect(self.reload)
        self.youth_id.textChanged.connect(self.reload)
        self.text.textChanged.connect(self.reload)
        context.data_changed.connect(lambda _topics: self.reload())
        self.reload()

    def _fill_actions(self) -> None:
        with self.context.db.read() as session:
            used = actions_in_use(session)
        self.action.blockSignals(True)
        self.action.clear()
        self.action.addItem("Toutes", "")
        for code in sorted(set(used) | set(ACTION_LABELS), key=lambda c: ACTION_LABELS.get(c, c)):
            self.action.addItem(ACTION_LABELS.get(code, code), code)
        self.action.blockSignals(False)

    def current_filter(self) -> AuditFilter:
        def day(edit: QDateEdit) -> dt.date:
            value = edit.date()
            return dt.date(value.year(), value.month(), value.day())

        raw_id = self.youth_id.text().strip()
        return AuditFilter(
            since=day(self.since),
            until=day(self.until),
            action=self.action.currentData() or "",
            entity="youth" if raw_id else "",
            entity_id=int(raw_id) if raw_id.isdigit() else (-1 if raw_id else None),
            nominative_only=self.nominative.isChecked(),
            text=self.text.text(),
        )

    def reload(self, *_args) -> None:
        with self.context.db.read() as session:
            rows = audit_rows(session, self.current_filter())
        self.model.set_rows(rows)
        self.count.setText(f"{len(rows)} entrée{'s' if len(rows) > 1 else ''}")


class AuditDialog(QDialog):
    """The viewer in its own window (menu «Fichier › Journal des accès et modifications…»)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Journal des accès et des modifications")
        self.resize(1100, 600)
        self.view = AuditView(context, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
