"""The user guide's window: its pages (Markdown, read offline), back and forward, and a search."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImageReader, QKeySequence, QShortcut, QTextCursor, QTextDocument, QTextImageFormat
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.resources import guide_dir
from pae_desktop.core.text import fold
from pae_desktop.ui.help import HOME_PAGE, PAGES, page_title

IMAGE_MARGIN = 40


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
