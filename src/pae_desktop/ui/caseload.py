"""The «Élèves» tab: the campaign's caseload in a table with instant search and filters, and the youth's file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import (
    QItemSelectionModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.dates import short_date, short_datetime
from pae_desktop.core.phase1 import Phase1Summary
from pae_desktop.core.services.youths import CaseloadRow, caseload_rows
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import PHASE1_MIN_WORKSHOPS, Diploma, ExamResult, Stage
from pae_desktop.ui import context as topics
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.flow_layout import FlowLayout, keep_together
from pae_desktop.ui.keyboard import on_enter
from pae_desktop.ui.table_model import ID_ROLE, SORT_ROLE, WARNING, Column, TableModel  # noqa: F401
from pae_desktop.ui.tasks import BackgroundLoad
from pae_desktop.ui.widgets import labelled

WATCHED = frozenset(
    {topics.YOUTHS, topics.CONTACTS, topics.INTERVIEWS, topics.SLOTS, topics.PATHWAYS, topics.PHASE1}
)


def _date_text(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return short_datetime(value)
    return short_date(value)


def _workshops_text(phase1: Phase1Summary | None) -> str:
    return "" if phase1 is None else f"{phase1.workshops_attended} sur {phase1.workshops_held}"


def _workshops_sort(phase1: Phase1Summary | None) -> tuple[int, int]:
    return (-1, -1) if phase1 is None else (phase1.workshops_attended, phase1.workshops_held)


_MIN_DATE = dt.datetime.min


def _ine_text(row: CaseloadRow) -> str:
    return f"INE : {row.ine}" if row.ine else "INE non renseigné"


def _workshops_tooltip(row: CaseloadRow) -> str | None:
    return None if row.phase1 is None else row.phase1.text


def _workshops_colour(row: CaseloadRow):
    return WARNING if row.phase1 is not None and row.phase1.below_minimum else None


LEFT_SCHOOL = "__left_school__"  # the stage filter's «A quitté l'établissement»: the youths an import marked


def _stage_text(row: CaseloadRow) -> str:
    return row.stage.label + (" · a quitté l'établissement" if row.left_school_on else "")


def _next_action_text(row: CaseloadRow) -> str:
    if row.left_school_on:  # out of the to-do lists: nothing to do unless the mark is undone in the file
        return f"Aucune : a quitté l'établissement le {_date_text(row.left_school_on)}"
    return row.next_action + (f" ({_date_text(row.next_action_on)})" if row.next_action_on else "")


def _left_colour(row: CaseloadRow):
    return WARNING if row.left_school_on else None


COLUMNS = (
    Column("Nom", lambda r: r.name, lambda r: fold(r.name), tooltip=_ine_text),
    Column("Classe", lambda r: r.division, lambda r: r.division),
    Column("Diplôme préparé", lambda r: Diploma.label_of(r.diploma), lambda r: r.diploma),
    Column("Résultat", lambda r: ExamResult.label_of(r.exam_result), lambda r: r.exam_result),
    Column("Étape", _stage_text, lambda r: list(Stage).index(r.stage), foreground=_left_colour),
    Column("Dernier contact", lambda r: _date_text(r.last_contact), lambda r: r.last_contact or _MIN_DATE),
    # phase 1 «AvenirPro»: shown only for a campaign that has one (`CaseloadView._show_phase1`)
    Column(
        "Ateliers",
        lambda r: _workshops_text(r.phase1),
        lambda r: _workshops_sort(r.phase1),
        tooltip=_workshops_tooltip,
        foreground=_workshops_colour,
    ),
    Column(
        "Prochaine action",
        _next_action_text,
        lambda r: (r.next_action_on or dt.date.max, r.next_action),
        foreground=_left_colour,
    ),
)
WORKSHOPS_COLUMN = next(number for number, column in enumerate(COLUMNS) if column.title == "Ateliers")


def _below_minimum(row: CaseloadRow) -> bool:
    return row.phase1 is not None and row.phase1.below_minimum


@dataclass(frozen=True)
class CaseloadFilter:
    text: str = ""
    stage: str = ""
    diploma: str = ""
    division: str = ""
    below_minimum: bool = False  # «Moins de 4 ateliers» (phase 1)

    def accepts(self, row: CaseloadRow, words: list[str]) -> bool:
        if self.stage == LEFT_SCHOOL and not row.left_school_on:
            return False
        if self.stage and self.stage != LEFT_SCHOOL and row.stage.value != self.stage:
            return False
        if self.diploma and row.diploma != self.diploma:
            return False
        if self.division and row.division != self.division:
            return False
        if self.below_minimum and not _below_minimum(row):
            return False
        return all(word in row.search_key for word in words)


class CaseloadModel(TableModel):
    """The caseload's rows through `COLUMNS` (the generic `TableModel`), filtered by a `CaseloadFilter`: one
    list comprehension per criterion over the sorted rows, the words over the folded search keys."""

    def __init__(self, parent=None) -> None:
        super().__init__(COLUMNS, search=lambda row: row.search_key, parent=parent)
        self._caseload_filter = CaseloadFilter()

    def set_filter(self, caseload_filter: CaseloadFilter) -> None:  # type: ignore[override]
        if caseload_filter != self._caseload_filter:
            self._caseload_filter = caseload_filter
            self._text = caseload_filter.text
            self._refilter()

    def filtered(self, rows: list[CaseloadRow]) -> list[CaseloadRow]:
        wanted = self._caseload_filter
        if wanted.stage == LEFT_SCHOOL:
            rows = [row for row in rows if row.left_school_on]
        elif wanted.stage:
            rows = [row for row in rows if row.stage.value == wanted.stage]
        if wanted.diploma:
            rows = [row for row in rows if row.diploma == wanted.diploma]
        if wanted.division:
            rows = [row for row in rows if row.division == wanted.division]
        if wanted.below_minimum:
            rows = [row for row in rows if _below_minimum(row)]
        return super().filtered(rows)


class CaseloadView(QWidget):
    """Search, filters, the table, and the detail panel of the selected youth."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from pae_desktop.ui.youth_detail import YouthDetail

        self.context = context
        self.model = CaseloadModel(self)
        self.proxy = self.model  # the table's model: it sorts and filters itself (the name stays for callers)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher un nom, un prénom ou un INE (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.stage_filter = QComboBox()
        self.stage_filter.addItem("Toutes les étapes", "")
        for stage in Stage:
            self.stage_filter.addItem(stage.label, stage.value)
        self.stage_filter.addItem("A quitté l'établissement", LEFT_SCHOOL)
        self.diploma_filter = QComboBox()
        self.diploma_filter.addItem("Tous les diplômes", "")
        for code, label in Diploma.choices():
            self.diploma_filter.addItem(label, code)
        self.division_filter = QComboBox()
        self.division_filter.addItem("Toutes les classes", "")
        self.below_minimum_filter = QCheckBox(f"Moins de &{PHASE1_MIN_WORKSHOPS} ateliers")
        self.below_minimum_filter.setAccessibleName(
            f"Seulement les élèves ayant suivi moins de {PHASE1_MIN_WORKSHOPS} ateliers"
        )
        self.below_minimum_filter.setToolTip(
            f"Les élèves qui ont suivi moins de {PHASE1_MIN_WORKSHOPS} ateliers collectifs de la phase 1"
        )
        self.count_label = QLabel()
        self.mass_button = QPushButton("Contacter les jeunes affic&hés…")
        self.mass_button.setToolTip("Liste de contacts pour SMS et ENT, courriers, brouillons de courriels")
        self.mass_button.clicked.connect(self.contact_shown)

        search_row = QHBoxLayout()
        search_row.addWidget(labelled("&Rechercher :", self.search, "Recherche dans les élèves"))
        search_row.addWidget(self.search, 1)
        filters = FlowLayout()  # the filters wrap on a narrow window, each label beside its list
        filters.addWidget(keep_together(labelled("É&tape :", self.stage_filter, "Filtrer par étape"), self.stage_filter))
        filters.addWidget(
            keep_together(labelled("&Diplôme :", self.diploma_filter, "Filtrer par diplôme"), self.diploma_filter)
        )
        filters.addWidget(
            keep_together(labelled("C&lasse :", self.division_filter, "Filtrer par classe"), self.division_filter)
        )
        filters.addWidget(self.below_minimum_filter)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Liste des élèves de la campagne")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((230, 95, 125, 100, 160, 130, 80)):
            self.table.setColumnWidth(column, width)
        # «Ateliers» beside the class, in sight without scrolling (its logical index stays last but one)
        header.moveSection(header.visualIndex(WORKSHOPS_COLUMN), 2)
        self._show_phase1(False)

        self.detail = YouthDetail(context, self)
        self.detail.saved.connect(self._after_save)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(search_row)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table)
        count_row = QHBoxLayout()
        count_row.addWidget(self.count_label, 1)
        count_row.addWidget(self.mass_button)
        left_layout.addLayout(count_row)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([800, 520])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.search.textChanged.connect(self._filter_changed)
        for combo in (self.stage_filter, self.diploma_filter, self.division_filter):
            combo.currentIndexChanged.connect(self._filter_changed)
        self.below_minimum_filter.toggled.connect(self._filter_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        self.table.doubleClicked.connect(lambda _index: self.detail.focus_first_field())
        on_enter(self.table, lambda: self.detail.focus_first_field())

        self.loader = BackgroundLoad(self, "Élèves", self._load, self._loaded, self._load_failed)
        self._select_after_load: int | None = None
        self._class_after_load: str | None = None
        context.data_changed.connect(self._data_changed)
        context.campaign_changed.connect(lambda _id: self._campaign_switched())
        context.open_youth.connect(self.select_youth)
        self.reload()

    # loading
    def reload(self) -> None:
        if self.context.campaign_id is None:
            self.model.set_rows([])
            self._refresh_divisions()
            self._update_count()
            return
        if self._select_after_load is None:
            self._select_after_load = self.selected_id()
        if not self.model.all_rows():
            self.count_label.setText("Chargement des élèves…")
        # Thousands of youths take most of a second to derive: the window stays usable, the rows shown stay.
        self.loader.request(self.context.db, self.context.campaign_id)

    @staticmethod
    def _load(db, campaign_id: int) -> list[CaseloadRow]:
        with db.read() as session:
            return caseload_rows(session, campaign_id)

    def _loaded(self, rows: list[CaseloadRow]) -> None:
        selected, self._select_after_load = self._select_after_load, None
        self.model.set_rows(rows)
        self._refresh_divisions()
        self._show_phase1(any(row.phase1 is not None for row in rows[:1]))  # the same for every row
        self._update_count()
        if self._class_after_load is not None:
            self.show_class(self._class_after_load)
        if selected is not None:
            self.select_youth(selected)

    def _show_phase1(self, shown: bool) -> None:
        """The column «Ateliers» and the filter «Moins de 4 ateliers» exist for a campaign with a phase 1 only."""
        self.table.setColumnHidden(WORKSHOPS_COLUMN, not shown)
        self.below_minimum_filter.setVisible(shown)
        if not shown and self.below_minimum_filter.isChecked():
            self.below_minimum_filter.setChecked(False)  # hidden, it would keep filtering

    def _load_failed(self, error: BaseException) -> None:
        self._select_after_load = self._class_after_load = None
        self._update_count()

    def _campaign_switched(self) -> None:
        self._select_after_load = None
        self.model.set_rows([])  # another campaign's youths are not shown while this one's load
        self.reload()

    def _data_changed(self, changed: frozenset) -> None:
        if changed & WATCHED:
            self.reload()

    def _refresh_divisions(self) -> None:
        current = self.division_filter.currentData()
        divisions = sorted({row.division for row in self.model.all_rows() if row.division})
        self.division_filter.blockSignals(True)
        self.division_filter.clear()
        self.division_filter.addItem("Toutes les classes", "")
        for division in divisions:
            self.division_filter.addItem(division, division)
        index = self.division_filter.findData(current or "")
        self.division_filter.setCurrentIndex(max(index, 0))
        self.division_filter.blockSignals(False)

    # filtering
    def _filter_changed(self, *_args) -> None:
        self.model.set_filter(
            CaseloadFilter(
                text=self.search.text(),
                stage=self.stage_filter.currentData() or "",
                diploma=self.diploma_filter.currentData() or "",
                division=self.division_filter.currentData() or "",
                below_minimum=self.below_minimum_filter.isChecked(),
            )
        )
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), len(self.model.all_rows())
        self.count_label.setText(
            f"{shown} jeune{'s' if shown > 1 else ''} affiché{'s' if shown > 1 else ''} sur {total}"
        )

    def shown_title(self) -> str:
        """What the filters show, in a few words: «Classe TMELEC», «Élèves affichés (Étape : Injoignable)»…"""
        division = self.division_filter.currentData() or ""
        others = [
            f"{label} : {combo.currentText()}"
            for label, combo in (("Étape", self.stage_filter), ("Diplôme", self.diploma_filter))
            if combo.currentData()
        ]
        if self.search.text().strip():
            others.append(f"recherche « {self.search.text().strip()} »")
        if division and not others:
            return f"Classe {division}"
        if division:
            others.insert(0, f"Classe : {division}")
        return f"Élèves affichés ({', '.join(others)})" if others else "Tous les élèves de la campagne"

    def contact_shown(self) -> None:
        """Everyone the filters show, at once (`ui.mass_contact`): a class, a stage, a search."""
        ids = [row.id for row in self.model.rows()]
        if not ids or self.context.campaign_id is None:
            return
        from pae_desktop.ui.mass_contact import MassContactDialog

        MassContactDialog(self.context, ids, self.shown_title(), self).exec()

    def select_following(self, following: int | None) -> None:
        """After a contact saved: the youth below it in the table (the table reloads after the save)."""
        if following is None:
            return
        if self.loader.running:
            self._select_after_load = following
        else:
            self.select_youth(following)

    def following_id(self) -> int | None:
        """The youth below the selected one, in the table's order."""
        row = self.table.currentIndex().row()
        if row < 0 or row + 1 >= self.model.rowCount():
            return None
        return self.model.index(row + 1, 0).data(ID_ROLE)

    def show_class(self, division: str) -> None:
        """The students of one class, every other filter cleared (from the home screen's list of classes)."""
        if self.loader.running:  # the campaign was just switched: its classes are on their way
            self._class_after_load = division
            return
        self._class_after_load = None
        self._clear_filters()
        self.division_filter.setCurrentIndex(max(self.division_filter.findData(division), 0))

    def show_left_school(self) -> None:
        """The youths an import marked as having left the school (from the home screen's note)."""
        self._clear_filters()
        self.stage_filter.setCurrentIndex(self.stage_filter.findData(LEFT_SCHOOL))

    def _clear_filters(self) -> None:
        self.search.clear()
        for combo in (self.stage_filter, self.diploma_filter, self.division_filter):
            combo.setCurrentIndex(0)
        self.below_minimum_filter.setChecked(False)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # selection
    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.proxy.data(index, ID_ROLE)

    def select_youth(self, youth_id: int) -> None:
        if self.loader.running:  # a youth just created, or asked for from «Accueil»: in the rows on their way
            self._select_after_load = youth_id
            return
        row = self.model.row_of(youth_id)
        if row < 0:  # hidden by the filters: clear them so that the youth shows
            self._clear_filters()
            row = self.model.row_of(youth_id)
            if row < 0:
                return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)

    def _current_changed(self, current, _previous) -> None:
        if current.isValid():
            youth_id = self.proxy.data(current, ID_ROLE)
            QTimer.singleShot(0, lambda: self.detail.load(youth_id))

    def new_youth(self) -> None:
        self.table.clearSelection()
        self.detail.new()

    def _after_save(self, youth_id: int) -> None:
        self.select_youth(youth_id)
