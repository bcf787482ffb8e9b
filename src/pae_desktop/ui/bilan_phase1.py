"""The «Phase 1» box of the «Bilan» tab (spec §6): shown only when some youth of the report carries phase 1."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from pae_desktop.core import indicators as ind


class Phase1Box(QGroupBox):
    """The youths whose phase 1 is recorded, and the share of them who had each part of it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Phase 1", parent)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self).addWidget(self.text)
        self.hide()

    def set_report(self, report) -> None:
        """Fill from a `core.services.reporting.Report`, or hide when it has no phase 1 (or is None)."""
        from pae_desktop.ui.bilan import percent

        lines = ind.phase1_lines(report.indicators, report.counts) if report is not None else []
        self.setVisible(bool(lines))
        if not lines:
            self.text.clear()
            return
        title = f"Phase 1 {report.phase1_name}".strip()
        self.setTitle(title)
        self.text.setAccessibleName(title)
        rows = "".join(
            f"<tr><td>{html.escape(label)}</td><td align='right'><b>{count}</b></td>"
            f"<td align='right'>{html.escape(percent(share))}</td></tr>"
            for _key, label, count, share in lines
        )
        self.text.setText(
            f"<p>{html.escape(ind.phase1_intro(report.counts))}</p>"
            f"<table cellspacing='6'><tr><th align='left'>Pendant la phase 1</th><th>Jeunes</th>"
            f"<th>Part</th></tr>{rows}</table>"
            "<p><small>Part calculée sur les jeunes dont la phase 1 est renseignée.</small></p>"
        )
