"""The user guide (docs/guide/) and its window: pages, links and pictures that exist, F1 at the current screen's
page in the main window and in dialogs, search, and the guide found from a checkout and from a bundle."""

from __future__ import annotations

import re
import sys

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImageReader
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QWidget

from pae_desktop.core import resources
from pae_desktop.core.resources import guide_dir
from pae_desktop.ui import help as guide
from pae_desktop.ui.help import PAGES, SCREEN_PAGES, page_for
from pae_desktop.ui.help_window import HelpWindow
from pae_desktop.ui.main_window import MainWindow

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
TAB_PAGES = {
    "WorklistsView": "accueil.md",
    "CaseloadView": "eleves.md",
    "Phase1View": "avenirpro.md",
    "SlotsView": "entretiens.md",
    "PathwaysView": "parcours.md",
    "DirectoryView": "annuaire.md",
    "BilanView": "bilan.md",
}


def markdown_files():
    return sorted(guide_dir().glob("*.md"))


def test_the_guide_is_found_in_the_checkout_and_in_the_bundle(monkeypatch, tmp_path):
    assert (guide_dir() / "index.md").is_file()
    bundled = tmp_path / "docs" / "guide"
    bundled.mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.guide_dir() == bundled


def test_every_page_of_the_contents_and_of_the_screens_exists_with_a_title():
    for page in set(PAGES) | set(SCREEN_PAGES.values()):
        path = guide_dir() / page
        assert path.is_file(), page
        assert guide.page_title(page) != page, f"{page} n'a pas de titre « # »"
    # no page left out of the contents
    assert {path.name for path in markdown_files()} == set(PAGES)


def test_every_link_and_picture_of_the_guide_exists():
    targets = 0
    for path in markdown_files():
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            file = target.split("#", 1)[0]
            assert (guide_dir() / file).is_file(), f"{path.name} : lien vers {target} introuvable"
            targets += 1
    assert targets > 30


def test_every_main_screen_has_its_picture_of_reasonable_size():
    images = guide_dir() / "images"
    for name in ("accueil", "eleves", "avenirpro", "entretiens", "parcours", "annuaire", "bilan"):
        size = QImageReader(str(images / f"{name}.png")).size()
        assert size.isValid(), name
        assert size.width() <= 1200
    assert sum(path.stat().st_size for path in images.glob("*.png")) < 3_500_000


def test_pages_link_to_each_other_back_and_forward(qtbot):
    window = HelpWindow()
    qtbot.addWidget(window)
    window.open_page("index.md")
    assert window.current_page() == "index.md"
    assert "Sommaire" in window.browser.toPlainText()
    window.browser.setSource(window.browser.source().resolved(QUrl("eleves.md")))
    assert window.current_page() == "eleves.md"
    assert window.browser.toPlainText().startswith("Élèves")
    assert window.pages.currentItem().text() == "Élèves"
    window.back_button.click()
    assert window.current_page() == "index.md"
    window.forward_button.click()
    assert window.current_page() == "eleves.md"
    window.open_page("nexiste-pas.md")  # an unknown page: the contents, never an empty window
    assert window.current_page() == "index.md"


def test_pictures_are_shown_and_fitted_to_the_page(qtbot):
    window = HelpWindow()
    qtbot.addWidget(window)
    window.resize(700, 600)
    window.show()
    window.open_page("accueil.md")
    images = [
        fragment.charFormat().toImageFormat()
        for block in iter_blocks(window.browser.document())
        for fragment in iter_fragments(block)
        if fragment.charFormat().isImageFormat()
    ]
    assert [image.name() for image in images] == ["images/accueil.png"]
    assert 0 < images[0].width() <= window.browser.viewport().width()


def iter_blocks(document):
    block = document.begin()
    while block.isValid():
        yield block
        block = block.next()


def iter_fragments(block):
    iterator = block.begin()
    while not iterator.atEnd():
        yield iterator.fragment()
        iterator += 1


