"""The editor's modules: the cards and the pathway templates (the proposals: `proposals_section`)."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from pae_desktop.core.errors import UserError
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.vocabulary import ModuleType
from pae_desktop.ui.keyboard import tab_after
from pae_desktop.ui.pathway_editor.module_card import ModuleCard
from pae_desktop.ui.undo import UNDO_HINT, say_in
from pae_desktop.ui.widgets import confirm


class ModulesSection:
    """The modules part of `PathwayEditor`'s pathway tab (it reads the editor's form, context and partners)."""

    # --- modules and templates ------------------------------------------------------------------------

    def add_module(self, module_type: ModuleType = ModuleType.IMMERSION_CLASSE) -> ModuleCard:
        form = self.form()
        card = self._append_card(
            svc.ModuleForm(module_type.value, form.start_date, form.planned_end, label=module_type.label)
        )
        self._changed()
        return card

    def remove_module(self, card: ModuleCard) -> None:
        if card in self.cards:
            self.cards.remove(card)
            card.setParent(None)
            card.deleteLater()
            for index, other in enumerate(self.cards):
                other.setObjectName(f"module_{index}")
            self._changed()

    def apply_template(self) -> None:
        template_id = self.templates.currentData()
        if template_id is None or self.rule_context is None:
            return
        try:
            with self.app.db.read() as session:
                form = svc.apply_template(session, template_id, self.form(), self.rule_context.limits)
        except UserError as error:
            self.status.show_error(str(error))
            return
        self._loading = True
        try:
            self.end.set_value(form.planned_end)
            self._set_modules(form.modules)
        finally:
            self._loading = False
        self._changed()

    def save_as_template(self) -> None:
        """Save the modules as a template under a name; a name already used is replaced once confirmed."""
        name, ok = QInputDialog.getText(self, "Modèle de parcours", "Nom du modèle :")
        name = " ".join(name.split())
        if not ok or not name:
            return
        same = next((row for row in self.template_rows if row.name == name), None)
        if same is not None and not confirm(
            self,
            f"Le modèle « {name} » existe déjà : le remplacer par les modules de ce parcours ? "
            f"Ses {len(same.module_labels)} module(s) actuel(s) seront remplacés.",
            "Modèle",
            action="Remplacer le modèle",
        ):
            return
        version = same.version if same is not None else None
        try:
            with self.app.db.transaction() as session:
                result = svc.save_template(
                    session, name, self.form(), replace_existing=same is not None, version=version
                )
        except UserError as error:
            self.status.show_error(str(error))
            self._fill_templates()
            return
        self.status.show_info(f"Modèle « {name} » enregistré.")
        self._fill_templates()
        self.app.apply(result)

    def delete_template(self) -> None:
        index = self.templates.currentIndex()
        if not 0 <= index < len(self.template_rows):
            return
        row = self.template_rows[index]
        question = f"Supprimer le modèle « {row.name} » ({len(row.module_labels)} module(s)) ? {UNDO_HINT}"
        if not confirm(self, question, "Supprimer", action="Supprimer le modèle"):
            return
        try:
            with self.app.db.transaction() as session:
                result = svc.delete_template(session, row.id, version=row.version)
        except UserError as error:
            self.status.show_error(str(error))
            self._fill_templates()
            return
        self.status.show_info(f"Modèle « {row.name} » supprimé.")
        self._fill_templates()
        self.app.apply(result)
        self.undo.remember(result, say_in(self.status), self._fill_templates)

    def _fill_templates(self, templates: list[svc.TemplateRow] | None = None) -> None:
        if templates is None:
            with self.app.db.read() as session:
                templates = svc.list_templates(session)
        self.template_rows = templates
        self.templates.clear()
        for row in templates:
            self.templates.addItem(f"{row.name} ({len(row.module_labels)} modules)", row.id)
        self.apply_template_button.setEnabled(bool(templates))
        self.delete_template_button.setEnabled(bool(templates))

    def _set_modules(self, modules: list[svc.ModuleForm]) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        for module in modules:
            self._append_card(module)

    def _append_card(self, module: svc.ModuleForm) -> ModuleCard:
        card = ModuleCard(len(self.cards), module, self.catalogue, self.partners)
        card.changed.connect(self._changed)
        card.remove_requested.connect(self.remove_module)
        self.cards_layout.addWidget(card)
        card.show()  # at once, not at the layout's next pass: its rule messages must be seen now
        tab_after(self.cards[-1] if self.cards else self.delete_template_button, card)  # reading order
        self.cards.append(card)
        return card
