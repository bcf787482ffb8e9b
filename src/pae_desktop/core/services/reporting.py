"""The campaign's FOQUALE rows built from the database, and the campaign report built on them (spec §2, §4, §5)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from pae_desktop.core import indicators, rules
from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import normalise_phone
from pae_desktop.core.models import (
    Campaign,
    ContactAttempt,
    Exit,
    InformationAction,
    InformationTarget,
    Interview,
    InterviewParticipant,
    OriginalSchooling,
    Partner,
    Pathway,
    PathwayModule,
    Person,
    School,
    SlotBooking,
    Youth,
)
from pae_desktop.core.services.campaigns import require_campaign
from pae_desktop.core.services.youths import pseudonym as make_pseudonym
from pae_desktop.core.vocabulary import (
    EXIT_DETAILS,
    ContactResult,
    Decision,
    Diploma,
    ExamResult,
    ExitCategory,
    ExitDetail,
    ModuleType,
    Role,
    Sex,
)

# The 41 columns of spec §2, in order.
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
)
NOMINATIVE_COLUMNS = ("ine", "nom", "prenom", "date_naissance", "telephone", "email")

_SUCCESSFUL = (ContactResult.JOINT.value, ContactResult.REFUS_ECHANGER.value)
_ROLE_ORDER = {role.value: index for index, role in enumerate(Role)}
_MODULE_ORDER = {module.value: index for index, module in enumerate(ModuleType)}


def _iso(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.isoformat()


def _yn(flag: bool) -> str:
    return "O" if flag else "N"


def _youth_phone(phone: str, phone_raw: str, phone2: str, phone2_raw: str) -> str:
    """The youth's own number, a mobile first, as stored normalised (`06 12 34 56 78`, else E.164)."""
    candidates = []
    for normalised, raw in ((phone, phone_raw), (phone2, phone2_raw)):
        parsed = normalise_phone(normalised or raw)
        if parsed.normalised:
            candidates.append(parsed)
    mobile = [p for p in candidates if p.mobile]
    chosen = (mobile or candidates or [None])[0]
    return chosen.normalised if chosen else ""


