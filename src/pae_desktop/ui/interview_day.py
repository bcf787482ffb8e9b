"""«Préparer la journée…» of the «Entretiens» tab (issue 17 §2): for a day and one Mission locale (or all), the
day's pack in one PDF, the day's agenda as an `.ics`, and the convocations of a series of days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.dates import french_date
from pae_desktop.core.text import fold
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.widgets import DateField, MessageLabel, labelled, run_operation


def _count(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


class PrepareDayDialog(QDialog):
    """«Préparer la journée»: for a day and one Mission locale (or all), the day's pack in one PDF — the agenda,
    a pre-filled interview sheet per booked youth, their convocations when asked — the day's agenda as an `.ics`,
    and the convocations of a series of days. Each goes through its operation (`core/operations/interview_day`),
    which records the print; the PDFs are built in a background task, with progress and cancel."""

    def __init__(
        self,
        context: AppContext,
        campaign_id: int,
        day: dt.date,
        partner_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.campaign_id = campaign_id
        self.written: Path | None = None
        self.setWindowTitle("Préparer la journée d'entretiens")
        self.day = DateField()
        self.day.set_value(day)
        self.partner = QComboBox()
        self._fill_partners(partner_id)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.agenda = QCheckBox("L'&agenda (heure, lieu, conseiller, jeune, classe, téléphone)")
        self.sheets = QCheckBox("Une &fiche d'entretien pré-remplie par jeune (chacune sur un recto)")
        self.convocations = QCheckBox("Les c&onvocations des jeunes")
        self.two_sided = QCheckBox("Impression &recto verso : chaque document commence sur un recto")
        self.two_sided.setChecked(True)
        self.two_sided.setToolTip("Une page blanche est ajoutée où il le faut. Décochez pour une impression recto seul.")
        for box in (self.agenda, self.sheets):
            box.setChecked(True)
        self.print_button = QPushButton("&Imprimer la journée (PDF)")
        self.print_button.setDefault(True)
        self.ics_button = QPushButton("Agenda électronique (.ics)…")
        self.last = DateField()
        self.series_button = QPushButton("Convocations de la série (PDF)")
        self.message = MessageLabel()
        self.print_button.clicked.connect(self.print_day)
        self.ics_button.clicked.connect(self.export_ics)
        self.series_button.clicked.connect(self.print_series)
        self.day.textChanged.connect(lambda _text: self.refresh_summary())
        self.partner.currentIndexChanged.connect(lambda _index: self.refresh_summary())
        self._lay_out()
        self.refresh_summary()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow(labelled("&Jour :", self.day), self.day)
        form.addRow(labelled("&Mission locale :", self.partner), self.partner)
        series = QHBoxLayout()
        series.addWidget(QLabel("Du jour choisi au"))
        series.addWidget(self.last)
        series.addWidget(self.series_button)
        self.last.setAccessibleName("Dernier jour de la série")
        buttons = QHBoxLayout()
        for button in (self.print_button, self.ics_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("Fermer")
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        for box in (self.agenda, self.sheets, self.convocations, self.two_sided):
            layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("<b>Convocations de plusieurs jours</b> (une série de créneaux) :"))
        layout.addLayout(series)
        layout.addWidget(self.message)
        self.resize(640, 360)

    def _fill_partners(self, current: int | None) -> None:
        from pae_desktop.core.services import directory

        with self.context.db.read() as session:
            partners = directory.list_partners(session)
        self.partner.addItem("Toutes les Missions locales", None)
        for row in sorted(partners, key=lambda p: (p.type != "MISSION_LOCALE", fold(p.name))):
            self.partner.addItem(row.name, row.id)
        self.partner.setCurrentIndex(max(self.partner.findData(current), 0))

    def chosen_day(self) -> dt.date | None:
        """The day typed, or None after saying in red why it cannot be read."""
        try:
            day = self.day.value()
        except ValueError as error:
            self.message.show_error(str(error))
            return None
        if day is None:
            self.message.show_error("Indiquez le jour des entretiens (JJ/MM/AAAA).")
        return day

    def refresh_summary(self) -> None:
        from pae_desktop.core.services.interview_day import day_slots

        try:
            day = self.day.value()
        except ValueError:
            day = None
        if day is None:
            self.summary.setText("")
            return
        with self.context.db.read() as session:
            slots = day_slots(session, self.campaign_id, day, None, self.partner.currentData())
            booked = sum(1 for s in slots if any(b.cancelled_at is None for b in s.bookings))
        plural = "s" if booked > 1 else ""
        self.summary.setText(
            f"<b>{french_date(day, weekday=True).capitalize()}</b> : {booked} entretien{plural} "
            f"réservé{plural} sur {len(slots)} créneau{'x' if len(slots) > 1 else ''}."
        )

    def _file(self, stem: str) -> Path:
        from pae_desktop.ui.interview_form import documents_dir

        partner = self.partner.currentData()
        suffix = f"_{fold(self.partner.currentText()).replace(' ', '-')}" if partner is not None else ""
        return documents_dir(self.context) / f"{stem}{suffix}.pdf"

    def _run_print(self, title: str, path: Path, operation, sentence) -> None:
        """`operation(session, progress)` in a background task and its own transaction; then open the PDF."""
        from pae_desktop.core.errors import UserError
        from pae_desktop.ui.interview_form import open_file
        from pae_desktop.ui.tasks import run_task

        db = self.context.db

        def work(progress):  # a cancel rolls the print's record back; the file is written last
            with db.transaction() as session:
                return operation(session, progress)

        def done(result) -> None:
            self.context.apply(result)
            self.written = path
            self.message.show_info(sentence(result))
            open_file(path)

        def failed(error) -> None:
            text = str(error) if isinstance(error, UserError) else f"Impression impossible : {error}"
            self.message.show_error(text)

        run_task(self, title, work, done, failed)

    def print_day(self) -> None:
        from pae_desktop.core.operations.interview_day import print_interview_day

        day = self.chosen_day()
        if day is None:
            return
        campaign_id, partner_id = self.campaign_id, self.partner.currentData()
        path = self._file(f"journee_{day}")
        wanted = {"agenda": self.agenda.isChecked(), "sheets": self.sheets.isChecked()}
        wanted["convocations"] = self.convocations.isChecked()
        two_sided = self.two_sided.isChecked()

        def operation(session, progress):
            options = batch_options(session, campaign_id, two_sided)
            return print_interview_day(
                session, campaign_id, day, path, partner_id=partner_id, options=options, progress=progress, **wanted
            )

        self._run_print(
            "Préparation de la journée…",
            path,
            operation,
            lambda r: f"Journée du {french_date(day)} prête ({_count(r.count, 'jeune')}) : {path.name}",
        )

    def print_series(self) -> None:
        from pae_desktop.core.operations.interview_day import print_convocations

        first = self.chosen_day()
        if first is None:
            return
        try:
            last = self.last.value() or first
        except ValueError as error:
            self.message.show_error(str(error))
            return
        campaign_id, partner_id = self.campaign_id, self.partner.currentData()
        path = self._file(f"convocations_{first}_{last}" if last != first else f"convocations_{first}")
        two_sided = self.two_sided.isChecked()

        def operation(session, progress):
            options = batch_options(session, campaign_id, two_sided)
            return print_convocations(
                session, campaign_id, first, path, last=last, partner_id=partner_id, options=options, progress=progress
            )

        self._run_print(
            "Préparation des convocations…",
            path,
            operation,
            lambda r: f"{_count(r.count, 'convocation')} prête{'s' if r.count > 1 else ''} : {path.name}",
        )

    def export_ics(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from pae_desktop.core.operations.interview_day import export_day_calendar

        day = self.chosen_day()
        if day is None:
            return
        default = self._file(f"agenda_{day}").with_suffix(".ics").name
        path, _filter = file_dialogs.save_file_name(
            self, file_dialogs.EXPORT, "Agenda de la journée", default, "Agenda (*.ics)"
        )
        if not path:
            return
        names = QMessageBox.question(
            self,
            "Agenda de la journée",
            "Inclure les noms des jeunes convoqués ? (La Mission locale en a besoin pour les recevoir ; "
            "l'export est inscrit au journal.)",
        )
        with_names = names == QMessageBox.StandardButton.Yes
        campaign_id, partner_id = self.campaign_id, self.partner.currentData()
        result = run_operation(
            self.context,
            lambda s: export_day_calendar(
                s, campaign_id, day, path, partner_id=partner_id, with_names=with_names
            ),
            self.message,
        )
        if result is not None:
            self.message.show_info(f"{result.count} créneaux exportés dans {path}.")


def default_day(view) -> dt.date:
    """The day to prepare from the «Entretiens» tab: the selected slot's, else the first day of the week shown
    that has a booking, else the week's Monday."""
    row = view.selected_slot()
    if row is not None:
        return row.starts_at.date()
    booked = sorted(r.starts_at for r in view.rows.values() if r.booking_id is not None)
    return booked[0].date() if booked else view.monday


