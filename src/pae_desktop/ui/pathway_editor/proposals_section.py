"""The modules proposed from the interview: a line each (dates, hours, carrier, why, what to complete), accepted
all at once («Tout accepter») or ticked line by line («Ajouter la sélection»), saved by the pathway operation."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pae_desktop.core.proposals import ProposedModule, mission_locale_for
from pae_desktop.core.services import pathways as svc
from pae_desktop.ui.keyboard import tab_before

WARNING_STYLE = "color: #8a5a00;"


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def proposal_text(proposal: ProposedModule) -> str:
    """The line of a proposal, in rich text: what, when, how much, who and why."""
    hours = ""
    if proposal.weekly_hours is not None:
        hours = f" · {proposal.weekly_hours:g}".replace(".", ",") + " h/sem."
    rhythm = f" ({escape(proposal.detail)})" if proposal.detail else ""
    carrier = f"<b>{escape(proposal.carrier_name)}</b>"
    if proposal.carrier_why:
        carrier += f" ({escape(proposal.carrier_why)})"
    return (
        f"<b>{escape(proposal.label)}</b> · du {proposal.start_date:%d/%m/%Y} au {proposal.end_date:%d/%m/%Y}"
        f"{hours}{rhythm}<br>Porteur : {carrier}<br><i>{escape(proposal.explanation)}</i>"
    )


class ProposalsSection:
    """The proposals part of `PathwayEditor`'s pathway tab (it reads the editor's form and context)."""

    def _proposals_box(self) -> QGroupBox:
        self.proposals: list[ProposedModule] = []
        self.proposal_checked: set[str] = set()
        self.proposals_box = QGroupBox("Proposé d'après l'entretien")
        self.proposals_box.setObjectName("proposals_box")
        box = QVBoxLayout(self.proposals_box)
        self.proposals_host = QWidget()
        self.proposals_layout = QVBoxLayout(self.proposals_host)
        self.proposals_layout.setContentsMargins(0, 0, 0, 0)
        self.accept_all_button = QPushButton("Tout accepter")
        self.accept_all_button.setObjectName("accept_all")
        self.accept_all_button.setToolTip("Ajouter tous les modules proposés au parcours et l'enregistrer")
        self.accept_all_button.clicked.connect(lambda: self.accept_proposals(None))
        self.accept_selected_button = QPushButton("Ajouter la sélection")
        self.accept_selected_button.setObjectName("accept_selected")
        self.accept_selected_button.setToolTip("Ajouter les modules cochés au parcours et l'enregistrer")
        self.accept_selected_button.clicked.connect(lambda: self.accept_proposals(self.proposal_checked))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.accept_selected_button)
        buttons.addWidget(self.accept_all_button)
        box.addWidget(self.proposals_host)
        box.addLayout(buttons)
        return self.proposals_box

    def _fill_proposals(self, form: svc.PathwayForm) -> None:
        """The proposals for the form as typed now (the ticks kept across keystrokes)."""
        while self.proposals_layout.count():
            item = self.proposals_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.proposals = svc.proposals_for(self.rule_context, form, self.dismissed)
        self.proposal_checked &= {p.key for p in self.proposals}
        self.proposals_box.setVisible(bool(self.proposals))
        for proposal in self.proposals:
            line = self._proposal_row(proposal)
            self.proposals_layout.addWidget(line)
            line.show()  # at once, not at the layout's next pass: what to complete must be seen now
            tab_before(self.accept_selected_button, line)  # in reading order, not after the whole tab
        self._selection_changed()

    def _proposal_row(self, proposal: ProposedModule) -> QWidget:
        row = QWidget()
        row.setObjectName(f"proposal_{proposal.key}")
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 2, 0, 2)
        check = QCheckBox()
        check.setObjectName("check")
        check.setAccessibleName(f"Retenir le module {proposal.label}")
        check.setChecked(proposal.key in self.proposal_checked)
        check.toggled.connect(lambda on, key=proposal.key: self._tick(key, on))
        text = QLabel(proposal_text(proposal))
        text.setObjectName("text")
        text.setWordWrap(True)
        column = QVBoxLayout()
        column.setSpacing(1)
        column.addWidget(text)
        if proposal.notes:
            notes = QLabel("\n".join("⚠ " + note for note in proposal.notes))
            notes.setObjectName("notes")
            notes.setWordWrap(True)
            notes.setStyleSheet(WARNING_STYLE)
            column.addWidget(notes)
        dismiss = QPushButton("Écarter")
        dismiss.setObjectName("dismiss")
        dismiss.setAccessibleName(f"Écarter la proposition {proposal.label}")
        dismiss.clicked.connect(lambda _c=False, p=proposal: self.dismiss_proposal(p))
        line.addWidget(check)
        line.addLayout(column, 1)
        line.addWidget(dismiss)
        return row

    def _tick(self, key: str, on: bool) -> None:
        if on:
            self.proposal_checked.add(key)
        else:
            self.proposal_checked.discard(key)
        self._selection_changed()

    def _selection_changed(self) -> None:
        count = len(self.proposal_checked)
        self.accept_selected_button.setEnabled(bool(count))
        self.accept_selected_button.setText(
            f"Ajouter la sélection ({count})" if count else "Ajouter la sélection"
        )

    def dismiss_proposal(self, proposal: ProposedModule) -> None:
        self.dismissed.add(proposal.key)
        self.revalidate()

    def accept_proposals(self, keys: set[str] | None) -> bool:
        """Add the proposed modules (all when `keys` is None, else those ticked) to the pathway and save it through
        the pathway operation, at the version loaded. The pathway's Mission locale, when empty, becomes the one
        the proposals chose. Refused: the modules stay on screen, unsaved, with the reason."""
        if self.rule_context is None:
            return False
        self._adopt_mission_locale()
        proposals = svc.proposals_for(self.rule_context, self.form(), self.dismissed)
        chosen = [p for p in proposals if keys is None or p.key in keys]
        if not chosen:
            return False
        self._loading = True
        try:
            for proposal in chosen:
                self._append_card(svc.module_from_proposal(proposal))
        finally:
            self._loading = False
        self.proposal_checked -= {p.key for p in chosen}
        self._changed()
        if not self.save():
            return False
        text = f"{len(chosen)} module(s) proposé(s) ajouté(s). {self.status.text()}"
        if any(p.to_complete for p in chosen):
            self.status.show_warning(text + " Complétez ce qui est signalé sur les modules (porteurs).")
        elif "Attention" in text:
            self.status.show_warning(text)
        else:
            self.status.show_info(text)
        return True

    def _adopt_mission_locale(self) -> None:
        """An empty «Mission locale» of the pathway takes the one the proposals read (the interview advisor's)."""
        if self.mission_locale.currentData() is not None:
            return
        basis = svc.proposal_basis(self.rule_context, self.form())
        found = mission_locale_for(basis, self.rule_context.partners)
        if found is not None and self.mission_locale.findData(found.partner.id) >= 0:
            self.mission_locale.setCurrentIndex(self.mission_locale.findData(found.partner.id))