def foquale_rows(
    session: Session, campaign: Campaign, *, nominative: bool = False
) -> list[tuple[int, dict[str, str]]]:
    """(youth id, row) for every youth of the campaign's census, the row holding the 41 columns as text.

    The writer's consistency rules (spec §2) hold by construction: `contacte` includes `entretien_accepte`,
    which includes `entretien_realise`; the decision, the date and the participants come from interviews held.
    """
    school = session.scalars(select(School).limit(1)).first()
    if school is None:
        raise UserError("Paramétrez d'abord l'établissement.")
    cid = campaign.id
    session.flush()
    conn = session.connection()  # plain columns: Core rows, without the ORM's loading step for each

    def in_campaign(stmt, column):
        return stmt.join(Youth, Youth.id == column).where(Youth.campaign_id == cid)

    youths = conn.execute(
        select(
            Youth.id,
            Youth.pseudonym,
            Youth.ine,
            Youth.last_name,
            Youth.first_names,
            Youth.birth_date,
            Youth.sex,
            Youth.phone,
            Youth.phone_raw,
            Youth.phone2,
            Youth.phone2_raw,
            Youth.email,
            OriginalSchooling.diploma,
            OriginalSchooling.speciality,
            OriginalSchooling.division,
            OriginalSchooling.exam_result,
        )
        .outerjoin(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
        .where(Youth.campaign_id == cid)
        .order_by(Youth.id)
    ).all()

    informed: set[int] = set(
        conn.scalars(
            in_campaign(
                select(InformationTarget.youth_id).join(
                    InformationAction, InformationAction.id == InformationTarget.action_id
                ),
                InformationTarget.youth_id,
            )
        )
    )
    informed_classes: set[str] = set(
        conn.scalars(
            select(InformationAction.division).where(
                InformationAction.campaign_id == cid, InformationAction.division != ""
            )
        )
    )

    attempts: dict[int, int] = defaultdict(int)
    first_success: dict[int, dt.date] = {}
    for youth_id, at, result in conn.execute(
        in_campaign(select(ContactAttempt.youth_id, ContactAttempt.at, ContactAttempt.result), ContactAttempt.youth_id)
    ):
        attempts[youth_id] += 1
        if result in _SUCCESSFUL and (youth_id not in first_success or at.date() < first_success[youth_id]):
            first_success[youth_id] = at.date()

    # Every booking counts, cancelled ones included (spec column 20).
    first_booking: dict[int, dt.date] = {}
    for youth_id, booked_at in conn.execute(
        in_campaign(select(SlotBooking.youth_id, SlotBooking.booked_at), SlotBooking.youth_id)
    ):
        if youth_id not in first_booking or booked_at.date() < first_booking[youth_id]:
            first_booking[youth_id] = booked_at.date()

    interviews: dict[int, list[tuple[dt.date, int, str, str]]] = defaultdict(list)
    for interview_id, youth_id, held_on, decision, reason in conn.execute(
        in_campaign(
            select(Interview.id, Interview.youth_id, Interview.held_on, Interview.decision, Interview.refusal_reason),
            Interview.youth_id,
        )
    ):
        interviews[youth_id].append((held_on, interview_id, decision or "", reason or ""))

    roles: dict[int, set[str]] = defaultdict(set)  # interview id → roles present
    ml_of_interview: dict[int, str] = {}  # interview id → Mission locale of its ML advisor
    person_partner = aliased(Partner)
    participant_partner = aliased(Partner)
    for interview_id, role, partner_name, person_partner_name in conn.execute(
        select(
            InterviewParticipant.interview_id,
            InterviewParticipant.role,
            participant_partner.name,
            person_partner.name,
        )
        .join(Interview, Interview.id == InterviewParticipant.interview_id)
        .join(Youth, Youth.id == Interview.youth_id)
        .outerjoin(participant_partner, participant_partner.id == InterviewParticipant.partner_id)
        .outerjoin(Person, Person.id == InterviewParticipant.person_id)
        .outerjoin(person_partner, person_partner.id == Person.partner_id)
        .where(Youth.campaign_id == cid)
    ):
        if role in _ROLE_ORDER:
            roles[interview_id].add(role)
        name = (partner_name or person_partner_name or "").strip()
        if role == Role.ML.value and name and interview_id not in ml_of_interview:
            ml_of_interview[interview_id] = name

    pathways: dict[int, tuple] = {}
    reference_ml = aliased(Partner)
    for row in conn.execute(
        in_campaign(
            select(
                Pathway.youth_id,
                Pathway.id,
                Pathway.mef_code,
                Pathway.start_date,
                Pathway.planned_end,
                Pathway.abandoned_on,
                Pathway.abandon_reason,
                reference_ml.name,
            ).outerjoin(reference_ml, reference_ml.id == Pathway.mission_locale_id),
            Pathway.youth_id,
        )
    ):
        pathways[row[0]] = tuple(row[1:])

    modules: dict[int, list[rules.ModuleFacts]] = defaultdict(list)
    carrier = aliased(Partner)
    for pathway_id, module_type, carrier_type, start, end in conn.execute(
        select(
            PathwayModule.pathway_id, PathwayModule.module_type, carrier.type, PathwayModule.start_date,
            PathwayModule.end_date,
        )
        .join(Pathway, Pathway.id == PathwayModule.pathway_id)
        .join(Youth, Youth.id == Pathway.youth_id)
        .outerjoin(carrier, carrier.id == PathwayModule.carrier_partner_id)
        .where(Youth.campaign_id == cid)
    ):
        modules[pathway_id].append(rules.ModuleFacts(module_type, start, end, carrier_type))

    exits: dict[int, tuple[str, str, dt.date]] = {
        youth_id: (category, detail, on)
        for youth_id, category, detail, on in conn.execute(
            in_campaign(select(Exit.youth_id, Exit.category, Exit.detail, Exit.on), Exit.youth_id)
        )
    }

    deadline = _iso(campaign.interview_deadline)
    out: list[tuple[int, dict[str, str]]] = []
    for (
        youth_id, pseudonym, ine, last_name, first_names, birth, sex, phone, phone_raw, phone2, phone2_raw,
        email, diploma, speciality, division, exam,
    ) in youths:
        held = sorted(interviews.get(youth_id, []))
        realised = bool(held)
        accepted = realised or youth_id in first_booking
        contacted = accepted or youth_id in first_success
        contact_dates = [d for d in (first_success.get(youth_id), first_booking.get(youth_id)) if d]
        if held:
            contact_dates.append(held[0][0])
        present: set[str] = set()
        for _on, interview_id, _decision, _reason in held:
            present |= roles.get(interview_id, set())
        latest = held[-1] if held else None
        decision = latest[2] if latest and Decision.from_code(latest[2]) else ""
        pathway = pathways.get(youth_id)
        mission_locale = ml_of_interview.get(latest[1], "") if latest else ""
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            uai=school.uai,
            campagne=str(campaign.year),
            # Stored at creation; computed the same way for a youth saved before pseudonyms existed.
            id_jeune=pseudonym or make_pseudonym(school.secret, ine or "", youth_id),
            sexe=sex if Sex.from_code(sex) else "",
            annee_naissance=f"{birth.year:04d}" if birth else "",
            diplome_prepare=diploma if Diploma.from_code(diploma) else Diploma.AUTRE.value,
            specialite=speciality or "",
            division=division or "",
            resultat_examen=exam if ExamResult.from_code(exam) else ExamResult.INCONNU.value,
            informe=_yn(youth_id in informed or (bool(division) and division in informed_classes)),
            nb_tentatives_contact=str(attempts.get(youth_id, 0)),
            contacte=_yn(contacted),
            date_premier_contact=_iso(min(contact_dates)) if contacted and contact_dates else "",
            entretien_accepte=_yn(accepted),
            entretien_realise=_yn(realised),
            date_entretien=_iso(held[0][0]) if held else "",
            ml_presente=_yn(Role.ML.value in present),
            participants="|".join(sorted(present, key=_ROLE_ORDER.__getitem__)),
            decision=decision,
            motif_refus=latest[3] if latest and decision == Decision.REFUS.value else "",
            nb_modules="0",
            partenarial="N",
            jours_pfmp="0",
            abandon="N",
            date_limite_entretiens=deadline,
        )
        if pathway is not None:
            pathway_id, mef, start, planned_end, abandoned_on, abandon_reason, reference = pathway
            own = modules.get(pathway_id, [])
            mission_locale = mission_locale or (reference or "").strip()
            types = {m.module_type for m in own if m.module_type in _MODULE_ORDER}
            row.update(
                mef_pae=mef or "",
                date_debut_parcours=_iso(start),
                date_fin_prevue=_iso(planned_end),
                modules="|".join(sorted(types, key=_MODULE_ORDER.__getitem__)),
                nb_modules=str(len(own)),
                partenarial=_yn(rules.is_partnership(own)),  # domain §6.6
                jours_pfmp=str(rules.pfmp_days(own)),  # domain §6.7
                abandon=_yn(abandoned_on is not None),
                date_abandon=_iso(abandoned_on),
                motif_abandon=(abandon_reason or "") if abandoned_on else "",
            )
        row["mission_locale"] = mission_locale
        outcome = exits.get(youth_id)
        if outcome is not None and ExitCategory.from_code(outcome[0]):
            category, detail, on = outcome
            valid_details = {d.value for d in EXIT_DETAILS[ExitCategory(category)]}
            row.update(
                sortie=category,
                sortie_detail=detail if detail in valid_details and ExitDetail.from_code(detail) else "",
                date_sortie=_iso(on),
            )
        if nominative:
            row.update(
                ine=ine or "",
                nom=last_name or "",
                prenom=(first_names or "").split(" ")[0] if first_names else "",
                date_naissance=_iso(birth),
                telephone=_youth_phone(phone, phone_raw, phone2, phone2_raw),
                email=email or "",
            )
        out.append((youth_id, row))
    return out


