"""«Contacter toute la liste»: from a worklist, the caseload's filter or a class, reach every youth at once.

The contact list (CSV for the school's SMS and ENT tools, or XLSX), the information letters (one PDF or one
file each), the e-mail drafts (`.eml`, nothing is sent), then the information action or the contact attempt
recorded for everyone in one step. Each button runs one operation of `core/operations/mass_contact.py`; files
are written off the GUI thread (`ui.tasks.run_task`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,  # noqa: F401 - the tests patch its static methods here
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.errors import UserError
from pae_desktop.core.vocabulary import ContactResult
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.widgets import (
    Button,
    CodeCombo,
    DateField,
    MessageLabel,
    confirm,
    dialog_buttons,
    labelled,
)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def reach_summary(lines) -> str:
    """«150 jeunes : 120 joignables par SMS, 8 sur un fixe, 95 avec un courriel, 11 sans coordonnées»."""
    sms = sum(1 for line in lines if line.phone and line.mobile)
    fixed = sum(1 for line in lines if line.phone and not line.mobile)
    mails = sum(1 for line in lines if line.email)
    apart = sum(1 for line in lines if not line.reachable)
    minors = sum(1 for line in lines if line.minor)
    parts = [f"{sms} joignable{'s' if sms > 1 else ''} par SMS", f"{fixed} sur un fixe", f"{mails} avec un courriel"]
    if minors:
        parts.append(f"{_plural(minors, 'mineur')} (représentants légaux)")
    parts.append(f"{apart} sans coordonnées")
    return f"{_plural(len(lines), 'jeune')} : " + ", ".join(parts) + "."


def _slug(text: str) -> str:
    from pae_desktop.core.text import fold

    return "-".join("".join(c if c.isalnum() else " " for c in fold(text)).split()) or "liste"


class MassContactDialog(QDialog):
    """Everyone of a list at once: files to prepare, then what was done recorded for all."""

    def __init__(
        self, context: AppContext, youth_ids: Sequence[int], title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        from pae_desktop.core.services.contact_lists import contact_lines

        self.context = context
        self.youth_ids = list(dict.fromkeys(youth_ids))
        self.list_title = title
        self.written: list = []  # the Changes of each file written, for the caller and the tests
        self.setWindowTitle(f"Contacter toute la liste — {title}")
        self.setMinimumWidth(640)
        with context.db.read() as session:
            lines = contact_lines(session, self.youth_ids)
        self.summary = QLabel(f"<b>{title}</b><br>{reach_summary(lines)}")
        self.summary.setWordWrap(True)
        self.message = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self._files_box())
        layout.addWidget(self._record_box())
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.accept, {Button.Close: "&Fermer"}))
        self.contacts_button.setFocus()

    # --- the files -------------------------------------------------------------------------------------------

    def _files_box(self) -> QGroupBox:
        box = QGroupBox("1. Préparer les envois")
        self.contacts_button = QPushButton("Liste de &contacts (CSV pour SMS et ENT, ou XLSX)…")
        self.letters_button = QPushButton("Co&urriers (un PDF, une lettre par page)…")
        self.letter_files_button = QPushButton("Courriers, un &fichier par jeune…")
        self.emails_button = QPushButton("&Brouillons de courriels (.eml)…")
        actions = (
            (self.contacts_button, self.export_contacts),
            (self.letters_button, self.print_letters),
            (self.letter_files_button, self.print_letter_files),
            (self.emails_button, self.write_emails),
        )
        grid = QGridLayout(box)
        for index, (button, action) in enumerate(actions):
            button.setAutoDefault(False)
            button.clicked.connect(action)
            grid.addWidget(button, index // 2, index % 2)
        note = QLabel(
            "Chaque fichier nominatif est inscrit au journal. Les courriels sont des brouillons : ils s'ouvrent "
            "dans Outlook ou Thunderbird, rien n'est envoyé par l'application."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        grid.addWidget(note, 2, 0, 1, 2)
        return box

    def _default_dir(self) -> Path:
        from pae_desktop.ui.interview_form import documents_dir

        return documents_dir(self.context)

    def export_contacts(self) -> None:
        suggested = str(self._default_dir() / f"contacts_{_slug(self.list_title)}_{dt.date.today():%Y%m%d}.csv")
        path, _ = file_dialogs.save_file_name(
            self, file_dialogs.EXPORT,
            "Enregistrer la liste de contacts", suggested, "CSV pour SMS et ENT (*.csv);;Classeur (*.xlsx)"
        )
        if not path:
            return
        from pae_desktop.core.operations.mass_contact import export_contact_list

        campaign_id = self.context.campaign_id
        self._run("Liste de contacts…", lambda s, _p: export_contact_list(s, campaign_id, self.youth_ids, path))

    def print_letters(self) -> None:
        suggested = str(self._default_dir() / f"courriers_{_slug(self.list_title)}_{dt.date.today():%Y%m%d}.pdf")
        path, _ = file_dialogs.save_file_name(
            self, file_dialogs.PDF, "Enregistrer les courriers", suggested, "PDF (*.pdf)"
        )
        if path:
            self._letters(path if path.lower().endswith(".pdf") else f"{path}.pdf")

    def print_letter_files(self) -> None:
        folder = file_dialogs.existing_directory(
            self, file_dialogs.PDF, "Dossier des courriers", str(self._default_dir())
        )
        if folder:
            self._letters(folder)

    def _letters(self, target: str) -> None:
        from pae_desktop.core.operations.mass_contact import print_letters

        self._run("Préparation des courriers…", lambda s, p: print_letters(s, self.youth_ids, target, progress=p))

    def write_emails(self) -> None:
        folder = file_dialogs.existing_directory(
            self, file_dialogs.EXPORT, "Dossier des brouillons de courriels", str(self._default_dir())
        )
        if not folder:
            return
        from pae_desktop.core.operations.mass_contact import write_email_drafts

        campaign_id = self.context.campaign_id
        self._run("Brouillons de courriels…", lambda s, _p: write_email_drafts(s, campaign_id, self.youth_ids, folder))

    def _run(self, title: str, operation: Callable) -> None:
        """One operation in its transaction, off the GUI thread; then the screens refresh and the result shows."""
        from pae_desktop.ui.tasks import run_task

        db = self.context.db

        def work(progress):
            with db.transaction() as session:
                return operation(session, progress)

        def done(result) -> None:
            self.written.append(result)
            self.context.apply(result)
            text = f"{_plural(result.count, 'jeune')} : {result.file}"
            self.message.show_info("\n".join([f"Écrit — {text}", *result.warnings]))

        def failed(error: BaseException) -> None:
            self.message.show_error(str(error) if isinstance(error, UserError) else f"Écriture impossible : {error}")

        run_task(self, title, work, done, failed)

    # --- recording for everyone ------------------------------------------------------------------------------------

    def _record_box(self) -> QGroupBox:
        from pae_desktop.core.operations.mass_contact import MASS_CHANNELS

        box = QGroupBox("2. Noter pour toute la liste ce qui a été fait")
        self.as_information = QRadioButton("Action d'&information (courrier, SMS… envoyé à tous)")
        self.as_attempt = QRadioButton("&Tentative de contact pour chacun")
        self.as_information.setChecked(True)
        group = QButtonGroup(box)
        group.addButton(self.as_information)
        group.addButton(self.as_attempt)
        self.channel = QComboBox()
        for kind, _channel in MASS_CHANNELS:
            self.channel.addItem(kind.label, kind.value)
        self.on = DateField()
        self.on.set_value(dt.date.today())
        self.result = CodeCombo(ContactResult)
        self.result.set_code(ContactResult.MESSAGE_LAISSE.value)
        self.relance = DateField()
        self.relance.setToolTip("Facultatif : la date à laquelle relancer chacun")
        self.note = QLineEdit()
        self.note.setPlaceholderText("Par exemple : courrier de rentrée (pas de détail de santé)")
        self.record_button = QPushButton(f"&Noter pour les {_plural(len(self.youth_ids), 'jeune')}")
        self.record_button.setAutoDefault(False)
        self.record_button.clicked.connect(self.record_for_all)
        form = QFormLayout(box)
        form.addRow(self.as_information)
        form.addRow(self.as_attempt)
        form.addRow(labelled("Ca&nal :", self.channel), self.channel)
        form.addRow(labelled("&Date :", self.on), self.on)
        form.addRow(labelled("&Résultat :", self.result, "Résultat de la tentative"), self.result)
        form.addRow(labelled("Relancer &le :", self.relance, "Date de relance"), self.relance)
        form.addRow(labelled("N&ote :", self.note), self.note)
        form.addRow(self.record_button)
        self.as_attempt.toggled.connect(self._mode_changed)
        self._mode_changed()
        return box

    def _mode_changed(self, *_args) -> None:
        attempt = self.as_attempt.isChecked()
        self.result.setEnabled(attempt)
        self.relance.setEnabled(attempt)

    def form(self):
        """The form as typed; a badly typed date raises ValueError with a French message."""
        from pae_desktop.core.operations.mass_contact import MassRecordForm

        day = self.on.value()
        if day is None:
            raise ValueError("Indiquez la date de l'envoi.")
        now = dt.datetime.now().replace(second=0, microsecond=0)
        on = now if day == now.date() else dt.datetime.combine(day, dt.time(9, 0))
        return MassRecordForm(
            on=on,
            kind=self.channel.currentData(),
            attempt=self.as_attempt.isChecked(),
            result=self.result.code(),
            next_date=self.relance.value() if self.as_attempt.isChecked() else None,
            note=self.note.text(),
        )

    def record_for_all(self) -> None:
        from pae_desktop.core.operations.mass_contact import record_for_all
        from pae_desktop.ui.widgets import run_operation

        try:
            form = self.form()
        except ValueError as error:
            self.message.show_error(str(error))
            return
        what = "une tentative de contact" if form.attempt else "une action d'information"
        count = _plural(len(self.youth_ids), "jeune")
        if not confirm(self, f"Noter {what} « {self.channel.currentText()} » pour les {count} de la liste ?"):
            return
        campaign_id = self.context.campaign_id
        done = run_operation(
            self.context, lambda s: record_for_all(s, campaign_id, self.youth_ids, form), self.message
        )
        if done is not None:
            self.written.append(done)
            label = "Tentative" if form.attempt else "Action d'information"
            self.message.show_info(f"{label} « {self.channel.currentText()} » notée pour {count}.")
            self.record_button.setEnabled(False)  # once: a second click would record it twice
