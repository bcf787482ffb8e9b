"""The one exception that carries a French message meant for the user."""


class UserError(Exception):
    """Input or state refuses the action; `str(error)` is the French message to show, nothing was written."""
