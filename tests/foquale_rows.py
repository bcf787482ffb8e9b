"""Hand-built FOQUALE rows for the reporting tests: a base row and a small campaign worked out by hand."""

from __future__ import annotations

from pae_desktop.core.services.reporting import COLUMNS

UAI_A = "0759999L"
UAI_B = "0540000G"  # the spec's example UAI (540000 = 23 × 23478 + 6 → G)


def row(**values: str) -> dict[str, str]:
    """A youth only in the census, with `values` overriding; `n` sets a distinct id_jeune."""
    base = dict.fromkeys(COLUMNS, "")
    base.update(
        uai=UAI_A,
        campagne="2024",
        sexe="F",
        annee_naissance="2006",
        diplome_prepare="CAP",
        resultat_examen="ADMIS",
        informe="N",
        nb_tentatives_contact="0",
        contacte="N",
        entretien_accepte="N",
        entretien_realise="N",
        ml_presente="N",
        nb_modules="0",
        partenarial="N",
        jours_pfmp="0",
        abandon="N",
        date_limite_entretiens="2024-09-17",
    )
    n = values.pop("n", "0")
    base["id_jeune"] = f"{int(n):016x}"
    base.update(values)
    return base


def interviewed(
    date: str, decision: str = "", ml: bool = False, mission: str = "", **values: str
) -> dict[str, str]:
    return row(
        informe=values.pop("informe", "O"),
        nb_tentatives_contact="1",
        contacte="O",
        date_premier_contact="2024-08-28",
        entretien_accepte="O",
        entretien_realise="O",
        date_entretien=date,
        ml_presente="O" if ml else "N",
        participants=values.pop("participants", "RDS|ML" if ml else "RDS"),
        mission_locale=mission,
        decision=decision,
        **values,
    )


def pathway(**values: str) -> dict[str, str]:
    return dict(
        mef_pae="7034150211",
        date_debut_parcours="2024-09-23",
        date_fin_prevue="2024-12-31",
        **values,
    )


def campaign_a() -> list[dict[str, str]]:
    """Nine youths; the expected indicators are worked out by hand in test_indicators.py."""
    return [
        # 1: ML present (ML Nancy), before the target date, engaged, graduate, partnership pathway, exit EMPLOI
        interviewed(
            "2024-09-10",
            "ENGAGE",
            ml=True,
            mission="Mission locale de Nancy",
            n="1",
            **pathway(
                modules="PFMP|ACCOMPAGNEMENT_ML",
                nb_modules="2",
                partenarial="O",
                jours_pfmp="10",
                sortie="EMPLOI",
                sortie_detail="CDI",
                date_sortie="2024-12-31",
            ),
        ),
        # 2: after the target date, engaged, not graduate, single module, abandoned, exit AUTRE/SITUATION_INCONNUE
        interviewed(
            "2024-09-20",
            "ENGAGE",
            n="2",
            resultat_examen="AJOURNE",
            **pathway(
                modules="IMMERSION_CLASSE",
                nb_modules="1",
                abandon="O",
                date_abandon="2024-10-15",
                sortie="AUTRE",
                sortie_detail="SITUATION_INCONNUE",
                date_sortie="2024-10-15",
            ),
        ),
        # 3: on the target date itself, ML present (ML Toul), refuses
        interviewed(
            "2024-09-17", "REFUS", ml=True, mission="Mission locale de Toul", n="3", motif_refus="Emploi"
        ),
        # 4: booked then cancelled: accepted, not held; not informed
        row(n="4", nb_tentatives_contact="1", contacte="O", entretien_accepte="O"),
        # 5: informed and contacted, no interview
        row(n="5", informe="O", nb_tentatives_contact="2", contacte="O"),
        # 6: informed, never reached
        row(n="6", informe="O", nb_tentatives_contact="3"),
        # 7: nothing
        row(n="7"),
        # 8: ML present (Nancy again), before the target date, engaged, graduate, three modules, no exit yet
        interviewed(
            "2024-09-01",
            "ENGAGE",
            ml=True,
            mission="Mission locale de Nancy",
            n="8",
            **pathway(modules="IMMERSION_CLASSE|PFMP|TRE", nb_modules="3", jours_pfmp="5"),
        ),
        # 9: an exit recorded without a pathway: not counted among the exits
        row(n="9", sortie="EMPLOI", sortie_detail="INTERIM", date_sortie="2024-10-01"),
    ]
