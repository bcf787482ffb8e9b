"""The floor of each benchmarked operation: the same work done directly with the underlying library.

This module never imports `pae_desktop`: what the application adds over these functions is what the
benchmark measures. Each function takes plain paths and data prepared by `run.py`.
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import zipfile
from pathlib import Path

# --- start-up and memory: a process that imports PySide6 and SQLAlchemy and shows an empty window ----------

STARTUP_SCRIPT = """
import sys
import sqlalchemy  # noqa: F401
import sqlalchemy.orm  # noqa: F401
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class QuitAfterPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, QApplication.quit)
        return False


app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("floor")
window.resize(1280, 800)
spy = QuitAfterPaint()
app.installEventFilter(spy)
window.show()
sys.exit(app.exec())
"""


# --- search: a LIKE query on a normalised column in raw sqlite3, shown in a plain QTableView --------------


class SearchFloor:
    """A plain QTableView over a plain model; `type(text)` queries, resets the model and repaints."""

    QUERY = (
        "SELECT y.id, y.last_name, y.first_names, s.division, s.diploma, s.exam_result, y.birth_date, y.ine "
        "FROM youth y LEFT JOIN original_schooling s ON s.youth_id = y.id "
        "WHERE y.campaign_id = ? AND y.search_key LIKE ? ORDER BY y.search_key"
    )

    def __init__(self, db_file: Path, campaign_id: int) -> None:
        from PySide6.QtCore import QAbstractTableModel, Qt
        from PySide6.QtWidgets import QTableView

        class Model(QAbstractTableModel):
            def __init__(self) -> None:
                super().__init__()
                self.rows: list[tuple] = []

            def rowCount(self, parent=None) -> int:  # noqa: N802
                return 0 if parent is not None and parent.isValid() else len(self.rows)

            def columnCount(self, parent=None) -> int:  # noqa: N802
                return 0 if parent is not None and parent.isValid() else 7

            def data(self, index, role=Qt.ItemDataRole.DisplayRole):
                if role == Qt.ItemDataRole.DisplayRole:
                    value = self.rows[index.row()][index.column() + 1]
                    return "" if value is None else str(value)
                return None

            def set_rows(self, rows: list[tuple]) -> None:
                self.beginResetModel()
                self.rows = rows
                self.endResetModel()

        self.connection = sqlite3.connect(db_file)
        self.campaign_id = campaign_id
        self.model = Model()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.resize(800, 600)
        self.view.show()

    def type(self, text: str) -> int:
        rows = self.connection.execute(self.QUERY, (self.campaign_id, f"%{text}%")).fetchall()
        self.model.set_rows(rows)
        self.view.viewport().repaint()
        return len(rows)

    def close(self) -> None:
        self.view.close()
        self.connection.close()


# --- SIECLE import: iterparse of the same file plus executemany of the same fields ------------------------

_FIELDS = ("NOM_DE_FAMILLE", "PRENOM", "DATE_NAISS", "CODE_SEXE", "ID_NATIONAL", "CODE_MEF", "TEL_PORTABLE", "MEL")


def import_siecle(zip_path: Path, db_file: Path) -> int:
    """Parse the ElevesSansAdresses member of the ZIP with defusedxml and insert its students, committed."""
    from defusedxml.ElementTree import iterparse

    students: list[list] = []
    by_id: dict[str, list] = {}
    with zipfile.ZipFile(zip_path) as archive, archive.open(archive.namelist()[0]) as stream:
        for _event, element in iterparse(stream, events=("end",)):
            tag = element.tag
            if tag == "ELEVE":
                values = {child.tag: (child.text or "").strip() for child in element}
                day, month, year = values.get("DATE_NAISS", "01/01/2000").split("/")
                row = [
                    element.get("ELEVE_ID"),
                    values.get("NOM_DE_FAMILLE", ""),
                    values.get("PRENOM", ""),
                    f"{year}-{month}-{day}",
                    values.get("CODE_SEXE", ""),
                    values.get("ID_NATIONAL", ""),
                    values.get("CODE_MEF", ""),
                    values.get("TEL_PORTABLE", ""),
                    values.get("MEL", ""),
                    "",
                ]
                students.append(row)
                by_id[row[0]] = row
                element.clear()
            elif tag == "STRUCTURES_ELEVE":
                row = by_id.get(element.get("ELEVE_ID"))
                for structure in element.iter("STRUCTURE"):
                    if structure.findtext("TYPE_STRUCTURE") == "D" and row is not None:
                        row[9] = (structure.findtext("CODE_STRUCTURE") or "").strip()
                element.clear()
    connection = sqlite3.connect(db_file)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS student (siecle_id TEXT, last_name TEXT, first_names TEXT, birth_date TEXT, "
            "sex TEXT, ine TEXT, mef_code TEXT, phone TEXT, email TEXT, division TEXT)"
        )
        with connection:
            connection.executemany("INSERT INTO student VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", students)
    finally:
        connection.close()
    return len(students)


# --- PDF batch: reportlab platypus writing the same text with the same styles and embedded fonts ---------


def pdf_batch(documents: list[list[tuple[str, str, float, float]]], fonts: dict[str, str], out_dir: Path) -> int:
    """One PDF per document; a document is a list of (text, font name, size, leading) paragraphs."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    for name, path in fonts.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path))
    styles: dict[tuple[str, float, float], ParagraphStyle] = {}
    for number, document in enumerate(documents):
        story = []
        for text, font, size, leading in document:
            key = (font, size, leading)
            if key not in styles:
                styles[key] = ParagraphStyle(f"s{len(styles)}", fontName=font, fontSize=size, leading=leading)
            story.append(Paragraph(text, styles[key]))
        doc = SimpleDocTemplate(
            str(out_dir / f"floor-{number:04d}.pdf"),
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=20 * mm,
            bottomMargin=26 * mm,
        )
        doc.build(story)
    return len(documents)


