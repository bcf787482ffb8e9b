"""The pathway builder: the pathway and its modules under the rules, proposals, templates, follow-up, exit, PDFs.

One module per part (the editor's shell, a module's card, the modules and templates, the follow-up tab, the
end-of-pathway tab, the dialogs, the «Parcours» tab); every name is importable from here, as it was from the
former single module.
"""

from pae_desktop.ui.pathway_editor.dialogs import CatalogueDialog, OfficeListDialog
from pae_desktop.ui.pathway_editor.editor import DOCUMENTS, PathwayEditor
from pae_desktop.ui.pathway_editor.module_card import ModuleCard
from pae_desktop.ui.pathway_editor.view import SHOWN_STAGES, PathwaysView

__all__ = [
    "DOCUMENTS",
    "SHOWN_STAGES",
    "CatalogueDialog",
    "ModuleCard",
    "OfficeListDialog",
    "PathwayEditor",
    "PathwaysView",
]
