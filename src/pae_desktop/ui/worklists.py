"""The home screen «Accueil»: the campaign's to-do lists with their counts and the days left — the contact lists
first in August–September, the follow-up lists first after (`core.worklist.home_order`), every list reachable.

Its two quick dialogs (an information action, the exam results) live in `ui.campaign_dialogs`. This module
imports neither them nor `core.services.contacts` at the top: «Accueil» is the first tab the window paints,
and that service brings the ORM models (see `core.services.first_paint`).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pae_desktop import first_lists
from pae_desktop.core.dates import day_and_time
from pae_desktop.core.rules import ATTENDANCE_ALERT_HALF_DAYS, ATTENDANCE_WATCH_HALF_DAYS
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import PHASE1_MIN_WORKSHOPS
from pae_desktop.core.worklist import (
    CONTACT_LISTS,
    FOLLOW_UP_LISTS,
    LATE_INTERVIEWS_DAYS,
    ClassesBelowMinimum,
    WorkItem,
    Worklist,
    Worklists,
)
from pae_desktop.ui import context as topics
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.flow_layout import FlowLayout
from pae_desktop.ui.keyboard import on_enter
from pae_desktop.ui.left_school import LeftSchoolNote
from pae_desktop.ui.table_model import ID_ROLE, SORT_ROLE, Column, TableModel  # noqa: F401
from pae_desktop.ui.tasks import BackgroundLoad
from pae_desktop.ui.widgets import show_error, show_info

ITEM_COLUMNS = (
    Column("Nom", lambda w: w.name, sort=lambda w: fold(w.name)),
    Column("Classe", lambda w: w.division, sort=lambda w: fold(w.division)),
    Column("Téléphone", lambda w: w.phone),
    Column("Étape", lambda w: w.stage.label),
    Column("Échéance", lambda w: f"{w.due:%d/%m/%Y}" if w.due else "", sort=lambda w: w.due or dt.date.min),
    Column(
        "Dernière tentative",
        lambda w: day_and_time(w.last_attempt, " ") if w.last_attempt else "",
        sort=lambda w: w.last_attempt or dt.datetime.min,
    ),
    Column("À faire", lambda w: w.detail, tooltip=lambda w: w.detail),
)
COLUMNS = tuple(column.header for column in ITEM_COLUMNS)
LIST_HELP = {
    Worklist.A_CONTACTER: "Repérés ou informés, pas encore joints : les appeler.",
    Worklist.A_RELANCER: "Une relance était prévue aujourd'hui ou avant.",
    Worklist.INJOIGNABLES: "Trop de tentatives sans réponse : essayer un autre canal, la Mission locale, ou la PSAD.",
    Worklist.ENTRETIEN_A_PROPOSER: "Joints : leur proposer un créneau d'entretien avec la Mission locale.",
    Worklist.ENTRETIEN_A_SAISIR: "Le créneau réservé est passé : saisir la fiche d'entretien.",
    Worklist.ACTIONS_EN_RETARD: "L'action suivante d'un suivi n'est pas faite et son échéance est passée.",
    Worklist.PARCOURS_FINISSANT: "La fin prévue du parcours est dans les 15 jours : préparer la sortie.",
    Worklist.SORTIE_A_SAISIR: (
        "Parcours abandonné, ou terminé (fin prévue ou 31 décembre passés), sans sortie enregistrée."
    ),
    Worklist.A_SAISIR_SIECLE: "Parcours dont l'inscription sous le MEF du dispositif n'est pas faite dans SIECLE.",
    Worklist.ABSENCES: (
        f"Au moins {ATTENDANCE_WATCH_HALF_DAYS} demi-journées d'absence non justifiées : au-delà de "
        f"{ATTENDANCE_ALERT_HALF_DAYS}, la bourse est en jeu."
    ),
    Worklist.SANS_SOLUTION: (
        "Ni sortie en formation, en emploi ou en accompagnement Mission locale, ni « Déjà en solution », ni "
        "« Non concerné(e) », ni parcours en cours : la liste à transmettre à la PSAD."
    ),
}
GROUP_TITLES = {CONTACT_LISTS: "Prise de contact", FOLLOW_UP_LISTS: "Suivi des parcours"}
LIST_ROLE = Qt.ItemDataRole.UserRole
WATCHED = frozenset(
    {
        topics.YOUTHS,
        topics.CONTACTS,
        topics.INTERVIEWS,
        topics.SLOTS,
        topics.PATHWAYS,
        topics.PHASE1,
        topics.CAMPAIGNS,
    }
)
CLASSES_TITLE = f"Classes avec moins de {PHASE1_MIN_WORKSHOPS} ateliers"
CLASS_ROLE = Qt.ItemDataRole.UserRole


class WorkItemModel(TableModel):
    """The generic table model over immutable work items (`COLUMNS`), keyed by youth."""

    def __init__(self, parent=None) -> None:
        super().__init__(ITEM_COLUMNS, key=lambda item: item.youth_id, parent=parent)

    def set_items(self, items: list[WorkItem]) -> None:
        self.set_rows(items)

    @property
    def items(self) -> list[WorkItem]:
        return self.rows()


def days_left_text(lists: Worklists) -> str:
    """The home screen's headline: the days before the interview target date, then, once the interviews are
    well past, the pathways' time left, and the end of a closed campaign."""
    target = f"{lists.interview_deadline:%d/%m/%Y}"
    days = lists.days_left
    end = lists.latest_end
    if end is not None and days < 0 and lists.today > end:
        return f"Campagne terminée le {end:%d/%m/%Y} (date cible des entretiens : {target})"
    if end is not None and days < -LATE_INTERVIEWS_DAYS:
        left = (end - lists.today).days
        remaining = "dernier jour" if left == 0 else f"encore {left} jour{'s' if left > 1 else ''}"
        return (
            f"<b>Parcours en cours</b> jusqu'au {end:%d/%m/%Y}, {remaining} "
            f"· date cible des entretiens passée le {target}"
        )
    if days > 1:
        return f"<b>J-{days}</b> : {days} jours avant la date cible des entretiens ({target})"
    if days == 1:
        return f"<b>J-1</b> : la date cible des entretiens est demain ({target})"
    if days == 0:
        return f"<b>Jour J</b> : la date cible des entretiens est aujourd'hui ({target})"
    return f"Date cible des entretiens dépassée depuis {-days} jour{'s' if days < -1 else ''} ({target})"


