"""The youth's file's «Phase 1 (AvenirPro)» section: what phase 1 gave the youth, flagged under four workshops."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from pae_desktop.core.phase1 import Phase1Summary
from pae_desktop.core.vocabulary import PHASE1_MIN_WORKSHOPS
from pae_desktop.ui.widgets import MessageLabel

BELOW_MINIMUM = f"Moins de {PHASE1_MIN_WORKSHOPS} ateliers suivis : la phase 1 en prévoit au moins {PHASE1_MIN_WORKSHOPS}."


class Phase1Panel(QGroupBox):
    """Hidden for a campaign without phase 1 (before 2026) and for a youth being created."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.warning)
        self.hide()

    def show_summary(self, phase1: tuple[str, Phase1Summary] | None) -> None:
        """`core.phase1.youth_phase1`'s answer: (the campaign's phase-1 name, the summary), or None."""
        self.setVisible(phase1 is not None)
        if phase1 is None:
            return
        name, summary = phase1
        self.setTitle(f"Phase 1 ({name})")
        self.setAccessibleName(f"Phase 1 ({name})")
        self.summary.setText(summary.text)
        if summary.below_minimum:
            self.warning.show_warning(BELOW_MINIMUM)
        else:
            self.warning.clear_message()
