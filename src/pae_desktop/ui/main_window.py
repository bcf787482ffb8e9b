"""The main window: welcome screen on first launch, then the campaign switcher, feature tabs and menus."""

from __future__ import annotations

import importlib
import logging
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.errors import UserError
from pae_desktop.core.services.first_paint import (
    campaign_label,
    campaign_phase1_name,
    campaign_years,
    school_name,
)
from pae_desktop.storage.database import Database, open_database
from pae_desktop.ui import context as topics
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.remembered import (
    last_tab,
    restore_view,
    restore_window,
    save_last_tab,
    save_view,
    save_window,
)
from pae_desktop.ui.screen_fit import scrolled
from pae_desktop.ui.tasks import run_task
from pae_desktop.ui.widgets import show_error, show_info

log = logging.getLogger(__name__)

# The phase-1 tab is titled with the current campaign's phase-1 name and hidden for campaigns without phase 1.
PHASE1_TAB_TITLE = "AvenirPro"
PHASE1_VIEW = "pae_desktop.ui.phase1:Phase1View"
# Feature tabs, in order: (French title, "module:Class"). Each class is a QWidget built as
# Class(context: AppContext, parent=None) that refreshes itself on context.data_changed / campaign_changed.
FEATURE_TABS: tuple[tuple[str, str], ...] = (("Accueil", "pae_desktop.ui.worklists:WorklistsView"), ("Élèves", "pae_desktop.ui.caseload:CaseloadView"), (PHASE1_TAB_TITLE, PHASE1_VIEW), ("Entretiens", "pae_desktop.ui.slots:SlotsView"), ("Parcours", "pae_desktop.ui.pathway_editor:PathwaysView"), ("Annuaire", "pae_desktop.ui.directory:DirectoryView"), ("Bilan", "pae_desktop.ui.bilan:BilanView"))

DEMO_FOLDER = "demonstration"
# A shared database (PostgreSQL): what colleagues changed shows when the window gets the focus back, and on a
# timer, once the last refresh is older than REFRESH_AFTER_SECONDS.
REFRESH_AFTER_SECONDS = 30
REFRESH_TIMER_MS = 60_000


