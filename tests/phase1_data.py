"""A campaign 2026 with terminale classes, a Mission locale and a France Travail agency: phase-1 test data."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from pae_desktop.core.models import OriginalSchooling, Youth
from pae_desktop.core.services import directory
from pae_desktop.core.services.campaigns import ensure_campaign
from pae_desktop.core.vocabulary import PartnerType, PersonRole

LAST_NAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy "
    "Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Müller "
    "Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia Perrin"
).split()
FIRST_NAMES = (
    "Léa Lucas Chloé Hugo Emma Louis Inès Nathan Jade Enzo Manon Théo Camille Noah Sarah Mathis Zoé Yanis "
    "Clément Maëlys Rayan Océane Kylian Anaïs Adam Lina Tom Élodie Mehdi Aïcha Baptiste Julie"
).split()


@dataclass
class Phase1Data:
    campaign_id: int
    classes: dict[str, list[int]]  # division -> youth ids
    mission_locale: int
    france_travail: int
    ml_advisor: int
    ft_advisor: int
    company: int


def seed_phase1(session, classes=("TCAP CUI", "TBP MELEC", "TBP AGORA"), per_class=5, seed=1) -> Phase1Data:
    """Campaign 2026 (phase 1 «AvenirPro»), `per_class` students in each class, the two operators."""
    rng = random.Random(seed)
    campaign = ensure_campaign(session, 2026)
    by_class: dict[str, list[int]] = {}
    for division in classes:
        youths = []
        for n in range(per_class):
            youth = Youth(
                campaign_id=campaign.id,
                last_name=rng.choice(LAST_NAMES),
                first_names=rng.choice(FIRST_NAMES),
                pseudonym=f"P{division[:4]}{n}",
                birth_date=dt.date(2008, rng.randint(1, 12), rng.randint(1, 28)),
                schooling=OriginalSchooling(
                    division=division, diploma="CAP" if "CAP" in division else "BAC_PRO"
                ),
            )
            session.add(youth)
            youths.append(youth)
        session.flush()
        by_class[division] = [y.id for y in youths]
    ml = directory.save_partner(session, directory.PartnerForm(name="Mission locale du Grand Nancy"))
    ft = directory.save_partner(
        session,
        directory.PartnerForm(name="France Travail Nancy Nord", type=PartnerType.FRANCE_TRAVAIL.value),
    )
    company = directory.save_partner(
        session, directory.PartnerForm(name="Boulangerie Ô Délices", type=PartnerType.ENTREPRISE.value)
    )
    ml_advisor = directory.save_person(
        session, directory.PersonForm("Durand", "Claire", PersonRole.ML.value, ml.id)
    )
    ft_advisor = directory.save_person(
        session, directory.PersonForm("Nguyen", "Karim", PersonRole.FT.value, ft.id)
    )
    return Phase1Data(campaign.id, by_class, ml.id, ft.id, ml_advisor.id, ft_advisor.id, company.id)