def test_search_finds_in_the_page_and_narrows_the_contents(qtbot):
    window = HelpWindow()
    qtbot.addWidget(window)
    window.open_page("accueil.md")
    qtbot.keyClicks(window.search, "psad")
    assert window.find_next()
    assert window.browser.textCursor().selectedText().lower() == "psad"
    shown = {
        window.pages.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(window.pages.count())
        if not window.pages.item(row).isHidden()
    }
    assert "accueil.md" in shown and "raccourcis.md" not in shown
    window.search.setText("eleve")  # accents and case ignored: «élève», «Élèves»
    assert not window.pages.item(PAGES.index("eleves.md")).isHidden()
    window.search.setText("mot introuvable")
    assert not window.find_next()
    assert "ne figure pas dans cette page" in window.found.text()


def test_a_screen_names_its_page_by_class_or_property(qtbot):
    outer = QWidget()
    qtbot.addWidget(outer)
    inner = QLineEdit(outer)
    assert page_for(inner) == "index.md"
    outer.setProperty("help_page", "bilan.md")
    assert page_for(inner) == "bilan.md"


def test_typing_a_name_to_confirm_shows_the_page_of_the_screen_that_asked(qtbot):
    from pae_desktop.ui.confirmations import ConfirmByTypingDialog

    screen = QWidget()
    qtbot.addWidget(screen)
    screen.setProperty("help_page", "parcours.md")
    dialog = ConfirmByTypingDialog(screen, "Supprimer le parcours ?", "DURAND Léa", "Supprimer le parcours")
    assert page_for(dialog) == "parcours.md"


@pytest.fixture
def main_window(qtbot, demo_db):
    window = MainWindow(demo_db, maintenance=False)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    window.activateWindow()
    yield window
    for child in window.findChildren(HelpWindow):
        child.close()


def shown_help(owner: QWidget) -> HelpWindow:
    windows = [child for child in owner.children() if isinstance(child, HelpWindow)]
    assert len(windows) == 1
    return windows[0]


def test_the_help_menu_offers_the_guide_on_f1(main_window):
    action = main_window.help_action
    assert action.shortcut().toString() == "F1"
    assert action.text().replace("&", "") == "Guide d'utilisation"
    help_menu = next(a.menu() for a in main_window.menuBar().actions() if a.text() == "&Aide")
    assert help_menu.actions()[0] is action


def test_f1_on_each_main_tab_opens_its_page(main_window, qtbot):
    tested = 0
    for class_name, page in TAB_PAGES.items():
        tab = main_window.views[class_name]
        if not main_window.tabs.isTabVisible(main_window.tabs.indexOf(tab)):
            continue
        main_window.tabs.setCurrentWidget(tab)
        view = tab.build()
        focusable = next(
            (
                w
                for w in view.findChildren(QWidget)
                if w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.isVisible()
            ),
            None,
        )
        if (
            focusable is not None and tested % 2 == 0
        ):  # half with the focus inside the view, half on the tab bar
            focusable.setFocus()
        else:
            main_window.tabs.tabBar().setFocus()
        qtbot.keyClick(QApplication.focusWidget() or main_window, Qt.Key.Key_F1)
        help_window = shown_help(main_window)
        assert help_window.current_page() == page, class_name
        assert help_window.isVisible()
        tested += 1
    assert tested >= 6


def test_f1_in_a_dialog_opens_the_dialog_page(main_window, qtbot):
    from pae_desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(main_window.context, main_window)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    field = dialog.findChildren(QLineEdit)[0]
    field.setFocus()
    qtbot.waitUntil(lambda: bool(dialog.property("pae_help_f1")))
    qtbot.keyClick(field, Qt.Key.Key_F1)
    help_window = shown_help(dialog)  # owned by the dialog: usable beside a modal dialog
    assert help_window.current_page() == "parametres.md"
    assert not [child for child in main_window.children() if isinstance(child, HelpWindow)]


def test_f1_in_the_contact_dialog_opens_the_contact_page(main_window, qtbot):
    from sqlalchemy import select

    from pae_desktop.core.models import Youth
    from pae_desktop.ui.contact_dialog import ContactDialog

    with main_window.context.db.read() as session:
        youth_id = session.scalars(select(Youth.id).limit(1)).one()
    dialog = ContactDialog(main_window.context, youth_id, main_window)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    QApplication.focusWidget() or dialog.focusNextChild()
    focus = QApplication.focusWidget()
    qtbot.waitUntil(lambda: bool(dialog.property("pae_help_f1")))
    qtbot.keyClick(focus, Qt.Key.Key_F1)
    assert shown_help(dialog).current_page() == "contacts.md"


