"""PAE Desktop: case management of AvenirPro+ (formerly Parcours Ambition Emploi) for lycées professionnels."""

__version__ = "0.1.0"
