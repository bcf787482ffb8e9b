"""The import dialog's preview names the national MEF table used, warns when the export's year has none, and
names the campaign's scheme for the students already in it."""

from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QMessageBox

from fixtures.siecle.builder import Student, eleves_xml, write
from pae_desktop.ui import tasks
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.import_dialog import ImportDialog

STUDENTS = [
    Student("1", "DURANDEAU", "Kylian", ine="090123456CA"),
    Student("2", "NOUVEAU", "Code", ine="060437677BG", mef="70441502110", division="APRO"),
    Student("3", "ANCIEN", "Code", ine="070437677BG", mef="70341502110", division="APRO"),
]


@pytest.fixture(autouse=True)
def immediate_tasks(monkeypatch):
    monkeypatch.setattr(QMessageBox, "information", lambda *args, **kwargs: None)
    tasks.use_runner(tasks.run_now)
    yield
    tasks.use_runner(tasks.run_in_thread)


def _preview_dialog(qtbot, db, tmp_path, school_year, export):
    path = write(tmp_path / "ElevesSansAdresses.xml", eleves_xml(STUDENTS, year=school_year, export=export))
    dialog = ImportDialog(AppContext(db, None), [], None)
    qtbot.addWidget(dialog)
    dialog.add_paths([str(path)])
    dialog.read_files()
    assert dialog.pages.currentWidget() is dialog.preview_page
    return dialog


def _shown_outcomes(dialog) -> dict[str, str]:
    return {
        dialog.model.index(r, 1).data(): dialog.model.index(r, 0).data()
        for r in range(dialog.model.rowCount())
    }


def test_the_preview_names_the_export_s_table_and_the_campaign_s_scheme(qtbot, db, tmp_path):
    dialog = _preview_dialog(qtbot, db, tmp_path, 2026, "03/06/2027")
    assert dialog.campaign.value() == 2027
    assert "Terminales reconnues d'après la table nationale des MEF 2026-2027." in dialog.summary.text()
    assert dialog.table_warning.isHidden()
    assert _shown_outcomes(dialog) == {
        "DURANDEAU Kylian": "À ajouter",
        "NOUVEAU Code": "Inscrit en AvenirPro+",
        "ANCIEN Code": "Inscrit en AvenirPro+",
    }
    assert "<b>2</b> inscrits en AvenirPro+" in dialog.counts.text()
    titles = [dialog.outcome_filter.itemText(i) for i in range(dialog.outcome_filter.count())]
    assert "Inscrits en AvenirPro+ (2)" in titles
    details = {dialog.model.index(r, 1).data(): dialog.model.index(r, 6).data() for r in range(3)}
    assert details["NOUVEAU Code"] == "Inscrit en AvenirPro+ sans parcours"


def test_an_export_without_its_table_is_previewed_with_the_newest_and_a_warning(qtbot, db, tmp_path):
    dialog = _preview_dialog(qtbot, db, tmp_path, 2027, "03/06/2028")
    assert dialog.campaign.value() == 2028
    assert "Terminales reconnues d'après la table nationale des MEF 2026-2027." in dialog.summary.text()
    assert not dialog.table_warning.isHidden()
    assert dialog.table_warning.text().startswith("Aucune table nationale des MEF 2027-2028 n'est fournie")
    assert "la plus récente, table nationale des MEF 2026-2027" in dialog.table_warning.text()
    assert dialog.next_button.isEnabled()  # a warning, not a refusal
    if os.environ.get("PAE_SCREENSHOTS"):
        dialog.resize(1000, 640)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.grab().save(os.path.join(os.environ["PAE_SCREENSHOTS"], "import_preview_table_2028.png"))
