"""Settings page «Dispositif»: the scheme of each campaign (name, phase 1, MEF codes and labels, domain §1)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from pae_desktop.core import settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign
from pae_desktop.core.operations import Changes, changes
from pae_desktop.core.scheme import Scheme, SchemeMef, default_scheme, scheme_of
from pae_desktop.core.services.campaigns import (
    printed_documents,
    scheme_errors,
    scheme_warnings,
    update_campaign_scheme,
)
from pae_desktop.ui.widgets import MessageLabel, confirm, labelled

LEVELS = (("3", "Niveau 3 (depuis un CAP)"), ("4", "Niveau 4 (bac pro, BMA, DTMS)"))
MEF_COLUMNS = (("code", "Code MEF", 11), ("short", "Libellé court", 14), ("label", "Libellé long", 28))


class SchemePage(QWidget):
    """Each campaign's scheme, edited campaign by campaign: what is typed for one campaign is kept while another
    is shown, and «Enregistrer» writes only the campaigns whose values changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stored: dict[int, Scheme] = {}
        self._printed: dict[int, int] = {}
        self._edited: dict[int, Scheme] = {}
        self._shown_year: int | None = None

        self.campaign = QComboBox()
        self.name = QLineEdit()
        self.phase1_name = QLineEdit()
        self.phase1_name.setPlaceholderText("vide : pas de phase 1 pour cette campagne")
        self.mef: dict[tuple[str, str], QLineEdit] = {}
        self.defaults_button = QPushButton("&Valeurs par défaut de l'année")
        self.defaults_button.setToolTip(
            "Le nom et les codes que les textes fixent pour l'année de cette campagne"
        )
        self.printed_note = QLabel()
        self.printed_note.setWordWrap(True)
        self.printed_note.setStyleSheet("color: #555;")
        self.message = MessageLabel()
        self.unreachable_after = QSpinBox()
        self.unreachable_after.setRange(1, 20)

        chooser = QHBoxLayout()
        chooser.addWidget(labelled("&Campagne :", self.campaign, "Campagne dont on modifie le dispositif"))
        chooser.addWidget(self.campaign)
        chooser.addStretch(1)
        explanation = QLabel(
            "Chaque campagne garde son dispositif : ses documents, même réimprimés des années plus tard, portent "
            "toujours le nom et les codes MEF de la campagne."
        )
        explanation.setWordWrap(True)
        explanation.setStyleSheet("color: #555;")
        self.scheme_box = QGroupBox("Dispositif de la campagne")
        names = QFormLayout()
        names.addRow(labelled("&Nom du dispositif :", self.name), self.name)
        names.addRow(labelled("Nom de la &phase 1 (terminale) :", self.phase1_name), self.phase1_name)
        box = QVBoxLayout(self.scheme_box)
        box.addLayout(names)
        box.addLayout(self._mef_grid())
        buttons = QHBoxLayout()
        buttons.addWidget(self.printed_note, 1)
        buttons.addWidget(self.defaults_button)
        box.addLayout(buttons)
        box.addWidget(self.message)
        contact_box = QGroupBox("Campagne de contact (toutes les campagnes)")
        contact = QFormLayout(contact_box)
        contact.addRow(
            labelled("Tentatives sans réponse avant « &Injoignable » :", self.unreachable_after),
            self.unreachable_after,
        )
        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addWidget(explanation)
        layout.addWidget(self.scheme_box)
        layout.addWidget(contact_box)
        layout.addStretch(1)

        self.campaign.currentIndexChanged.connect(self._campaign_chosen)
        self.defaults_button.clicked.connect(self.restore_defaults)
        for field in (self.name, self.phase1_name, *self.mef.values()):
            field.textEdited.connect(self._show_problems)

    def _mef_grid(self) -> QGridLayout:
        grid = QGridLayout()
        for column, (_key, title, _width) in enumerate(MEF_COLUMNS, start=1):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        for row, (level, title) in enumerate(LEVELS, start=1):
            grid.addWidget(QLabel(f"{title} :"), row, 0)
            for column, (key, header, width) in enumerate(MEF_COLUMNS, start=1):
                field = QLineEdit()
                field.setAccessibleName(f"{header}, {title.lower()}")
                field.setMinimumWidth(width * field.fontMetrics().averageCharWidth())
                self.mef[level, key] = field
                grid.addWidget(field, row, column)
        grid.setColumnStretch(3, 1)
        return grid

    # --- loading and showing ---------------------------------------------------------------------------------

    def load(self, session, campaign_id: int | None) -> None:
        """Every campaign's stored scheme and printed documents; shows the window's campaign (else the latest)."""
        campaigns = session.scalars(select(Campaign).order_by(Campaign.year.desc())).all()
        self._stored = {c.year: scheme_of(c) for c in campaigns}
        self._versions = {c.year: c.version for c in campaigns}  # what the page loaded: a stale save is refused
        self._setting_versions = settings.versions(session)
        self._printed = {c.year: printed_documents(session, c) for c in campaigns}
        self._edited = {}
        self._shown_year = None
        self.unreachable_after.setValue(int(settings.get(session, settings.UNREACHABLE_AFTER)))
        self.campaign.blockSignals(True)
        self.campaign.clear()
        for c in campaigns:
            self.campaign.addItem(f"Campagne {c.year}", c.year)
        current = next((c.year for c in campaigns if c.id == campaign_id), None)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(current)))
        self.campaign.blockSignals(False)
        self.scheme_box.setEnabled(bool(campaigns))
        if campaigns:
            self._show(self.campaign.currentData())
        else:
            self.scheme_box.setTitle("Dispositif de la campagne")
            self.printed_note.setText("Aucune campagne : le dispositif se règle une fois la campagne créée.")

    def shown_year(self) -> int | None:
        return self._shown_year

    def select_year(self, year: int) -> None:
        self.campaign.setCurrentIndex(self.campaign.findData(year))

    def _campaign_chosen(self, _index: int) -> None:
        self._remember()
        year = self.campaign.currentData()
        if year is not None:
            self._show(year)

    def _show(self, year: int) -> None:
        self._shown_year = year
        self._fill(self._edited.get(year) or self._stored[year])
        self.scheme_box.setTitle(f"Dispositif de la campagne {year}")
        printed = self._printed.get(year, 0)
        self.printed_note.setText(
            f"{printed} document{'s' if printed > 1 else ''} déjà imprimé{'s' if printed > 1 else ''} pour cette "
            "campagne : ils gardent les valeurs qu'ils portent."
            if printed
            else "Aucun document n'est encore imprimé pour cette campagne."
        )
        self._show_problems()

    def _fill(self, scheme: Scheme) -> None:
        self.name.setText(scheme.name)
        self.phase1_name.setText(scheme.phase1_name)
        for level, mef in (("3", scheme.n3), ("4", scheme.n4)):
            for key, _title, _width in MEF_COLUMNS:
                self.mef[level, key].setText(getattr(mef, key))

    def restore_defaults(self) -> None:
        """The values of domain §1 for the shown campaign's year, to review before saving."""
        if self._shown_year is not None:
            self._fill(default_scheme(self._shown_year))
            self._show_problems()

    def scheme(self) -> Scheme:
        """The scheme as typed on the page."""

        def mef(level: str) -> SchemeMef:
            return SchemeMef(*(self.mef[level, key].text().strip() for key, _title, _width in MEF_COLUMNS))

        return Scheme(self.name.text().strip(), self.phase1_name.text().strip(), mef("3"), mef("4"))

    def _show_problems(self) -> None:
        scheme = self.scheme()
        problems = scheme_errors(scheme)
        if problems:
            self.message.show_error("\n".join(problems))
        else:
            self.message.show_warning("\n".join(scheme_warnings(scheme)))

    # --- saving ----------------------------------------------------------------------------------------------

    def _remember(self) -> None:
        """Keep what is typed for the shown campaign (forgotten when it is back to the stored values)."""
        year = self._shown_year
        if year is None:
            return
        scheme = self.scheme()
        if scheme == self._stored[year]:
            self._edited.pop(year, None)
        else:
            self._edited[year] = scheme

    def changes(self) -> dict[int, Scheme]:
        """{year: scheme} of every campaign whose values were changed on the page."""
        self._remember()
        return dict(sorted(self._edited.items()))

    def check(self) -> None:
        """Refuse (UserError) a change that could not be saved, naming its campaign."""
        for year, scheme in self.changes().items():
            problems = scheme_errors(scheme)
            if problems:
                raise UserError(f"Dispositif de la campagne {year} : " + " ".join(problems))

    def confirm_changes(self, parent: QWidget | None) -> bool:
        """Ask before a change with warnings or over printed documents; True when there is nothing to ask."""
        paragraphs = []
        for year, scheme in self.changes().items():
            warnings = scheme_warnings(scheme)
            printed = self._printed.get(year, 0)
            if warnings:
                paragraphs.append(f"Campagne {year} : " + " ".join(warnings))
            if printed:
                paragraphs.append(
                    f"La campagne {year} a déjà {printed} document{'s' if printed > 1 else ''} imprimé"
                    f"{'s' if printed > 1 else ''} : ils gardent leurs anciennes valeurs (nom du dispositif, codes "
                    "et libellés MEF). Seuls les documents imprimés à partir de maintenant porteront les nouvelles."
                )
        if not paragraphs:
            return True
        return confirm(parent, "\n\n".join([*paragraphs, "Enregistrer ces changements du dispositif ?"]))

    def loaded_version(self, year: int) -> int | None:
        """The version of campaign `year` as the page loaded it."""
        return self._versions.get(year)

    def save(self, session) -> Changes:
        """Save the changed schemes and the threshold, each checked against the version the page loaded; the
        `Changes` carry each saved campaign's new version (`versions["campaign"]` of the last one)."""
        result = changes()
        for year, scheme in self.changes().items():
            saved = update_campaign_scheme(session, year, scheme, self._versions.get(year))
            if saved.versions:
                self._versions[year] = saved.versions["campaign"]
            result |= saved
        values = {settings.UNREACHABLE_AFTER: self.unreachable_after.value()}
        return result | settings.save_settings(session, values, self._setting_versions)
