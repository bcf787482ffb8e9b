"""Take the user guide's screenshots from the demonstration school: one PNG per screen into docs/guide/images/.

    PYTHONPATH=src .venv/bin/python scripts/guide_screenshots.py [--out DIR]

The demo school is built in a temporary folder on a fixed day (the same pictures on every run), the window is
sized 1366×768 (the smallest school laptop) and every screen is grabbed, scaled to at most 1200 px wide and saved
as an optimised PNG of 256 colours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

SIZE = (1366, 768)
# Off screen, a screen of that size: the application keeps every window inside its screen, and the offscreen
# platform's own is 800×600. (Under a real display, QT_QPA_PLATFORM=xcb, that display's screen is used.)
if "QT_QPA_PLATFORM" not in os.environ:
    _screen = Path(tempfile.mkdtemp(prefix="pae-guide-screen-")) / "screen.json"
    _geometry = {"name": "guide", "x": 0, "y": 0, "width": SIZE[0], "height": SIZE[1], "logicalDpi": 96}
    _screen.write_text(json.dumps({"screens": [_geometry]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

DAY = dt.date(2026, 10, 12)  # the autumn of campaign 2026: pathways under way, last year's bilan closed
MAX_WIDTH = 1200


def save(widget: QWidget, out: Path, name: str) -> Path:
    """Grab `widget` as it is painted now, scaled to MAX_WIDTH at most, into out/name.png."""
    QTest.qWait(150)
    if hasattr(widget, "statusBar"):
        widget.statusBar().clearMessage()  # not the temporary folder's name
    pixmap = widget.grab()
    if pixmap.width() > MAX_WIDTH:
        pixmap = pixmap.scaledToWidth(MAX_WIDTH, Qt.TransformationMode.SmoothTransformation)
    path = out / f"{name}.png"
    if not pixmap.save(str(path), "PNG"):
        raise SystemExit(f"Impossible d'écrire {path}")
    optimise(path)
    print(
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({path.stat().st_size // 1024} Kio)"
    )
    return path


def optimise(path: Path) -> None:
    """256 colours without dithering (a screenshot has few, the text stays sharp), then optimised: a third of the
    size. Pillow comes with reportlab."""
    from PIL import Image

    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    palette.save(path, optimize=True)


def grab_dialog(dialog: QWidget, out: Path, name: str) -> None:
    dialog.show()
    QTest.qWait(100)
    save(dialog, out, name)
    dialog.hide()  # hide, not close: a form never asks «Abandonner les modifications ?» here
    dialog.deleteLater()


def build_demo(folder: Path):
    from pae_desktop.core.services.demo import generate_demo
    from pae_desktop.storage.database import open_database

    db = open_database(folder)
    with db.transaction() as session:
        generate_demo(session, today=DAY)
    return db


def main_tabs(window, out: Path) -> None:
    names = {
        "WorklistsView": "accueil",
        "CaseloadView": "eleves",
        "Phase1View": "avenirpro",
        "SlotsView": "entretiens",
        "PathwaysView": "parcours",
        "DirectoryView": "annuaire",
        "BilanView": "bilan",
    }
    for class_name, name in names.items():
        tab = window.views[class_name]
        window.tabs.setCurrentWidget(tab)
        view = tab.build()
        if class_name == "CaseloadView":
            view.table.selectRow(3)
        if class_name == "PathwaysView":
            first = first_youth_with_pathway(window.context)
            if first is not None:
                view.show_youth(first)
        save(window, out, name)


def first_youth_with_pathway(context) -> int | None:
    from sqlalchemy import select

    from pae_desktop.core.models import Pathway, Youth

    query = select(Pathway.youth_id).join(Youth, Youth.id == Pathway.youth_id)
    with context.db.read() as session:
        return session.scalars(
            query.where(Youth.campaign_id == context.campaign_id).order_by(Pathway.id)
        ).first()


def dialogs(window, out: Path) -> None:
    from pae_desktop.core.services.document_records import latest_interview_id
    from pae_desktop.ui.allowance import AllowanceDialog
    from pae_desktop.ui.contact_dialog import ContactDialog
    from pae_desktop.ui.import_dialog import ImportDialog
    from pae_desktop.ui.interview_day import PrepareDayDialog
    from pae_desktop.ui.interview_form import InterviewFormDialog
    from pae_desktop.ui.settings_dialog import SettingsDialog

    context = window.context
    youth = first_youth_with_pathway(context)
    grab_dialog(ContactDialog(context, youth, window), out, "tentative-de-contact")
    grab_dialog(ImportDialog(context, [], window), out, "import")
    grab_dialog(SettingsDialog(context, window), out, "parametres")
    grab_dialog(PrepareDayDialog(context, context.campaign_id, DAY, None, window), out, "preparer-la-journee")
    grab_dialog(AllowanceDialog(context, window), out, "aplypro")
    with context.db.read() as session:
        interview = latest_interview_id(session, youth)
    grab_dialog(InterviewFormDialog(context, youth, interview, parent=window), out, "fiche-entretien")


def welcome(out: Path) -> None:
    """The first launch: an empty data folder shows the welcome page."""
    from pae_desktop.storage.database import open_database
    from pae_desktop.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="pae-guide-") as folder:
        db = open_database(Path(folder))
        window = MainWindow(db, maintenance=False)
        window.resize(*SIZE)
        window.show()
        QTest.qWait(200)
        save(window, out, "bienvenue")
        window.close()
        db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "guide" / "images")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("pae-desktop-guide")
    from pae_desktop.ui import tasks
    from pae_desktop.ui.main_window import MainWindow

    tasks.use_runner(tasks.run_now)  # the lists load at once: each picture shows them filled
    with tempfile.TemporaryDirectory(prefix="pae-guide-") as folder:
        db = build_demo(Path(folder))
        window = MainWindow(db, maintenance=False)
        window.resize(*SIZE)
        window.show()
        QTest.qWait(300)
        main_tabs(window, args.out)
        dialogs(window, args.out)
        window.close()
        db.close()
    welcome(args.out)
    total = sum(path.stat().st_size for path in args.out.glob("*.png"))
    print(f"Total : {total / 1_000_000:.2f} Mo")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