# --- the campaign report --------------------------------------------------------------------------------


@dataclass
class Report:
    """What the «Bilan» tab, the PDF and the XLSX show: the indicators and what they are compared with."""

    title: str
    campagne: int
    etablissements: list[str]
    indicators: dict
    counts: dict[str, int]
    exits: dict[str, dict[str, int]]  # category → detail (or "") → rows with a pathway
    school_name: str = ""
    previous: list[tuple[int, dict]] = field(default_factory=list)  # (year, indicators), oldest first
    per_school: dict[str, dict] | None = None  # consolidation: UAI → indicators
    per_school_counts: dict[str, dict[str, int]] | None = None
    deadline: dt.date | None = None  # the `--deadline` override of a consolidation
    files: list[str] = field(default_factory=list)

    def document(self) -> dict:
        """The JSON document of spec §5 (`par_etablissement` for a consolidation only)."""
        return indicators.document(self.campagne, self.etablissements, self.indicators, self.per_school)


def exit_breakdown(rows: Iterable[dict[str, str]]) -> dict[str, dict[str, int]]:
    """Exits of the rows with a pathway, by category and detail."""
    out: dict[str, dict[str, int]] = {c: {} for c in indicators.EXIT_CATEGORIES}
    for row in rows:
        if indicators.has_pathway(row) and row.get("sortie") in out:
            details = out[row["sortie"]]
            details[row.get("sortie_detail", "")] = details.get(row.get("sortie_detail", ""), 0) + 1
    return out


