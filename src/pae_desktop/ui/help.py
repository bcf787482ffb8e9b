"""The user guide's window (docs/guide/, Markdown read offline) and F1: the guide at the page of the current screen.

A screen names its page either by a `help_page` property (set on any widget or dialog) or by its class in
SCREEN_PAGES; F1 walks up from the widget that has the focus to the first one that names a page.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import (
    QAction,
    QImageReader,
    QKeySequence,
    QShortcut,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.resources import guide_dir
from pae_desktop.core.text import fold

HOME_PAGE = "index.md"
# The guide's pages in the order of its table of contents; each page's title is its first «# » line.
PAGES: tuple[str, ...] = (
    "index.md",
    "premiers-pas.md",
    "saison.md",
    "accueil.md",
    "eleves.md",
    "contacts.md",
    "avenirpro.md",
    "entretiens.md",
    "parcours.md",
    "annuaire.md",
    "bilan.md",
    "import.md",
    "parametres.md",
    "protection-des-donnees.md",
    "raccourcis.md",
    "accessibilite.md",
)
# The page of each screen, by class name (a class's bases count too: a dialog built on another finds its page).
SCREEN_PAGES: dict[str, str] = {
    "WelcomePage": "premiers-pas.md",
    "WorklistsView": "accueil.md",
    "CaseloadView": "eleves.md",
    "YouthDetail": "eleves.md",
    "ExamResultsDialog": "eleves.md",
    "ContactDialog": "contacts.md",
    "MassContactDialog": "contacts.md",
    "InformationDialog": "contacts.md",
    "Phase1View": "avenirpro.md",
    "WorkshopDialog": "avenirpro.md",
    "InterviewDialog": "avenirpro.md",
    "EventDialog": "avenirpro.md",
    "SlotsView": "entretiens.md",
    "SlotSeriesDialog": "entretiens.md",
    "SlotEditDialog": "entretiens.md",
    "ChooseSlotDialog": "entretiens.md",
    "PrepareDayDialog": "entretiens.md",
    "InterviewFormDialog": "entretiens.md",
    "PathwaysView": "parcours.md",
    "CatalogueDialog": "parcours.md",
    "OfficeListDialog": "parcours.md",
    "AllowanceDialog": "parcours.md",
    "DirectoryView": "annuaire.md",
    "PartnerDialog": "annuaire.md",
    "PersonDialog": "annuaire.md",
    "BilanView": "bilan.md",
    "YouthListDialog": "bilan.md",
    "NetworkReportDialog": "bilan.md",
    "ImportDialog": "import.md",
    "SettingsDialog": "parametres.md",
    "LoginDialog": "parametres.md",
    "BackupDialog": "protection-des-donnees.md",
    "AuditDialog": "protection-des-donnees.md",
    "PassphraseDialog": "protection-des-donnees.md",
}
# Windows that never get F1: the lock screen hides the data and takes every key.
NO_HELP_WINDOWS = frozenset({"LockScreen", "_Cover", "HelpWindow"})
IMAGE_MARGIN = 40


def page_title(page: str) -> str:
    """The first «# » heading of a page, else its file name."""
    path = guide_dir() / page
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("# "):
                    return line[2:].strip()
    except OSError:
        pass
    return page


def page_for(widget: QObject | None) -> str:
    """The page of the screen `widget` belongs to: the nearest `help_page` property or class of SCREEN_PAGES up
    its parent chain; the guide's contents page when none names one."""
    while widget is not None:
        named = widget.property("help_page")
        if named:
            return str(named)
        for cls in type(widget).__mro__:
            if cls.__name__ in SCREEN_PAGES:
                return SCREEN_PAGES[cls.__name__]
        widget = widget.parent()
    return HOME_PAGE


def page_for_window(window: QWidget) -> str:
    """The page of what the window shows: the focus widget's screen, else its current tab's."""
    focus = QApplication.focusWidget()
    if focus is not None and focus.window() is window:
        page = page_for(focus)
        if page != HOME_PAGE:
            return page
    tabs = getattr(window, "tabs", None)
    stack = getattr(window, "stack", None)
    current = stack.currentWidget() if stack is not None else None
    if tabs is not None and current is tabs:
        tab = tabs.currentWidget()
        current = getattr(tab, "view", None) or tab
    return page_for(current)


