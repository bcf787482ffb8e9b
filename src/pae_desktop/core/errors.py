"""The one exception that carries a French message meant for the user."""


class UserError(Exception):
    """Input or state refuses the action; `str(error)` is the French message to show, nothing was written."""


# Two people saved the same case (a shared PostgreSQL database): the second save is refused, never merged.
CONFLICT_MESSAGE = (
    "Ce dossier a été modifié ailleurs depuis que vous l'avez ouvert : "
    "il a été rechargé, refaites vos modifications."
)
