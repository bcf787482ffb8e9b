"""The campaign's FOQUALE rows built from the database, and the campaign report built on them (spec §2, §4, §5)."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import Integer, String, bindparam, case, exists, func, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from pae_desktop.core import indicators, rules
from pae_desktop.core.bulk import collector_paused
from pae_desktop.core.errors import UserError
from pae_desktop.core.foquale_spec import COLUMNS, NOMINATIVE_COLUMNS, PHASE1_COLUMNS, V11_COLUMNS  # noqa: F401
from pae_desktop.core.identity import normalise_phone
from pae_desktop.core.models import (
    Campaign,
    ContactAttempt,
    Exit,
    InformationAction,
    InformationTarget,
    Interview,
    InterviewParticipant,
    InterviewSlot,
    OriginalSchooling,
    Partner,
    Pathway,
    PathwayModule,
    Person,
    SlotBooking,
    Youth,
)
from pae_desktop.core.scheme import scheme_of
from pae_desktop.core.services.campaigns import require_campaign
from pae_desktop.core.services.foquale_scheme import campaign_mef, phase1_columns
from pae_desktop.core.services.school import get_school
from pae_desktop.core.services.youths import pseudonym as make_pseudonym
from pae_desktop.core.stage import interview_order
from pae_desktop.core.vocabulary import (
    EXIT_DETAILS,
    FOQUALE_ROLE,
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

# The columns of the campaign report's rows: what the indicators read, the exits' detail, the pseudonymous id.
REPORT_COLUMNS: tuple[str, ...] = tuple(
    column for column in COLUMNS if column in {"id_jeune", "sortie_detail", *indicators.READS}
)

_PHASE1 = frozenset(PHASE1_COLUMNS)
_SUCCESSFUL = (ContactResult.JOINT.value, ContactResult.REFUS_ECHANGER.value)
_ROLE_ORDER = {role.value: index for index, role in enumerate(Role) if role.value not in FOQUALE_ROLE}
_MODULE_ORDER = {module.value: index for index, module in enumerate(ModuleType)}
_ML = Role.ML.value
_REFUS = Decision.REFUS.value
# Exit category → the detail codes valid under it (spec §3.3).
_EXIT_DETAILS = {
    category.value: frozenset(d.value for d in EXIT_DETAILS[category] if ExitDetail.from_code(d.value))
    for category in ExitCategory
}


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


def _raw(column):
    """A date or datetime column read as the driver returns it: SQLite's ISO text is not parsed row by row."""
    return type_coerce(column, String)


def _moment(value: str | dt.datetime | None) -> dt.datetime | None:
    """A datetime read through `_raw` (SQLite's ISO text, or the driver's datetime)."""
    if not value:
        return None
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _day(value: str | dt.date | None) -> str:
    """`AAAA-MM-JJ` of a value read through `_raw`: SQLite's stored ISO text, or another driver's date/datetime."""
    if not value:
        return ""
    if isinstance(value, str):
        return value[:10]
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat()


def _year(value: str | dt.date | None) -> str:
    return _day(value)[:4]


def _put(row: dict[str, str], values: dict[str, str]) -> None:
    """Set the columns of `values` that the row holds (rows for the indicators hold only some)."""
    for column, value in values.items():
        if column in row:
            row[column] = value


def _codes(vocabulary) -> list[str]:
    return [member.value for member in vocabulary]


def foquale_rows(
    session: Session, campaign: Campaign, *, nominative: bool = False
) -> list[tuple[int, dict[str, str]]]:
    """(youth id, row) for every youth of the campaign's census, the row holding the 45 columns as text.

    The writer's consistency rules (spec §2) hold by construction: `contacte` includes `entretien_accepte`,
    which includes `entretien_realise`; the decision, the date and the participants come from interviews held.
    """
    return _rows(session, campaign, COLUMNS, nominative=nominative)


def report_rows(session: Session, campaign: Campaign) -> list[tuple[int, dict[str, str]]]:
    """(youth id, row) like `foquale_rows`, the rows holding only `REPORT_COLUMNS`: what the indicators read,
    the exits' detail and the pseudonymous id (the «Bilan» tab's drill-down), at a fraction of the cost."""
    return _rows(session, campaign, REPORT_COLUMNS)