class HelpWindow(QWidget):
    """The guide: the list of pages, the page, back and forward, and a search in the page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Guide d'utilisation — PAE Desktop")
        self.setAccessibleName("Guide d'utilisation")
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Page du guide")
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(guide_dir())])
        self.browser.sourceChanged.connect(self._page_shown)
        self.pages = QListWidget()
        self.pages.setAccessibleName("Pages du guide")
        for page in PAGES:
            item = QListWidgetItem(page_title(page))
            item.setData(Qt.ItemDataRole.UserRole, page)
            self.pages.addItem(item)
        self.pages.itemActivated.connect(self._page_chosen)
        self.pages.currentItemChanged.connect(lambda item, _old: item is not None and self._page_chosen(item))
        self.pages.setMinimumWidth(180)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher dans le guide (Ctrl+F)")
        self.search.setAccessibleName("Rechercher dans le guide")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find_next)
        self.search.textChanged.connect(self._filter_pages)
        self.found = QLabel()
        self.found.setAccessibleName("Résultat de la recherche")
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        QShortcut(QKeySequence.StandardKey.FindNext, self, self.find_next)
        QShortcut(QKeySequence.StandardKey.FindPrevious, self, lambda: self.find_next(backward=True))
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self._build_layout()
        self.resize(*self._initial_size())

    def _build_layout(self) -> None:
        self.back_button = QPushButton("◀ &Reculer")
        self.back_button.setAccessibleName("Page précédemment lue")
        self.back_button.setToolTip("Revenir à la page lue avant (Alt+Gauche)")
        self.back_button.clicked.connect(self.browser.backward)
        self.forward_button = QPushButton("&Avancer ▶")
        self.forward_button.setAccessibleName("Page lue ensuite")
        self.forward_button.setToolTip("Aller à la page lue après (Alt+Droite)")
        self.forward_button.clicked.connect(self.browser.forward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.browser.forwardAvailable.connect(self.forward_button.setEnabled)
        self.back_button.setEnabled(False)
        self.forward_button.setEnabled(False)
        QShortcut(QKeySequence.StandardKey.Back, self, self.browser.backward)
        QShortcut(QKeySequence.StandardKey.Forward, self, self.browser.forward)
        home = QPushButton("&Sommaire")
        home.setAccessibleName("Revenir au sommaire")
        home.clicked.connect(lambda: self.open_page(HOME_PAGE))
        next_match = QPushButton("Suiva&nt")
        next_match.setAccessibleName("Occurrence suivante dans la page")
        next_match.setToolTip("Occurrence suivante dans la page (Entrée, F3)")
        next_match.clicked.connect(self.find_next)
        search_label = QLabel("Re&chercher :")
        search_label.setBuddy(self.search)
        bar = QHBoxLayout()
        for widget in (self.back_button, self.forward_button, home):
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(search_label)
        bar.addWidget(self.search, 1)
        bar.addWidget(next_match)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.pages)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 700])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.found)
        layout.addWidget(splitter, 1)

    def _initial_size(self) -> tuple[int, int]:
        """960×720, never larger than nine tenths of the screen."""
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is None:
            return 960, 720
        return min(960, int(screen.width() * 0.9)), min(720, int(screen.height() * 0.9))

    # pages
    def open_page(self, page: str) -> None:
        """Show a page of the guide (a name of PAGES, or any Markdown file of the guide's folder)."""
        path = guide_dir() / page
        if not path.is_file():
            path = guide_dir() / HOME_PAGE
        self.browser.setSource(QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource)

    def current_page(self) -> str:
        return Path(self.browser.source().toLocalFile()).name

    def _page_chosen(self, item: QListWidgetItem) -> None:
        page = item.data(Qt.ItemDataRole.UserRole)
        if page != self.current_page():
            self.open_page(page)

    def _page_shown(self, url: QUrl) -> None:
        page = Path(url.toLocalFile()).name
        self.setWindowTitle(f"{page_title(page)} — Guide d'utilisation — PAE Desktop")
        for row in range(self.pages.count()):
            item = self.pages.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == page:
                self.pages.blockSignals(True)
                self.pages.setCurrentItem(item)
                self.pages.blockSignals(False)
        self.found.clear()
        self._fit_images()

    def _fit_images(self) -> None:
        """Pictures wider than the page are shown at the page's width (their proportions kept)."""
        margin = 2 * self.browser.document().documentMargin() + IMAGE_MARGIN
        width = max(200, self.browser.viewport().width() - margin)
        document = self.browser.document()
        cursor = QTextCursor(document)
        block = document.begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                image = (
                    fragment.charFormat().toImageFormat() if fragment.charFormat().isImageFormat() else None
                )
                if image is not None:
                    fitted = QTextImageFormat(image)
                    natural = QImageReader(str(guide_dir() / image.name())).size()  # pages sit beside images/
                    if natural.isValid():
                        scale = min(1.0, width / natural.width())
                        fitted.setWidth(natural.width() * scale)
                        fitted.setHeight(natural.height() * scale)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(
                        fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                    )
                    cursor.setCharFormat(fitted)
                iterator += 1
            block = block.next()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_images()

    # search
    def find_next(self, backward: bool = False) -> bool:
        """The next occurrence of the searched text in the page, from the top again after the last one."""
        text = self.search.text().strip()
        if not text:
            self.found.clear()
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if self.browser.find(text, flags):
            self.found.clear()
            return True
        cursor = self.browser.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start)
        self.browser.setTextCursor(cursor)
        if self.browser.find(text, flags):
            self.found.clear()
            return True
        items = [self.pages.item(row) for row in range(self.pages.count())]
        elsewhere = [item.text() for item in items if not item.isHidden()]
        self.found.setText(
            f"« {text} » ne figure pas dans cette page."
            + (f" Pages qui le contiennent : {', '.join(elsewhere)}." if elsewhere else "")
        )
        return False

    def _filter_pages(self, text: str) -> None:
        """The table of contents keeps the pages that contain the searched words (accents and case ignored)."""
        wanted = fold(text).split()
        for row in range(self.pages.count()):
            item = self.pages.item(row)
            text = page_text(item.data(Qt.ItemDataRole.UserRole)) if wanted else ""
            item.setHidden(not all(word in text for word in wanted))


