"""Every screen of the window on the demo school: each main tab, the youth's file, the pathway editor's tabs, the
interview form and every dialog of `pae_desktop.ui`, built as the application builds them and shown (not exec'd).

    from ui_catalogue import screens

    pytest_plugins = ("ui_catalogue",)  # the `demo_window` fixture

    def test_something(qtbot, demo_window):
        for name, widget in screens(qtbot, demo_window):
            ...  # `widget` is the shown top-level window (the main window or the dialog)

A dialog is closed and deleted once the loop moves on. `covered_dialogs()` lists the dialog classes the last
walk opened; `dialog_classes()` lists those the ui package defines (a test holds them together, so a new dialog
cannot be forgotten here).
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QTabWidget, QWidget
from sqlalchemy import select

TODAY = dt.date(2026, 11, 26)

_opened: set[type] = set()


@pytest.fixture
def demo_window(qtbot, db):
    """The main window on the demonstration school as it stands on TODAY (150 youths a campaign: the closed
    campaign 2025 and the current one, with its phase 1), shown."""
    from pae_desktop.core.services.demo import generate_demo
    from pae_desktop.ui import tasks
    from pae_desktop.ui.main_window import MainWindow

    with db.transaction() as session:
        generate_demo(session, seed=0, today=TODAY)
    tasks.use_runner(tasks.run_now)
    window = MainWindow(db, maintenance=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    with qtbot.waitExposed(window):
        window.show()
    yield window
    window._quiet()


def _ids(db, campaign_id: int | None = None) -> dict[str, int]:
    """One record of each kind the dialogs edit (a youth with a pathway of `campaign_id` when given)."""
    from pae_desktop.core.models import (
        InterviewSlot,
        Partner,
        Pathway,
        Person,
        Phase1Event,
        Phase1Interview,
        Phase1Workshop,
        Youth,
    )

    def first(session, column, *where):
        return session.scalars(select(column).where(*where).order_by(column).limit(1)).first()

    in_campaign = () if campaign_id is None else (Youth.campaign_id == campaign_id,)
    with db.read() as session:
        return {
            "youth": first(session, Pathway.youth_id, Pathway.youth_id == Youth.id, *in_campaign),
            "any_youth": first(session, Youth.id),
            "slot": first(session, InterviewSlot.id),
            "partner": first(session, Partner.id),
            "person": first(session, Person.id),
            "workshop": first(session, Phase1Workshop.id),
            "phase1_interview": first(session, Phase1Interview.id),
            "event": first(session, Phase1Event.id),
        }


def _settle() -> None:
    """Let what the screen queued run (zero timers queue more zero timers: a load, then what it shows)."""
    for _round in range(5):
        QApplication.processEvents()


def _show(qtbot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    _settle()
    return widget


def _close(widget: QWidget) -> None:
    widget.hide()  # not reject(): a guarded dialog would ask about what the walk typed
    widget.deleteLater()
    _settle()


def _select_tab(window, title: str) -> QWidget:
    tabs = window.tabs
    for index in range(tabs.count()):
        if tabs.tabText(index).replace("&", "") == title:
            tabs.setCurrentIndex(index)
            _settle()
            return tabs.widget(index).build()
    raise LookupError(title)


def _sub_tabs(name: str, tabs: QTabWidget, shown: QWidget) -> Iterator[tuple[str, QWidget]]:
    """Each page of a tab widget inside a screen, one screen each."""
    for index in range(tabs.count()):
        if tabs.isTabVisible(index):
            tabs.setCurrentIndex(index)
            _settle()
            yield f"{name} › {tabs.tabText(index).replace('&', '')}", shown
    tabs.setCurrentIndex(0)


def _window_screens(qtbot, window) -> Iterator[tuple[str, QWidget]]:
    tabs = window.tabs
    for index in range(tabs.count()):
        if not tabs.isTabVisible(index):
            continue
        tabs.setCurrentIndex(index)
        view = tabs.widget(index).build()
        _settle()
        name = f"Onglet {tabs.tabText(index).replace('&', '')}"
        inner = getattr(view, "tabs", None)
        if isinstance(inner, QTabWidget):
            yield from _sub_tabs(name, inner, window)
        else:
            yield name, window
    ids = _ids(window.context.db, window.context.campaign_id)
    caseload = _select_tab(window, "Élèves")
    caseload.detail.load(ids["youth"])
    _settle()
    yield "Élèves › dossier du jeune", window
    pathways = _select_tab(window, "Parcours")
    pathways.show_youth(ids["youth"])
    _settle()
    yield from _sub_tabs("Parcours › dossier", pathways.editor.tabs, window)


def _dialog_factories(window, tmp_folder) -> list[tuple[str, object]]:
    """(name, build) of every dialog, built as the window builds it; `build()` returns the unshown dialog."""
    from pae_desktop.core.services.campaigns import get_campaign
    from pae_desktop.storage import diagnosis
    from pae_desktop.ui import (
        allowance,
        audit_view,
        backup_dialog,
        bilan_dialogs,
        campaign_dialogs,
        contact_dialog,
        data_protection,
        directory,
        import_dialog,
        interview_day,
        interview_form,
        lock_screen,
        login_dialog,
        mass_contact,
        phase1_dialogs,
        recovery,
        settings_dialog,
        slot_dialogs,
    )
    from pae_desktop.ui.pathway_editor import dialogs as pathway_dialogs

    context = window.context
    ids = _ids(context.db, context.campaign_id)
    with context.db.read() as session:
        campaign_id = get_campaign(session, 2025).id
        from pae_desktop.core.services.interviews import slot_rows

        free = [r for r in slot_rows(session, campaign_id, TODAY - dt.timedelta(days=365), TODAY + dt.timedelta(days=365)) if r.free]
    people = [(ids["any_youth"], "DUPONT Jeanne", "TCAP-CUI", "Contactée")]
    youth_ids = [ids["youth"], ids["any_youth"]]

    def network_report():
        from foquale_rows import campaign_a
        from pae_desktop.core.services.consolidation import consolidate
        from pae_desktop.io import foquale

        path = tmp_folder / "reseau.csv"
        foquale.write_rows(path, campaign_a())
        return bilan_dialogs.NetworkReportDialog(consolidate([path]), window)

    def first_launch():
        from pae_desktop.storage.database import open_database
        from pae_desktop.ui.main_window import MainWindow

        folder = tmp_folder / "premier-lancement"
        folder.mkdir(exist_ok=True)
        return MainWindow(open_database(folder), maintenance=False)

    empty = tmp_folder / "vide.sqlite"
    return [
        ("Premier lancement", first_launch),
        ("Paramètres", lambda: settings_dialog.SettingsDialog(context, window)),
        ("Nouvelle campagne", lambda: settings_dialog.SettingsDialog(context, window, new_campaign=True)),
        ("Importer les élèves", lambda: import_dialog.ImportDialog(context, [], window)),
        ("Tentative de contact", lambda: contact_dialog.ContactDialog(context, ids["youth"], window)),
        ("Contact de masse", lambda: mass_contact.MassContactDialog(context, youth_ids, "Liste", window)),
        ("Information collective", lambda: campaign_dialogs.InformationDialog(context, youth_ids, window)),
        ("Résultats aux examens", lambda: campaign_dialogs.ExamResultsDialog(context, window)),
        ("Atelier AvenirPro", lambda: phase1_dialogs.WorkshopDialog(context, ids["workshop"], window)),
        ("Entretien AvenirPro", lambda: phase1_dialogs.InterviewDialog(context, ids["phase1_interview"], window)),
        ("Événement AvenirPro", lambda: phase1_dialogs.EventDialog(context, ids["event"], window)),
        ("Nouvelle série de créneaux", lambda: slot_dialogs.SlotSeriesDialog(context, window, ids["partner"])),
        ("Modifier le créneau", lambda: slot_dialogs.SlotEditDialog(context, ids["slot"], window)),
        ("Choisir un créneau", lambda: slot_dialogs.ChooseSlotDialog(free, window)),
        ("Préparer la journée", lambda: interview_day.PrepareDayDialog(context, campaign_id, TODAY, None, window)),
        ("Entretien", lambda: interview_form.InterviewFormDialog(context, ids["youth"], parent=window)),
        ("Catalogue des modules", lambda: pathway_dialogs.CatalogueDialog(context, window)),
        ("À saisir dans SIECLE", lambda: pathway_dialogs.OfficeListDialog(context, window, today=TODAY)),
        ("Allocation PFMP", lambda: allowance.AllowanceDialog(context, window, open_pathway=lambda _id: None)),
        ("Partenaire", lambda: directory.PartnerDialog(context, ids["partner"], window)),
        ("Nouveau partenaire", lambda: directory.PartnerDialog(context, None, window)),
        ("Personne", lambda: directory.PersonDialog(context, ids["person"], None, window)),
        ("Liste de jeunes du bilan", lambda: bilan_dialogs.YouthListDialog(context, "Jeunes", people, window)),
        ("Rapport de réseau", network_report),
        ("Sauvegardes", lambda: backup_dialog.BackupDialog(context, window)),
        ("Journal des accès", lambda: audit_view.AuditDialog(context, window)),
        ("Phrase de passe", lambda: data_protection.PassphraseDialog(window, title="Changer la phrase de passe", ask_current=True)),
        ("Connexion au serveur", lambda: login_dialog.LoginDialog("serveur/pae", "referent", "", window)),
        ("Verrouillage", lambda: lock_screen.LockScreen("L'application est verrouillée.", "la phrase de passe")),
        (
            "Récupération",
            lambda: recovery.RecoveryWindow(tmp_folder, diagnosis.Damage(empty, diagnosis.EMPTY)),
        ),
    ]


def screens(qtbot, window, tmp_folder=None) -> Iterator[tuple[str, QWidget]]:
    """(French name, shown top-level widget) for every screen; the main window first, tab by tab."""
    import tempfile
    from pathlib import Path

    _opened.clear()
    yield from _window_screens(qtbot, window)
    folder = Path(tmp_folder or tempfile.mkdtemp(prefix="pae-catalogue-"))
    for name, build in _dialog_factories(window, folder):
        dialog = _show(qtbot, build())
        _opened.add(type(dialog))
        tabs = getattr(dialog, "tabs", None)
        if isinstance(tabs, QTabWidget):  # the settings' tabs, one screen each
            yield from _sub_tabs(name, tabs, dialog)
        else:
            yield name, dialog
        _close(dialog)


def covered_dialogs() -> set[type]:
    """The dialog (and secondary window) classes the last `screens` walk opened."""
    return set(_opened)


def dialog_classes() -> set[type]:
    """Every concrete QDialog / secondary QMainWindow class of `pae_desktop.ui` (bases other dialogs derive
    from excluded)."""
    import pae_desktop.ui as ui
    from pae_desktop.ui.main_window import MainWindow

    found: set[type] = set()
    for info in pkgutil.walk_packages(ui.__path__, "pae_desktop.ui."):
        module = importlib.import_module(info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if value.__module__ == module.__name__ and issubclass(value, (QDialog, QMainWindow)):
                found.add(value)
    bases = {base for cls in found for base in cls.__mro__[1:] if base in found}
    return found - bases - {MainWindow}
