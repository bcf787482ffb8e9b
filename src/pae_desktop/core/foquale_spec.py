"""The columns of the PAE-FOQUALE exchange file (specs/foquale-csv-v1.md §2 and §6), declared once.

A plain module: the writer and reader of `io/foquale.py` read it, and so do the services that build the rows
(`core/services/reporting.py`, `core/services/foquale_scheme.py`).
"""

from __future__ import annotations

DISPOSITIF = "dispositif"
# Columns 43–45, filled from `core.phase1`; empty when the school recorded no phase 1 for the campaign.
PHASE1_COLUMNS: tuple[str, ...] = (
    "ateliers_avenirpro",
    "entretien_individuel_avenirpro",
    "evenements_avenirpro",
)
# Version 1.1 added these four columns at the end of the file (spec §6), none required.
V11_COLUMNS: tuple[str, ...] = (DISPOSITIF, *PHASE1_COLUMNS)

# The 41 columns of spec §2 in order, then the four that version 1.1 adds at the end (spec §6).
COLUMNS: tuple[str, ...] = (
    "uai",
    "campagne",
    "id_jeune",
    "ine",
    "nom",
    "prenom",
    "date_naissance",
    "telephone",
    "email",
    "sexe",
    "annee_naissance",
    "diplome_prepare",
    "specialite",
    "division",
    "resultat_examen",
    "informe",
    "nb_tentatives_contact",
    "contacte",
    "date_premier_contact",
    "entretien_accepte",
    "entretien_realise",
    "date_entretien",
    "ml_presente",
    "mission_locale",
    "participants",
    "decision",
    "motif_refus",
    "mef_pae",
    "date_debut_parcours",
    "date_fin_prevue",
    "modules",
    "nb_modules",
    "partenarial",
    "jours_pfmp",
    "abandon",
    "date_abandon",
    "motif_abandon",
    "sortie",
    "sortie_detail",
    "date_sortie",
    "date_limite_entretiens",
    *V11_COLUMNS,
)
# What names or locates a person: filled only in a nominative export.
NOMINATIVE_COLUMNS: tuple[str, ...] = ("ine", "nom", "prenom", "date_naissance", "telephone", "email")