def held_text(held: int) -> str:
    if not held:
        return "aucun atelier tenu"
    return f"{held} atelier{'s' if held > 1 else ''} tenu{'s' if held > 1 else ''}"


class Phase1ClassesBox(QGroupBox):
    """During phase 1's school year: the classes of that year's terminale with fewer than four workshops held;
    Enter or a double click shows the class in «Élèves»."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(CLASSES_TITLE, parent)
        self.setStyleSheet("QGroupBox { font-weight: bold; } QGroupBox * { font-weight: normal; }")
        self.watched: ClassesBelowMinimum | None = None
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet("color: #555;")
        self.classes = QListWidget()
        self.classes.setAccessibleName(CLASSES_TITLE)
        self.classes.setToolTip("Entrée ou double-clic : voir les élèves de la classe")
        self.classes.setStyleSheet("QListWidget::item { padding: 4px; font-size: 11pt; }")
        self.classes.itemActivated.connect(self._open)
        self.all_done = QLabel(f"Toutes les classes ont eu au moins {PHASE1_MIN_WORKSHOPS} ateliers.")
        self.all_done.setWordWrap(True)
        self.all_done.setStyleSheet("color: #1b5e20;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.classes)
        layout.addWidget(self.all_done)
        layout.addStretch()
        self.set_classes(None)

    def set_classes(self, watched: ClassesBelowMinimum | None) -> None:
        self.watched = watched
        self.setVisible(watched is not None)
        self.classes.clear()
        if watched is None:
            return
        self.intro.setText(
            f"{watched.phase1_name}, terminales {watched.campaign_year - 1}-{watched.campaign_year} "
            f"(campagne {watched.campaign_year}) : ateliers collectifs tenus à ce jour."
        )
        for division, held in watched.classes:
            item = QListWidgetItem(f"{division} — {held_text(held)}")
            item.setData(CLASS_ROLE, division)
            self.classes.addItem(item)
        self.classes.setVisible(bool(watched.classes))
        self.all_done.setVisible(not watched.classes)
        # as tall as its classes (up to eight, then it scrolls): the youths' lists above keep the room
        shown = min(len(watched.classes), 8)
        if shown:
            self.classes.setFixedHeight(
                self.classes.sizeHintForRow(0) * shown + 2 * self.classes.frameWidth()
            )

    def _open(self, item: QListWidgetItem) -> None:
        window = self.window()
        if self.watched is not None and hasattr(window, "show_class"):
            window.show_class(self.watched.campaign_id, item.data(CLASS_ROLE))


class WorklistsView(QWidget):
    """«Accueil»: pick a list on the left, its youths on the right; Enter opens the youth's file."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.lists: Worklists | None = None
        self.current = Worklist.A_CONTACTER
        self.order: tuple[Worklist, ...] = ()
        self.picked = False  # the user chose a list: a reload keeps it, whatever the phase

        self.header = QLabel()
        self.header.setStyleSheet("font-size: 13pt;")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.chooser = QListWidget()
        self.chooser.setAccessibleName("Listes de travail")
        self.chooser.setMaximumWidth(280)
        self.chooser.setStyleSheet("QListWidget::item { padding: 6px; font-size: 11pt; }")
        self._fill_chooser(CONTACT_LISTS + FOLLOW_UP_LISTS)
        self.help = QLabel()
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: #555;")
        self.left_note = LeftSchoolNote()  # the youths an import marked as left: out of every list, said so

        self.model = WorkItemModel(self)
        self.proxy = self.model  # the table's model: it sorts itself (the name stays for callers)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Jeunes de la liste")
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the list's own order until the user sorts
        header.setResizeContentsPrecision(200)  # thousands of rows: column widths from the first 200
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        # Column widths from the first rows, not from a thousand (each a call into Python per column and role).
        self.table.horizontalHeader().setResizeContentsPrecision(100)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.empty = QLabel("Rien à faire dans cette liste.")
        self.empty.setStyleSheet("color: #1b5e20; font-size: 11pt;")

        buttons = self._buttons()
        self.phase1_classes = Phase1ClassesBox()
        self.phase1_classes.setMaximumWidth(280)
        left = QVBoxLayout()
        left.addWidget(self.chooser, 1)
        left.addWidget(self.phase1_classes)
        right = QVBoxLayout()
        right.addWidget(self.help)
        right.addWidget(self.left_note)
        right.addWidget(self.table)
        right.addWidget(self.empty)
        right.addLayout(buttons)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(body)

        self._after_reload: tuple[int | None, int] | None = None  # the youth to select once the lists are fresh
        self.loader = BackgroundLoad(self, "Listes de travail", self._load, self._loaded, self._load_failed)
        self.chooser.currentRowChanged.connect(self._list_chosen)
        context.data_changed.connect(self._data_changed)
        context.campaign_changed.connect(lambda _id: self._campaign_switched())
        self.reload()
        self._select_current()  # reload() has just shown the first list: not twice

    def _buttons(self) -> FlowLayout:
        """The actions under the table: on the selected youth at left, on the campaign at right."""
        self.open_button = QPushButton("&Ouvrir le dossier")
        self.contact_button = QPushButton("Noter une &tentative…")
        self.information_button = QPushButton("Action d'&information…")
        self.results_button = QPushButton("Résultats d'e&xamen…")
        self.psad_button = QPushButton("Liste pour la &PSAD…")
        self.psad_button.setToolTip(
            "Exporter les jeunes sans solution connue (nom, naissance, INE, téléphone, adresse, diplôme, dernier "
            "contact) en XLSX ou CSV, pour la plateforme de suivi et d'appui aux décrocheurs ; export inscrit au "
            "journal."
        )
        self.psad_button.clicked.connect(self.export_psad)
        self.mass_button = QPushButton("Contacter toute la &liste…")
        self.mass_button.setToolTip("Liste de contacts pour SMS et ENT, courriers, brouillons de courriels")
        self.mass_button.clicked.connect(self.contact_all)
        self.open_button.clicked.connect(self.open_selected)
        self.contact_button.clicked.connect(self.record_contact)
        self.information_button.clicked.connect(self.record_information)
        self.results_button.clicked.connect(self.exam_results)
        on_enter(self.table, lambda: self.open_selected())

        buttons = FlowLayout()  # wraps on a narrow window
        for button in (self.open_button, self.contact_button, self.mass_button, self.psad_button):
            buttons.addWidget(button)
        buttons.addStretch()
        for button in (self.information_button, self.results_button):
            buttons.addWidget(button)
        return buttons

    # loading
    def reload(self) -> None:
        campaign_id = self.context.campaign_id
        if campaign_id is None:
            first_lists.not_needed()  # nothing to derive: the prepared child stops, the maintenance starts
            self.lists = None
            self.phase1_classes.set_classes(None)
            self.left_note.show_count(0)
            self.header.setText("Aucune campagne : importez les élèves de terminale pour commencer.")
            self.model.set_items([])
            self._refresh_chooser()
            return
        if self.lists is None:  # the table stays shown, empty: hidden at the first show, it would not stretch
            self.header.setText("Chargement des listes de travail…")
            self._refresh_chooser()
            self.help.setText("Chargement…")
            self.empty.setVisible(False)
        # Thousands of youths take a second to derive: the window stays usable, the lists shown until then stay.
        first_lists.request_early(self.context.db, campaign_id)  # at start-up: derived while the window paints
        self.loader.request(self.context.db, campaign_id)

    @staticmethod
    def _load(db, campaign_id: int) -> Worklists:
        lists = first_lists.first_load(db, campaign_id)  # at start-up, on the second core (`pae_desktop.first_lists`)
        if lists is not None:
            return lists
        from pae_desktop.core.services import contacts

        with db.read() as session:
            return contacts.worklists(session, campaign_id)

    def _loaded(self, lists: Worklists) -> None:
        QTimer.singleShot(0, first_lists.arrived)  # once these lists are painted: the start-up maintenance
        self.lists = lists
        self.header.setText(days_left_text(self.lists))
        self.phase1_classes.set_classes(lists.phase1_classes)
        self.left_note.show_count(lists.left_school)
        if lists.home_order != self.order:
            self._fill_chooser(lists.home_order)
            if not self.picked:  # the phase's first list, until the user picks another
                self.current = lists.home_order[0]
        self._refresh_chooser()
        self._select_current()
        self._show(self.current)
        if self._after_reload is not None:
            following, row = self._after_reload
            self._after_reload = None
            self._select_following(following, row)

    def _load_failed(self, error: BaseException) -> None:
        first_lists.arrived()
        if self.lists is None:
            self.header.setText("Les listes de travail n'ont pas pu être chargées.")
            self.help.setText("")

    def _campaign_switched(self) -> None:
        self.lists = None  # another campaign's youths are not shown while this one's load
        self.picked = False
        self.model.set_items([])
        self.reload()

    def _data_changed(self, changed: frozenset) -> None:
        if changed & WATCHED:
            self.reload()

    def _fill_chooser(self, order: tuple[Worklist, ...]) -> None:
        """The lists in `order` (the phase's first), the other phase's under its title, never selectable."""
        self.order = order
        self.chooser.blockSignals(True)
        self.chooser.clear()
        first = CONTACT_LISTS if order[0] in CONTACT_LISTS else FOLLOW_UP_LISTS
        for name in order:
            if name is order[len(first)]:
                title = QListWidgetItem(GROUP_TITLES[FOLLOW_UP_LISTS if first is CONTACT_LISTS else CONTACT_LISTS])
                title.setFlags(Qt.ItemFlag.NoItemFlags)
                title.setForeground(Qt.GlobalColor.darkGray)
                title.setTextAlignment(Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft)
                font = title.font()
                font.setBold(True)
                title.setFont(font)
                self.chooser.addItem(title)
            item = QListWidgetItem(name.value)
            item.setData(LIST_ROLE, name)
            item.setToolTip(LIST_HELP[name])
            self.chooser.addItem(item)
        self.chooser.blockSignals(False)

    def row_of(self, name: Worklist) -> int:
        """The chooser's row of a list (its rows move with the phase)."""
        for row in range(self.chooser.count()):
            if self.chooser.item(row).data(LIST_ROLE) == name:
                return row
        return -1

    def show_list(self, name: Worklist) -> None:
        """Show the list `name`, as a click on it does."""
        self.chooser.setCurrentRow(self.row_of(name))

    def _select_current(self) -> None:
        self.chooser.blockSignals(True)
        self.chooser.setCurrentRow(self.row_of(self.current))
        self.chooser.blockSignals(False)

    def _refresh_chooser(self) -> None:
        counts = self.lists.counts if self.lists else {}
        for row in range(self.chooser.count()):
            item = self.chooser.item(row)
            if item.data(LIST_ROLE) is None:
                continue  # the other phase's title
            name = Worklist(item.data(LIST_ROLE))  # the item gives back the plain string
            count = counts.get(name, 0)
            item.setText(f"{name.value}  ({count})" if self.lists else name.value)
            item.setForeground(Qt.GlobalColor.black if count else Qt.GlobalColor.gray)

    def _list_chosen(self, row: int) -> None:
        name = self.chooser.item(row).data(LIST_ROLE) if row >= 0 else None
        if name is not None:
            self.picked = True
            self._show(Worklist(name))

    def _show(self, name: Worklist) -> None:
        self.current = name
        items = list(self.lists.items[name]) if self.lists else []
        self.model.set_items(items)
        self.help.setText(LIST_HELP[name])
        self.table.setVisible(bool(items))
        self.empty.setVisible(not items)
        for column in range(len(COLUMNS) - 1):  # the last one stretches (sized with the rest, it would not)
            self.table.resizeColumnToContents(column)
        for button in (self.open_button, self.contact_button, self.mass_button):
            button.setEnabled(bool(items))
        self.psad_button.setVisible(name is Worklist.SANS_SOLUTION)
        self.psad_button.setEnabled(bool(items))

    # actions
    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.proxy.index(row, 0).data(ID_ROLE) for row in rows]

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.proxy.index(index.row(), 0).data(ID_ROLE)

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.proxy.index(row, 0))

    def open_selected(self) -> None:
        youth_id = self.selected_id()
        if youth_id is not None:
            self.context.open_youth.emit(youth_id)

    def record_contact(self) -> None:
        youth_id = self.selected_id()
        if youth_id is None:
            show_info(self, "Choisissez d'abord un jeune dans la liste.")
            return
        from pae_desktop.ui.contact_dialog import ContactDialog

        row = self.table.currentIndex().row()
        following = self.proxy.index(row + 1, 0).data(ID_ROLE) if row + 1 < self.proxy.rowCount() else None
        dialog = ContactDialog(self.context, youth_id, self)
        if dialog.exec():
            window = self.window()
            if hasattr(window, "statusBar"):
                window.statusBar().showMessage(dialog.summary(), 8000)
            # the next youth of the list: the lists reload after the save, the youth saved may have left this one
            if self.loader.running:
                self._after_reload = (following, row)
            else:
                self._select_following(following, row)

    def _select_following(self, following: int | None, row: int) -> None:
        """Select `following` (the youth below the one just contacted), else the row where it stood; focus the
        table, so that the next call is one key away."""
        target = self.model.row_of(following) if following is not None else -1
        if target < 0:
            target = min(row, self.proxy.rowCount() - 1)
        if target >= 0:
            self.select_row(target)
            self.table.setFocus()

    def contact_all(self) -> None:
        """Everyone of the list shown, at once (`ui.mass_contact`)."""
        ids = [item.youth_id for item in self.model.items]
        if not ids or self.context.campaign_id is None:
            return
        from pae_desktop.ui.mass_contact import MassContactDialog

        MassContactDialog(self.context, ids, self.current.value, self).exec()

    def record_information(self) -> None:
        if self.context.campaign_id is None:
            return
        from pae_desktop.ui.campaign_dialogs import InformationDialog

        InformationDialog(self.context, self.selected_ids(), self).exec()

    def exam_results(self) -> None:
        if self.context.campaign_id is None:
            return
        from pae_desktop.ui.campaign_dialogs import ExamResultsDialog

        ExamResultsDialog(self.context, self).exec()

    def export_psad(self) -> None:
        """The youths «Sans solution connue» for the PSAD (XLSX or CSV), through the audited operation."""
        campaign_id = self.context.campaign_id
        if campaign_id is None or self.lists is None:
            return

        from pae_desktop.core.errors import UserError
        from pae_desktop.core.models import Campaign
        from pae_desktop.core.operations.worklist_exports import export_psad, psad_file_name

        with self.context.db.read() as session:
            year = session.get(Campaign, campaign_id).year
        path, chosen = file_dialogs.save_file_name(
            self, file_dialogs.EXPORT,
            "Liste des jeunes sans solution connue pour la PSAD",
            psad_file_name(year, self.lists.today),
            "Classeur (*.xlsx);;CSV (*.csv)",
        )
        if not path:
            return
        if not path.lower().endswith((".xlsx", ".csv")):
            path += ".csv" if "csv" in chosen.lower() else ".xlsx"
        today = self.lists.today
        try:
            with self.context.db.transaction() as session:
                done = export_psad(session, session.get(Campaign, campaign_id), path, today)
        except UserError as error:
            show_error(self, str(error))
            return
        self.context.apply(done)
        show_info(self, f"Liste pour la PSAD enregistrée : {done.file} ({done.count} jeunes, export inscrit au journal).")
