"""The census import: read SIECLE exports and spreadsheets, preview what would change, apply it in one go.

`read_sources` parses the files (no database); `preview_import` plans the import against the database and
writes nothing; `apply_import`, the import operation of the window and of `pae-desktop import`, plans again and
writes everything inside the caller's transaction, so that an error or a cancel (raised by `progress`) leaves
the database as it was, and returns what it changed (`ImportChanges`, with the preview of what it did).
Existing youths of the campaign are loaded once into dictionaries and the rows are written in batches: no
query per student.

The package's modules follow the import's steps: `sources` (reading the files), `preview` (what the user
sees), `existing` (the campaign's youths, indexed), `values` (a record → the database's values), `plan` and
`plan_students` (the import checked and planned), `apply` (the operation), `left` (the youths marked as having
left the school, and undoing that mark).
"""

from pae_desktop.core.services.census.apply import BATCH, ImportChanges, apply_import, list_imports
from pae_desktop.core.services.census.existing import (
    LEFT_UNDONE,
    SPREADSHEET_ID,
    RepTuple,
    came_from_siecle,
    name_key,
)
from pae_desktop.core.services.census.left import left_school_count, left_school_text, undo_left_school
from pae_desktop.core.services.census.plan import preview_import
from pae_desktop.core.services.census.preview import (
    FIELD_LABELS,
    NO_FINAL_YEAR,
    NOTHING_TO_ATTACH,
    OUTCOME_ORDER,
    UNKNOWN_CAMPAIGN,
    FileSummary,
    ImportOptions,
    ImportPreview,
    LabelClass,
    Outcome,
    PreviewRow,
)
from pae_desktop.core.services.census.sources import (
    KIND_ELEVES,
    KIND_LABELS,
    KIND_NOMENCLATURE,
    KIND_RESPONSABLES,
    KIND_SPREADSHEET,
    KIND_STRUCTURES,
    ImportSources,
    Progress,
    SourceFile,
    max_import_bytes,
    read_sources,
)

__all__ = [
    "BATCH",
    "FIELD_LABELS",
    "KIND_ELEVES",
    "KIND_LABELS",
    "KIND_NOMENCLATURE",
    "KIND_RESPONSABLES",
    "KIND_SPREADSHEET",
    "KIND_STRUCTURES",
    "LEFT_UNDONE",
    "NOTHING_TO_ATTACH",
    "NO_FINAL_YEAR",
    "OUTCOME_ORDER",
    "SPREADSHEET_ID",
    "UNKNOWN_CAMPAIGN",
    "FileSummary",
    "ImportChanges",
    "ImportOptions",
    "ImportPreview",
    "ImportSources",
    "LabelClass",
    "Outcome",
    "PreviewRow",
    "Progress",
    "RepTuple",
    "SourceFile",
    "apply_import",
    "came_from_siecle",
    "left_school_count",
    "left_school_text",
    "list_imports",
    "max_import_bytes",
    "name_key",
    "preview_import",
    "read_sources",
    "undo_left_school",
]
