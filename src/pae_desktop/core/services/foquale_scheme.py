"""What a campaign's scheme puts in its FOQUALE rows: column 28's MEF and the version-1.1 columns 42–45 (spec §6)."""

# Kept apart from `core.services.reporting`, which builds every other column: these columns depend on the
# campaign's scheme (`core.scheme`) and on phase 1, whose one definition is `core.phase1`.

from __future__ import annotations

from sqlalchemy.orm import Session

from pae_desktop.core.foquale_spec import DISPOSITIF, PHASE1_COLUMNS, V11_COLUMNS  # noqa: F401
from pae_desktop.core.phase1 import NOTHING, Phase1Summary, phase1_recorded, phase1_summaries
from pae_desktop.core.scheme import SCHEMES_BY_YEAR, Scheme

# Every code the scheme table of domain.md §1 ever had, with its level.
_LEVEL_OF_TABLE_CODE = {
    code: level
    for _year, scheme in SCHEMES_BY_YEAR
    for level, code in (("N3", scheme.n3.code), ("N4", scheme.n4.code))
}


def campaign_mef(scheme: Scheme, recorded: str | None, diploma: str | None = None) -> str:
    """Column 28: the campaign's own level-3 or level-4 MEF for a pathway recorded under `recorded`.

    A code of the campaign is written as recorded. A code of another row of the scheme table (a 2026 pathway
    saved under the PAE codes before its campaign had its own) stands for its level: the campaign's code of that
    level is written, the pathway itself is not changed. Any other code (typed by the school) is written as
    recorded; a pathway without one gets the campaign's code for the diploma prepared.
    """
    code = (recorded or "").strip().upper()
    if not code:
        return scheme.mef_for_diploma(diploma) or ""
    national = code[:10]  # SIECLE's CODE_MEF has 11 characters, the national MEF is its first 10
    if national in scheme.codes:
        return code
    level = _LEVEL_OF_TABLE_CODE.get(national)
    return scheme.mef(level).code if level else code


def _phase1_values(summary: Phase1Summary) -> dict[str, str]:
    return {
        "ateliers_avenirpro": str(summary.workshops_attended),
        "entretien_individuel_avenirpro": "O" if summary.individual_interview else "N",
        "evenements_avenirpro": str(summary.events_attended),
    }


def phase1_columns(session: Session, campaign_id: int) -> tuple[dict[str, str], dict[int, dict[str, str]]]:
    """(values of a youth with no phase-1 fact, values by youth id for the others) for columns 43–45.

    Without any phase 1 recorded for the campaign every youth's columns are empty; with some, a youth who had
    nothing reads `0` / `N` / `0`.
    """
    if not phase1_recorded(session, campaign_id):
        return dict.fromkeys(PHASE1_COLUMNS, ""), {}
    summaries = phase1_summaries(session, campaign_id)
    return _phase1_values(NOTHING), {youth_id: _phase1_values(s) for youth_id, s in summaries.items()}
