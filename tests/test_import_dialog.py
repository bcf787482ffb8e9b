"""The import dialog with pytest-qt: files, column mapping, preview with reasons, campaign, label classes, import."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import func, select

from fixtures.siecle.builder import Student, eleves_xml, write, write_zip
from pae_desktop.core.models import Campaign, Youth
from pae_desktop.core.services.census import Outcome
from pae_desktop.ui import tasks
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.import_dialog import ImportDialog

STUDENTS = [
    Student("1", "DURANDEAU", "Kylian", ine="090123456CA"),
    Student("2", "CŒURDEROI", "Zoé", ine="080654321BF", mef="24122146220", division="2CAPCUI"),
    Student("3", "MARTINEZ", "Léo", leave="15/01/2026"),
    Student("4", "MAUVAISE", "Date", birth="31/02/2007"),
    Student("5", "APPRENTI", "Paul", status="AP"),
]


@pytest.fixture(autouse=True)
def immediate_tasks(monkeypatch):
    infos = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args, **kwargs: infos.append(args[2]))
    tasks.use_runner(tasks.run_now)
    yield infos
    tasks.use_runner(tasks.run_in_thread)


@pytest.fixture
def export(tmp_path):
    return write_zip(
        tmp_path / "ExportXML_ElevesSansAdresses.zip", {"ElevesSansAdresses.xml": eleves_xml(STUDENTS)}
    )


def _dialog(qtbot, db, paths=None, campaign_id=None):
    context = AppContext(db, campaign_id)
    dialog = ImportDialog(context, [], None)
    qtbot.addWidget(dialog)
    if paths:
        dialog.add_paths([str(p) for p in paths])
    return dialog


def _count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(Youth.id)))


def test_files_chosen_in_the_file_dialog_then_preview_then_import(
    qtbot, db, export, monkeypatch, immediate_tasks
):
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(export)], ""))
    dialog = _dialog(qtbot, db)
    dialog.choose_files()
    assert dialog.paths() == [str(export)]
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentWidget() is dialog.preview_page
    assert dialog.campaign.value() == 2026
    assert "campagne 2026" in dialog.campaign_note.text()
    assert dialog.next_button.text() == "&Importer dans la campagne 2026"
    rows = {
        dialog.model.index(r, 1).data(): dialog.model.index(r, 6).data()
        for r in range(dialog.model.rowCount())
    }
    assert rows["MAUVAISE Date"] == "Date de naissance impossible : 31/02/2007"
    assert rows["MARTINEZ Léo"] == "le 15/01/2026"
    assert rows["APPRENTI Paul"] == "Apprenti : non concerné"
    assert "<b>2</b> nouveaux" in dialog.counts.text()
    assert "<b>1</b> rejeté<" in dialog.counts.text()
    shown = [dialog.proxy.index(r, 0).data() for r in range(dialog.proxy.rowCount())]
    assert shown == ["À ajouter", "À ajouter", "Rejeté", "A quitté l'établissement", "Non concerné"]
    assert _count(db) == 0  # nothing written before «Importer»
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.result is not None
    assert _count(db) == 2
    assert immediate_tasks[-1].startswith("Import enregistré dans la campagne 2026 : 2 ajouté(s)")
    assert dialog.context.campaign_id is not None
    again = _dialog(qtbot, db)
    (line,) = [again.history.item(i).text() for i in range(again.history.count())]
    assert line.endswith(
        "— campagne 2026 — ExportXML_ElevesSansAdresses.zip › ElevesSansAdresses.xml (export du 03/06/2026) : "
        "2 ajouté(s), 0 mis à jour, 0 inchangé(s), 1 rejeté(s)"
    )


def test_the_outcome_filter_narrows_the_table(qtbot, db, export):
    dialog = _dialog(qtbot, db, [export])
    dialog.read_files()
    index = dialog.outcome_filter.findData(Outcome.REJECTED)
    dialog.outcome_filter.setCurrentIndex(index)
    assert dialog.outcome_filter.currentText() == "Rejetés (1)"
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 1).data() == "MAUVAISE Date"


def test_changing_the_campaign_recomputes_the_preview(qtbot, db, export):
    dialog = _dialog(qtbot, db, [export])
    dialog.read_files()
    dialog.campaign.setValue(2027)
    assert dialog.preview.campaign_year == 2027
    assert dialog.campaign_note.text().startswith("Attention : le fichier indique la campagne 2026.")
    dialog.run_import()
    with db.read() as session:
        assert session.scalars(select(Campaign.year)).all() == [2027]


def test_a_refused_file_shows_the_reason_and_stays(qtbot, school_db, tmp_path):
    other = write(tmp_path / "autre.xml", eleves_xml(STUDENTS, uai="0930000V"))
    dialog = _dialog(qtbot, school_db, [other])
    dialog.read_files()
    assert dialog.pages.currentWidget() is dialog.files_page
    assert "autre établissement (UAI 0930000V)" in dialog.message.text()
    assert not dialog.message.isHidden()


def test_dropping_files_reads_them(qtbot, db, export):
    dialog = _dialog(qtbot, db)
    dialog.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(export))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    dialog.dropEvent(event)
    assert dialog.paths() == [str(export)]
    assert dialog.pages.currentWidget() is dialog.preview_page


def test_spreadsheet_mapping_step_and_label_classes(qtbot, school_db, tmp_path):
    csv = tmp_path / "pronote.csv"
    csv.write_text(
        "Élève;Prénom;Né(e) le;Classe;Formation\n"
        "LEGRAND;Ève;21/05/2007;TBP-X;TLE PRO X\n"
        "PETIT;Jules;02/02/2007;TBP-X;TLE PRO X\n"
        "GRAND;Paul;03/03/2007;2NDE;2NDPRO X\n",
        encoding="utf-8",
    )
    with school_db.read() as session:
        campaign_id = session.scalars(select(Campaign.id)).one()
    dialog = _dialog(qtbot, school_db, [csv], campaign_id)
    dialog.read_files()
    assert dialog.pages.currentWidget() is dialog.mapping_page
    editor = dialog.editors[0]
    assert editor.boxes["first_name"].currentText() == "Prénom"
    assert editor.boxes["last_name"].currentData() == -1  # «Élève» is no known synonym
    dialog.next()
    assert dialog.message.text() == "pronote.csv : indiquez la colonne de : Nom de famille."
    editor.set_column("last_name", 0)
    dialog.next()
    assert dialog.pages.currentWidget() is dialog.preview_page
    assert dialog.campaign.value() == 2025  # no year in the file: the campaign shown in the window
    assert dialog.label_classes.count() == 1
    item = dialog.label_classes.item(0)
    assert item.text() == "TBP-X « TLE PRO X » : Bac pro, 2 élèves — reconnue par libellé"
    assert item.checkState() == Qt.CheckState.Unchecked
    assert dialog.preview.count(Outcome.ADDED) == 0
    item.setCheckState(Qt.CheckState.Checked)  # confirming the class recomputes the preview
    assert dialog.preview.count(Outcome.ADDED) == 2
    assert dialog.label_classes.item(0).checkState() == Qt.CheckState.Checked
    dialog.run_import()
    assert _count(school_db) == 2
    dialog.back()


def test_cancel_during_import_rolls_back(qtbot, db, export, monkeypatch):
    def cancelling_runner(parent, title, work, on_done, on_error=None, **_options):
        def progress(done, total, message=""):
            if done > 0:
                raise tasks.Cancelled()

        try:
            result = work(progress)
        except BaseException as error:  # noqa: BLE001 - the helper's contract: errors go to on_error
            if on_error is not None:
                on_error(error)
            return
        on_done(result)

    dialog = _dialog(qtbot, db, [export])
    dialog.read_files()
    tasks.use_runner(cancelling_runner)
    dialog.run_import()
    assert dialog.message.text() == "Import annulé : rien n'a été enregistré."
    assert dialog.result is None
    assert _count(db) == 0


def test_the_real_background_helper_keeps_the_window_alive(qtbot, db, tmp_path):
    """The import on a worker thread: a GUI timer keeps ticking, progress is shown, the import lands."""
    from PySide6.QtCore import QTimer

    students = [Student(str(i), f"NOM{i}", "Prénom") for i in range(3000)]
    path = write(tmp_path / "e.xml", eleves_xml(students))
    tasks.use_runner(tasks.run_in_thread)
    dialog = _dialog(qtbot, db, [path])
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    dialog.read_files()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=60_000)
    dialog.run_import()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60_000)
    timer.stop()
    assert ticks
    assert _count(db) == 3000
