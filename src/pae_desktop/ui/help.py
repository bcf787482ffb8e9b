"""F1 and «Aide → Guide d'utilisation»: the user guide (docs/guide/) at the page of the current screen.

A screen names its page either by a `help_page` property (set on any widget or dialog) or by its class in
SCREEN_PAGES; F1 walks up from the widget that has the focus to the first one that names a page.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from pae_desktop.core.resources import guide_dir

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
    "AboutDialog": "parametres.md",
    "LicencesDialog": "parametres.md",
}
# Windows that never get F1: the lock screen hides the data and takes every key.
NO_HELP_WINDOWS = frozenset({"LockScreen", "_Cover", "HelpWindow"})
# Windows that have no page of their own: F1 there opens the page of the screen that asked the question
# (page_for walks up to the parent), e.g. typing a youth's name before erasing a file.
PARENT_PAGE_WINDOWS = frozenset({"ConfirmByTypingDialog"})


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


def show_help(page: str, parent: QWidget):
    """Open (or bring up) the guide at `page`, owned by `parent`'s window: a guide opened from a modal dialog
    stays usable beside it. The window's module is imported on the first F1, not at start-up."""
    if not (guide_dir() / HOME_PAGE).is_file():
        from pae_desktop.ui.widgets import show_error

        show_error(
            parent,
            f"Le guide d'utilisation est introuvable : le dossier {guide_dir()} manque à l'installation.",
        )
        return None
    from pae_desktop.ui.help_window import HelpWindow

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
