"""Table tests of the scheme's rules (domain.md §6) at their boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from pae_desktop.core import rules
from pae_desktop.core.rules import CampaignLimits, ModuleFacts
from pae_desktop.core.scheme import default_scheme, with_values
from pae_desktop.core.vocabulary import Decision, ModuleType, PartnerType

D = dt.date
LIMITS_2025 = CampaignLimits(D(2025, 9, 1), D(2025, 9, 17), D(2025, 12, 31))


def pfmp(start: dt.date, end: dt.date) -> ModuleFacts:
    return ModuleFacts(ModuleType.PFMP.value, start, end, PartnerType.ENTREPRISE.value, "PFMP")


def other(start: dt.date, end: dt.date, carrier: str | None = None, kind=ModuleType.ACCOMPAGNEMENT_ML):
    return ModuleFacts(kind.value, start, end, carrier, "")


@pytest.mark.parametrize(
    ("diploma", "eligible", "level", "code"),
    [
        ("CAP", True, "N3", "7034150211"),
        ("BAC_PRO", True, "N4", "7044150111"),
        ("BMA", True, "N4", "7044150111"),
        ("DTMS", True, "N4", "7044150111"),
        ("AUTRE", False, None, None),
        ("", False, None, None),
        (None, False, None, None),
    ],
)
def test_eligibility_and_mef(diploma, eligible, level, code):
    assert rules.is_eligible(diploma) is eligible
    assert (rules.eligibility_error(diploma) is None) is eligible
    assert rules.mef_level(diploma) == level
    assert default_scheme(2025).mef_for_diploma(diploma) == code


def test_mef_codes_come_from_the_campaign_scheme():
    scheme = with_values(default_scheme(2026), n3_code="1111111111", n4_code="2222222222")
    assert scheme.mef_for_diploma("CAP") == "1111111111"
    assert scheme.mef_for_diploma("DTMS") == "2222222222"
    assert scheme.mef_short("2222222222") == "APRO PLUS 4"
    assert default_scheme(2025).mef_short("7034150211") == "PAE N3"
    assert default_scheme(2026).mef_for_diploma("BAC_PRO") == "7044150211"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 9, 1), 4, D(2026, 1, 1)),
        (D(2025, 8, 31), 4, D(2025, 12, 31)),
        (D(2025, 10, 31), 4, D(2026, 2, 28)),  # clamped to the end of February
        (D(2023, 10, 31), 4, D(2024, 2, 29)),  # leap year
        (D(2025, 11, 30), 4, D(2026, 3, 30)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert rules.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "too_long"),
    [
        (D(2025, 9, 1), D(2025, 12, 31), False),  # exactly four months
        (D(2025, 9, 1), D(2026, 1, 1), True),  # one day more
        (D(2025, 9, 15), D(2026, 1, 14), False),
        (D(2025, 9, 15), D(2026, 1, 15), True),
        (D(2025, 10, 31), D(2026, 2, 27), False),  # 28 February − 1 day
        (D(2025, 10, 31), D(2026, 2, 28), True),
        (D(2023, 10, 31), D(2024, 2, 28), False),  # leap year: 29 February − 1 day
        (D(2023, 10, 31), D(2024, 2, 29), True),
        (D(2025, 9, 1), D(2025, 9, 1), False),  # a one-day pathway
    ],
)
def test_four_months_inclusive(start, end, too_long):
    message = rules.too_long_error(start, end)
    assert (message is not None) is too_long
    if too_long:
        assert "Date de fin prévue" in message and "4 mois" in message


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (D(2025, 9, 1), D(2025, 9, 1), 1),
        (D(2025, 9, 1), D(2025, 12, 31), 122),
        (D(2025, 9, 2), D(2025, 9, 1), 0),
    ],
)
def test_inclusive_days(start, end, days):
    assert rules.inclusive_days(start, end) == days


@pytest.mark.parametrize(
    ("pathway", "modules", "allowed"),
    [
        # 30 days: two thirds is exactly 20 days
        ((D(2025, 9, 1), D(2025, 9, 30)), [pfmp(D(2025, 9, 1), D(2025, 9, 20))], True),
        ((D(2025, 9, 1), D(2025, 9, 30)), [pfmp(D(2025, 9, 1), D(2025, 9, 21))], False),
        # 31 days: 20 × 3 = 60 ≤ 62, 21 × 3 = 63 > 62
        ((D(2025, 10, 1), D(2025, 10, 31)), [pfmp(D(2025, 10, 1), D(2025, 10, 20))], True),
        ((D(2025, 10, 1), D(2025, 10, 31)), [pfmp(D(2025, 10, 1), D(2025, 10, 21))], False),
        # overlapping PFMPs count their union: 1–15 ∪ 10–20 = 20 days
        (
            (D(2025, 9, 1), D(2025, 9, 30)),
            [pfmp(D(2025, 9, 1), D(2025, 9, 15)), pfmp(D(2025, 9, 10), D(2025, 9, 20))],
            True,
        ),
        # disjoint PFMPs add up: 11 + 10 = 21 days
        (
            (D(2025, 9, 1), D(2025, 9, 30)),
            [pfmp(D(2025, 9, 1), D(2025, 9, 11)), pfmp(D(2025, 9, 21), D(2025, 9, 30))],
            False,
        ),
        # other module types never count, even over the whole pathway
        (
            (D(2025, 9, 1), D(2025, 9, 30)),
            [other(D(2025, 9, 1), D(2025, 9, 30), kind=ModuleType.PMSMP)],
            True,
        ),
    ],
)
def test_pfmp_two_thirds(pathway, modules, allowed):
    message = rules.pfmp_share_error(modules, *pathway)
    assert (message is None) is allowed
    if not allowed:
        assert "PFMP" in message and "deux tiers" in message


def test_pfmp_union_and_weekdays():
    # 1 September 2025 is a Monday; 1–14 September covers two weeks: 14 calendar days, 10 weekdays
    modules = [pfmp(D(2025, 9, 1), D(2025, 9, 10)), pfmp(D(2025, 9, 8), D(2025, 9, 14))]
    assert rules.pfmp_calendar_days(modules) == 14
    assert rules.pfmp_days(modules) == 10
    # a weekend alone holds no PFMP day
    assert rules.pfmp_days([pfmp(D(2025, 9, 6), D(2025, 9, 7))]) == 0
    assert rules.pfmp_calendar_days([pfmp(D(2025, 9, 6), D(2025, 9, 7))]) == 2
    # Friday to Monday: two weekdays
    assert rules.pfmp_days([pfmp(D(2025, 9, 5), D(2025, 9, 8))]) == 2
    assert rules.pfmp_weeks([pfmp(D(2025, 9, 5), D(2025, 9, 8))]) == {D(2025, 9, 1), D(2025, 9, 8)}
    assert rules.pfmp_days([other(D(2025, 9, 1), D(2025, 9, 30))]) == 0


@pytest.mark.parametrize(
    ("carriers", "partnership"),
    [
        ([None], False),
        ([None, None], False),
        ([None, PartnerType.LYCEE.value, PartnerType.MLDS.value], False),  # all «Établissement»
        ([PartnerType.MISSION_LOCALE.value, PartnerType.CFA.value, PartnerType.GRETA.value], False),
        ([PartnerType.ENTREPRISE.value, PartnerType.ENTREPRISE.value], False),
        ([None, PartnerType.ENTREPRISE.value], True),
        ([PartnerType.MLDS.value, PartnerType.MISSION_LOCALE.value], True),
        ([PartnerType.ENTREPRISE.value, PartnerType.FRANCE_TRAVAIL.value], True),
        ([None, PartnerType.ENTREPRISE.value, PartnerType.MISSION_LOCALE.value], True),
        ([], False),
    ],
)
def test_partnership_needs_two_carrier_kinds(carriers, partnership):
    modules = [other(D(2025, 9, 1), D(2025, 9, 30), carrier) for carrier in carriers]
    assert rules.is_partnership(modules) is partnership
    assert rules.partnership(modules) is partnership
    assert rules.module_count(modules) == len(carriers)


def test_module_facts_from_orm_like_rows():
    class Carrier:
        type = PartnerType.ENTREPRISE.value

    class Row:
        module_type = ModuleType.PFMP.value
        start_date = D(2025, 9, 1)
        end_date = D(2025, 9, 5)
        label = "Stage"
        carrier = Carrier()

    class SchoolRow(Row):
        module_type = ModuleType.IMMERSION_CLASSE.value
        carrier = None

    assert rules.module_facts(Row()).carrier_type == PartnerType.ENTREPRISE.value
    assert rules.pfmp_days([Row(), SchoolRow()]) == 5
    assert rules.is_partnership([Row(), SchoolRow()])


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [(D(2025, 9, 10), D(2025, 9, 9), True), (D(2025, 9, 10), D(2025, 9, 10), False)],
)
def test_module_ending_before_it_starts(start, end, error):
    message = rules.module_order_error(start, end, "PFMP")
    assert (message is not None) is error
    if error:
        assert "date de fin du module" in message and "PFMP" in message


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        (D(2025, 9, 1), D(2025, 12, 31), None),  # exactly the pathway: inclusive
        (D(2025, 8, 31), D(2025, 9, 30), "date de début du module"),
        (D(2025, 12, 1), D(2026, 1, 1), "date de fin du module"),
    ],
)
def test_module_inside_pathway(start, end, error):
    message = rules.module_outside_error(start, end, D(2025, 9, 1), D(2025, 12, 31))
    if error is None:
        assert message is None
    else:
        assert error in message


@pytest.mark.parametrize(
    ("check", "args", "error"),
    [
        (rules.start_before_rentree_error, (D(2025, 8, 31), D(2025, 9, 1)), "Date de début"),
        (rules.start_before_rentree_error, (D(2025, 9, 1), D(2025, 9, 1)), None),
        (rules.after_latest_end_error, (D(2026, 1, 1), D(2025, 12, 31)), "Date de fin prévue"),
        (rules.after_latest_end_error, (D(2025, 12, 31), D(2025, 12, 31)), None),
        (rules.exit_before_start_error, (D(2025, 9, 14), D(2025, 9, 15)), "Date de sortie"),
        (rules.exit_before_start_error, (D(2025, 9, 15), D(2025, 9, 15)), None),
        (rules.pathway_order_error, (D(2025, 9, 15), D(2025, 9, 14)), "Date de fin prévue"),
        (rules.abandon_before_start_error, (D(2025, 9, 14), D(2025, 9, 15)), "Date d'abandon"),
    ],
)
def test_date_rules(check, args, error):
    message = check(*args)
    if error is None:
        assert message is None
    else:
        assert message.startswith(error)


@pytest.mark.parametrize(
    ("category", "detail", "ok"),
    [
        ("EMPLOI", "CDI", True),
        ("EMPLOI", "", True),
        ("EMPLOI", "PACEA", False),
        ("RETOUR_FORMATION", "APPRENTISSAGE", True),
        ("AUTRE", "SANS_SOLUTION", True),
        ("NOPE", "CDI", False),
    ],
)
def test_exit_detail_belongs_to_its_category(category, detail, ok):
    assert (rules.exit_detail_error(category, detail) is None) is ok


@pytest.mark.parametrize(
    ("decision", "warned"),
    [(Decision.ENGAGE.value, False), (Decision.REFLEXION.value, True), ("", True), (None, True)],
)
def test_not_engaged_is_a_warning(decision, warned):
    message = rules.not_engaged_warning(decision)
    assert (message is not None) is warned
    warnings = rules.pathway_warnings(decision)
    assert all(not w.hard for w in warnings)
    assert len(warnings) == int(warned)


@pytest.mark.parametrize(
    ("held_on", "warned"), [(D(2025, 9, 17), False), (D(2025, 9, 18), True), (D(2025, 8, 28), False)]
)
def test_interview_after_target_date(held_on, warned):
    assert (rules.late_interview_warning(held_on, D(2025, 9, 17)) is not None) is warned


@pytest.mark.parametrize(
    ("absences", "alert"),
    [
        ([(30, False)], False),  # exactly 30: no alert
        ([(31, False)], True),
        ([(20, False), (11, False)], True),
        ([(20, False), (11, True)], False),  # justified absences do not count
        ([], False),
    ],
)
def test_attendance_alert_above_30_unjustified_half_days(absences, alert):
    total = rules.unjustified_half_days(absences)
    assert rules.attendance_alert(total) is alert
    assert (rules.attendance_warning(total) is not None) is alert


def test_pathway_problems_each_at_its_field():
    modules = [
        other(D(2025, 9, 1), D(2025, 12, 31), PartnerType.MISSION_LOCALE.value),
        pfmp(D(2025, 10, 10), D(2025, 10, 1)),
        pfmp(D(2025, 12, 1), D(2026, 1, 10)),
    ]
    problems = rules.pathway_problems(
        D(2025, 8, 25), D(2026, 1, 5), modules, LIMITS_2025, exit_on=D(2025, 8, 1)
    )
    fields = {p.field for p in problems}
    assert fields == {
        rules.F_START,
        rules.F_END,
        rules.module_field(1, "end_date"),
        rules.module_field(2, "end_date"),
        rules.F_EXIT_ON,
    }
    assert all(p.hard for p in problems)


def test_a_valid_pathway_has_no_problem():
    modules = [
        other(D(2025, 9, 1), D(2025, 12, 31), PartnerType.MISSION_LOCALE.value),
        pfmp(D(2025, 9, 15), D(2025, 11, 15)),
        other(D(2025, 9, 1), D(2025, 9, 12), None, ModuleType.IMMERSION_CLASSE),
    ]
    assert rules.pathway_problems(D(2025, 9, 1), D(2025, 12, 31), modules, LIMITS_2025) == []
    assert rules.is_partnership(modules)
    assert rules.pfmp_days(modules) == 45
