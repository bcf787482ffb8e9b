"""Settings: the school's identity, the campaign's dates, each campaign's scheme (`ui.scheme_page`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.identity import uai_error
from pae_desktop.core.models import Campaign
from pae_desktop.core.operations import CAMPAIGNS, SCHOOL, changes
from pae_desktop.core.services.campaigns import (
    CampaignDates,
    campaign_dates,
    create_campaign,
    default_campaign_year,
    update_campaign_dates,
)
from pae_desktop.core.services.school import MAX_LOGO_BYTES, SchoolForm, get_school, save_school, school_form
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.scheme_page import SchemePage
from pae_desktop.ui.screen_fit import scrolled
from pae_desktop.ui.widgets import Button, DateField, GuardedDialog, MessageLabel, dialog_buttons, labelled


class SchoolPage(QWidget):
    """The school's identity; also the first step of the welcome screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.logo: bytes | None = None
        self.name = QLineEdit()
        self.uai = QLineEdit()
        self.uai.setMaxLength(8)
        self.uai.setPlaceholderText("7 chiffres et une lettre, ex. 0540042C")
        self.address = QLineEdit()
        self.postal_code = QLineEdit()
        self.city = QLineEdit()
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.head_name = QLineEdit()
        self.head_title = QLineEdit()
        self.logo_preview = QLabel("Aucun logo")
        self.logo_preview.setMinimumHeight(48)
        choose_logo = QPushButton("Choisir un &logo…")
        choose_logo.clicked.connect(self.choose_logo)
        remove_logo = QPushButton("Retirer le logo")
        remove_logo.clicked.connect(self.remove_logo)
        self.uai_message = MessageLabel()
        self.message = MessageLabel()

        form = QFormLayout(self)
        form.addRow(labelled("&Nom de l'établissement* :", self.name), self.name)
        uai_box = QVBoxLayout()
        uai_box.addWidget(self.uai)
        uai_box.addWidget(self.uai_message)
        form.addRow(labelled("&UAI* :", self.uai), uai_box)
        form.addRow(labelled("&Adresse :", self.address), self.address)
        form.addRow(labelled("Code &postal :", self.postal_code), self.postal_code)
        form.addRow(labelled("&Ville :", self.city), self.city)
        form.addRow(labelled("&Téléphone :", self.phone), self.phone)
        form.addRow(labelled("&Courriel :", self.email), self.email)
        form.addRow(labelled("C&hef d'établissement :", self.head_name), self.head_name)
        form.addRow(labelled("&Titre du signataire :", self.head_title), self.head_title)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview, 1)
        logo_row.addWidget(choose_logo)
        logo_row.addWidget(remove_logo)
        form.addRow("Logo :", logo_row)
        form.addRow(self.message)
        self.uai.textChanged.connect(self._check_uai)

    def _check_uai(self, text: str) -> None:
        if len(text.strip()) >= 8:
            error = uai_error(text)
            self.uai_message.show_error(error) if error else self.uai_message.show_info("UAI valide.")
        else:
            self.uai_message.clear_message()

    def choose_logo(self) -> None:
        path, _ = file_dialogs.open_file_name(
            self, file_dialogs.IMAGE, "Choisir le logo", "", "Images (*.png *.jpg *.jpeg)"
        )
        if not path:
            return
        data = Path(path).read_bytes()
        if len(data) > MAX_LOGO_BYTES:
            self.message.show_error("Le logo dépasse 2 Mo : choisissez une image plus légère.")
            return
        pixmap = QPixmap()
        if not pixmap.loadFromData(data):
            self.message.show_error("Ce fichier n'est pas une image PNG ou JPEG lisible.")
            return
        self.logo = data
        self._show_logo()

    def remove_logo(self) -> None:
        self.logo = b""
        self._show_logo()

    def _show_logo(self) -> None:
        pixmap = QPixmap()
        if self.logo and pixmap.loadFromData(self.logo):
            self.logo_preview.setPixmap(pixmap.scaledToHeight(48, Qt.TransformationMode.SmoothTransformation))
        else:
            self.logo_preview.setText("Aucun logo")

    def set_form(self, form: SchoolForm) -> None:
        for name in ("name", "uai", "address", "postal_code", "city", "phone", "email", "head_name", "head_title"):
            getattr(self, name).setText(getattr(form, name))
        self.logo = form.logo
        self._show_logo()

    def form(self) -> SchoolForm:
        return SchoolForm(
            name=self.name.text(),
            uai=self.uai.text(),
            address=self.address.text(),
            postal_code=self.postal_code.text(),
            city=self.city.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            head_name=self.head_name.text(),
            head_title=self.head_title.text() or "Chef d'établissement",
            logo=self.logo,
        )


