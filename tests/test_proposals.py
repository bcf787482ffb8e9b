"""The pathway proposed from the interview: realistic modules (dates, hours, carriers), always within the rules."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from pae_desktop.core import rules
from pae_desktop.core.models import Interview, InterviewBarrier, InterviewParticipant, Partner
from pae_desktop.core.partner_match import PartnerInfo, company_for, partner_for, same_word
from pae_desktop.core.proposals import ProposalBasis, mission_locale_for, propose, wanted
from pae_desktop.core.rules import CampaignLimits, ModuleFacts
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import Barrier, Decision, ModuleType, PartnerType, Project, Role

D = dt.date
START, END = D(2026, 9, 1), D(2026, 12, 31)
LIMITS = CampaignLimits(D(2026, 9, 1), D(2026, 9, 17), D(2026, 12, 31))
ML_NANCY, ML_TOUL, MOBILITE, CFA, FRANCE_TRAVAIL = 1, 2, 3, 4, 5
PARTNERS = (
    # «Association Mobilité 54» sorts before every Mission locale: it must never carry a Mission locale module
    PartnerInfo(MOBILITE, "Association Mobilité 54", PartnerType.ASSOCIATION.value, "Nancy", "54000"),
    PartnerInfo(
        ML_NANCY, "Mission locale du Grand Nancy", PartnerType.MISSION_LOCALE.value, "Nancy", "54000"
    ),
    PartnerInfo(
        ML_TOUL, "Mission locale Terres de Lorraine", PartnerType.MISSION_LOCALE.value, "Toul", "54200"
    ),
    PartnerInfo(CFA, "CFA des métiers de Meurthe-et-Moselle", PartnerType.CFA.value, "Laxou", "54520"),
    PartnerInfo(FRANCE_TRAVAIL, "France Travail Nancy Nord", PartnerType.FRANCE_TRAVAIL.value, "Nancy"),
    PartnerInfo(10, "Alpha Bâtiment", PartnerType.ENTREPRISE.value, "Metz", "57000"),  # alphabetically first
    PartnerInfo(11, "Brasserie du Port", PartnerType.ENTREPRISE.value, "Toul", "54200", "Cuisine du marché"),
    PartnerInfo(12, "Restaurant Le Gourmet", PartnerType.ENTREPRISE.value, "Nancy", "54000", "cuisinier"),
    PartnerInfo(13, "Garage Dupont", PartnerType.ENTREPRISE.value, "Vandœuvre-lès-Nancy", "54500"),
)


def by_key(proposals):
    return {p.key: p for p in proposals}


def weeks(proposal) -> float:
    return rules.inclusive_days(proposal.start_date, proposal.end_date) / 7


def facts(proposals) -> list[ModuleFacts]:
    types = {p.id: p.type for p in PARTNERS}
    return [
        ModuleFacts(p.module_type.value, p.start_date, p.end_date, types.get(p.carrier_partner_id), p.label)
        for p in proposals
    ]


def test_employment_project_with_a_mobility_barrier():
    basis = ProposalBasis(
        ("MOBILITE",), "EMPLOI_DIRECT", "Cuisine", "Métropole du Grand Nancy", mission_locale_id=ML_TOUL
    )
    proposed = by_key(propose(basis, START, END, PARTNERS))
    assert set(proposed) == {"ACCOMPAGNEMENT_ML", "TRE", "PFMP.1", "PFMP.2", "LEVEE_FREINS.MOBILITE"}
    # the Mission locale's modules: the pathway's Mission locale, never the association listed first
    assert proposed["ACCOMPAGNEMENT_ML"].carrier_partner_id == ML_TOUL
    assert proposed["TRE"].carrier_partner_id == ML_TOUL
    assert (proposed["ACCOMPAGNEMENT_ML"].start_date, proposed["ACCOMPAGNEMENT_ML"].end_date) == (START, END)
    # job-search workshops: a half-day a week over the first weeks, not the whole pathway
    tre = proposed["TRE"]
    assert tre.weekly_hours <= 4 and 2 <= weeks(tre) <= 4 and tre.start_date == START
    # PFMP in two blocks of two to four weeks, apart, after the workshops, in the company of the trade and area
    first, second = proposed["PFMP.1"], proposed["PFMP.2"]
    for block in (first, second):
        assert 2 <= weeks(block) <= 4 and block.start_date.weekday() == 0 and block.end_date.weekday() == 4
        assert (
            block.carrier_partner_id == 12 and "Cuisine" in block.carrier_why and "Nancy" in block.carrier_why
        )
        assert not block.notes
    assert first.start_date > tre.end_date and (second.start_date - first.end_date).days > 7
    assert first.label.endswith("période 1") and second.label.endswith("période 2")
    # the barrier: a «Levée de freins» carried by the mobility association
    lifting = proposed["LEVEE_FREINS.MOBILITE"]
    assert lifting.carrier_partner_id == MOBILITE and "Mobilité / permis" in lifting.explanation
    assert rules.pathway_problems(START, END, facts(proposed.values()), LIMITS) == []
    assert rules.is_partnership(facts(proposed.values()))


def test_apprenticeship_project():
    basis = ProposalBasis((), "APPRENTISSAGE", "Maçon", "", mission_locale_id=ML_NANCY)
    partners = (*PARTNERS, PartnerInfo(14, "SARL Maçonnerie Lorraine", PartnerType.ENTREPRISE.value, "Toul"))
    proposed = by_key(propose(basis, START, END, partners))
    assert set(proposed) == {"PREPA_APPRENTISSAGE", "PFMP.1", "PFMP.2"}
    prepa = proposed["PREPA_APPRENTISSAGE"]
    assert prepa.carrier_partner_id == CFA and prepa.weekly_hours == 7 and weeks(prepa) <= 4
    assert proposed["PFMP.1"].carrier_partner_id == 14  # «maçon» and «maçonnerie» are one word
    assert proposed["PFMP.1"].start_date > prepa.end_date


def test_training_project_gets_a_class_immersion_and_no_pfmp():
    basis = ProposalBasis(("SAVOIRS_BASE",), "POURSUITE_FORMATION", "Cuisine", "", mission_locale_id=ML_NANCY)
    proposed = by_key(propose(basis, START, END, PARTNERS))
    assert set(proposed) == {"IMMERSION_CLASSE", "ACCOMPAGNEMENT_ML"}
    immersion = proposed["IMMERSION_CLASSE"]
    assert immersion.carrier_partner_id is None and immersion.carrier_name == "L'établissement"
    assert 1 <= weeks(immersion) <= 2 and immersion.start_date > START
    assert "Poursuite de formation" in immersion.explanation and "Savoirs de base" in immersion.explanation


def test_project_to_build_gets_a_pmsmp_of_one_to_two_weeks():
    basis = ProposalBasis((), "PROJET_A_CONSTRUIRE", "Mécanique automobile", "", mission_locale_id=ML_NANCY)
    garage = PartnerInfo(15, "Auto Services", PartnerType.ENTREPRISE.value, "Nancy", notes="mécanique, pneus")
    [pmsmp] = [
        p for p in propose(basis, START, END, (*PARTNERS, garage)) if p.module_type is ModuleType.PMSMP
    ]
    assert 1 <= weeks(pmsmp) <= 2 and pmsmp.carrier_partner_id == 15 and pmsmp.weekly_hours == 35


def test_no_company_matching_leaves_the_company_to_the_referent():
    basis = ProposalBasis(("IMMERSION_PROFESSIONNELLE",), None, "Fleuriste", "", mission_locale_id=ML_NANCY)
    proposed = [p for p in propose(basis, START, END, PARTNERS) if p.module_type is ModuleType.PFMP]
    assert proposed
    for pfmp in proposed:
        assert pfmp.carrier_partner_id is None and pfmp.to_complete  # never the alphabetically first company
        assert (
            "Aucune entreprise de l'annuaire ne correspond" in pfmp.notes[0] and "Fleuriste" in pfmp.notes[0]
        )
        assert "pas une entreprise" in pfmp.notes[1]  # the soft rule, said in the proposal


def test_the_mission_locale_chosen():
    partners = PARTNERS
    pathway_ml = ProposalBasis(mission_locale_id=ML_TOUL, advisor_mission_locale_id=ML_NANCY)
    assert mission_locale_for(pathway_ml, partners).partner.id == ML_TOUL
    advisor = ProposalBasis(advisor_mission_locale_id=ML_TOUL)
    found = mission_locale_for(advisor, partners)
    assert found.partner.id == ML_TOUL and "de l'entretien" in found.why
    assert mission_locale_for(ProposalBasis(advisor_mission_locale_id=MOBILITE), partners) is None
    only_one = [p for p in partners if p.id != ML_TOUL]
    assert mission_locale_for(ProposalBasis(), only_one).partner.id == ML_NANCY
    # two Missions locales and none known: none chosen, the referent is told; never the association
    [support] = propose(ProposalBasis(("CONFIANCE",)), START, END, partners)
    assert support.carrier_partner_id is None and "Mission locale à choisir" in support.notes[0]


def test_levee_de_freins_carriers_of_a_fitting_type():
    housing = propose(ProposalBasis(("LOGEMENT",), mission_locale_id=ML_NANCY), START, END, PARTNERS)
    # no housing association: not the mobility one, but the pathway's Mission locale
    assert by_key(housing)["LEVEE_FREINS.LOGEMENT"].carrier_partner_id == ML_NANCY
    childcare = propose(ProposalBasis(("GARDE_ENFANTS",)), START, END, PARTNERS)
    assert by_key(childcare)["LEVEE_FREINS.GARDE_ENFANTS"].carrier_partner_id is None
    town = PartnerInfo(20, "Ville de Nancy — petite enfance", PartnerType.COLLECTIVITE.value, "Nancy")
    childcare = propose(ProposalBasis(("GARDE_ENFANTS",)), START, END, (*PARTNERS, town))
    assert by_key(childcare)["LEVEE_FREINS.GARDE_ENFANTS"].carrier_partner_id == 20
    both = propose(ProposalBasis(("MOBILITE", "LOGEMENT")), START, END, PARTNERS)
    assert [p.key for p in both].count("LEVEE_FREINS.MOBILITE") == 1 and len(both) == 2  # one per barrier


@pytest.mark.parametrize(
    ("barriers", "project", "expected"),
    [
        (["MOBILITE"], None, [ModuleType.LEVEE_FREINS]),
        (["IMMERSION_PROFESSIONNELLE"], None, [ModuleType.PFMP]),
        (["COMPLEMENT_FORMATION"], None, [ModuleType.COMPLEMENT_FORMATION]),
        ([], "APPRENTISSAGE", [ModuleType.PREPA_APPRENTISSAGE, ModuleType.PFMP]),
        (["MOBILITE", "LOGEMENT"], None, [ModuleType.LEVEE_FREINS]),
        (["SANTE", "AUTRE"], None, []),
    ],
)
def test_the_mapping(barriers, project, expected):
    assert list(wanted(barriers, project)) == expected


def test_matching_words():
    assert same_word("cuisine", "cuisinier") and same_word("macon", "maconnerie")
    assert not same_word("cuisine", "cuir") and not same_word("bar", "barbier")
    trade_in_notes = company_for("Cuisine", "", PARTNERS)
    assert trade_in_notes.partner.id in (11, 12)
    by_area = company_for("Cuisine", "secteur de Toul", PARTNERS)
    assert by_area.partner.id == 11 and "Toul" in by_area.why
    by_department = company_for("", "57", PARTNERS)  # no trade noted: the area alone (a department)
    assert by_department.partner.id == 10
    assert company_for("Fleuriste", "Nancy", PARTNERS) is None
    assert company_for("", "", PARTNERS) is None
    association = partner_for(
        (PartnerType.ASSOCIATION.value,), ("logement",), "", PARTNERS, strict=(PartnerType.ASSOCIATION.value,)
    )
    assert association is None


def test_dismissed_and_taken_proposals_are_not_proposed_again():
    basis = ProposalBasis(("MOBILITE",), "EMPLOI_DIRECT", "Cuisine", "", mission_locale_id=ML_NANCY)
    proposed = by_key(propose(basis, START, END, PARTNERS))
    assert "TRE" not in by_key(propose(basis, START, END, PARTNERS, dismissed={"TRE"}))
    first = proposed["PFMP.1"]
    taken = [ModuleFacts("PFMP", first.start_date, first.end_date, "ENTREPRISE", "Stage")]
    again = by_key(propose(basis, START, END, PARTNERS, existing=taken))
    assert "PFMP.1" not in again and again["PFMP.2"] == proposed["PFMP.2"]  # the other block still proposed


def all_barrier_sets():
    codes = [b.value for b in Barrier]
    return [(), tuple(codes), *((code,) for code in codes), ("MOBILITE", "LOGEMENT", "GARDE_ENFANTS")]


PERIODS = [
    (D(2026, 9, 1), D(2026, 12, 31)),
    (D(2026, 9, 7), D(2026, 12, 18)),
    (D(2026, 10, 15), D(2026, 12, 31)),
    (D(2026, 11, 30), D(2026, 12, 31)),
    (D(2026, 12, 19), D(2026, 12, 31)),  # a weekend start
    (D(2026, 12, 28), D(2026, 12, 31)),
    (D(2026, 9, 1), D(2026, 9, 1)),
]


def test_every_proposed_pathway_keeps_the_hard_rules():
    """Every project × barrier set × pathway dates × partners, with or without a PFMP already typed: all the
    proposals accepted make a pathway with no hard problem (dates, PFMP ≤ 2/3), PMSMP and blocks in bounds."""
    projects = [None, *(p.value for p in Project)]
    directories = [PARTNERS, ()]
    checked = 0
    for project, barriers, (start, end), partners in itertools.product(
        projects, all_barrier_sets(), PERIODS, directories
    ):
        basis = ProposalBasis(barriers, project, "Cuisine", "Nancy", mission_locale_id=ML_NANCY)
        for existing in ([], [ModuleFacts("PFMP", start, start + dt.timedelta(days=20), None, "Stage")]):
            existing = [m for m in existing if m.end_date <= end]
            proposed = propose(basis, start, end, partners, existing=existing)
            problems = rules.pathway_problems(start, end, existing + facts(proposed), LIMITS)
            assert problems == [], (project, barriers, start, end, problems)
            for p in proposed:
                assert start <= p.start_date <= p.end_date <= end
                if p.module_type is ModuleType.PMSMP:
                    assert weeks(p) <= 2
                if p.module_type is ModuleType.PFMP:
                    assert weeks(p) <= 4
            checked += 1
    assert checked > 1000


def test_pfmp_carrier_warning_is_a_soft_rule():
    assert rules.pfmp_carrier_warning("PFMP", "ENTREPRISE") is None
    assert rules.pfmp_carrier_warning("PMSMP", None) is None
    assert "l'établissement, pas une entreprise" in rules.pfmp_carrier_warning("PFMP", None, "Stage")
    assert "« Mission locale »" in rules.pfmp_carrier_warning("PFMP", "MISSION_LOCALE")
    modules = [
        ModuleFacts("PFMP", START, D(2026, 9, 30), "ENTREPRISE"),
        ModuleFacts("PFMP", D(2026, 10, 5), D(2026, 10, 16), "ASSOCIATION", "Stage associatif"),
    ]
    [warning] = rules.module_warnings(modules)
    assert warning.field == "module.1.carrier_partner_id" and not warning.hard
    assert "Stage associatif" in warning.message
    assert rules.pathway_problems(START, END, modules, LIMITS) == []  # allowed


# --- through the pathway service ---------------------------------------------------------------------------------


def interviewed_youth(db, trades_sought: str, area_sought: str = "") -> dict[str, int]:
    """A CAP youth of campaign 2025 who engaged at an interview (employment, mobility) held with an advisor of
    the Toul Mission locale; a directory where an association sorts first. The ids by name."""
    with db.transaction() as session:
        campaign = get_campaign(session, 2025)
        youth = YouthForm(last_name="Durand", first_names="Léa", diploma="CAP")
        youth_id = save_youth(session, campaign, youth).youth_id
        partners = {
            "association": Partner(name="Association Mobilité 54", type=PartnerType.ASSOCIATION.value),
            "alpha": Partner(name="Alpha Bâtiment", type=PartnerType.ENTREPRISE.value, city="Metz"),
            "kitchen": Partner(
                name="Restaurant Le Gourmet", type=PartnerType.ENTREPRISE.value, city="Nancy", notes="cuisine"
            ),
            "nancy": Partner(name="Mission locale du Grand Nancy", type=PartnerType.MISSION_LOCALE.value),
            "toul": Partner(name="Mission locale Terres de Lorraine", type=PartnerType.MISSION_LOCALE.value),
        }
        session.add_all(partners.values())
        session.flush()
        interview = Interview(
            youth_id=youth_id,
            held_on=D(2025, 9, 5),
            project=Project.EMPLOI_DIRECT.value,
            trades_sought=trades_sought,
            area_sought=area_sought,
            decision=Decision.ENGAGE.value,
        )
        interview.barriers = [InterviewBarrier(barrier=Barrier.MOBILITE.value)]
        interview.participants = [InterviewParticipant(role=Role.ML.value, partner_id=partners["toul"].id)]
        session.add(interview)
        return {name: partner.id for name, partner in partners.items()} | {"youth": youth_id}


@pytest.fixture
def interviewed(school_db):
    return school_db, interviewed_youth(school_db, "Restauration", "Nancy")


def test_the_service_reads_the_interview_and_the_directory(interviewed):
    db, ids = interviewed
    with db.read() as session:
        context = svc.pathway_context(session, ids["youth"])
    assert context.advisor_mission_locale_id == ids["toul"]
    assert (context.trades_sought, context.area_sought) == ("Restauration", "Nancy")
    form = svc.PathwayForm("7034150211", D(2025, 9, 1), D(2025, 12, 31))
    proposed = by_key(svc.proposals_for(context, form))
    assert proposed["ACCOMPAGNEMENT_ML"].carrier_partner_id == ids["toul"]  # the advisor's
    assert proposed["PFMP.1"].carrier_partner_id == ids["kitchen"]
    form.mission_locale_id = ids["nancy"]  # the pathway's Mission locale, typed, comes first
    assert by_key(svc.proposals_for(context, form))["ACCOMPAGNEMENT_ML"].carrier_partner_id == ids["nancy"]
    form.modules = [svc.module_from_proposal(p) for p in svc.proposals_for(context, form)]
    assert svc.proposals_for(context, form) == []
    evaluation = svc.evaluate(form, context)
    assert evaluation.ok and evaluation.warnings == [] and evaluation.partnership
    assert next(m for m in form.modules if m.module_type == "TRE").notes == "Une demi-journée par semaine."


def test_saving_a_pfmp_without_a_company_warns(interviewed):
    db, ids = interviewed
    form = svc.PathwayForm(
        "7034150211",
        D(2025, 9, 1),
        D(2025, 12, 31),
        modules=[svc.ModuleForm("PFMP", D(2025, 10, 6), D(2025, 10, 24), carrier_partner_id=ids["toul"])],
    )
    with db.transaction() as session:
        result = svc.save_pathway(session, ids["youth"], form, version=svc.NEW)
    assert result.created and any("pas une entreprise" in w for w in result.warnings)
