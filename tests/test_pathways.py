"""The pathway service: saving under the rules, catalogue, templates, office list, follow-up, abandonment, exit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    AuditEvent,
    Exit,
    FollowUpEvent,
    Interview,
    InterviewBarrier,
    Partner,
    Pathway,
    PathwayModule,
    Youth,
)
from pae_desktop.core.scheme import scheme_of, store_scheme, with_values
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.facts import load_facts
from pae_desktop.core.services.youths import YouthForm, save_youth, stage_of
from pae_desktop.core.vocabulary import (
    Barrier,
    Decision,
    ExitCategory,
    ExitDetail,
    FollowUpKind,
    ModuleType,
    PartnerType,
    Project,
    Stage,
)

D = dt.date


@pytest.fixture
def case(school_db):
    """A youth of campaign 2025 (CAP) who engaged at an interview, a company and a Mission locale."""
    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        youth_id = save_youth(
            session,
            campaign,
            YouthForm(
                last_name="Durand",
                first_names="Léa",
                diploma="CAP",
                birth_date=D(2006, 3, 4),
                ine="123456789JA",
            ),
            today=D(2025, 8, 20),
        ).youth_id
        interview = Interview(
            youth_id=youth_id,
            held_on=D(2025, 9, 5),
            project=Project.APPRENTISSAGE.value,
            decision=Decision.ENGAGE.value,
            decided_on=D(2025, 9, 5),
        )
        interview.barriers = [InterviewBarrier(barrier=Barrier.MOBILITE.value)]
        session.add(interview)
        company = Partner(name="Boulangerie Martin", type=PartnerType.ENTREPRISE.value)
        ml = Partner(name="Mission locale du Grand Nancy", type=PartnerType.MISSION_LOCALE.value)
        session.add_all([company, ml])
        session.flush()
        ids = {"youth": youth_id, "company": company.id, "ml": ml.id, "interview": interview.id}
    return school_db, ids


def three_modules(ids) -> list[svc.ModuleForm]:
    return [
        svc.ModuleForm(
            ModuleType.ACCOMPAGNEMENT_ML.value, D(2025, 9, 8), D(2025, 12, 31), carrier_partner_id=ids["ml"]
        ),
        svc.ModuleForm(
            ModuleType.PFMP.value,
            D(2025, 9, 22),
            D(2025, 11, 14),
            label="Stage boulangerie",
            carrier_partner_id=ids["company"],
            convention_ref="CONV-1",
        ),
        svc.ModuleForm(ModuleType.IMMERSION_CLASSE.value, D(2025, 9, 8), D(2025, 9, 19)),
    ]


def good_form(ids) -> svc.PathwayForm:
    return svc.PathwayForm(
        mef_code="7034150211",
        start_date=D(2025, 9, 8),
        planned_end=D(2025, 12, 31),
        modules=three_modules(ids),
    )


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_save_a_three_module_pathway_with_derived_values(case):
    db, ids = case
    with db.transaction() as session:
        result = svc.save_pathway(session, ids["youth"], good_form(ids))
    assert result.created and result.warnings == ()
    assert result.evaluation.partnership
    assert result.evaluation.module_count == 3
    assert result.evaluation.pfmp_days == 40  # 22 September – 14 November 2025: eight weeks
    with db.read() as session:
        pathway = svc.get_pathway(session, ids["youth"])
        assert [m.module_type for m in pathway.modules].count("PFMP") == 1
        assert {m.label for m in pathway.modules} >= {"Stage boulangerie", ModuleType.IMMERSION_CLASSE.label}
        s = svc.summary(pathway)
        assert (s.partnership, s.module_count, s.pfmp_days) == (True, 3, 40)
        assert (
            session.scalars(select(AuditEvent.entity).where(AuditEvent.action == "create"))
            .all()
            .count("pathway_module")
            == 3
        )
        youth = session.get(Pathway, pathway.id).youth
        assert stage_of(session, youth, D(2025, 10, 1)) is Stage.PARCOURS_EN_COURS


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda f: setattr(f.modules[1], "end_date", D(2025, 9, 1)), "précède sa date de début"),
        (lambda f: setattr(f, "planned_end", D(2026, 1, 8)), "4 mois"),
        (lambda f: setattr(f.modules[0], "end_date", D(2026, 1, 2)), "dépasse la fin prévue du parcours"),
        (lambda f: setattr(f.modules[1], "end_date", D(2025, 12, 15)), "deux tiers"),
        (lambda f: setattr(f, "start_date", D(2025, 8, 29)), "avant la rentrée"),
        (lambda f: setattr(f, "mef_code", "1234"), "Code MEF"),
    ],
)
def test_hard_rules_refuse_the_save_and_nothing_is_written(case, change, expected):
    db, ids = case
    form = good_form(ids)
    change(form)
    with pytest.raises(UserError, match=expected), db.transaction() as session:
        svc.save_pathway(session, ids["youth"], form)
    with db.read() as session:
        assert count(session, Pathway) == 0 and count(session, PathwayModule) == 0


def test_editing_keeps_rows_and_an_error_leaves_the_saved_pathway_whole(case):
    db, ids = case
    with db.transaction() as session:
        svc.save_pathway(session, ids["youth"], good_form(ids))
    with db.read() as session:
        form = svc.pathway_form(svc.get_pathway(session, ids["youth"]))
    kept_ids = {m.id for m in form.modules}
    form.modules = [m for m in form.modules if m.module_type != ModuleType.IMMERSION_CLASSE.value]
    form.modules.sort(key=lambda m: m.module_type)  # ACCOMPAGNEMENT_ML, PFMP
    form.modules[0].place = "Nancy"
    with db.transaction() as session:
        result = svc.save_pathway(session, ids["youth"], form)
    assert not result.created
    with db.read() as session:
        pathway = svc.get_pathway(session, ids["youth"])
        assert len(pathway.modules) == 2 and {m.id for m in pathway.modules} < kept_ids
        assert any(m.place == "Nancy" for m in pathway.modules)
    form.modules[1].end_date = D(2025, 12, 20)  # PFMP over 2/3 now
    form.modules[0].place = "Toul"
    with pytest.raises(UserError), db.transaction() as session:
        svc.save_pathway(session, ids["youth"], form)
    with db.read() as session:
        pathway = svc.get_pathway(session, ids["youth"])
        assert any(m.place == "Nancy" for m in pathway.modules)
        assert max(m.end_date for m in pathway.modules if m.module_type == "PFMP") == D(2025, 11, 14)


def test_not_engaged_needs_a_note_then_is_allowed_with_a_warning(case):
    db, ids = case
    with db.transaction() as session:
        session.get(Interview, ids["interview"]).decision = Decision.REFLEXION.value
    with pytest.raises(UserError, match="Souhaite réfléchir"), db.transaction() as session:
        svc.save_pathway(session, ids["youth"], good_form(ids))
    form = good_form(ids)
    form.non_engaged_note = "A confirmé par téléphone le 6 septembre."
    with db.transaction() as session:
        result = svc.save_pathway(session, ids["youth"], form)
    assert any("Souhaite réfléchir" in w for w in result.warnings)
    with db.read() as session:
        assert svc.get_pathway(session, ids["youth"]).non_engaged_note.startswith("A confirmé")


def test_mef_mismatch_is_a_warning(case):
    db, ids = case
    form = good_form(ids)
    form.mef_code = "7044150111"
    with db.transaction() as session:
        result = svc.save_pathway(session, ids["youth"], form)
    assert any("PAE N3" in w for w in result.warnings)


def test_mef_codes_follow_the_campaign_scheme(case):
    db, ids = case
    with db.transaction() as session:
        campaign = session.get(Youth, ids["youth"]).campaign
        store_scheme(campaign, with_values(scheme_of(campaign), n3_code="9999999999"))
    with db.read() as session:
        context = svc.pathway_context(session, ids["youth"])
        assert context.expected_mef == "9999999999"
        assert svc.new_pathway_form(context, today=D(2025, 8, 20)).mef_code == "9999999999"


def test_new_form_defaults_to_the_rentree_and_the_latest_end(case):
    db, ids = case
    with db.read() as session:
        context = svc.pathway_context(session, ids["youth"])
    form = svc.new_pathway_form(context, today=D(2025, 8, 20))
    assert (form.start_date, form.planned_end) == (D(2025, 9, 1), D(2025, 12, 31))
    form = svc.new_pathway_form(context, today=D(2025, 10, 15))
    assert (form.start_date, form.planned_end) == (D(2025, 10, 15), D(2025, 12, 31))


def test_catalogue_is_extensible(case):
    db, ids = case
    with db.transaction() as session:
        entry = svc.add_catalog_entry(
            session, "Formation SST", ModuleType.COMPLEMENT_FORMATION.value, "ETABLISSEMENT"
        ).ids["module_catalog_entry"][0]
    with db.read() as session:
        items = svc.catalogue(session)
    assert len([i for i in items if i.builtin]) == len(ModuleType)
    assert any(i.label == "Formation SST" and i.entry_id == entry for i in items)
    for label, kind in (("formation sst", "COMPLEMENT_FORMATION"), ("Stage", "NOPE"), ("  ", "PFMP")):
        with pytest.raises(UserError), db.transaction() as session:
            svc.add_catalog_entry(session, label, kind, "ETABLISSEMENT")


def test_templates_shift_dates_to_the_new_start(case):
    db, ids = case
    with db.transaction() as session:
        template_id = svc.save_template(session, "ML + stage", good_form(ids)).ids["pathway_template"][0]
    with pytest.raises(UserError, match="existe déjà"), db.transaction() as session:
        svc.save_template(session, "ML + stage", good_form(ids))
    limits = svc.CampaignLimits(D(2025, 9, 1), D(2025, 9, 17), D(2025, 12, 31))
    fresh = svc.PathwayForm(mef_code="7034150211", start_date=D(2025, 9, 15), planned_end=D(2025, 12, 31))
    with db.read() as session:
        applied = svc.apply_template(session, template_id, fresh, limits)
        [row] = svc.list_templates(session)
        assert set(row.module_labels) == {
            ModuleType.IMMERSION_CLASSE.label,
            ModuleType.ACCOMPAGNEMENT_ML.label,
            "Stage boulangerie",
        }
    by_type = {m.module_type: m for m in applied.modules}
    assert by_type["PFMP"].start_date == D(2025, 9, 29)  # 14 days after the start, as saved
    assert by_type["PFMP"].end_date == D(2025, 11, 21)
    assert by_type["IMMERSION_CLASSE"].start_date == D(2025, 9, 15)
    assert applied.planned_end == D(2025, 12, 31)  # 115 days, clamped to the campaign's end
    assert by_type["ACCOMPAGNEMENT_ML"].end_date == D(2025, 12, 31)
    assert by_type["PFMP"].carrier_partner_id == ids["company"]


def test_office_list_and_siecle_flag(case):
    db, ids = case
    with db.transaction() as session:
        svc.save_pathway(session, ids["youth"], good_form(ids))
    with db.read() as session:
        campaign = get_campaign(session, 2025)
        [row] = svc.office_list(session, campaign.id)
    assert (row.ine, row.mef_code, row.mef_label, row.start_date) == (
        "123456789JA",
        "7034150211",
        "PAE N3",
        D(2025, 9, 8),
    )
    with pytest.raises(UserError, match="futur"), db.transaction() as session:
        svc.set_siecle_entered(session, row.pathway_id, True, D(2025, 9, 20), today=D(2025, 9, 10))
    with db.transaction() as session:
        svc.set_siecle_entered(session, row.pathway_id, True, today=D(2025, 9, 10))
    with db.read() as session:
        assert svc.office_list(session, campaign.id) == []
        [row] = svc.office_list(session, campaign.id, pending_only=False)
        assert row.siecle_entered and row.siecle_entered_on == D(2025, 9, 10)


def test_follow_up_feeds_the_worklist_and_absences_raise_the_alert(case):
    db, ids = case
    with db.transaction() as session:
        svc.save_pathway(session, ids["youth"], good_form(ids))
        event = svc.save_follow_up(
            session,
            ids["youth"],
            svc.FollowUpForm(
                D(2025, 10, 1),
                FollowUpKind.VISITE_ENTREPRISE.value,
                next_action="Appeler le tuteur",
                due_on=D(2025, 10, 8),
            ),
        )
        campaign_id = get_campaign(session, 2025).id
    with db.read() as session:
        _, pending = load_facts(session, campaign_id, [ids["youth"]])
        assert pending[ids["youth"]].follow_up_on == D(2025, 10, 8)
        assert pending[ids["youth"]].follow_up_action == "Appeler le tuteur"
    with db.transaction() as session:
        svc.mark_follow_up_done(session, event.event_id, D(2025, 10, 8))
        first = svc.save_follow_up(
            session,
            ids["youth"],
            svc.FollowUpForm(D(2025, 10, 2), FollowUpKind.ABSENCE.value, absence_half_days=30),
        )
        justified = svc.save_follow_up(
            session,
            ids["youth"],
            svc.FollowUpForm(
                D(2025, 10, 3), FollowUpKind.ABSENCE.value, absence_half_days=5, absence_justified=True
            ),
        )
    assert first.alert is None and justified.alert is None and justified.unjustified_half_days == 30
    with db.read() as session:
        _, pending = load_facts(session, campaign_id, [ids["youth"]])
        assert pending[ids["youth"]].follow_up_on is None
    with db.transaction() as session:
        last = svc.save_follow_up(
            session,
            ids["youth"],
            svc.FollowUpForm(D(2025, 10, 6), FollowUpKind.ABSENCE.value, absence_half_days=1),
        )
        assert svc.attendance_alerts(session, campaign_id) == {ids["youth"]: 31}
    assert last.alert and "31 demi-journées" in last.alert
    # crossing the threshold records one «Alerte» whose next action reaches the worklists
    with db.transaction() as session:
        svc.save_follow_up(
            session,
            ids["youth"],
            svc.FollowUpForm(D(2025, 10, 7), FollowUpKind.ABSENCE.value, absence_half_days=2),
        )
        alerts = session.scalars(
            select(FollowUpEvent).where(FollowUpEvent.kind == FollowUpKind.ALERTE.value)
        ).all()
        assert len(alerts) == 1 and alerts[0].due_on == D(2025, 10, 6)
        _, pending = load_facts(session, campaign_id, [ids["youth"]])
        assert pending[ids["youth"]].follow_up_action == svc.ATTENDANCE_ACTION


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (svc.FollowUpForm(D(2025, 10, 1), "ABSENCE", absence_half_days=0), "demi-journées"),
        (svc.FollowUpForm(D(2025, 10, 1), "APPEL", absence_half_days=2), "Absence"),
        (
            svc.FollowUpForm(D(2025, 10, 1), "APPEL", next_action="Rappeler", due_on=D(2025, 9, 30)),
            "Échéance",
        ),
        (svc.FollowUpForm(D(2025, 10, 1), "APPEL", next_action="Rappeler"), "Échéance"),
        (svc.FollowUpForm(D(2025, 10, 1), "NOPE"), "Type"),
    ],
)
def test_follow_up_bad_input(case, form, expected):
    db, ids = case
    with pytest.raises(UserError, match=expected), db.transaction() as session:
        svc.save_follow_up(session, ids["youth"], form)


def test_abandonment_and_exit(case):
    db, ids = case
    with db.transaction() as session:
        svc.save_pathway(session, ids["youth"], good_form(ids))
    with pytest.raises(UserError, match="Date d'abandon"), db.transaction() as session:
        svc.record_abandonment(session, ids["youth"], D(2025, 9, 1), "Ne vient plus")
    with pytest.raises(UserError, match="Motif"), db.transaction() as session:
        svc.record_abandonment(session, ids["youth"], D(2025, 10, 20), "  ")
    with db.transaction() as session:
        svc.record_abandonment(session, ids["youth"], D(2025, 10, 20), "A trouvé un emploi saisonnier")
    with pytest.raises(UserError, match="Date de sortie"), db.transaction() as session:
        svc.record_exit(session, ids["youth"], svc.ExitForm(D(2025, 9, 7), "EMPLOI", "CDI"))
    with pytest.raises(UserError, match="n'appartient pas"), db.transaction() as session:
        svc.record_exit(session, ids["youth"], svc.ExitForm(D(2025, 10, 20), "EMPLOI", "PACEA"))
    with db.read() as session:
        assert count(session, Exit) == 0
        youth = svc.load_youth_for_pathway(session, ids["youth"])
        assert stage_of(session, youth, D(2025, 11, 1)) is Stage.ABANDON
    with db.transaction() as session:
        svc.record_exit(
            session,
            ids["youth"],
            svc.ExitForm(D(2025, 10, 20), ExitCategory.EMPLOI.value, ExitDetail.CDD_MOINS_6M.value),
        )
    with db.read() as session:
        youth = svc.load_youth_for_pathway(session, ids["youth"])
        assert stage_of(session, youth, D(2025, 11, 1)) is Stage.SORTI
        assert youth.pathway.actual_end == D(2025, 10, 20)
        assert youth.exit.detail == "CDD_MOINS_6M"
    # moving the pathway's start after the exit is refused: the exit would precede it
    form = good_form(ids)
    form.start_date = D(2025, 10, 21)
    for module in form.modules:
        module.start_date = max(module.start_date, D(2025, 10, 21))
    with pytest.raises(UserError, match="Date de sortie"), db.transaction() as session:
        svc.save_pathway(session, ids["youth"], form)
    with pytest.raises(UserError, match="sortie"), db.transaction() as session:
        svc.delete_pathway(session, ids["youth"])
    with db.transaction() as session:
        svc.delete_exit(session, ids["youth"])
        svc.cancel_abandonment(session, ids["youth"])
    with db.read() as session:
        youth = svc.load_youth_for_pathway(session, ids["youth"])
        assert youth.exit is None and youth.pathway.abandoned_on is None and youth.pathway.actual_end is None


def test_exit_needs_a_pathway(case):
    db, ids = case
    with pytest.raises(UserError, match="parcours"), db.transaction() as session:
        svc.record_exit(session, ids["youth"], svc.ExitForm(D(2025, 10, 20), "EMPLOI", "CDI"))


def test_demo_pathways_pass_the_rules(demo_db):
    """The demonstration's pathways are valid: the rules accept what the scheme allows."""
    with demo_db.read() as session:
        pathways = session.scalars(select(Pathway)).all()
        assert len(pathways) > 10
        for pathway in pathways:
            context = svc.pathway_context(session, pathway.youth_id)
            evaluation = svc.evaluate(svc.pathway_form(pathway), context)
            assert evaluation.problems == [], evaluation.problems


def test_a_saved_mef_code_stays_valid_after_the_campaign_codes_change(case):
    db, ids = case
    with db.transaction() as session:
        svc.save_pathway(session, ids["youth"], good_form(ids))
        campaign = session.get(Youth, ids["youth"]).campaign
        store_scheme(campaign, with_values(scheme_of(campaign), n3_code="7034150299"))
    with db.transaction() as session:
        form = svc.pathway_form(svc.get_pathway(session, ids["youth"]))
        form.notes = "Code d'origine conservé"
        svc.save_pathway(session, ids["youth"], form)
        assert svc.get_pathway(session, ids["youth"]).mef_code == "7034150211"
        form.mef_code = "1234567890"
        with pytest.raises(UserError, match="Code MEF"):
            svc.save_pathway(session, ids["youth"], form)