def campaign_report(session: Session, year: int | None = None) -> tuple[Report, list[tuple[int, dict[str, str]]]]:
    """The report of the campaign of rentrée `year` (the latest by default), with its rows for the drill-down."""
    campaign = require_campaign(session, year)
    school = session.scalars(select(School).limit(1)).first()
    if school is None:
        raise UserError("Paramétrez d'abord l'établissement.")
    keyed = foquale_rows(session, campaign)
    rows = [row for _id, row in keyed]
    previous = []
    for earlier in session.scalars(select(Campaign).where(Campaign.year < campaign.year).order_by(Campaign.year)):
        previous.append((earlier.year, indicators.compute(row for _id, row in foquale_rows(session, earlier))))
    values, counts = indicators.compute_with_counts(rows)
    report = Report(
        title=f"Bilan de campagne {campaign.year}",
        campagne=campaign.year,
        etablissements=[school.uai],
        indicators=values,
        counts=counts,
        exits=exit_breakdown(rows),
        school_name=school.name,
        previous=previous,
    )
    return report, keyed


# --- the caseload table export --------------------------------------------------------------------------

CASELOAD_HEADERS = (
    "Nom",
    "Prénom(s)",
    "Classe",
    "Diplôme préparé",
    "Résultat à l'examen",
    "Étape",
    "Dernier contact",
    "Prochaine action",
    "Échéance",
)


def caseload_table(session: Session, year: int | None = None, today: dt.date | None = None) -> tuple[int, list[list]]:
    """The campaign's caseload as the table shows it (French labels, typed dates), sorted by name."""
    from pae_desktop.core.services.youths import caseload_rows

    campaign = require_campaign(session, year)
    rows = sorted(caseload_rows(session, campaign.id, today), key=lambda r: (r.last_name.upper(), r.first_names))
    return campaign.year, [
        [
            r.last_name.upper(),
            r.first_names,
            r.division,
            Diploma.label_of(r.diploma),
            ExamResult.label_of(r.exam_result),
            r.stage.label,
            r.last_contact,
            r.next_action,
            r.next_action_on,
        ]
        for r in rows
    ]
