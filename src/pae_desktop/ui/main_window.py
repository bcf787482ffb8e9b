"""The main window: campaign switcher, feature tabs and menus (being written; see FEATURE_TABS)."""

# Feature tabs, in order: (French title, "module:Class"). Each class is a QWidget built as
# Class(context: AppContext, parent=None) that refreshes itself on context.data_changed / campaign_changed.
FEATURE_TABS: tuple[tuple[str, str], ...] = ()
