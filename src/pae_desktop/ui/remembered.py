"""What the window remembers between sessions (QSettings, in the data folder): geometry, splitters, columns,
the last tab; restored only where it fits the current screen."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter, QTableView, QWidget

from pae_desktop.ui.screen_fit import fit_to_screen, place_first_window

GEOMETRY = "window/geometry"
STATE = "window/state"
LAST_TAB = "window/last_tab"


def app_settings() -> QSettings:
    """The application's settings: an INI file in the data folder (`ui.app.use_data_dir_settings`)."""
    return QSettings()


def save_window(window: QMainWindow, settings: QSettings | None = None) -> None:
    settings = settings or app_settings()
    settings.setValue(GEOMETRY, window.saveGeometry())
    settings.setValue(STATE, window.saveState())


def restore_window(window: QMainWindow, settings: QSettings | None = None) -> bool:
    """The geometry and toolbars of the last session, clamped to this screen; else the first geometry (most of
    the screen, centred). True when something was restored."""
    settings = settings or app_settings()
    geometry, state = settings.value(GEOMETRY), settings.value(STATE)
    restored = isinstance(geometry, QByteArray | bytes) and window.restoreGeometry(QByteArray(geometry))
    if isinstance(state, QByteArray | bytes):
        window.restoreState(QByteArray(state))
    if restored:
        fit_to_screen(window)
    else:
        place_first_window(window)
    return restored


def _key(owner: QWidget, kind: str, index: int, widget: QWidget) -> str:
    return f"views/{type(owner).__name__}/{kind}/{widget.objectName() or index}"


def save_view(owner: QWidget, settings: QSettings | None = None) -> None:
    """The splitters' positions and the tables' column widths of a view, keyed by the view's class and the
    widget's objectName (else its rank among its kind)."""
    settings = settings or app_settings()
    for index, splitter in enumerate(owner.findChildren(QSplitter)):
        settings.setValue(_key(owner, "splitter", index, splitter), splitter.saveState())
    for index, table in enumerate(owner.findChildren(QTableView)):
        header = table.horizontalHeader()
        if header.count():
            widths = [header.sectionSize(i) for i in range(header.count())]
            settings.setValue(_key(owner, "columns", index, table), ",".join(map(str, widths)))


def restore_view(owner: QWidget, settings: QSettings | None = None) -> None:
    """What `save_view` kept, put back: splitters at once, column widths as soon as the table has the same
    columns as when they were saved (the views load their rows in the background)."""
    settings = settings or app_settings()
    for index, splitter in enumerate(owner.findChildren(QSplitter)):
        state = settings.value(_key(owner, "splitter", index, splitter))
        if isinstance(state, QByteArray | bytes):
            splitter.restoreState(QByteArray(state))
    for index, table in enumerate(owner.findChildren(QTableView)):
        saved = settings.value(_key(owner, "columns", index, table))
        saved = ",".join(saved) if isinstance(saved, list) else saved  # an INI file may read it back as a list
        if isinstance(saved, str) and saved:
            _restore_columns(table.horizontalHeader(), [int(width) for width in saved.split(",") if width.isdigit()])


def _restore_columns(header: QHeaderView, widths: list[int]) -> None:
    def apply() -> bool:
        if header.count() != len(widths):
            return False
        last = header.count() - 1 if header.stretchLastSection() else -1
        for section, width in enumerate(widths):
            interactive = header.sectionResizeMode(section) == QHeaderView.ResizeMode.Interactive
            if section != last and interactive and width > 0 and not header.isSectionHidden(section):
                header.resizeSection(section, max(width, header.minimumSectionSize()))
        return True

    if apply():
        return

    def once(_count: int) -> None:
        if apply():
            header.sectionCountChanged.disconnect(once)

    header.sectionCountChanged.connect(once)


def last_tab(settings: QSettings | None = None) -> str:
    return str((settings or app_settings()).value(LAST_TAB, "") or "")


def save_last_tab(name: str, settings: QSettings | None = None) -> None:
    (settings or app_settings()).setValue(LAST_TAB, name)