# --- FOQUALE export: one SELECT of the same columns written with csv.writer --------------------------------

FOQUALE_QUERY = """
SELECT sc.uai, c.year, y.pseudonym, '', '', '', '', '', '', y.sex, substr(y.birth_date, 1, 4),
       s.diploma, s.speciality, s.division, s.exam_result, '', (SELECT count(*) FROM contact_attempt a
       WHERE a.youth_id = y.id), '', '', '', '', '', '', '', '', '', '', p.mef_code, p.start_date, p.planned_end,
       '', (SELECT count(*) FROM pathway_module m WHERE m.pathway_id = p.id), '', '',
       CASE WHEN p.abandoned_on IS NULL THEN 'N' ELSE 'O' END, p.abandoned_on, p.abandon_reason,
       e.category, e.detail, e."on", c.interview_deadline, c.scheme_name, '', '', ''
FROM youth y
JOIN campaign c ON c.id = y.campaign_id
JOIN school sc
LEFT JOIN original_schooling s ON s.youth_id = y.id
LEFT JOIN pathway p ON p.youth_id = y.id
LEFT JOIN exit e ON e.youth_id = y.id
WHERE y.campaign_id = ?
ORDER BY y.id
"""


def foquale_export(db_file: Path, campaign_id: int, columns: tuple[str, ...], out_path: Path) -> int:
    """The 45 columns of the campaign's youths in one SELECT, written as `;`-separated UTF-8 with csv."""
    connection = sqlite3.connect(db_file)
    try:
        rows = connection.execute(FOQUALE_QUERY, (campaign_id,)).fetchall()
    finally:
        connection.close()
    with open(out_path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(rows)
    return len(rows)


# --- indicators: csv.DictReader over the exported CSV plus the spec's §4 formulas in plain Python ---------

EXITS = ("RETOUR_FORMATION", "EMPLOI", "ACCOMPAGNEMENT_ML", "AUTRE")


def _rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(numerator / denominator, 4)


def indicators(csv_path: Path) -> dict:
    """specs/foquale-csv-v1.md §4 over the rows of one FOQUALE file."""
    counts = dict.fromkeys(
        (
            "effectif informes contactes entretiens_acceptes entretiens_realises engages parcours diplomes "
            "avec_ml avant_echeance partenariaux mono_module abandons sorties_connues phase1 ateliers4 "
            "entretien_individuel evenement"
        ).split(),
        0,
    )
    exits = dict.fromkeys(EXITS, 0)
    missions: set[str] = set()
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            counts["effectif"] += 1
            counts["informes"] += row["informe"] == "O"
            counts["contactes"] += row["contacte"] == "O"
            counts["entretiens_acceptes"] += row["entretien_accepte"] == "O"
            realised = row["entretien_realise"] == "O"
            counts["entretiens_realises"] += realised
            counts["engages"] += row["decision"] == "ENGAGE"
            if (row.get("ateliers_avenirpro") or "").strip():  # spec §6, absent from a version-1 file
                counts["phase1"] += 1
                counts["ateliers4"] += int(row["ateliers_avenirpro"]) >= 4
                counts["entretien_individuel"] += row["entretien_individuel_avenirpro"] == "O"
                counts["evenement"] += int(row["evenements_avenirpro"] or 0) >= 1
            if realised and row["ml_presente"] == "O":
                counts["avec_ml"] += 1
            if row["ml_presente"] == "O" and row["mission_locale"].strip():
                missions.add(row["mission_locale"].strip())
            if realised and row["date_entretien"] and row["date_limite_entretiens"]:
                held = dt.date.fromisoformat(row["date_entretien"])
                counts["avant_echeance"] += held <= dt.date.fromisoformat(row["date_limite_entretiens"])
            if not row["date_debut_parcours"].strip():
                continue
            counts["parcours"] += 1
            counts["diplomes"] += row["resultat_examen"] == "ADMIS"
            counts["partenariaux"] += row["partenarial"] == "O"
            counts["mono_module"] += row["nb_modules"].strip() == "1"
            counts["abandons"] += row["abandon"] == "O"
            if row["sortie"].strip():
                counts["sorties_connues"] += 1
                if row["sortie"] in exits:
                    exits[row["sortie"]] += 1
    c = counts
    return {
        "effectif": c["effectif"],
        "informes": c["informes"],
        "contactes": c["contactes"],
        "entretiens_acceptes": c["entretiens_acceptes"],
        "entretiens_realises": c["entretiens_realises"],
        "engages": c["engages"],
        "parcours": c["parcours"],
        "taux_information": _rate(c["informes"], c["effectif"]),
        "taux_contact": _rate(c["contactes"], c["effectif"]),
        "taux_acceptation_entretien": _rate(c["entretiens_acceptes"], c["contactes"]),
        "taux_engagement": _rate(c["engages"], c["entretiens_realises"]),
        "taux_couverture": _rate(c["parcours"], c["effectif"]),
        "part_diplomes_parcours": _rate(c["diplomes"], c["parcours"]),
        "part_entretiens_avec_ml": _rate(c["avec_ml"], c["entretiens_realises"]),
        "missions_locales": len(missions),
        "part_entretiens_avant_echeance": _rate(c["avant_echeance"], c["entretiens_realises"]),
        "part_parcours_partenariaux": _rate(c["partenariaux"], c["parcours"]),
        "part_parcours_mono_module": _rate(c["mono_module"], c["parcours"]),
        "taux_abandon": _rate(c["abandons"], c["parcours"]),
        "sorties_connues": c["sorties_connues"],
        "sorties": {category: _rate(exits[category], c["sorties_connues"]) for category in EXITS},
        "avenirpro_renseignes": c["phase1"] or None,
        "part_4_ateliers_avenirpro": _rate(c["ateliers4"], c["phase1"]),
        "part_entretien_individuel_avenirpro": _rate(c["entretien_individuel"], c["phase1"]),
        "part_evenement_avenirpro": _rate(c["evenement"], c["phase1"]),
    }