def test_f1_on_the_welcome_page_opens_the_first_steps(qtbot, db):
    window = MainWindow(db, maintenance=False)  # no school yet: the welcome page
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    window.activateWindow()
    window.stack.currentWidget().setup_button.setFocus()
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F1)
    assert shown_help(window).current_page() == "premiers-pas.md"


def test_the_guide_opened_from_a_modal_dialog_answers_beside_it(main_window, qtbot):
    """A dialog run with exec() blocks every other window: the guide it opens is its own, and stays usable."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog, QVBoxLayout

    class ImportDialog(QDialog):  # named like the import's dialog: its page
        pass

    dialog = ImportDialog(main_window)
    QVBoxLayout(dialog).addWidget(QLineEdit())
    seen = {}

    def while_modal() -> None:
        try:
            qtbot.waitUntil(lambda: bool(dialog.property("pae_help_f1")))
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F1)
            help_window = shown_help(dialog)
            seen["page"] = help_window.current_page()
            home = next(b for b in help_window.findChildren(QPushButton) if b.text() == "&Sommaire")
            qtbot.mouseClick(home, Qt.MouseButton.LeftButton)  # a blocked window would drop the click
            seen["after click"] = help_window.current_page()
            seen["modal"] = QApplication.activeModalWidget() is dialog
        finally:
            dialog.accept()  # never leave the test waiting on a modal dialog

    QTimer.singleShot(0, while_modal)
    dialog.exec()
    assert seen == {"page": "import.md", "after click": "index.md", "modal": True}


def test_tab_follows_the_reading_order_of_the_guide(qtbot):
    window = HelpWindow()
    qtbot.addWidget(window)
    window.show()
    chain = [window.back_button]
    widget = window.back_button
    for _ in range(6):
        widget = widget.nextInFocusChain()
        while (
            widget.focusPolicy() == Qt.FocusPolicy.NoFocus
            or not isinstance(widget, (QPushButton, QLineEdit))
            and widget not in (window.pages, window.browser)
        ):
            widget = widget.nextInFocusChain()
        chain.append(widget)
    names = [w.accessibleName() for w in chain]
    assert names == [
        "Page précédemment lue",
        "Page lue ensuite",
        "Revenir au sommaire",
        "Rechercher dans le guide",
        "Occurrence suivante dans la page",
        "Pages du guide",
        "Page du guide",
    ]


def test_every_dialog_of_the_application_has_its_page():
    import importlib
    import pkgutil

    from PySide6.QtWidgets import QDialog

    import pae_desktop.ui as ui

    for module in pkgutil.walk_packages(ui.__path__, "pae_desktop.ui."):
        importlib.import_module(module.name)
    dialogs = set()
    pending = [QDialog]
    while pending:
        for cls in pending.pop().__subclasses__():
            pending.append(cls)
            if cls.__module__.startswith("pae_desktop.ui."):
                dialogs.add(cls)
    assert len(dialogs) > 20
    without = sorted(
        cls.__name__
        for cls in dialogs
        if cls.__name__ not in guide.NO_HELP_WINDOWS | guide.PARENT_PAGE_WINDOWS
        and not any(base.__name__ in SCREEN_PAGES for base in cls.__mro__)
        and cls.__name__ not in {"GuardedDialog", "_Phase1Dialog"}  # bases, never shown as such
    )
    assert without == [], f"fenêtres sans page du guide (ui.help.SCREEN_PAGES) : {without}"


def test_a_missing_guide_says_so_in_french(qtbot, monkeypatch, tmp_path, no_blocking_message_boxes):
    monkeypatch.setattr(guide, "guide_dir", lambda: tmp_path / "docs" / "guide")
    owner = QWidget()
    qtbot.addWidget(owner)
    assert guide.show_help("accueil.md", owner) is None
    assert not [child for child in owner.children() if isinstance(child, HelpWindow)]
    kind, text = no_blocking_message_boxes[-1]
    assert kind == "warning" and "guide d'utilisation est introuvable" in text