_CAMPAIGN = bindparam("campaign_id", type_=Integer)
# The dense columns, one SQL expression each over the census row (youth and original schooling).
_INFORMED_CLASSES = select(InformationAction.division).where(
    InformationAction.campaign_id == _CAMPAIGN, InformationAction.division != ""
)
_TARGETED = select(InformationTarget.youth_id).join(
    InformationAction, InformationAction.id == InformationTarget.action_id
)
_DENSE = {
    "id_jeune": Youth.pseudonym,
    "sexe": case((Youth.sex.in_(_codes(Sex)), Youth.sex), else_=""),
    "annee_naissance": _raw(Youth.birth_date),  # converted by `_year`
    "diplome_prepare": case(
        (OriginalSchooling.diploma.in_(_codes(Diploma)), OriginalSchooling.diploma), else_=Diploma.AUTRE.value
    ),
    "specialite": func.coalesce(OriginalSchooling.speciality, ""),
    "division": func.coalesce(OriginalSchooling.division, ""),
    "resultat_examen": case(
        (OriginalSchooling.exam_result.in_(_codes(ExamResult)), OriginalSchooling.exam_result),
        else_=ExamResult.INCONNU.value,
    ),
    "informe": case(
        (or_(Youth.id.in_(_TARGETED), OriginalSchooling.division.in_(_INFORMED_CLASSES)), "O"), else_="N"
    ),
}
_CONVERTERS = {"annee_naissance": _year}


def _in_census(column):
    """Correlated: the few hundred rows of a table are checked one by one, the census is not listed."""
    return exists().where(Youth.id == column, Youth.campaign_id == _CAMPAIGN)


def _participants_query():
    """The participants of the census's interviews, with their Mission locale (own, or their person's)."""
    person_partner = aliased(Partner)
    participant_partner = aliased(Partner)
    return (
        select(
            InterviewParticipant.interview_id,
            InterviewParticipant.role,
            participant_partner.name,
            person_partner.name,
        )
        .join(Interview, Interview.id == InterviewParticipant.interview_id)
        .outerjoin(participant_partner, participant_partner.id == InterviewParticipant.partner_id)
        .outerjoin(Person, Person.id == InterviewParticipant.person_id)
        .outerjoin(person_partner, person_partner.id == Person.partner_id)
        .where(_in_census(Interview.youth_id))
        .order_by(InterviewParticipant.id)
    )


@functools.cache
def _queries(dense: tuple[str, ...], count_attempts: bool) -> SimpleNamespace:
    """The statements of `_rows`, built once: the census with the `dense` columns, then the facts per youth."""
    successful = ContactAttempt.result.in_(_SUCCESSFUL)
    if count_attempts:
        attempts = (
            select(
                ContactAttempt.youth_id, func.count(), func.min(case((successful, _raw(ContactAttempt.at))))
            )
            .where(_in_census(ContactAttempt.youth_id))
            .group_by(ContactAttempt.youth_id)
        )
    else:  # the indicators: only whether a successful attempt exists matters
        attempts = select(ContactAttempt.youth_id).where(successful, _in_census(ContactAttempt.youth_id))
    carrier = aliased(Partner)
    reference_ml = aliased(Partner)
    return SimpleNamespace(
        census=select(*(_DENSE[column] for column in dense), Youth.id)
        .join_from(Youth, OriginalSchooling, OriginalSchooling.youth_id == Youth.id, isouter=True)
        .where(Youth.campaign_id == _CAMPAIGN)
        .order_by(Youth.id),
        unnamed=select(Youth.id, Youth.ine).where(
            Youth.campaign_id == _CAMPAIGN, or_(Youth.pseudonym == "", Youth.pseudonym.is_(None))
        ),
        attempts=attempts,
        bookings=select(SlotBooking.youth_id, func.min(_raw(SlotBooking.booked_at)))
        .where(_in_census(SlotBooking.youth_id))
        .group_by(SlotBooking.youth_id),
        interviews=select(
            Interview.id,
            Interview.youth_id,
            _raw(Interview.held_on),
            Interview.decision,
            Interview.refusal_reason,
            _raw(InterviewSlot.starts_at),
        )
        .outerjoin(InterviewSlot, InterviewSlot.id == Interview.slot_id)
        .where(_in_census(Interview.youth_id)),
        participants=_participants_query(),
        modules=select(
            PathwayModule.pathway_id,
            PathwayModule.module_type,
            carrier.type,
            PathwayModule.start_date,
            PathwayModule.end_date,
        )
        .join(Pathway, Pathway.id == PathwayModule.pathway_id)
        .outerjoin(carrier, carrier.id == PathwayModule.carrier_partner_id)
        .where(_in_census(Pathway.youth_id)),
        pathways=select(
            Pathway.youth_id,
            Pathway.id,
            Pathway.mef_code,
            _raw(Pathway.start_date),
            _raw(Pathway.planned_end),
            _raw(Pathway.abandoned_on),
            Pathway.abandon_reason,
            reference_ml.name,
        )
        .outerjoin(reference_ml, reference_ml.id == Pathway.mission_locale_id)
        .where(_in_census(Pathway.youth_id)),
        exits=select(Exit.youth_id, Exit.category, Exit.detail, _raw(Exit.on)).where(
            _in_census(Exit.youth_id)
        ),
        nominative=select(
            Youth.id,
            Youth.ine,
            Youth.last_name,
            Youth.first_names,
            _raw(Youth.birth_date),
            Youth.phone,
            Youth.phone_raw,
            Youth.phone2,
            Youth.phone2_raw,
            Youth.email,
        ).where(Youth.campaign_id == _CAMPAIGN),
    )


