"""PAE Desktop: case management of the Parcours Ambition Emploi for lycées professionnels."""

__version__ = "0.1.0"