class LazyTab(QWidget):
    """Builds its view the first time it is shown: start-up pays only for the tab on screen."""

    def __init__(self, factory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self.view: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def build(self) -> QWidget:
        if self.view is None:
            self.view = self._factory()
            self.layout().addWidget(scrolled(self.view))  # a wide view scrolls on a small screen, never cut
            restore_view(self.view)
        return self.view

    def showEvent(self, event) -> None:  # noqa: N802
        self.build()
        super().showEvent(event)


class WelcomePage(QWidget):
    """First launch: set up the school, import the students, or open the demonstration school."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        title = QLabel("Bienvenue dans PAE Desktop")
        title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        intro = QLabel(
            "PAE Desktop accompagne le référent décrochage dans la campagne d'AvenirPro+ (anciennement Parcours "
            "Ambition Emploi) : phase 1 « AvenirPro » pendant l'année de terminale, recensement des élèves, prise "
            "de contact, entretiens avec les Missions locales, parcours, documents et bilan. Les données restent "
            "sur ce poste."
        )
        intro.setWordWrap(True)
        self.setup_button = QPushButton("&Paramétrer l'établissement")
        self.import_button = QPushButton("&Importer les élèves (SIECLE, tableur)")
        self.demo_button = QPushButton("Ouvrir l'établissement de &démonstration")
        self.setup_button.setToolTip("Nom, UAI, adresse, chef d'établissement, logo")
        self.import_button.setToolTip("Exports SIECLE (.zip, .xml), extraction « élèves complète », CSV ou XLSX")
        self.demo_button.setToolTip(
            "Un lycée fictif de 150 élèves de terminale par an, tel qu'il se présente aujourd'hui : "
            "la dernière campagne terminée et la campagne en cours"
        )
        for button in (self.setup_button, self.import_button, self.demo_button):
            button.setMinimumHeight(44)
            button.setAccessibleName(button.text().replace("&", ""))
        self.setup_button.clicked.connect(window.setup_school)
        self.import_button.clicked.connect(lambda: window.import_files())
        self.demo_button.clicked.connect(window.open_demo)
        where = QLabel(f"Dossier des données : {window.context.db.data_dir}")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setWordWrap(True)
        where.setStyleSheet("color: #555;")

        card = QWidget()
        card.setFixedWidth(640)
        layout = QVBoxLayout(card)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(16)
        for button in (self.setup_button, self.import_button, self.demo_button):
            layout.addWidget(button)
        layout.addSpacing(16)
        layout.addWidget(where)
        card.setMinimumHeight(card.heightForWidth(card.width()))  # the wrapped intro whole, on any screen
        outer = QVBoxLayout(self)
        outer.addStretch()
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch()


class MainWindow(QMainWindow):
    def __init__(self, db: Database, maintenance: bool = True) -> None:
        """`maintenance`: after the window is shown, the integrity check, automatic backup and retention scan."""
        super().__init__()
        self.context = AppContext(db)
        self.tabs: QTabWidget | None = None
        self.views: dict[str, LazyTab] = {}
        self.setWindowTitle("PAE Desktop")
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.setAcceptDrops(True)
        self.campaign_box = QComboBox()
        self.campaign_box.setAccessibleName("Campagne affichée")
        self.campaign_box.setMinimumContentsLength(22)
        self.campaign_box.currentIndexChanged.connect(self._campaign_chosen)
        self._build_actions()
        self.context.campaign_changed.connect(lambda _id: self._refresh_campaigns())
        self.context.data_changed.connect(self._data_changed)
        self.context.open_youth.connect(self._open_youth)
        self._last_refresh = time.monotonic()
        self.context.data_changed.connect(self._note_refresh)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_TIMER_MS)
        self.refresh_timer.timeout.connect(self.refresh_from_others)
        self.refresh_timer.start()
        self.show_content()
        restore_window(self)  # the last session's size and place, fitted to this screen; else most of it
        from pae_desktop.ui.role_guard import install_role_guard

        self.role_guard = install_role_guard(self, db.access)  # a staff login on a shared server: by its role
        from pae_desktop.ui.data_protection import install_data_protection

        self.data_protection = install_data_protection(self, self.context, maintenance=maintenance)

    # structure
    def _build_actions(self) -> None:
        def action(text: str, slot, shortcut=None, tip: str = "") -> QAction:
            act = QAction(text, self)
            act.triggered.connect(slot)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            if tip:
                act.setStatusTip(tip)
            return act

        self.new_youth_action = action("&Nouveau jeune", self.new_youth, "Ctrl+N", "Créer le dossier d'un jeune")
        self.search_action = action("&Rechercher", self.focus_search, QKeySequence.StandardKey.Find)
        self.import_action = action("&Importer des élèves…", lambda: self.import_files(), "Ctrl+I")
        self.contact_action = action(
            "Noter une &tentative de contact…", self.record_contact, "Ctrl+T", "Pour le jeune sélectionné"
        )
        self.new_campaign_action = action("Nouvelle &campagne…", self.new_campaign)
        self.settings_action = action("&Paramètres…", self.open_settings, "Ctrl+,")
        self.demo_action = action("Ouvrir l'établissement de &démonstration", self.open_demo)
        self.own_data_action = action("Revenir à &mon établissement", self.leave_demo)
        quit_action = action("&Quitter", self.close, QKeySequence.StandardKey.Quit)
        about_action = action("À &propos de PAE Desktop", self.about)

        file_menu = self.menuBar().addMenu("&Fichier")
        for act in (self.import_action, self.new_campaign_action, self.settings_action):
            file_menu.addAction(act)
        file_menu.addSeparator()
        file_menu.addAction(self.demo_action)
        file_menu.addAction(self.own_data_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        youth_menu = self.menuBar().addMenu("&Jeunes")
        for act in (self.new_youth_action, self.search_action, self.contact_action):
            youth_menu.addAction(act)
        help_menu = self.menuBar().addMenu("&Aide")
        help_menu.addAction(about_action)
        from pae_desktop.ui.help import install_help

        self.help_action = install_help(self, help_menu)  # «Guide d'utilisation», F1 at the current screen's page

        toolbar = QToolBar("Barre d'outils")
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        label = QLabel(" Campagne : ")
        label.setBuddy(self.campaign_box)
        toolbar.addWidget(label)
        toolbar.addWidget(self.campaign_box)
        toolbar.addSeparator()
        for act in (self.new_youth_action, self.contact_action, self.import_action, self.settings_action):
            toolbar.addAction(act)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def show_content(self) -> None:
        """The welcome page until the school is set up, the tabs afterwards."""
        with self.context.db.read() as session:
            name = school_name(session)
            campaigns = campaign_years(session)
        has_school = name is not None
        for act in (self.new_youth_action, self.contact_action, self.new_campaign_action, self.settings_action):
            act.setEnabled(has_school)
        self.own_data_action.setVisible(self.is_demo_folder())
        self.demo_action.setVisible(not self.is_demo_folder())
        self.toolbar.setVisible(has_school)
        if not has_school:
            welcome = WelcomePage(self)
            self.stack.addWidget(welcome)
            self.stack.setCurrentWidget(welcome)
            self.statusBar().showMessage(f"Données : {self.context.db.data_dir}")
            self._refresh_title(None)
            return
        self.context.campaign_id = campaigns[0][0] if campaigns else None
        self._refresh_campaigns(campaigns)
        if self.tabs is None:
            self.tabs = QTabWidget()
            self.tabs.setDocumentMode(True)
            for title, target in FEATURE_TABS:
                module_name, class_name = target.split(":")

                def factory(module_name=module_name, class_name=class_name) -> QWidget:
                    view_class = getattr(importlib.import_module(module_name), class_name)
                    return view_class(self.context, self)

                tab = LazyTab(factory, self)
                self.views[class_name] = tab
                self.tabs.addTab(tab, title)
            self.stack.addWidget(self.tabs)
            self._refresh_phase1_tab()
            self._restore_last_tab()  # once the phase-1 tab is shown or hidden
        else:
            self._refresh_phase1_tab()
        self.stack.setCurrentWidget(self.tabs)
        self._refresh_title(name)
        self.statusBar().showMessage(f"Données : {self.context.db.data_dir}")

    def _restore_last_tab(self) -> None:
        tab = self.views.get(last_tab())
        if tab is not None and self.tabs.isTabVisible(self.tabs.indexOf(tab)):
            self.tabs.setCurrentWidget(tab)

    def save_remembered_state(self) -> None:
        """Geometry, toolbars, the current tab, and each view's splitters and columns, for the next session."""
        save_window(self)
        for class_name, tab in self.views.items():
            if tab.view is not None:
                save_view(tab.view)
            if self.tabs is not None and self.tabs.currentWidget() is tab:
                save_last_tab(class_name)

    def _refresh_title(self, name: str | None = None) -> None:
        if name is None:
            with self.context.db.read() as session:
                name = school_name(session)
        access = self.context.db.access
        who = f" — {access.login} ({access.label})" if access.login else ""
        self.setWindowTitle(f"{name} — PAE Desktop{who}" if name else f"PAE Desktop{who}")

    def _refresh_campaigns(self, campaigns: list[tuple[int, int]] | None = None) -> None:
        if campaigns is None:
            with self.context.db.read() as session:
                campaigns = campaign_years(session)
        self.campaign_box.blockSignals(True)
        self.campaign_box.clear()
        for campaign_id, year in campaigns:
            self.campaign_box.addItem(campaign_label(year), campaign_id)
        index = self.campaign_box.findData(self.context.campaign_id)
        self.campaign_box.setCurrentIndex(max(index, 0))
        self.campaign_box.blockSignals(False)
        self._refresh_phase1_tab()

    def _refresh_phase1_tab(self) -> None:
        """The phase-1 tab carries the campaign's phase-1 name, and shows only for a campaign that has one."""
        tab = self.views.get(PHASE1_VIEW.split(":")[1])
        if self.tabs is None or tab is None:
            return
        with self.context.db.read() as session:
            name = campaign_phase1_name(session, self.context.campaign_id)
        index = self.tabs.indexOf(tab)
        self.tabs.setTabText(index, name or PHASE1_TAB_TITLE)
        self.tabs.setTabVisible(index, bool(name))

    def _campaign_chosen(self, index: int) -> None:
        campaign_id = self.campaign_box.itemData(index)
        if campaign_id is not None:
            self.context.set_campaign(campaign_id)

    def _note_refresh(self, _changed: frozenset) -> None:
        self._last_refresh = time.monotonic()

    def refresh_from_others(self) -> bool:
        """On a shared database, every view reloads when the last refresh is old enough (not under a dialog)."""
        if self.context.db.is_sqlite or self.tabs is None or QApplication.activeModalWidget() is not None:
            return False
        if time.monotonic() - self._last_refresh < REFRESH_AFTER_SECONDS:
            return False
        self.context.changed()
        return True

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.refresh_from_others()
        super().changeEvent(event)

    def _data_changed(self, changed: frozenset) -> None:
        if changed & {topics.SCHOOL, topics.CAMPAIGNS}:
            self._refresh_campaigns()
            self._refresh_title()

    def view(self, class_name: str) -> QWidget | None:
        """The view of a tab, built now if it was not yet shown."""
        tab = self.views.get(class_name)
        return tab.build() if tab is not None else None

    @property
    def caseload(self):
        return self.view("CaseloadView")

    def _unsaved_changes_kept(self) -> bool:
        """False when the youth's file has unsaved changes the user wants to keep."""
        tab = self.views.get("CaseloadView")
        return tab is None or tab.view is None or tab.view.detail.maybe_discard()

    def _show_caseload(self) -> None:
        if self.tabs is not None and "CaseloadView" in self.views:
            self.tabs.setCurrentWidget(self.views["CaseloadView"])

    def show_pathway(self, youth_id: int) -> None:
        pathways = self.view("PathwaysView")
        if pathways is not None:
            self.tabs.setCurrentWidget(self.views["PathwaysView"])
            pathways.show_youth(youth_id)

    def show_class(self, campaign_id: int, division: str) -> None:
        """The caseload of one class (the home screen's phase-1 classes), on that class's campaign: during the
        autumn the terminale's campaign is the next one, not the one whose pathways the window shows."""
        if not self._unsaved_changes_kept():
            return
        self.context.set_campaign(campaign_id)
        self._show_caseload()
        if self.caseload is not None:
            self.caseload.show_class(division)

    def show_left_school(self) -> None:
        """The youths an import marked as having left the school, in «Élèves» (from the home screen's note)."""
        self._show_caseload()
        if self.caseload is not None:
            self.caseload.show_left_school()

    def _open_youth(self, youth_id: int) -> None:
        self._show_caseload()
        if self.caseload is not None:
            self.caseload.select_youth(youth_id)

    # actions
    def focus_search(self) -> None:
        self._show_caseload()
        if self.caseload is not None:
            self.caseload.focus_search()

    def new_youth(self) -> None:
        if self.context.campaign_id is None:
            show_error(self, "Créez d'abord une campagne (menu Fichier → Nouvelle campagne).")
            return
        self._show_caseload()
        self.caseload.new_youth()

    def record_contact(self) -> None:
        """Record a contact attempt for the youth selected on the home screen («Accueil») or in «Élèves»."""
        home = self.views.get("WorklistsView")
        on_home = home is not None and self.tabs is not None and self.tabs.currentWidget() is home
        source = home.view if on_home else self.caseload
        youth_id = source.selected_id() if source is not None else None
        if youth_id is None:
            show_info(self, "Sélectionnez d'abord un jeune dans l'accueil ou dans la liste des élèves.")
            return
        if on_home:  # the home screen moves on to the next youth of its list after the save
            source.record_contact()
            return
        from pae_desktop.ui.contact_dialog import ContactDialog

        following = source.following_id()
        dialog = ContactDialog(self.context, youth_id, self)
        if dialog.exec():
            self.statusBar().showMessage(dialog.summary(), 8000)
            source.select_following(following)

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        """SIECLE exports dropped anywhere on the window open the import."""
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    def import_files(self, paths: list[str] | None = None) -> None:
        """Import students from SIECLE exports or spreadsheets (the import itself is the census issue)."""
        try:
            module = importlib.import_module("pae_desktop.ui.import_dialog")
        except ImportError:
            show_info(
                self,
                "L'import des élèves depuis SIECLE arrive dans une prochaine version. "
                "En attendant, paramétrez l'établissement et saisissez les jeunes un par un.",
            )
            return
        dialog = module.ImportDialog(self.context, paths or [], self)
        if dialog.exec():
            self.show_content()

    def setup_school(self) -> None:
        from pae_desktop.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.context, self)
        dialog.setWindowTitle("Paramétrer l'établissement")
        if dialog.exec():
            from pae_desktop.ui.data_protection import offer_encryption

            offer_encryption(self, self.context)
            self.show_content()

    def open_settings(self) -> None:
        from pae_desktop.ui.settings_dialog import SettingsDialog

        SettingsDialog(self.context, self).exec()

    def new_campaign(self) -> None:
        from pae_desktop.ui.settings_dialog import SettingsDialog

        if SettingsDialog(self.context, self, new_campaign=True).exec():
            self._refresh_campaigns()

    def is_demo_folder(self) -> bool:
        return self.context.db.data_dir.name == DEMO_FOLDER

    def open_demo(self) -> None:
        """Open the demonstration school, kept in its own folder so that it never mixes with real files."""
        demo_dir = self.context.db.data_dir / DEMO_FOLDER

        def build(progress) -> Path:
            from pae_desktop.core.services.demo import generate_demo

            progress(0, 0, "Création de l'établissement de démonstration…")
            demo_db = open_database(demo_dir)
            try:
                with demo_db.read() as session:
                    empty = school_name(session) is None
                if empty:
                    with demo_db.transaction() as session:
                        generate_demo(session)
            finally:
                demo_db.close()
            return demo_dir

        run_task(self, "Création de l'établissement de démonstration…", build, self.switch_to, self._task_failed)

    def leave_demo(self) -> None:
        if self.is_demo_folder():
            self.switch_to(self.context.db.data_dir.parent)

    def switch_to(self, data_dir: Path) -> None:
        """Close this database and open the one of another data folder in the same window."""
        if not self._unsaved_changes_kept():
            return
        old = self.context.db
        old.close()
        try:
            db = open_database(data_dir)
        except UserError as error:
            show_error(self, str(error))
            self.context.db = open_database(old.data_dir)
            return
        self.context.db = db
        if self.tabs is not None:
            self.save_remembered_state()
            self.stack.removeWidget(self.tabs)
            self.tabs.deleteLater()
            self.tabs = None
            self.views.clear()
        while self.stack.count():
            widget = self.stack.widget(0)
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self.show_content()

    def _task_failed(self, error: BaseException) -> None:
        if isinstance(error, UserError):
            show_error(self, str(error))
        else:
            log.exception("Tâche en échec", exc_info=error)
            show_error(self, f"L'opération a échoué : {error}")

    def about(self) -> None:
        from pae_desktop.ui.about import AboutDialog

        AboutDialog(self.context.db.data_dir, self).exec()

    def _quiet(self) -> None:
        """A closed window asks the database nothing more (on a shared server its login may be gone): its timers
        (refresh from others, idle lock) stop, and what watched the whole application through it (the role
        guard, the idle lock's activity filter) stops watching."""
        for timer in self.findChildren(QTimer):
            timer.stop()
        app = QApplication.instance()
        if app is not None:
            for child in self.findChildren(QObject):
                app.removeEventFilter(child)

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self._unsaved_changes_kept():
            event.ignore()
            return
        self.save_remembered_state()
        self._quiet()
        self.context.db.close()
        event.accept()