def _rows(
    session: Session, campaign: Campaign, columns: tuple[str, ...], *, nominative: bool = False
) -> list[tuple[int, dict[str, str]]]:
    with collector_paused():
        return _build_rows(session, campaign, columns, nominative)


def _build_rows(
    session: Session, campaign: Campaign, columns: tuple[str, ...], nominative: bool
) -> list[tuple[int, dict[str, str]]]:
    """The rows of `foquale_rows` restricted to `columns` (in the order of COLUMNS): each column defined once.

    The dense columns come from one SELECT over the census (codes checked, information by class or target
    in SQL); the per-youth aggregates from grouped queries; interviews, pathways and exits, a few hundred
    rows, are then applied youth by youth. Dates are read as stored (`_raw`) and written back as ISO text.
    """
    school = get_school(session)
    if school is None:
        raise UserError("Paramétrez d'abord l'établissement.")
    session.flush()
    conn = session.connection()  # plain columns: Core rows, without the ORM's loading step for each
    wanted = frozenset(columns)
    names = tuple(column for column in columns if column in _DENSE)
    count_attempts = "nb_tentatives_contact" in wanted or "date_premier_contact" in wanted
    queries = _queries(names, count_attempts)
    params = {"campaign_id": campaign.id}
    scheme = scheme_of(campaign)
    phase1_nothing, phase1_of = phase1_columns(session, campaign.id) if wanted & _PHASE1 else ({}, {})
    base = _base_row(columns, school, campaign, {"dispositif": scheme.name, **phase1_nothing})
    out = _census_rows(conn.execute(queries.census, params).all(), names, base)
    by_id = dict(out)

    if "id_jeune" in wanted and not all(map(operator.itemgetter("id_jeune"), by_id.values())):
        # Stored at creation; computed the same way for a youth saved before pseudonyms existed.
        for youth_id, ine in conn.execute(queries.unnamed, params):
            by_id[youth_id]["id_jeune"] = make_pseudonym(school.secret, ine or "", youth_id)

    contacts = _contacts(conn, queries, params, by_id, wanted, count_attempts)
    mission_locale = _apply_interviews(conn, queries, params, by_id, contacts)
    contacted, first_contact, accepted = contacts
    for youth_id in accepted:
        _put(by_id[youth_id], {"entretien_accepte": "O"})
    if "contacte" in wanted:
        for youth_id in contacted:
            by_id[youth_id]["contacte"] = "O"
    if "date_premier_contact" in wanted:
        for youth_id, day in first_contact.items():
            by_id[youth_id]["date_premier_contact"] = day

    _apply_pathways(conn, queries, params, by_id, wanted, scheme, mission_locale)
    if "mission_locale" in wanted:
        for youth_id, name in mission_locale.items():
            by_id[youth_id]["mission_locale"] = name

    for youth_id, category, detail, on in conn.execute(queries.exits, params):
        if category in _EXIT_DETAILS:
            _put(
                by_id[youth_id],
                {
                    "sortie": category,
                    "sortie_detail": detail if detail in _EXIT_DETAILS[category] else "",
                    "date_sortie": _day(on),
                },
            )

    for youth_id, values in phase1_of.items():
        if youth_id in by_id:
            _put(by_id[youth_id], values)

    if nominative:
        _apply_nominative(conn.execute(queries.nominative, params), by_id)
    return out


def _base_row(
    columns: tuple[str, ...], school, campaign: Campaign, scheme_values: dict[str, str]
) -> dict[str, str]:
    """The row of a youth only in the census: every row starts as a copy of it."""
    base = dict.fromkeys(columns, "")
    _put(base, scheme_values)
    _put(
        base,
        {
            "uai": school.uai,
            "campagne": str(campaign.year),
            "informe": "N",
            "nb_tentatives_contact": "0",
            "contacte": "N",
            "entretien_accepte": "N",
            "entretien_realise": "N",
            "ml_presente": "N",
            "nb_modules": "0",
            "partenarial": "N",
            "jours_pfmp": "0",
            "abandon": "N",
            "date_limite_entretiens": _iso(campaign.interview_deadline),
        },
    )
    return base


