"""Start the window: French translations, logging to the data folder, uncaught errors shown, never silent."""

from __future__ import annotations

import gc
import logging
import os
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from pae_desktop import __version__
from pae_desktop.core.bulk import collector_paused
from pae_desktop.core.errors import UserError
from pae_desktop.storage import paths
from pae_desktop.ui.qt_french import french_sample, install_french, sample_is_french

log = logging.getLogger("pae_desktop")


def setup_logging(data_dir: Path) -> Path:
    folder = paths.ensure_private_dir(data_dir / paths.LOG_DIR)
    log_file = folder / "pae-desktop.log"
    handler = RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    paths.make_private(log_file)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s : %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return log_file


def use_data_dir_settings(data_dir: Path) -> None:
    """Qt's own settings (window geometry, recent files) as an INI file in the data folder, never the registry:
    a portable folder carries them along (specs/cli.md)."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(data_dir))


def install_excepthook(log_file: Path | None) -> None:
    def hook(kind, value, tb) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        log.error("Erreur non interceptée :\n%s", text)
        if QApplication.instance() is None:
            sys.__excepthook__(kind, value, tb)
            return
        if isinstance(value, UserError):
            QMessageBox.warning(None, "PAE Desktop", str(value))
            return
        where = f"\n\nLe détail a été enregistré dans :\n{log_file}" if log_file else ""
        QMessageBox.critical(
            None,
            "PAE Desktop — erreur inattendue",
            "Une erreur inattendue s'est produite. Vos données déjà enregistrées ne sont pas perdues ; "
            f"l'opération en cours a été annulée.{where}\n\n{kind.__name__} : {value}",
        )

    sys.excepthook = hook


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("PAE Desktop")
    app.setOrganizationName("PAE Desktop")
    app.setApplicationVersion(__version__)
    icon = paths.resource("icons", "pae-desktop.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    install_french(app)
    from pae_desktop.ui.screen_fit import install_screen_clamp

    install_screen_clamp(app)  # no dialog larger than its screen
    return app


def run_app(
    data_dir: str | None = None, database_url: str | None = None, import_files: list[str] | None = None
) -> int:
    """The window on the data folder's database; `import_files` (the desktop entry's %F, a file dropped on the
    program) open in the import dialog once the window is shown."""
    # Start-up allocates what lives as long as the process (modules, the ORM's tables, the window): the cyclic
    # collector's ~170 passes over them found nothing and cost 60 ms before the first paint. Paused until the
    # window is shown, then what start-up allocated is frozen out of later scans, so that a full collection on a
    # worker thread no longer freezes the GUI for 100 ms or more (the ORM models, declared by the first
    # background load after the paint, are not in this).
    with collector_paused():
        app = make_application()
        if os.environ.get("PAE_DESKTOP_CHECK_FRENCH"):  # smoke tests of a build: Qt's own texts in French?
            return check_french()
        from pae_desktop.ui.keyboard import KeyboardAids

        aids = KeyboardAids(app)  # Alt+letters without clashes, a focus ring Tab users see: until the end
        window = open_window(app, data_dir, database_url)
        gc.freeze()
    with aids:
        if window is None:
            return 1
        if import_files and hasattr(window, "import_files"):  # the recovery window imports nothing
            QTimer.singleShot(0, lambda: window.import_files(list(import_files)))
        if os.environ.get("PAE_DESKTOP_EXIT_AFTER_SHOW"):  # smoke tests of a build: the window opens, then quits
            QTimer.singleShot(0, app.quit)
        return app.exec()


def check_french() -> int:
    """Print what Qt's own widgets say (`ui.qt_french.french_sample`); 0 when it is all French."""
    sample = french_sample()
    for what, text in sample.items():
        print(f"{what} : {text}")
    return 0 if sample_is_french(sample) else 1


def open_window(app: QApplication, data_dir: str | None, database_url: str | None):
    """The main window shown on the data folder's database; None, the reason said, if it cannot be opened."""
    folder = paths.ensure_private_dir(paths.resolve_data_dir(data_dir))
    use_data_dir_settings(folder)
    log_file = setup_logging(folder)
    install_excepthook(log_file)
    from pae_desktop import first_lists
    from pae_desktop.storage.diagnosis import DamagedDatabase
    from pae_desktop.ui.lock_screen import open_database_with_prompt
    from pae_desktop.ui.login_dialog import open_with_login

    try:  # a shared server without a stored password: the staff member's own login, asked here
        db = open_with_login(folder, database_url, open_database_with_prompt)
    except DamagedDatabase as damaged:  # the recovery screen, never a welcome screen beside the backups
        from pae_desktop.ui.recovery import RecoveryWindow

        log.warning("Base endommagée : %s", damaged.damage.message())
        first_lists.not_needed()
        recovery = RecoveryWindow(folder, damaged.damage, database_url)
        recovery.show()
        return recovery
    except UserError as error:
        first_lists.not_needed()
        QMessageBox.critical(None, "PAE Desktop", str(error))
        return None
    first_lists.arm(db)  # the first home lists derived on the second core, once the window is painted
    from pae_desktop.ui.main_window import MainWindow

    window = MainWindow(db)
    window.show()
    return window
