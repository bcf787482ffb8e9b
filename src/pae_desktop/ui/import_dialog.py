"""The import dialog: files chosen or dropped, columns mapped for spreadsheets, a preview, then one import.

Reading, previewing and importing run through `ui.tasks.run_task` (progress, cancel); nothing is written
until «Importer», and then in one transaction (a cancel rolls it all back).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from pae_desktop.core.dates import short_datetime
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign
from pae_desktop.core.services.campaigns import MAX_YEAR, MIN_YEAR, default_campaign_year
from pae_desktop.core.services.census import (
    ImportChanges,
    ImportOptions,
    ImportPreview,
    ImportSources,
    Outcome,
    apply_import,
    list_imports,
    max_import_bytes,
    preview_import,
    read_sources,
)
from pae_desktop.io.spreadsheet import missing_required
from pae_desktop.ui import file_dialogs, tasks
from pae_desktop.ui.context import AppContext

# The preview's model and the mapping editor live beside the dialog; importable from here as before.
from pae_desktop.ui.import_preview import (  # noqa: F401
    COUNT_WORDS,
    OUTCOME_COLORS,
    OUTCOME_TITLES,
    PREVIEW_COLUMNS,
    SORT_ROLE,
    MappingEditor,
    PreviewModel,
    count_words,
)
from pae_desktop.ui.widgets import MessageLabel, show_info

log = logging.getLogger(__name__)

FILE_FILTER = "Exports SIECLE et tableurs (*.zip *.xml *.xls *.xlsx *.csv);;Tous les fichiers (*)"


class _Cancelled:
    """What an import task returns when the user cancelled it (the transaction was rolled back)."""


class ImportDialog(QDialog):
    """Import the census: choose (or drop) files → map spreadsheet columns → preview → import."""

    def __init__(
        self, context: AppContext, paths: list[str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.sources: ImportSources | None = None
        self.preview: ImportPreview | None = None
        self.result: ImportChanges | None = None  # what the import wrote
        self.editors: list[MappingEditor] = []
        self.setWindowTitle("Importer les élèves")
        self.resize(1000, 700)
        self.setAcceptDrops(True)

        self.pages = QStackedWidget()
        self.files_page = self._files_page()
        self.mapping_page = QTabWidget()
        self.preview_page = self._preview_page()
        for page in (self.files_page, self.mapping_page, self.preview_page):
            self.pages.addWidget(page)
        self.message = MessageLabel()
        self.back_button = QPushButton("< &Retour")
        self.next_button = QPushButton("&Suivant >")
        self.cancel_button = QPushButton("Annuler")
        self.back_button.setAutoDefault(False)
        self.cancel_button.setAutoDefault(False)
        self.next_button.setDefault(True)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._show_page(self.files_page)
        if paths:
            self.add_paths(paths)
            QTimer.singleShot(0, self.read_files)

    # --- pages ---------------------------------------------------------------------------------------------

    def _files_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            "Déposez ici les exports de SIECLE tels qu'ils sont téléchargés (fichiers .zip ou .xml : élèves "
            "avec ou sans adresses, nomenclature, responsables), l'extraction « ElevesComplete » (.xls), "
            "ou une liste CSV / XLSX. Plusieurs fichiers d'un même export s'importent ensemble."
        )
        intro.setWordWrap(True)
        self.drop_zone = QLabel("Glissez les fichiers ici")
        self.drop_zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_zone.setMinimumHeight(90)
        self.drop_zone.setStyleSheet(
            "border: 2px dashed #888; border-radius: 8px; color: #555; font-size: 12pt;"
        )
        self.file_list = QListWidget()
        self.file_list.setAccessibleName("Fichiers à importer")
        choose = QPushButton("&Choisir des fichiers…")
        remove = QPushButton("Re&tirer")
        choose.setAutoDefault(False)
        remove.setAutoDefault(False)
        choose.clicked.connect(self.choose_files)
        remove.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.addWidget(choose)
        row.addWidget(remove)
        row.addStretch()
        self.history = QListWidget()
        self.history.setAccessibleName("Imports précédents")
        self.history.setMaximumHeight(120)
        for line in self._history_lines():
            self.history.addItem(line)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.drop_zone)
        layout.addLayout(row)
        layout.addWidget(self.file_list, 1)
        if self.history.count():
            layout.addWidget(QLabel("Imports précédents :"))
            layout.addWidget(self.history)
        return page

    def _history_lines(self, limit: int = 20) -> list[str]:
        """The imports recorded, latest first: when, which file (exported when), what it changed."""
        with self.context.db.read() as session:
            records = list_imports(session)[:limit]
            years = {c.id: c.year for c in session.scalars(select(Campaign))}
        lines = []
        for r in records:
            exported = f" (export du {r.exported_at:%d/%m/%Y})" if r.exported_at else ""
            counts = (
                f"{r.added} ajouté(s), {r.updated} mis à jour, {r.unchanged} inchangé(s), {r.rejected} rejeté(s)"
                if r.file_kind in ("eleves", "tableur")
                else r.file_kind
            )
            lines.append(
                f"{short_datetime(r.imported_at)} — campagne {years.get(r.campaign_id, '?')} — "
                f"{r.file_name}{exported} : {counts}"
            )
        return lines

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.campaign = QSpinBox()
        self.campaign.setRange(MIN_YEAR, MAX_YEAR)
        self.campaign.setAccessibleName("Campagne de la rentrée")
        self.campaign.setKeyboardTracking(False)
        self.campaign_note = QLabel()
        self.campaign_note.setWordWrap(True)
        # shown when the export's school year has no bundled MEF table and the nearest one was read
        self.table_warning = MessageLabel()
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.counts.setTextFormat(Qt.TextFormat.RichText)
        self.label_classes = QListWidget()
        self.label_classes.setAccessibleName("Classes reconnues par leur libellé, à confirmer")
        self.label_title = QLabel(
            "<b>Classes reconnues par leur seul libellé</b> : cochez celles dont les élèves sont en terminale."
        )
        self.outcome_filter = QComboBox()
        self.outcome_filter.setAccessibleName("Lignes affichées")
        self.model = PreviewModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the preview's order
        self.table.horizontalHeader().setResizeContentsPrecision(
            200
        )  # 16 000 rows: widths from the first 200
        self.table.setSortingEnabled(True)
        self.table.setAccessibleName("Aperçu de l'import")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            len(PREVIEW_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch
        )

        campaign_row = QHBoxLayout()
        campaign_label = QLabel("Ca&mpagne de la rentrée :")
        campaign_label.setBuddy(self.campaign)
        campaign_row.addWidget(campaign_label)
        campaign_row.addWidget(self.campaign)
        campaign_row.addWidget(self.campaign_note, 1)
        filter_row = QHBoxLayout()
        filter_label = QLabel("&Afficher :")
        filter_label.setBuddy(self.outcome_filter)
        filter_row.addWidget(filter_label)
        filter_row.addWidget(self.outcome_filter)
        filter_row.addStretch()
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addLayout(campaign_row)
        layout.addWidget(self.table_warning)
        layout.addWidget(self.counts)
        layout.addWidget(self.label_title)
        layout.addWidget(self.label_classes)
        layout.addLayout(filter_row)
        layout.addWidget(self.table, 1)
        self.campaign.valueChanged.connect(lambda _v: self.compute_preview())
        self.label_classes.itemChanged.connect(lambda _item: self.compute_preview())
        self.outcome_filter.currentIndexChanged.connect(
            lambda _i: self.model.set_outcome(self.outcome_filter.currentData())
        )
        self.model.keep_changed.connect(self._keep_note)
        return page

    def _show_page(self, page: QWidget) -> None:
        self.pages.setCurrentWidget(page)
        self.back_button.setEnabled(page is not self.files_page)
        if page is self.preview_page:
            year = self.campaign.value()
            self.next_button.setText(f"&Importer dans la campagne {year}")
        else:
            self.next_button.setText("&Suivant >")

    # --- files ---------------------------------------------------------------------------------------------

    def paths(self) -> list[str]:
        return [self.file_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.file_list.count())]

    def add_paths(self, paths: list[str]) -> None:
        known = set(self.paths())
        for path in paths:
            if path in known:
                continue
            item = QListWidgetItem(Path(path).name)
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.file_list.addItem(item)
            known.add(path)
        self.sources = None
        self.message.clear_message()

    def choose_files(self) -> None:
        paths, _filter = file_dialogs.open_file_names(
            self, file_dialogs.IMPORT, "Choisir les fichiers à importer", "", FILE_FILTER
        )
        if paths:
            self.add_paths(paths)

    def remove_selected(self) -> None:
        for item in self.file_list.selectedItems():
            self.file_list.takeItem(self.file_list.row(item))
        self.sources = None

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        self.add_paths(paths)
        self._show_page(self.files_page)
        self.read_files()

    # --- steps ---------------------------------------------------------------------------------------------

    def back(self) -> None:
        current = self.pages.currentWidget()
        self.message.clear_message()
        if current is self.preview_page and self.editors:
            self._show_page(self.mapping_page)
        else:
            self._show_page(self.files_page)

    def next(self) -> None:
        current = self.pages.currentWidget()
        self.message.clear_message()
        if current is self.files_page:
            self.read_files()
        elif current is self.mapping_page:
            if self._mapping_complete():
                self._start_preview()
        else:
            self.run_import()

    def read_files(self) -> None:
        paths = self.paths()
        if not paths:
            self.message.show_error("Choisissez ou déposez au moins un fichier.")
            return

        with self.context.db.read() as session:
            max_bytes = max_import_bytes(session)

        def work(progress):
            return read_sources(paths, progress, max_bytes)

        tasks.run_task(self, "Lecture des fichiers…", work, self._files_read, self._failed)

    def _files_read(self, sources: ImportSources) -> None:
        self.sources = sources
        self.editors = [MappingEditor(source) for source in sources.spreadsheets]
        self.mapping_page.clear()
        for editor in self.editors:
            self.mapping_page.addTab(editor, editor.source.name)
        if self.editors:
            self._show_page(self.mapping_page)
            return
        self._start_preview()

    def _mapping_complete(self) -> bool:
        for index, editor in enumerate(self.editors):
            missing = missing_required(editor.mapping())
            if missing:
                self.mapping_page.setCurrentIndex(index)
                self.message.show_error(
                    f"{editor.source.name} : indiquez la colonne de : {', '.join(missing)}."
                )
                return False
        return True

    def _default_year(self) -> int:
        assert self.sources is not None
        years = [f.params.school_year for f in self.sources.files if f.params.school_year is not None]
        if years:
            return years[0] + 1
        if self.context.campaign_id is not None:
            with self.context.db.read() as session:
                campaign = session.get(Campaign, self.context.campaign_id)
                if campaign is not None:
                    return campaign.year
        return default_campaign_year()

    def _start_preview(self) -> None:
        self.campaign.blockSignals(True)
        self.campaign.setValue(self._default_year())
        self.campaign.blockSignals(False)
        self.label_classes.blockSignals(True)
        self.label_classes.clear()
        self.label_classes.blockSignals(False)
        self.compute_preview()

    def options(self) -> ImportOptions:
        confirmed = frozenset(
            self.label_classes.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.label_classes.count())
            if self.label_classes.item(i).checkState() == Qt.CheckState.Checked
        )
        return ImportOptions(
            campaign_year=self.campaign.value(),
            confirmed_classes=confirmed,
            mappings={editor.source.name: editor.mapping() for editor in self.editors},
            keep_ids=frozenset(self.model.keep),
        )

    def compute_preview(self) -> None:
        if self.sources is None:
            return
        sources, options, db = self.sources, self.options(), self.context.db

        def work(progress):
            with db.read() as session:
                return preview_import(session, sources, options, progress)

        tasks.run_task(self, "Préparation de l'aperçu…", work, self._show_preview, self._failed)

    def _show_preview(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.message.clear_message()
        lines = []
        for f in preview.files:
            lines.append(f"<b>{f.name}</b> : {', '.join(f.facts())}")
        if preview.school_setup:
            lines.append(
                f"Établissement : UAI {preview.uai}, paramétré d'après le fichier (nom à compléter)."
            )
        else:
            lines.append(f"Établissement : {preview.school_name} (UAI {preview.uai}).")
        if preview.table_sentence:
            lines.append(preview.table_sentence)
        self.summary.setText("<br>".join(lines))
        self.table_warning.show_warning(preview.mef_table_warning)
        if preview.campaign_overridden:
            note = f"Attention : le fichier indique la campagne {preview.implied_year}."
        elif preview.implied_year is not None:
            note = (
                f"D'après l'année scolaire {preview.implied_year - 1}-{preview.implied_year} du fichier : "
                f"les élèves de terminale de juin {preview.implied_year} forment la campagne {preview.implied_year}."
            )
        else:
            note = "Le fichier n'indique pas d'année scolaire : vérifiez la campagne."
        if not preview.campaign_exists:
            note += f" La campagne {preview.campaign_year} sera créée."
        self.campaign_note.setText(note)
        self.campaign_note.setStyleSheet("color: #8a5a00;" if preview.campaign_overridden else "")
        counts = preview.counts
        parts = [
            f"<span style='color:{OUTCOME_COLORS[o]}'><b>{counts[o]}</b> {count_words(preview, o, counts[o])}</span>"
            for o in Outcome
            if counts[o] or o in (Outcome.ADDED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.REJECTED)
        ]
        parts.append(f"{preview.not_final} hors terminale (non listés)")
        self.counts.setText(" · ".join(parts))
        self._fill_label_classes(preview)
        current = self.outcome_filter.currentData()
        self.outcome_filter.blockSignals(True)
        self.outcome_filter.clear()
        self.outcome_filter.addItem(f"Toutes les lignes ({len(preview.rows)})", None)
        for outcome in Outcome:
            if counts[outcome]:
                title = OUTCOME_TITLES.get(outcome) or preview.outcome_label(outcome, plural=True)
                self.outcome_filter.addItem(f"{title} ({counts[outcome]})", outcome)
        self.outcome_filter.setCurrentIndex(max(self.outcome_filter.findData(current), 0))
        self.outcome_filter.blockSignals(False)
        self.model.set_rows(preview.rows, {Outcome.PAE: preview.outcome_label(Outcome.PAE)})
        self.model.set_outcome(self.outcome_filter.currentData())
        self.table.resizeColumnsToContents()
        self._show_page(self.preview_page)
        self._keep_note()

    def _keep_note(self) -> None:
        """Under the preview: how to keep a youth the import would mark as left, and how many are kept."""
        rows = [row for row in self.model.all_rows if self.model.tickable(row)]
        if not rows:
            return
        kept = sum(1 for row in rows if row.youth_id in self.model.keep)
        marked = len(rows) - kept
        will = (
            f"{marked} élève sera marqué « A quitté l'établissement » et sortira"
            if marked < 2
            else f"{marked} élèves seront marqués « A quitté l'établissement » et sortiront"
        )
        self.message.show_info(
            f"{will} des listes de travail ; {kept} gardé{'s' if kept > 1 else ''} dans le recensement. "
            "Décochez un élève qui est toujours dans l'établissement."
        )

    def _fill_label_classes(self, preview: ImportPreview) -> None:
        self.label_classes.blockSignals(True)
        self.label_classes.clear()
        for entry in preview.label_classes:
            item = QListWidgetItem(
                f"{entry.division} « {entry.label} » : {entry.diploma}, {entry.students} élève"
                f"{'s' if entry.students > 1 else ''} — reconnue par libellé"
            )
            item.setData(Qt.ItemDataRole.UserRole, entry.division)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if entry.confirmed else Qt.CheckState.Unchecked)
            self.label_classes.addItem(item)
        self.label_classes.blockSignals(False)
        visible = bool(preview.label_classes)
        self.label_title.setVisible(visible)
        self.label_classes.setVisible(visible)
        if visible:
            rows = min(len(preview.label_classes), 4)
            self.label_classes.setFixedHeight(rows * self.label_classes.sizeHintForRow(0) + 6)

    def run_import(self) -> None:
        if self.sources is None or self.preview is None:
            return
        sources, options, db = self.sources, self.options(), self.context.db

        def work(progress):
            try:
                with db.transaction() as session:
                    return apply_import(session, sources, options, progress)
            except tasks.Cancelled:
                return _Cancelled()

        tasks.run_task(self, "Import des élèves…", work, self._imported, self._failed)

    def _imported(self, result) -> None:
        if isinstance(result, _Cancelled):
            self.message.show_warning("Import annulé : rien n'a été enregistré.")
            return
        self.result = result
        (campaign_id,) = result.ids["campaign"]
        self.context.set_campaign(campaign_id)
        self.context.apply(result)
        counts = result.preview.counts
        show_info(
            self,
            f"Import enregistré dans la campagne {result.campaign_year} : {counts[Outcome.ADDED]} ajouté(s), "
            f"{counts[Outcome.UPDATED]} mis à jour, {counts[Outcome.UNCHANGED]} inchangé(s), "
            f"{counts[Outcome.REJECTED]} rejeté(s), {result.preview.left_marked} sorti(s) de l'établissement.",
        )
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, UserError):
            self.message.show_error(str(error))
            return
        log.error("Import en échec", exc_info=error)
        self.message.show_error(f"L'opération a échoué : {error}")
