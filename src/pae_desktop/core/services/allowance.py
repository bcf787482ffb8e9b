"""The PFMP allowance of a campaign (issue 17 §5): every PFMP period of every youth with its company, days and
amount expected, and each youth's total — one query function for the office's screen and the APLyPro export."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core.allowance import (
    AllowanceLine,
    AllowanceRate,
    AllowanceTotal,
    PeriodInput,
    rate_for,
    youth_allowance,
)
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign, OriginalSchooling, Partner, Pathway, PathwayModule, Youth
from pae_desktop.core.scheme import scheme_of
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import ModuleType, PartnerType

NO_COMPANY = "entreprise non renseignée"
NOT_A_COMPANY = "le porteur n'est pas une entreprise"
NO_SIRET = "SIRET à compléter dans l'annuaire"


@dataclass(frozen=True)
class AllowanceReport:
    """A campaign's PFMP periods (`lines`, by name then date), each youth's total (`totals`), and the note on the
    APLyPro table used when it is not the campaign's own."""

    campaign_year: int
    table_note: str
    lines: tuple[AllowanceLine, ...]
    totals: tuple[AllowanceTotal, ...]

    @property
    def amount(self) -> int:
        """The amounts expected for every youth together (unknown rates count 0)."""
        return sum(t.amount or 0 for t in self.totals)

    @property
    def not_recorded(self) -> int:
        return sum(t.not_recorded for t in self.totals)


def _period_rows(session: Session, campaign_id: int) -> list:
    """The PFMP modules of the campaign's youths (not anonymised), with their youth, pathway and carrier."""
    query = (
        select(
            PathwayModule.id,
            PathwayModule.start_date,
            PathwayModule.end_date,
            PathwayModule.days_done,
            Youth.id.label("youth_id"),
            Youth.pseudonym,
            Youth.last_name,
            Youth.first_names,
            Youth.ine,
            Youth.birth_date,
            Youth.search_key,
            OriginalSchooling.division,
            Pathway.mef_code,
            Partner.name.label("company"),
            Partner.type.label("company_type"),
            Partner.siret,
        )
        .join(Pathway, PathwayModule.pathway_id == Pathway.id)
        .join(Youth, Pathway.youth_id == Youth.id)
        .outerjoin(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
        .outerjoin(Partner, PathwayModule.carrier_partner_id == Partner.id)
        .where(
            Youth.campaign_id == campaign_id,
            Youth.anonymised_at.is_(None),
            PathwayModule.module_type == ModuleType.PFMP.value,
        )
    )
    rows = session.execute(query).all()
    rows.sort(key=lambda r: (fold(r.last_name), fold(r.first_names), r.youth_id, r.start_date, r.id))
    return rows


def _company_notes(row) -> list[str]:
    if row.company is None:
        return [NO_COMPANY]
    notes = []
    if row.company_type != PartnerType.ENTREPRISE.value:
        notes.append(NOT_A_COMPANY)
    if not row.siret:
        notes.append(NO_SIRET)
    return notes


def allowance_report(session: Session, campaign_id: int) -> AllowanceReport:
    """Every PFMP period of the campaign with its amount expected, and each youth's total (domain §1)."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise UserError("Cette campagne n'existe plus.")
    scheme = scheme_of(campaign)
    by_youth: dict[int, list] = defaultdict(list)
    for row in _period_rows(session, campaign_id):
        by_youth[row.youth_id].append(row)
    lines: list[AllowanceLine] = []
    totals: list[AllowanceTotal] = []
    table_note = rate_for("", campaign.year).table_note
    for youth_id, rows in by_youth.items():
        first = rows[0]
        lookup = rate_for(first.mef_code, campaign.year)
        rate = lookup.rate
        result = youth_allowance((PeriodInput(r.id, r.start_date, r.end_date, r.days_done) for r in rows), rate)
        amounts = {period.key: period for period in result.periods}
        mef_note = lookup.mef_note(first.mef_code)
        for row in rows:
            period = amounts[row.id]
            note = " ; ".join(n for n in (period.note, *_company_notes(row), mef_note) if n)
            lines.append(_line(row, period, rate, result.amount, note, scheme.mef_label(row.mef_code)))
        totals.append(_total(youth_id, first, result, rate, mef_note))
    return AllowanceReport(campaign.year, table_note, tuple(lines), tuple(totals))


def _line(row, period, rate: AllowanceRate | None, youth_amount: int | None, note: str, mef_label: str):
    return AllowanceLine(
        id=row.id,
        youth_id=row.youth_id,
        pseudonym=row.pseudonym,
        last_name=row.last_name,
        first_names=row.first_names,
        ine=row.ine,
        birth_date=row.birth_date,
        division=row.division or "",
        mef=row.mef_code,
        mef_label=mef_label,
        company=row.company or "",
        siret=row.siret or "",
        start=row.start_date,
        end=row.end_date,
        planned_days=period.planned_days,
        days_done=period.days_done,
        daily_rate=rate.daily_rate if rate else None,
        cap=rate.cap if rate else None,
        amount=period.amount,
        youth_amount=youth_amount,
        note=note,
        search_key=" ".join(p for p in (row.search_key, fold(row.company), row.siret or "") if p),
    )


def _total(youth_id: int, row, result, rate: AllowanceRate | None, mef_note: str) -> AllowanceTotal:
    return AllowanceTotal(
        id=youth_id,
        pseudonym=row.pseudonym,
        name=f"{row.last_name.upper()} {row.first_names}".strip(),
        division=row.division or "",
        mef=row.mef_code,
        periods=len(result.periods),
        planned_days=result.planned_days,
        days_done=result.days_done,
        daily_rate=rate.daily_rate if rate else None,
        cap=rate.cap if rate else None,
        amount=result.amount,
        not_recorded=result.not_recorded,
        note=" ; ".join(n for n in (result.note, mef_note) if n),
        search_key=row.search_key,
    )