def _census_rows(census, names: tuple[str, ...], base: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
    """(youth id, row) for each census record: the base row with the dense columns `names` filled in."""
    convert = [(column, _CONVERTERS[column]) for column in names if column in _CONVERTERS]
    out: list[tuple[int, dict[str, str]]] = []
    for values in census:  # one fetch, not one call per row
        row = base.copy()
        row.update(zip(names, values, strict=False))  # the youth's id, last, is left out
        for column, function in convert:
            row[column] = function(row[column])
        out.append((values[-1], row))
    return out


def _contact(contacts: tuple[set[int], dict[int, str], set[int]], youth_id: int, day: str) -> None:
    """Mark the youth contacted, `day` becoming its first contact when earlier than the one known."""
    contacted, first_contact, _accepted = contacts
    contacted.add(youth_id)
    if day and (youth_id not in first_contact or day < first_contact[youth_id]):
        first_contact[youth_id] = day


def _contacts(
    conn, queries, params, by_id, wanted, count_attempts
) -> tuple[set[int], dict[int, str], set[int]]:
    """(contacted, first contact day, accepted) from the attempts and the bookings; sets the attempts' count.

    Contact: an attempt «Joint» or «Refus d'échanger», a booking (even cancelled: spec column 20) or an
    interview held (`_apply_interviews`); the first contact is the earliest of the three.
    """
    contacts: tuple[set[int], dict[int, str], set[int]] = (set(), {}, set())
    contacted, first_contact, accepted = contacts
    if count_attempts:
        for youth_id, number, first_success in conn.execute(queries.attempts, params).all():
            if "nb_tentatives_contact" in wanted:
                by_id[youth_id]["nb_tentatives_contact"] = str(number)
            if first_success is not None:
                contacted.add(youth_id)  # the first source of contact: no earlier day to compare with
                first_contact[youth_id] = _day(first_success)
    else:
        contacted.update(conn.scalars(queries.attempts, params).all())

    for youth_id, first_booking in conn.execute(queries.bookings, params):
        accepted.add(youth_id)
        _contact(contacts, youth_id, _day(first_booking))
    return contacts


def _apply_interviews(conn, queries, params, by_id, contacts) -> dict[int, str]:
    """Fill the interview columns of the youths who had one; returns the ML of each one's latest interview."""
    interviews: dict[int, list[tuple[str, int, str, str]]] = defaultdict(list)
    order: dict[int, tuple] = {}  # interview id → its place in the one order of core.stage.interview_order
    for interview_id, youth_id, held_on, decision, reason, slot_start in conn.execute(queries.interviews, params):
        day = _day(held_on)
        interviews[youth_id].append((day, interview_id, decision or "", reason or ""))
        order[interview_id] = interview_order(dt.date.fromisoformat(day), _moment(slot_start), interview_id)

    roles: dict[int, set[str]] = defaultdict(set)  # interview id → roles present
    ml_of_interview: dict[int, str] = {}  # interview id → Mission locale of its first ML advisor
    if interviews:
        for interview_id, role, partner_name, person_partner_name in conn.execute(
            queries.participants, params
        ):
            role = FOQUALE_ROLE.get(role, role)  # a legal representative: «AUTRE» (spec §3.1)
            if role in _ROLE_ORDER:
                roles[interview_id].add(role)
            name = (partner_name or person_partner_name or "").strip()
            if role == _ML and name and interview_id not in ml_of_interview:
                ml_of_interview[interview_id] = name

    accepted = contacts[2]
    mission_locale: dict[int, str] = {}  # the advisor's at the latest interview held
    for youth_id, youth_interviews in interviews.items():
        held = sorted(youth_interviews, key=lambda interview: order[interview[1]])
        first_day, latest = held[0][0], held[-1]
        accepted.add(youth_id)
        _contact(contacts, youth_id, first_day)
        present: set[str] = set()
        for _on, interview_id, _decision, _reason in held:
            present |= roles.get(interview_id, set())
        decision = latest[2] if Decision.from_code(latest[2]) else ""
        mission_locale[youth_id] = ml_of_interview.get(latest[1], "")
        _put(
            by_id[youth_id],
            {
                "entretien_realise": "O",
                "date_entretien": first_day,
                "ml_presente": _yn(_ML in present),
                "participants": "|".join(sorted(present, key=_ROLE_ORDER.__getitem__)),
                "decision": decision,
                "motif_refus": latest[3] if decision == _REFUS else "",
            },
        )
    return mission_locale


def _apply_pathways(conn, queries, params, by_id, wanted, scheme, mission_locale: dict[int, str]) -> None:
    """Fill the pathway columns (MEF, dates, modules, abandon); its ML where no interview named one."""
    modules: dict[int, list[rules.ModuleFacts]] = defaultdict(list)
    for pathway_id, module_type, carrier_type, start, end in conn.execute(queries.modules, params):
        modules[pathway_id].append(rules.ModuleFacts(module_type, start, end, carrier_type))
    pathways = conn.execute(queries.pathways, params)
    for youth_id, pathway_id, mef, start, planned_end, abandoned_on, abandon_reason, reference in pathways:
        own = modules.get(pathway_id, [])
        types = {m.module_type for m in own if m.module_type in _MODULE_ORDER}
        mission_locale[youth_id] = mission_locale.get(youth_id) or (reference or "").strip()
        _put(
            by_id[youth_id],
            {
                "mef_pae": campaign_mef(scheme, mef, by_id[youth_id].get("diplome_prepare")),
                "date_debut_parcours": _day(start),
                "date_fin_prevue": _day(planned_end),
                "modules": "|".join(sorted(types, key=_MODULE_ORDER.__getitem__)),
                "nb_modules": str(len(own)),
                "partenarial": _yn(rules.is_partnership(own)),  # domain §6.6
                "jours_pfmp": str(rules.pfmp_days(own)) if "jours_pfmp" in wanted else "0",  # domain §6.7
                "abandon": _yn(abandoned_on is not None),
                "date_abandon": _day(abandoned_on),
                "motif_abandon": (abandon_reason or "") if abandoned_on else "",
            },
        )


def _apply_nominative(people, by_id: dict[int, dict[str, str]]) -> None:
    """Fill the nominative columns (INE, name, first name, birth date, the youth's phone, email)."""
    for youth_id, ine, last_name, first_names, birth, phone, phone_raw, phone2, phone2_raw, email in people:
        _put(
            by_id[youth_id],
            {
                "ine": ine or "",
                "nom": last_name or "",
                "prenom": (first_names or "").split(" ")[0] if first_names else "",
                "date_naissance": _day(birth),
                "telephone": _youth_phone(phone, phone_raw, phone2, phone2_raw),
                "email": email or "",
            },
        )


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
    scheme_name: str = ""  # the campaign's scheme (`core.scheme`), for the texts that name it
    phase1_name: str = ""  # its phase 1, titling the phase-1 section
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
        if row.get("sortie") in out and indicators.has_pathway(row):
            details = out[row["sortie"]]
            details[row.get("sortie_detail", "")] = details.get(row.get("sortie_detail", ""), 0) + 1
    return out


def campaign_report(
    session: Session, year: int | None = None, known: dict[int, dict] | None = None
) -> tuple[Report, list[tuple[int, dict[str, str]]]]:
    """The report of the campaign of rentrée `year` (the latest by default), with its rows for the drill-down.

    The rows are `report_rows`: they hold the columns the indicators read, not the 45 of the exchange file.
    Each earlier campaign's indicators are computed once, the same way, unless `known` (year → indicators,
    the window's cache) holds them.
    """
    campaign = require_campaign(session, year)
    school = get_school(session)
    if school is None:
        raise UserError("Paramétrez d'abord l'établissement.")
    keyed = report_rows(session, campaign)
    rows = [row for _id, row in keyed]
    known = known or {}
    previous = [
        (e.year, known[e.year] if e.year in known else indicators.compute(r for _i, r in report_rows(session, e)))
        for e in session.scalars(select(Campaign).where(Campaign.year < campaign.year).order_by(Campaign.year))
    ]
    values, counts = indicators.compute_with_counts(rows)
    report = Report(
        title=f"Bilan de campagne {campaign.year}",
        campagne=campaign.year,
        etablissements=[school.uai],
        indicators=values,
        counts=counts,
        exits=exit_breakdown(rows),
        school_name=school.name,
        scheme_name=scheme_of(campaign).name,
        phase1_name=scheme_of(campaign).phase1_name,
        previous=previous,
    )
    return report, keyed


# The caseload table export lives in its own module; its names stay importable from here.
from pae_desktop.core.services.caseload_export import CASELOAD_HEADERS, caseload_table  # noqa: E402, F401