class CampaignPage(QWidget):
    """The dates of the current campaign, editable; or a new campaign."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = QSpinBox()
        self.year.setRange(2023, 2100)
        self.year.setAccessibleName("Année de la rentrée")
        self.census_cutoff = DateField()
        self.rentree = DateField()
        self.interview_deadline = DateField()
        self.latest_end = DateField()
        self.message = MessageLabel()
        form = QFormLayout(self)
        form.addRow(labelled("&Année de la rentrée :", self.year), self.year)
        form.addRow(labelled("Date de &recensement :", self.census_cutoff), self.census_cutoff)
        form.addRow(labelled("Re&ntrée :", self.rentree), self.rentree)
        form.addRow(labelled("Date cible des &entretiens :", self.interview_deadline), self.interview_deadline)
        form.addRow(labelled("&Fin au plus tard des parcours :", self.latest_end), self.latest_end)
        help_text = QLabel(
            "La date cible des entretiens est celle du courrier du recteur (17 septembre) : "
            "les entretiens tenus avant permettent de conserver les bourses."
        )
        help_text.setWordWrap(True)
        form.addRow(help_text)
        form.addRow(self.message)
        self.year.valueChanged.connect(self._year_changed)
        self._editing_existing = False

    def _year_changed(self, year: int) -> None:
        if not self._editing_existing:
            self.set_dates(CampaignDates.defaults(year), existing=False)

    def set_dates(self, dates: CampaignDates, existing: bool) -> None:
        self._editing_existing = existing
        self.year.blockSignals(True)
        self.year.setValue(dates.year)
        self.year.blockSignals(False)
        self.year.setEnabled(not existing)
        self.census_cutoff.set_value(dates.census_cutoff)
        self.rentree.set_value(dates.rentree)
        self.interview_deadline.set_value(dates.interview_deadline)
        self.latest_end.set_value(dates.latest_end)

    def dates(self) -> CampaignDates:
        values = {}
        for name, label in (
            ("census_cutoff", "Date de recensement"),
            ("rentree", "Rentrée"),
            ("interview_deadline", "Date cible des entretiens"),
            ("latest_end", "Fin au plus tard"),
        ):
            try:
                value = getattr(self, name).value()
            except ValueError as error:
                raise UserError(f"{label} : {error}") from None
            if value is None:
                raise UserError(f"{label} : la date est obligatoire.")
            values[name] = value
        return CampaignDates(year=self.year.value(), **values)


class SettingsDialog(GuardedDialog):
    """«Paramètres»: every tab is validated before anything is written; one transaction saves all. Échap or
    «Annuler» with something typed asks before discarding it (the school set-up of the first launch too)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None, new_campaign: bool = False) -> None:
        super().__init__(parent)
        self.context = context
        self.new_campaign = new_campaign
        self.protection_page = None
        self.setWindowTitle("Nouvelle campagne" if new_campaign else "Paramètres")
        self.school_page = SchoolPage()
        self.campaign_page = CampaignPage()
        self.scheme_page = SchemePage()
        self.tabs = QTabWidget()
        if not new_campaign:
            self.tabs.addTab(scrolled(self.school_page), "Établissement")  # each page scrolls on a small screen
        self.tabs.addTab(scrolled(self.campaign_page), "Nouvelle campagne" if new_campaign else "Campagne")
        if not new_campaign:
            self.tabs.addTab(scrolled(self.scheme_page), "Dispositif")
            from pae_desktop.ui.shared_database import SharedDatabasePage

            self.shared_page = SharedDatabasePage(context.db)
            self.tabs.addTab(scrolled(self.shared_page), "Base partagée")
            if self._has_school():
                from pae_desktop.ui.data_protection import DataProtectionPage

                self.protection_page = DataProtectionPage(context)
                self.tabs.addTab(scrolled(self.protection_page), "Protection des données")
        data_dir = QLabel(f"Données enregistrées dans : {context.db.data_dir}")
        data_dir.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        data_dir.setWordWrap(True)
        self.message = MessageLabel()
        buttons = dialog_buttons(self, self.save, {Button.Save: "&Enregistrer", Button.Cancel: "Annuler"})
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(data_dir)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._load()

    def _has_school(self) -> bool:
        with self.context.db.read() as session:
            return get_school(session) is not None

    def _load(self) -> None:
        with self.context.db.read() as session:
            school = get_school(session)
            self.school_version = None if school is None else school.version
            if school is not None:
                self.school_page.set_form(school_form(school))
            campaign = session.get(Campaign, self.context.campaign_id) if self.context.campaign_id else None
            self.campaign_version = None if campaign is None else campaign.version
            if self.new_campaign or campaign is None:
                year = default_campaign_year()
                if campaign is not None and campaign.year >= year:
                    year = campaign.year + 1
                self.campaign_page.set_dates(CampaignDates.defaults(year), existing=False)
            else:
                self.campaign_page.set_dates(campaign_dates(campaign), existing=True)
            if not self.new_campaign:
                self.scheme_page.load(session, self.context.campaign_id)

    def save(self) -> None:
        try:
            dates = self.campaign_page.dates()
            if not self.new_campaign:
                self.scheme_page.check()
                if not self.scheme_page.confirm_changes(self):
                    return
            with self.context.db.transaction() as session:
                result = changes()
                if not self.new_campaign:
                    result |= save_school(session, self.school_page.form(), self.school_version)
                    result |= self.scheme_page.save(session)
                    if self.protection_page is not None:
                        self.protection_page.save(session)  # its own settings, without versions (not this page's)
                        result |= changes(SCHOOL)
                campaign = session.get(Campaign, self.context.campaign_id) if self.context.campaign_id else None
                if self.new_campaign or campaign is None:
                    campaign = create_campaign(session, dates)
                    result |= changes(CAMPAIGNS, ids={"campaign": [campaign.id]})
                else:
                    # the scheme page may have saved this campaign a moment ago: its version moved on with it
                    version = self.scheme_page.loaded_version(campaign.year) if not self.new_campaign else None
                    result |= update_campaign_dates(session, campaign, dates, version or self.campaign_version)
                campaign_id = campaign.id
        except UserError as error:
            if str(error) == CONFLICT_MESSAGE:
                self._load()  # someone saved these settings meanwhile: show theirs, never overwrite them
            self.message.show_error(str(error))
            return
        self.context.apply(result)
        self.context.set_campaign(campaign_id)
        self.accept()