def batch_options(session, campaign_id: int, two_sided: bool):
    """The documents' options of the campaign, printed two-sided or not (the dialog's check box)."""
    from pae_desktop.core.models import Campaign
    from pae_desktop.core.operations.printing import document_options

    return document_options(session, session.get(Campaign, campaign_id), two_sided=two_sided)


def print_records_of_day(view) -> None:
    """«Imprimer les fiches d'un jour»: every interview record held on a day typed by the user, in one PDF built
    in a background task (the print operation `print_day` records each youth's print)."""
    from PySide6.QtWidgets import QInputDialog

    from pae_desktop.core.dates import parse_french_date
    from pae_desktop.core.errors import UserError
    from pae_desktop.ui.interview_form import documents_dir, message, open_file
    from pae_desktop.ui.tasks import run_task

    row = view.selected_slot()
    default = (row.starts_at.date() if row else dt.date.today()).strftime("%d/%m/%Y")
    text, ok = QInputDialog.getText(
        view, "Fiches d'entretien d'un jour", "Date des entretiens (JJ/MM/AAAA) :", text=default
    )
    if not ok:
        return
    try:
        day = parse_french_date(text)
    except ValueError as error:  # the one parser's own French reason («Le 31/02/2025 n'existe pas.»)
        message(view.message, str(error))
        return
    path = documents_dir(view.context) / f"fiches-entretien_{day:%Y-%m-%d}.pdf"
    campaign_id = view._campaign_id()
    db = view.context.db

    def work(progress):  # the print operation records each youth's print; a cancel rolls it back
        from pae_desktop.core.operations.printing import print_day

        with db.transaction() as session:
            return print_day(session, campaign_id, day, path, progress=progress)

    def done(result):
        view.context.apply(result)
        count = result.count
        message(
            view.message,
            f"{count} fiche{'s' if count > 1 else ''} du {french_date(day)} prête{'s' if count > 1 else ''}.",
            "info",
        )
        open_file(path)

    def failed(error):
        text = str(error) if isinstance(error, UserError) else f"Impression impossible : {error}"
        message(view.message, text)

    run_task(view, "Préparation des fiches d'entretien…", work, done, failed)
