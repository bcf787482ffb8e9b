"""The editor of one youth's pathway: the pathway tab (rules as typed, timeline, save), with the follow-up and
end-of-pathway tabs; every write goes through one operation and the screens refresh from its changes."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from pae_desktop.core import rules
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.models import Partner, Person
from pae_desktop.core.rules import Problem
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import (
    FREE_TEXT_REMINDER,
    CarrierKind,
    Decision,
    DocumentKind,
    PartnerType,
    carrier_kind_of,
)
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.confirmations import confirm_by_typing
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.flow_layout import FlowLayout, keep_together
from pae_desktop.ui.pathway_editor.common import (
    OK_STYLE,
    date_field,
    mark_field,
    message_label,
    read_date,
    show_problems,
    warn,
)
from pae_desktop.ui.pathway_editor.exit_section import ExitSection
from pae_desktop.ui.pathway_editor.follow_up import FollowUpSection
from pae_desktop.ui.pathway_editor.module_card import ModuleCard
from pae_desktop.ui.pathway_editor.modules_section import ModulesSection
from pae_desktop.ui.pathway_editor.proposals_section import ProposalsSection
from pae_desktop.ui.timeline import TimelineModule, TimelineWidget
from pae_desktop.ui.undo import DeletionUndo

# The documents of a pathway: (kind, module under pae_desktop.documents, button text).
DOCUMENTS = (
    (DocumentKind.PLAN_PARCOURS, "plan_parcours", "Plan de parcours"),
    (DocumentKind.ATTESTATION_INSCRIPTION, "attestation_inscription", "Attestation d'inscription"),
    (DocumentKind.ATTESTATION_FIN_PARCOURS, "attestation_fin_parcours", "Attestation de fin de parcours"),
    (
        DocumentKind.INSCRIPTION_ADMINISTRATIVE,
        "inscription_administrative",
        "Fiche d'inscription administrative",
    ),
)
MESSAGE_KEYS = ("mef_code", "start_date", "planned_end", "modules", "non_engaged_note", "notes", "other")


class PathwayEditor(ProposalsSection, ModulesSection, FollowUpSection, ExitSection, QWidget):
    """The whole pathway of one youth: pathway tab (modules, rules, timeline), follow-up tab, exit tab."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = context
        self.youth_id: int | None = None
        self.pathway_id: int | None = None
        self.pathway_version: int = svc.NEW  # as loaded: what every write of the pathway is checked against
        self.exit_version: int = svc.NEW
        self.saved_start: dt.date | None = None
        self.rule_context: svc.PathwayContext | None = None
        self.catalogue: list[svc.CatalogItem] = []
        self.partners: list[tuple[int, str, str]] = []
        self.template_rows: list[svc.TemplateRow] = []
        self.cards: list[ModuleCard] = []
        self.dismissed: set[str] = set()
        self.evaluation: svc.Evaluation | None = None
        self.dates = {"start_date": dt.date.today(), "planned_end": dt.date.today()}  # the last typed right
        self.dirty = False
        self._loading = False
        self.today = dt.date.today()

        self.title = QLabel("Choisissez un jeune dans la liste.")
        self.title.setObjectName("pathway_title")
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.decision_message = message_label("decision_message")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._pathway_tab(), "Parcours")
        self.tabs.addTab(self._follow_up_tab(), "Suivi et assiduité")
        self.tabs.addTab(self._exit_tab(), "Abandon et sortie")
        self.undo = DeletionUndo(context, self)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.undo.button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.decision_message)
        layout.addWidget(self.tabs)
        self.setEnabled(False)

    # --- building -------------------------------------------------------------------------------------

    def _pathway_tab(self) -> QWidget:
        page = QWidget()
        self.messages = {key: message_label(f"msg_{key}") for key in MESSAGE_KEYS}
        form = self._pathway_fields()
        self.derived = QLabel()
        self.derived.setObjectName("derived")
        self.derived.setStyleSheet("font-weight: bold;")
        self.partnership = QLabel()
        self.partnership.setObjectName("partnership")
        module_bar = self._module_bar()
        self.timeline = TimelineWidget()
        buttons, prints = self._action_bars()
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.derived)
        layout.addWidget(self.partnership)
        layout.addWidget(self.proposals_box)
        modules_title = QLabel("Modules")
        modules_title.setStyleSheet("font-weight: bold;")
        layout.addWidget(modules_title)
        layout.addLayout(module_bar)
        layout.addWidget(self.messages["modules"])
        layout.addWidget(self.cards_host)
        layout.addWidget(self.timeline)
        layout.addWidget(self.messages["other"])
        layout.addStretch(1)
        layout.addLayout(buttons)
        layout.addLayout(prints)
        for edit in (self.start, self.end):
            edit.textChanged.connect(self._changed)
        for combo in (self.mef, self.referent, self.mission_locale):
            combo.currentIndexChanged.connect(self._changed)
        for line in (self.non_engaged_note, self.notes):
            line.textEdited.connect(self._changed)
        return page

    def _pathway_fields(self) -> QFormLayout:
        """MEF, dates, referent, Mission locale and notes, each with its message label."""
        self.mef = QComboBox()
        self.mef.setObjectName("mef_code")
        self.mef.setAccessibleName("MEF du parcours")
        self.start = date_field("start_date", "Date de début du parcours")
        self.end = date_field("planned_end", "Date de fin prévue")
        self.referent = QComboBox()
        self.referent.setObjectName("referent")
        self.referent.setAccessibleName("Référent du parcours")
        self.mission_locale = QComboBox()
        self.mission_locale.setObjectName("mission_locale")
        self.mission_locale.setAccessibleName("Mission locale de référence")
        self.non_engaged_note = QLineEdit()
        self.non_engaged_note.setObjectName("non_engaged_note")
        self.non_engaged_note.setAccessibleName("Pourquoi ce parcours sans engagement")
        self.non_engaged_note.setPlaceholderText("Pourquoi ouvrir le parcours malgré la décision d'entretien")
        self.notes = QLineEdit()
        self.notes.setObjectName("pathway_notes")
        self.notes.setAccessibleName("Note du parcours")
        self.notes.setToolTip(FREE_TEXT_REMINDER)
        self.messages: dict[str, QLabel] = {
            key: message_label(f"msg_{key}")
            for key in (
                "mef_code",
                "start_date",
                "planned_end",
                "modules",
                "non_engaged_note",
                "notes",
                "other",
            )
        }

        form = QFormLayout()
        form.addRow("MEF :", self._with_message(self.mef, "mef_code"))
        dates = QHBoxLayout()
        dates.addWidget(QLabel("Du"))
        dates.addWidget(self.start)
        dates.addWidget(QLabel("au"))
        dates.addWidget(self.end)
        self.duration = QLabel()
        self.duration.setObjectName("duration")
        dates.addWidget(self.duration)
        dates.addStretch(1)
        box = QVBoxLayout()
        box.addLayout(dates)
        box.addWidget(self.messages["start_date"])
        box.addWidget(self.messages["planned_end"])
        form.addRow("Dates :", box)
        form.addRow("Référent :", self.referent)
        form.addRow("Mission locale :", self.mission_locale)
        self.non_engaged_row = QLabel("Note (sans engagement) :")
        form.addRow(self.non_engaged_row, self._with_message(self.non_engaged_note, "non_engaged_note"))
        form.addRow("Note :", self._with_message(self.notes, "notes"))
        return form

    def _module_bar(self) -> FlowLayout:
        """The proposals box, the cards' host, and the bar that adds a module or applies a template."""
        self._proposals_box()  # proposals from the interview

        # modules
        self.cards_host = QWidget()
        self.cards_layout = QVBoxLayout(self.cards_host)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        self.add_module_button = QPushButton("Ajouter un module")
        self.add_module_button.setObjectName("add_module")
        self.add_module_button.clicked.connect(lambda: self.add_module())
        self.templates = QComboBox()
        self.templates.setObjectName("templates")
        self.templates.setAccessibleName("Modèles de parcours")
        self.apply_template_button = QPushButton("Appliquer le modèle")
        self.apply_template_button.setObjectName("apply_template")
        self.apply_template_button.clicked.connect(self.apply_template)
        self.save_template_button = QPushButton("Enregistrer comme modèle…")
        self.save_template_button.setObjectName("save_template")
        self.save_template_button.clicked.connect(self.save_as_template)
        self.delete_template_button = QPushButton("Supprimer le modèle")
        self.delete_template_button.setObjectName("delete_template")
        self.delete_template_button.clicked.connect(self.delete_template)
        module_bar = FlowLayout()  # wraps on a narrow window
        module_bar.addWidget(self.add_module_button)
        module_bar.addWidget(keep_together(QLabel("Modèle :"), self.templates))
        module_bar.addWidget(self.apply_template_button)
        module_bar.addWidget(self.save_template_button)
        module_bar.addWidget(self.delete_template_button)
        return module_bar

    def _action_bars(self) -> tuple[QHBoxLayout, FlowLayout]:
        """The save, revert and delete buttons with the status message; the print buttons."""
        self.save_button = QPushButton("Enregistrer le parcours")
        self.save_button.setObjectName("save_pathway")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Annuler les modifications")
        self.revert_button.setObjectName("revert_pathway")
        self.revert_button.clicked.connect(lambda: self.load(self.youth_id))
        self.status = message_label("status")
        self.print_buttons: dict[DocumentKind, QPushButton] = {}
        prints = FlowLayout()  # wraps on a narrow window
        prints.addWidget(QLabel("Imprimer :"))
        for kind, _module, text in DOCUMENTS:
            button = QPushButton(text)
            button.setObjectName(f"print_{kind.value}")
            button.clicked.connect(lambda _checked=False, k=kind: self.print_document(k))
            self.print_buttons[kind] = button
            prints.addWidget(button)
        prints.addStretch(1)
        self.delete_button = QPushButton("Supprimer le parcours")
        self.delete_button.setObjectName("delete_pathway")
        self.delete_button.clicked.connect(self.delete_pathway)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        return buttons, prints

    def _with_message(self, widget: QWidget, key: str) -> QWidget:
        host = QWidget()
        box = QVBoxLayout(host)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(widget)
        box.addWidget(self.messages[key])
        return host

    # --- loading --------------------------------------------------------------------------------------

    def load(self, youth_id: int | None, today: dt.date | None = None) -> None:
        """Show one youth's pathway (a new form when there is none yet), reading everything once, with the
        versions every write will be checked against."""
        self.today = today or self.today
        if youth_id != self.youth_id:  # the proposals dismissed or ticked stay while the same youth is shown
            self.dismissed = set()
            self.proposal_checked = set()
        self.youth_id = youth_id
        if youth_id is None:
            self.rule_context = None
            self.pathway_id = None
            self.dirty = False
            self._set_modules([])
            self.timeline.set_pathway(None, None, [], today=self.today)
            self.setEnabled(False)
            self.title.setText("Choisissez un jeune dans la liste.")
            return
        self._loading = True
        try:
            with self.app.db.read() as session:
                loaded = self._read(session, youth_id)
            self._show(loaded)
            self.dirty = False
        finally:
            self._loading = False
        self.revalidate()

    def _read(self, session, youth_id: int) -> dict:
        """Everything the editor shows of one youth, read in one session."""
        self.rule_context = svc.pathway_context(session, youth_id)
        pathway = svc.get_pathway(session, youth_id)
        self.pathway_id = pathway.id if pathway else None
        self.pathway_version = pathway.version if pathway else svc.NEW
        self.saved_start = pathway.start_date if pathway else None
        self.catalogue = svc.catalogue(session)
        self.partners = [
            (p.id, p.name, p.type)
            for p in session.scalars(
                select(Partner).where(Partner.archived.is_(False)).order_by(Partner.type, Partner.name)
            )
        ]
        youth = svc.load_youth_for_pathway(session, youth_id)
        self.campaign_year = youth.campaign.year
        return {
            "pathway": pathway is not None,
            "form": svc.pathway_form(pathway)
            if pathway
            else svc.new_pathway_form(self.rule_context, self.today),
            "people": [
                (p.id, p.full_name, p.partner_id)
                for p in session.scalars(
                    select(Person).where(Person.archived.is_(False)).order_by(Person.last_name)
                )
            ],
            "templates": svc.list_templates(session),
            "events": svc.follow_ups(session, youth_id),
            "exit": youth.exit,
            "siecle": (pathway.siecle_entered, pathway.siecle_entered_on) if pathway else (False, None),
            "abandon": (pathway.abandoned_on, pathway.abandon_reason) if pathway else (None, ""),
        }

    def _show(self, loaded: dict) -> None:
        form: svc.PathwayForm = loaded["form"]
        self.setEnabled(True)
        state = "parcours enregistré" if loaded["pathway"] else "nouveau parcours"
        self.title.setText(f"{self.rule_context.youth_name} — {state}")
        self.mef.clear()
        for code, label in svc.mef_choices(self.rule_context.scheme):
            self.mef.addItem(label, code)
        if self.mef.findData(form.mef_code) < 0 and form.mef_code:
            saved = f"{form.mef_code} (code enregistré, absent du dispositif de la campagne)"
            self.mef.addItem(saved, form.mef_code)
        self.mef.setCurrentIndex(max(0, self.mef.findData(form.mef_code)))
        self.start.set_value(form.start_date)
        self.end.set_value(form.planned_end)
        self.referent.clear()
        self.referent.addItem("—", None)
        for pid, name, partner_id in loaded["people"]:
            if partner_id is None:
                self.referent.addItem(name, pid)
        self.referent.setCurrentIndex(max(0, self.referent.findData(form.referent_id)))
        self.mission_locale.clear()
        self.mission_locale.addItem("—", None)
        for pid, name, ptype in self.partners:
            if ptype == PartnerType.MISSION_LOCALE:
                self.mission_locale.addItem(name, pid)
        self.mission_locale.setCurrentIndex(max(0, self.mission_locale.findData(form.mission_locale_id)))
        self.non_engaged_note.setText(form.non_engaged_note)
        self.notes.setText(form.notes)
        engaged = self.rule_context.latest_decision == Decision.ENGAGE
        self.non_engaged_row.setVisible(not engaged or bool(form.non_engaged_note))
        self.non_engaged_note.setVisible(not engaged or bool(form.non_engaged_note))
        self._fill_templates(loaded["templates"])
        self._set_modules(form.modules)
        self._reset_follow_up_form(self.today)
        self._fill_follow_ups(loaded["events"])
        self._fill_exit(
            loaded["exit"], loaded["siecle"], loaded["abandon"], form.start_date, form.planned_end
        )

    # --- the form and its rules -------------------------------------------------------------------------

    def date_errors(self) -> dict[str, str]:
        """The pathway's dates that do not read as JJ/MM/AAAA (by field); those that do are kept for `form`."""
        errors: dict[str, str] = {}
        for key, edit, label in (
            ("start_date", self.start, "Date de début du parcours"),
            ("planned_end", self.end, "Date de fin prévue"),
        ):
            day = read_date(edit, label, errors, key)
            if day is not None:
                self.dates[key] = day
        return errors

    def form(self) -> svc.PathwayForm:
        """The pathway as typed (a date that does not read keeps its last good value: `date_errors` says so)."""
        self.date_errors()
        return svc.PathwayForm(
            mef_code=self.mef.currentData() or "",
            start_date=self.dates["start_date"],
            planned_end=self.dates["planned_end"],
            referent_id=self.referent.currentData(),
            mission_locale_id=self.mission_locale.currentData(),
            non_engaged_note=self.non_engaged_note.text(),
            notes=self.notes.text(),
            modules=[card.form() for card in self.cards],
        )

    def _changed(self, *_args) -> None:
        if self._loading:
            return
        self.dirty = True
        self.revalidate()

    def revalidate(self) -> None:
        """Apply the rules to what is typed now: messages next to the fields, derived values, timeline."""
        if self.rule_context is None or self.youth_id is None:
            return
        form = self.form()
        evaluation = svc.evaluate(form, self.rule_context)
        self.evaluation = evaluation
        date_errors = self.date_errors()
        card_errors = any(card.date_errors() for card in self.cards)
        by_field: dict[str, list[Problem]] = {}
        for key, text in date_errors.items():
            by_field.setdefault(key, []).append(Problem(key, text))
        for problem in evaluation.problems + evaluation.warnings:
            key = problem.field
            if key.startswith("module."):
                key = key.split(".")[1]
            elif key == rules.F_DECISION:
                key = "decision"
            elif key not in self.messages:
                key = "other"
            by_field.setdefault(key, []).append(problem)
        for key, label in self.messages.items():
            show_problems(label, by_field.get(key, []))
        show_problems(self.decision_message, by_field.get("decision", []))
        mark_field(self.start, "start_date" in date_errors)
        mark_field(self.end, "planned_end" in date_errors)
        for index, card in enumerate(self.cards):
            card.set_problems(by_field.get(str(index), []))
        ok = evaluation.ok and not date_errors and not card_errors
        self.save_button.setEnabled(ok)
        self.save_button.setToolTip("" if ok else "Corrigez d'abord ce qui est signalé en rouge.")
        self._show_derived(form, evaluation)
        self._fill_proposals(form)
        self._check_exit()
        self.print_buttons_state()

    def _show_derived(self, form: svc.PathwayForm, evaluation: svc.Evaluation) -> None:
        """Duration, PFMP days, partnership and the timeline: what the rules derive from the form."""
        days = evaluation.pathway_days
        limit = rules.latest_end_for_start(form.start_date)
        self.duration.setText(f"{days} jour(s) — au plus tard le {limit:%d/%m/%Y} pour 4 mois")
        self.derived.setText(
            f"{evaluation.module_count} module(s) · {evaluation.pfmp_days} jour(s) de PFMP "
            f"({evaluation.pfmp_calendar_days} jours calendaires sur {rules.max_pfmp_days(days)} au plus)"
        )
        kinds = ", ".join(k.label for k in CarrierKind if k in evaluation.carrier_kinds) or "aucun porteur"
        if evaluation.partnership:
            self.partnership.setText(f"✔ Parcours partenarial (porteurs : {kinds})")
            self.partnership.setStyleSheet(OK_STYLE)
        else:
            self.partnership.setText(
                f"Parcours non partenarial (porteurs : {kinds}) : il faut au moins deux types de porteurs."
            )
            self.partnership.setStyleSheet("color: #555;")
        partner_types = self.rule_context.partner_types
        self.timeline.set_pathway(
            form.start_date,
            form.planned_end,
            [
                TimelineModule(
                    m.name,
                    m.module_type,
                    m.start_date,
                    m.end_date,
                    carrier_kind_of(partner_types.get(m.carrier_partner_id))
                    if m.carrier_partner_id is not None
                    else CarrierKind.ETABLISSEMENT,
                )
                for m in form.modules
            ],
            today=self.today,
            campaign_year=getattr(self, "campaign_year", None),
        )

    def print_buttons_state(self) -> None:
        saved = self.pathway_id is not None and not self.dirty
        self.delete_button.setEnabled(self.pathway_id is not None)
        for button in self.print_buttons.values():
            button.setEnabled(saved)
            button.setToolTip("" if saved else "Enregistrez d'abord le parcours.")
        ended = self.rule_context is not None and (
            self.rule_context.exit_on is not None or self.rule_context.abandoned_on is not None
        )
        fin = self.print_buttons[DocumentKind.ATTESTATION_FIN_PARCOURS]
        fin.setEnabled(saved and ended)
        if saved and not ended:
            fin.setToolTip("Après un abandon ou une sortie seulement.")

    # --- saving -----------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the pathway at the version loaded; a youth who did not engage is asked why first (the answer
        becomes the note). A refusal is said under the form; a conflict reloads the other person's pathway."""
        if self.youth_id is None or self.rule_context is None:
            return False
        self.revalidate()
        if not self.save_button.isEnabled():
            problems = [p.message for p in self.evaluation.problems] if self.evaluation else []
            reasons = list(self.date_errors().values()) + problems
            reasons += [text for card in self.cards for text in card.date_errors().values()]
            self.status.show_error("Parcours non enregistré : " + " ".join(reasons))
            return False
        warning = rules.not_engaged_warning(self.rule_context.latest_decision)
        if warning and not self.non_engaged_note.text().strip():
            note, ok = QInputDialog.getMultiLineText(
                self,
                "Parcours sans engagement",
                f"{warning}\n\nPourquoi ouvrir ce parcours ?",
            )
            if not ok or not note.strip():
                self.status.show_error("Parcours non enregistré : la note est nécessaire.")
                return False
            self.non_engaged_note.setText(note.strip())
        form, version = self.form(), self.pathway_version
        result = self._write_pathway(lambda s: svc.save_pathway(s, self.youth_id, form, version=version))
        if result is None:
            return False
        summary = "Parcours créé." if result.created else "Parcours enregistré."
        if result.warnings:
            self.status.show_warning(summary + " Attention : " + " ".join(result.warnings))
        else:
            self.status.show_info(summary)
        return True

    def delete_pathway(self) -> bool:
        """Delete a pathway opened by mistake (refused while an exit is recorded), once the youth's name is typed:
        it cannot be undone."""
        if self.youth_id is None or self.pathway_id is None:
            return False
        name = self.rule_context.youth_name if self.rule_context else ""
        question = (
            f"Supprimer le parcours de {name} et ses {len(self.cards)} module(s) ? Les événements de suivi et "
            "l'assiduité restent dans le dossier. Cette suppression est définitive : elle ne peut pas être annulée."
        )
        if not confirm_by_typing(self, question, name, "Supprimer le parcours", "Supprimer le parcours"):
            return False
        version = self.pathway_version
        if self._write_pathway(lambda s: svc.delete_pathway(s, self.youth_id, version=version)) is None:
            return False
        self.status.show_info("Parcours supprimé.")
        return True

    def _write_pathway(self, operation, message=None):
        """Run one operation on the youth's pathway, reload the editor from the database and refresh the screens
        from the operation's changes; a refusal said in `message` (the form's status by default), after
        reloading the other person's values on a conflict. The operation's result, None when refused."""
        message = message or self.status
        try:
            with self.app.db.transaction() as session:
                result = operation(session)
        except UserError as error:
            if str(error) == CONFLICT_MESSAGE:
                self.load(self.youth_id)
            message.show_error(str(error))
            return None
        self.load(self.youth_id)
        self.app.apply(result)
        return result

    def print_document(self, kind: DocumentKind) -> str | None:
        """Ask where to save the PDF, build it (recorded in the audit log), say where it went."""
        if self.youth_id is None or self.pathway_id is None:
            return None
        name = fold(self.rule_context.youth_name).replace(" ", "_") if self.rule_context else "jeune"
        path, _filter = file_dialogs.save_file_name(
            self, file_dialogs.PDF,
            f"Enregistrer — {kind.label}", f"{kind.value}_{name}.pdf", "Documents PDF (*.pdf)"
        )
        if not path:
            return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        from pae_desktop.core.operations.printing import print_document

        try:
            with self.app.db.transaction() as session:
                result = print_document(session, kind.value, self.youth_id, path)
        except UserError as error:
            warn(self, str(error))
            return None
        self.app.apply(result)
        self.status.show_info(f"{kind.label} enregistré(e) : {path}")
        return path
