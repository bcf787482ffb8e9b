"""The indicators of spec §4 on hand-built campaigns whose answers are worked out by hand below."""

from __future__ import annotations

import datetime as dt

import pytest

from foquale_rows import campaign_a, interviewed, pathway, row
from pae_desktop.core import indicators

# Campaign A (tests/foquale_rows.py), by hand:
#   effectif 9; informés: 1,2,3,5,6,8 → 6; contactés: 1,2,3,4,5,8 → 6; acceptés: 1,2,3,4,8 → 5;
#   réalisés: 1,2,3,8 → 4; engagés: 1,2,8 → 3; parcours: 1,2,8 → 3 (9 has an exit but no pathway).
EXPECTED_A = {
    "effectif": 9,
    "informes": 6,
    "contactes": 6,
    "entretiens_acceptes": 5,
    "entretiens_realises": 4,
    "engages": 3,
    "parcours": 3,
    "taux_information": 0.6667,  # 6/9
    "taux_contact": 0.6667,  # 6/9
    "taux_acceptation_entretien": 0.8333,  # 5/6
    "taux_engagement": 0.75,  # 3/4
    "taux_couverture": 0.3333,  # 3/9
    "part_diplomes_parcours": 0.6667,  # 1 and 8 ADMIS, 2 AJOURNE: 2/3
    "part_entretiens_avec_ml": 0.75,  # 1, 3, 8 of 4
    "missions_locales": 2,  # Nancy (1 and 8), Toul (3)
    "part_entretiens_avant_echeance": 0.75,  # 1 (10/09), 3 (17/09 = the date), 8 (01/09); not 2 (20/09)
    "part_parcours_partenariaux": 0.3333,  # 1 of 3
    "part_parcours_mono_module": 0.3333,  # 2 of 3
    "taux_abandon": 0.3333,  # 2 of 3
    "sorties_connues": 2,  # 1 (EMPLOI) and 2 (AUTRE); 8 unknown; 9 has no pathway
    "sorties": {"RETOUR_FORMATION": 0.0, "EMPLOI": 0.5, "ACCOMPAGNEMENT_ML": 0.0, "AUTRE": 0.5},
    # Spec §6: no row carries phase 1
    "avenirpro_renseignes": None,
    "part_4_ateliers_avenirpro": None,
    "part_entretien_individuel_avenirpro": None,
    "part_evenement_avenirpro": None,
}


def test_campaign_a_by_hand():
    assert indicators.compute(campaign_a()) == EXPECTED_A


def test_every_key_of_the_spec_in_its_order():
    result = indicators.compute(campaign_a())
    assert list(result) == list(indicators.INDICATOR_KEYS)
    assert list(result["sorties"]) == ["RETOUR_FORMATION", "EMPLOI", "ACCOMPAGNEMENT_ML", "AUTRE"]


def test_empty_campaign_gives_null_rates():
    result = indicators.compute([])
    assert result["effectif"] == 0 and result["missions_locales"] == 0 and result["sorties_connues"] == 0
    for key in ("taux_information", "taux_contact", "taux_couverture", "taux_engagement", "taux_abandon"):
        assert result[key] is None
    assert result["sorties"] == dict.fromkeys(("RETOUR_FORMATION", "EMPLOI", "ACCOMPAGNEMENT_ML", "AUTRE"))


def test_contacts_without_interviews_nor_pathways():
    # Two youths, one contacted: the funnel stops there, every later rate has an empty denominator.
    result = indicators.compute(
        [row(n="1", contacte="O", nb_tentatives_contact="1"), row(n="2", informe="O")]
    )
    assert result["taux_contact"] == 0.5
    assert result["taux_information"] == 0.5
    assert result["taux_acceptation_entretien"] == 0.0  # 0 of 1 contacted: a real zero, not null
    assert result["taux_engagement"] is None
    assert result["part_entretiens_avec_ml"] is None
    assert result["part_entretiens_avant_echeance"] is None
    assert result["part_diplomes_parcours"] is None
    assert result["part_parcours_partenariaux"] is None
    assert result["taux_abandon"] is None
    assert result["sorties"]["EMPLOI"] is None


def test_pathways_without_known_exit():
    rows = [interviewed("2024-09-02", "ENGAGE", n="1", **pathway(nb_modules="1", modules="TRE"))]
    result = indicators.compute(rows)
    assert result["parcours"] == 1 and result["sorties_connues"] == 0
    assert result["sorties"] == dict.fromkeys(("RETOUR_FORMATION", "EMPLOI", "ACCOMPAGNEMENT_ML", "AUTRE"))
    assert result["part_parcours_mono_module"] == 1.0


def test_deadline_override_replaces_each_rows_date():
    assert (
        indicators.compute(campaign_a(), dt.date(2024, 9, 5))["part_entretiens_avant_echeance"] == 0.25
    )  # 8 only
    assert indicators.compute(campaign_a(), dt.date(2024, 9, 30))["part_entretiens_avant_echeance"] == 1.0


def test_each_row_uses_its_own_target_date():
    rows = [
        interviewed("2024-09-20", n="1", date_limite_entretiens="2024-09-30"),
        interviewed("2024-09-20", n="2"),  # 17 September
    ]
    assert indicators.compute(rows)["part_entretiens_avant_echeance"] == 0.5


def test_ml_present_without_a_name_is_not_a_mission_locale():
    rows = [
        interviewed("2024-09-02", ml=True, mission="", n="1"),
        interviewed("2024-09-02", ml=False, mission="X", n="2"),
    ]
    result = indicators.compute(rows)
    assert result["missions_locales"] == 0  # 1 has no name; 2 names one but no advisor was present
    assert result["part_entretiens_avec_ml"] == 0.5


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(1, 3, 0.3333), (2, 3, 0.6667), (1, 8, 0.125), (0, 5, 0.0), (5, 5, 1.0), (3, 0, None), (1, 7, 0.1429)],
)
def test_rate_rounding(numerator, denominator, expected):
    assert indicators.rate(numerator, denominator) == expected


def test_members_are_the_rows_behind_a_count():
    rows = campaign_a()
    ids = lambda key: [int(r["id_jeune"], 16) for r in indicators.members(rows, key)]  # noqa: E731
    assert ids("abandons") == [2]
    assert ids("parcours") == [1, 2, 8]
    assert ids("entretiens_avant_echeance") == [1, 3, 8]
    assert ids("sortie_EMPLOI") == [1]
    counts = indicators.population_counts(rows)
    assert all(counts[p.key] == len(indicators.members(rows, p.key)) for p in indicators.POPULATIONS)


def test_document_shape():
    doc = indicators.document(2024, ["0759999L", "0540000G", "0759999L"], indicators.compute(campaign_a()))
    assert doc["format"] == "PAE-INDICATEURS-1"
    assert doc["campagne"] == 2024 and isinstance(doc["campagne"], int)
    assert doc["etablissements"] == ["0540000G", "0759999L"]
    assert "par_etablissement" not in doc
    assert indicators.document(2024, ["0759999L"], {}, {"0759999L": {}})["par_etablissement"] == {
        "0759999L": {}
    }