def page_text(page: str) -> str:
    """A page's text folded for search (no accents, lower case)."""
    try:
        return fold((guide_dir() / page).read_text(encoding="utf-8"))
    except OSError:
        return ""


def show_help(page: str, parent: QWidget) -> HelpWindow:
    """Open (or bring up) the guide at `page`, owned by `parent`'s window: a guide opened from a modal dialog
    stays usable beside it."""
    owner = parent.window()
    window = next((child for child in owner.children() if isinstance(child, HelpWindow)), None)
    if window is None:
        window = HelpWindow(owner)
    window.open_page(page)
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def _add_f1(window: QWidget) -> None:
    """F1 in a window other than the main one (a dialog): the guide at that window's page."""
    if window.property("pae_help_f1") or type(window).__name__ in NO_HELP_WINDOWS:
        return
    window.setProperty("pae_help_f1", True)

    def open_here() -> None:
        focus = QApplication.focusWidget()
        show_help(page_for(focus if focus is not None and focus.window() is window else window), window)

    QShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents), window, open_here)


def install_help(window: QWidget, menu: QMenu) -> QAction:
    """«Guide d'utilisation» first in the «Aide» menu, F1 in the main window and in every dialog it opens."""
    action = QAction("&Guide d'utilisation", window)
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    action.setStatusTip("Le guide, à la page de l'écran affiché (F1)")
    action.triggered.connect(lambda: show_help(page_for_window(window), window))
    window.setProperty(
        "pae_help_f1", True
    )  # its F1 is the action: no second shortcut from another window's hook
    first = menu.actions()[0] if menu.actions() else None
    menu.insertAction(first, action)
    if first is not None:
        menu.insertSeparator(first)

    def focus_changed(_old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and new.window() is not window:
            _add_f1(new.window())

    app = QApplication.instance()
    app.focusChanged.connect(focus_changed)
    window.destroyed.connect(lambda: _disconnect(app, focus_changed))
    return action


def _disconnect(app: QApplication, slot) -> None:
    try:
        app.focusChanged.disconnect(slot)
    except (RuntimeError, TypeError):
        pass
