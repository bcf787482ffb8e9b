"""The youth's file: identity, contacts, schooling and legal representatives, validated before saving."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.identity import email_error, ine_warning, is_minor, phone_error
from pae_desktop.core.models import Campaign, Youth
from pae_desktop.core.phase1 import youth_phase1
from pae_desktop.core.services.campaigns import require_campaign
from pae_desktop.core.services.youths import (
    RepresentativeForm,
    YouthForm,
    load_youth,
    save_youth,
    stage_of,
    youth_form,
)
from pae_desktop.core.vocabulary import FREE_TEXT_REMINDER, Diploma, ExamResult, ParentLink, Sex
from pae_desktop.ui import context as topics
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.left_school import LeftSchoolBanner
from pae_desktop.ui.phase1_panel import Phase1Panel
from pae_desktop.ui.widgets import CodeCombo, DateField, MessageLabel, confirm, labelled

REP_COLUMNS = ("Nom", "Prénom", "Lien", "Téléphone", "Courriel")
REP_ROLE = Qt.ItemDataRole.UserRole


class YouthDetail(QWidget):
    """Create or edit one youth. Enter saves, Escape cancels; errors refuse, warnings let the save through."""

    saved = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id: int | None = None
        self.version: int | None = None
        self._loaded_form: YouthForm | None = None

        self.title = QLabel("Aucun jeune sélectionné")
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.title.setWordWrap(True)
        self.stage = QLabel()
        self.stage.setAccessibleName("Étape du dossier")
        self.form_message = MessageLabel()
        self.left_school = LeftSchoolBanner(context, self.form_message, lambda: self.maybe_discard(), self)
        self.left_school.undone.connect(self._reload)
        self.contact_button = QPushButton("&Contact…")
        self.contact_button.setToolTip("Noter une tentative de contact (Ctrl+T)")
        self.contact_button.clicked.connect(self.record_contact)
        self.interview_button = QPushButton("Fiche d'entre&tien…")
        self.interview_button.setToolTip("Remplir la fiche d'entretien de ce jeune")
        self.interview_button.clicked.connect(self.open_interview)
        self.pathway_button = QPushButton("Par&cours")
        self.pathway_button.setToolTip("Ouvrir le parcours de ce jeune dans l'onglet « Parcours »")
        self.pathway_button.clicked.connect(self.open_pathway)
        self.more_button = QToolButton()
        self.more_button.setText("Plus…")
        self.more_button.setAccessibleName("Autres actions sur le dossier")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        more = QMenu(self.more_button)
        more.addAction("Dossier complet (PDF, droit d'accès)…", self.export_dossier)
        more.addAction("Effacer les données du jeune…", self.erase)
        self.more_button.setMenu(more)
        self.file_buttons = QHBoxLayout()
        for button in (self.contact_button, self.interview_button, self.pathway_button, self.more_button):
            self.file_buttons.addWidget(button)
        self.file_buttons.addStretch()
        self.phase1 = Phase1Panel()  # phase 1 «AvenirPro» in terminale, for the campaigns that have one

        self.last_name = QLineEdit()
        self.usage_name = QLineEdit()
        self.first_names = QLineEdit()
        self.sex = CodeCombo(Sex, empty="Non renseigné")
        self.birth_date = DateField()
        self.ine = QLineEdit()
        self.ine.setMaxLength(11)
        self.phone = QLineEdit()
        self.phone2 = QLineEdit()
        self.email = QLineEdit()
        self.address = QLineEdit()
        self.postal_code = QLineEdit()
        self.postal_code.setMaxLength(10)
        self.city = QLineEdit()
        self.boursier = QCheckBox("&Boursier")
        self.boursier.setAccessibleName("Boursier")
        self.diploma = CodeCombo(Diploma)
        self.speciality = QLineEdit()
        self.division = QLineEdit()
        self.exam_result = CodeCombo(ExamResult)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(FREE_TEXT_REMINDER)
        self.notes.setToolTip(FREE_TEXT_REMINDER)
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName("Notes")
        self.notes.setMinimumHeight(60)

        self.field_messages: dict[str, MessageLabel] = {}
        identity = QFormLayout()
        identity.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._row(identity, "&Nom de famille* :", self.last_name, "last_name")
        self._row(identity, "Nom d'&usage :", self.usage_name, "usage_name")
        self._row(identity, "&Prénom(s)* :", self.first_names, "first_names")
        self._row(identity, "Se&xe :", self.sex, "sex")
        self._row(identity, "Date de nai&ssance :", self.birth_date, "birth_date")
        self._row(identity, "&INE :", self.ine, "ine")
        identity_box = QGroupBox("Identité")
        identity_box.setLayout(identity)

        contact = QFormLayout()
        contact.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._row(contact, "&Téléphone :", self.phone, "phone")
        self._row(contact, "Autre télé&phone :", self.phone2, "phone2")
        self._row(contact, "&Courriel :", self.email, "email")
        self._row(contact, "&Adresse :", self.address, "address")
        self._row(contact, "Code p&ostal :", self.postal_code, "postal_code")
        self._row(contact, "&Ville :", self.city, "city")
        contact_box = QGroupBox("Coordonnées")
        contact_box.setLayout(contact)

        schooling = QFormLayout()
        schooling.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._row(schooling, "Diplôme &préparé :", self.diploma, "diploma")
        self._row(schooling, "Spécialit&é :", self.speciality, "speciality")
        self._row(schooling, "Cla&sse :", self.division, "division")
        self._row(schooling, "&Résultat à l'examen :", self.exam_result, "exam_result")
        schooling.addRow("", self.boursier)
        schooling_box = QGroupBox("Scolarité d'origine")
        schooling_box.setLayout(schooling)

        self.representatives = QTableWidget(0, len(REP_COLUMNS))
        self.representatives.setHorizontalHeaderLabels(list(REP_COLUMNS))
        self.representatives.setAccessibleName("Représentants légaux")
        self.representatives.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.representatives.verticalHeader().hide()
        self.representatives.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.representatives.setMinimumHeight(90)
        add_rep = QPushButton("Ajouter un représentant")
        add_rep.clicked.connect(self.add_representative_row)
        remove_rep = QPushButton("Retirer")
        remove_rep.clicked.connect(self._remove_representative_row)
        rep_buttons = QHBoxLayout()
        rep_buttons.addWidget(add_rep)
        rep_buttons.addWidget(remove_rep)
        rep_buttons.addStretch()
        self.rep_message = MessageLabel()
        rep_layout = QVBoxLayout()
        rep_layout.addWidget(self.representatives)
        rep_layout.addLayout(rep_buttons)
        rep_layout.addWidget(self.rep_message)
        rep_box = QGroupBox("Représentants légaux")
        rep_box.setLayout(rep_layout)

        notes_box = QGroupBox("Notes")
        notes_layout = QVBoxLayout(notes_box)
        reminder = QLabel(FREE_TEXT_REMINDER)
        reminder.setWordWrap(True)
        reminder.setStyleSheet("color: #555;")
        notes_layout.addWidget(reminder)
        notes_layout.addWidget(self.notes)

        self.save_button = QPushButton("&Enregistrer")
        self.save_button.setToolTip("Enregistrer (Entrée ou Ctrl+S)")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("Annuler")
        self.cancel_button.setToolTip("Annuler les modifications (Échap)")
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(self.title)
        content_layout.addWidget(self.stage)
        content_layout.addWidget(self.left_school)
        content_layout.addLayout(self.file_buttons)
        content_layout.addWidget(self.phase1)
        for box in (identity_box, contact_box, schooling_box, rep_box, notes_box):
            content_layout.addWidget(box)
        content_layout.addStretch()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(440)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        layout.addWidget(self.form_message)
        layout.addLayout(buttons)

        for line in self._line_edits():
            line.returnPressed.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancel, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.ine.textChanged.connect(self._check_ine)
        self.phone.editingFinished.connect(lambda: self._check_live("phone", phone_error(self.phone.text())))
        self.phone2.editingFinished.connect(lambda: self._check_live("phone2", phone_error(self.phone2.text())))
        self.email.editingFinished.connect(lambda: self._check_live("email", email_error(self.email.text())))
        self.birth_date.editingFinished.connect(self._check_birth_date)
        context.data_changed.connect(self._refresh_if_changed_elsewhere)
        self.set_enabled(False)

    # layout helpers
    def _row(self, form: QFormLayout, label: str, field: QWidget, name: str) -> None:
        message = MessageLabel()
        self.field_messages[name] = message
        column = QVBoxLayout()
        column.setSpacing(0)
        column.addWidget(field)
        column.addWidget(message)
        form.addRow(labelled(label, field, label.replace("&", "").rstrip("* :")), column)

    def _line_edits(self) -> list[QLineEdit]:
        return [
            self.last_name,
            self.usage_name,
            self.first_names,
            self.birth_date,
            self.ine,
            self.phone,
            self.phone2,
            self.email,
            self.address,
            self.postal_code,
            self.city,
            self.speciality,
            self.division,
        ]

    def set_enabled(self, enabled: bool) -> None:
        for widget in self.findChildren(QWidget):
            if widget is not self.title:
                widget.setEnabled(enabled)
        for button in (self.contact_button, self.interview_button, self.pathway_button, self.more_button):
            button.setEnabled(enabled and self.youth_id is not None)

    # the youth's file beyond identity: each opens where that part of the file is kept
    def record_contact(self) -> None:
        if self.youth_id is None or not self.maybe_discard():
            return
        from pae_desktop.ui.contact_dialog import ContactDialog

        ContactDialog(self.context, self.youth_id, self).exec()

    def open_interview(self) -> None:
        if self.youth_id is None or not self.maybe_discard():
            return
        from pae_desktop.ui.interview_form import InterviewFormDialog

        InterviewFormDialog(self.context, self.youth_id, parent=self).exec()

    def export_dossier(self) -> None:
        """The right of access: everything held on this youth in one PDF (the print is audited)."""
        if self.youth_id is None:
            return
        path, _ = file_dialogs.save_file_name(
            self, file_dialogs.PDF,
            "Dossier complet du jeune", f"dossier_{self.last_name.text().strip() or 'jeune'}.pdf", "PDF (*.pdf)"
        )
        if not path:
            return
        from pae_desktop.core.operations.printing import print_document

        try:
            with self.context.db.transaction() as session:
                result = print_document(session, "dossier", self.youth_id, path)
        except (UserError, OSError) as error:
            self.form_message.show_error(f"Le dossier n'a pas pu être écrit : {error}")
            return
        self.context.apply(result)
        self.form_message.show_info(f"Dossier complet enregistré : {path}")

    def erase(self) -> None:
        if self.youth_id is None:
            return
        from pae_desktop.ui.data_protection import erase_youth_on_request

        if erase_youth_on_request(self, self.context, self.youth_id):
            self._reload(self.youth_id)  # anonymised: shows what is left; deleted: says so

    def open_pathway(self) -> None:
        window = self.window()
        if self.youth_id is not None and hasattr(window, "show_pathway"):
            window.show_pathway(self.youth_id)

    def focus_first_field(self) -> None:
        self.last_name.setFocus()

    # live checks
    def _check_live(self, name: str, message: str) -> None:
        label = self.field_messages[name]
        label.show_error(message) if message else label.clear_message()

    def _check_ine(self) -> None:
        label = self.field_messages["ine"]
        text = self.ine.text()
        warning = ine_warning(text) if len(text.strip()) >= 11 or not text.strip() else ""
        label.show_warning(warning) if warning else label.clear_message()

    def _check_birth_date(self) -> None:
        try:
            birth = self.birth_date.value()
        except ValueError as error:
            self.field_messages["birth_date"].show_error(str(error))
            return
        self.field_messages["birth_date"].clear_message()
        if is_minor(birth, dt.date.today()):
            self.field_messages["birth_date"].show_info("Jeune mineur : les documents nomment ses représentants légaux.")

    # representatives
    def add_representative_row(self, rep: RepresentativeForm | None = None) -> None:
        rep = rep or RepresentativeForm()
        row = self.representatives.rowCount()
        self.representatives.insertRow(row)
        for column, value in enumerate((rep.last_name, rep.first_name, "", rep.phone, rep.email)):
            if column == 2:
                combo = CodeCombo(ParentLink, empty="—")
                combo.set_code(rep.link)
                combo.setAccessibleName(f"Lien de parenté du représentant {row + 1}")
                self.representatives.setCellWidget(row, column, combo)
            else:
                item = QTableWidgetItem(value)
                item.setData(REP_ROLE, rep)  # keeps the fields the table does not show (address…)
                self.representatives.setItem(row, column, item)

    def _remove_representative_row(self) -> None:
        row = self.representatives.currentRow()
        if row >= 0:
            self.representatives.removeRow(row)

    def _representative_forms(self) -> list[RepresentativeForm]:
        forms = []
        for row in range(self.representatives.rowCount()):

            def cell(column: int, row: int = row) -> str:
                item = self.representatives.item(row, column)
                return item.text().strip() if item else ""

            combo = self.representatives.cellWidget(row, 2)
            first = self.representatives.item(row, 0)
            base = (first.data(REP_ROLE) if first else None) or RepresentativeForm()
            values = [cell(0), cell(1), cell(3), cell(4)]
            if not any(values) and not (combo and combo.code()):
                continue  # an empty line added by mistake
            forms.append(
                RepresentativeForm(
                    last_name=values[0],
                    first_name=values[1],
                    link=combo.code() if combo else "",
                    is_legal=base.is_legal,
                    phone=values[2],
                    email=values[3],
                    address=base.address,
                    postal_code=base.postal_code,
                    city=base.city,
                )
            )
        return forms

    # load / new / save
    def new(self) -> None:
        if not self.maybe_discard():
            return
        self.youth_id = None
        self.version = None
        self._fill(YouthForm())
        self.title.setText("Nouveau jeune")
        self.stage.setText("")
        self.left_school.show_for(None, None, None, "")
        self.phase1.show_summary(None)
        self.set_enabled(True)
        self.last_name.setFocus()

    def load(self, youth_id: int) -> None:
        if youth_id == self.youth_id or not self.maybe_discard():
            return
        with self.context.db.read() as session:
            try:
                youth = load_youth(session, youth_id)
            except UserError as error:
                self.form_message.show_error(str(error))
                return
            form = youth_form(youth)
            stage = stage_of(session, youth)
            left_on = youth.left_school_on
            self.version = youth.version
            minor = is_minor(youth.birth_date, dt.date.today())
            phase1 = youth_phase1(session, youth)
        self.phase1.show_summary(phase1)
        self.youth_id = youth_id
        self._fill(form)
        self.title.setText(f"{form.last_name.upper()} {form.first_names}")
        self.stage.setText(f"Étape : {stage.label}" + (" — mineur(e)" if minor else ""))
        self.set_enabled(True)
        self.left_school.show_for(youth_id, self.version, left_on, self.title.text())

    def _refresh_phase1(self) -> None:
        """Attendance recorded in the phase-1 tab shows at once, without touching the fields being edited."""
        with self.context.db.read() as session:
            youth = session.get(Youth, self.youth_id)
            if youth is None:
                return
            phase1 = youth_phase1(session, youth)
        self.phase1.show_summary(phase1)

    def _reload(self, youth_id: int) -> None:
        """Load the youth again from the database, whatever the panel holds (after a save or a conflict)."""
        self._loaded_form = None
        self.youth_id = None
        self.load(youth_id)

    def _fill(self, form: YouthForm) -> None:
        for name in ("last_name", "usage_name", "first_names", "ine", "phone", "phone2", "email", "address",
                     "postal_code", "city", "speciality", "division"):
            getattr(self, name).setText(getattr(form, name))
        self.sex.set_code(form.sex)
        self.birth_date.set_value(form.birth_date)
        self.boursier.setChecked(form.boursier)
        self.diploma.set_code(form.diploma)
        self.exam_result.set_code(form.exam_result)
        self.notes.setPlainText(form.notes)
        self.representatives.setRowCount(0)
        for rep in form.representatives:
            self.add_representative_row(rep)
        for message in self.field_messages.values():
            message.clear_message()
        self.rep_message.clear_message()
        self.form_message.clear_message()
        self._check_ine()
        self._loaded_form = self._read_form(strict=False)

    def _read_form(self, strict: bool = True) -> YouthForm:
        try:
            birth = self.birth_date.value()
        except ValueError:
            if strict:
                raise
            birth = None
        return YouthForm(
            last_name=self.last_name.text(),
            first_names=self.first_names.text(),
            usage_name=self.usage_name.text(),
            sex=self.sex.code(),
            birth_date=birth,
            ine=self.ine.text(),
            phone=self.phone.text(),
            phone2=self.phone2.text(),
            email=self.email.text(),
            address=self.address.text(),
            postal_code=self.postal_code.text(),
            city=self.city.text(),
            boursier=self.boursier.isChecked(),
            diploma=self.diploma.code(),
            speciality=self.speciality.text(),
            division=self.division.text(),
            exam_result=self.exam_result.code(),
            notes=self.notes.toPlainText(),
            representatives=self._representative_forms(),
        )

    def is_dirty(self) -> bool:
        if self._loaded_form is None or not self.save_button.isEnabled():
            return False
        return self._read_form(strict=False) != self._loaded_form

    def maybe_discard(self) -> bool:
        """True when there is nothing unsaved, or the user agrees to lose it."""
        if not self.is_dirty():
            return True
        return confirm(self, "Les modifications de ce dossier ne sont pas enregistrées. Les abandonner ?")

    def _refresh_if_changed_elsewhere(self, changed: frozenset) -> None:
        """Someone else's save (a shared database) shows at once, unless this file has unsaved edits."""
        if topics.PHASE1 in changed and self.youth_id is not None:
            self._refresh_phase1()
        if topics.YOUTHS not in changed or self.youth_id is None or self.is_dirty():
            return
        with self.context.db.read() as session:
            version = session.scalar(select(Youth.version).where(Youth.id == self.youth_id))
        if version != self.version:
            youth_id, self.youth_id = self.youth_id, None
            self.load(youth_id)

    def cancel(self) -> None:
        if self._loaded_form is not None:
            self._fill(self._loaded_form)
            self.form_message.show_info("Modifications annulées.")

    def save(self) -> bool:
        for message in self.field_messages.values():
            message.clear_message()
        self.rep_message.clear_message()
        try:
            form = self._read_form()
        except ValueError as error:
            self.field_messages["birth_date"].show_error(str(error))
            self.form_message.show_error("Le dossier n'a pas été enregistré : corrigez la date de naissance.")
            return False
        problems = form.errors()
        if problems:
            for name, text in problems.items():
                target = self.field_messages.get(name, self.rep_message)
                target.show_error(text)
            self.form_message.show_error("Le dossier n'a pas été enregistré : " + next(iter(problems.values())))
            return False
        try:
            with self.context.db.transaction() as session:
                campaign = require_campaign(session) if self.context.campaign_id is None else None
                result = save_youth(
                    session,
                    campaign or session.get(Campaign, self.context.campaign_id),
                    form,
                    youth_id=self.youth_id,
                    expected_version=self.version,
                )
        except UserError as error:
            if str(error) == CONFLICT_MESSAGE and self.youth_id is not None:
                # saved elsewhere meanwhile (a shared database): show what is there now, never overwrite it
                self._reload(self.youth_id)
            self.form_message.show_error(str(error))
            return False
        self._reload(result.youth_id)
        self.context.apply(result.changes)
        for name, text in result.warnings.items():
            self.field_messages.get(name, self.rep_message).show_warning(text)
        summary = "Dossier enregistré." + (" Attention : " + " ".join(result.warnings.values()) if result.warnings else "")
        if result.warnings:
            self.form_message.show_warning(summary)
        else:
            self.form_message.show_info(summary)
        self.saved.emit(result.youth_id)
        return True
