"""One print operation for the window and the command line: build a kind's record, render it, record the print.

Each kind of document is one entry of `KINDS` (specs/cli.md, `document KIND`): who it concerns, how its record
is built from the database, and which module of `documents/` renders it. `print_document` prints one youth's (or
the school's) document, `print_batch` several records in one PDF (a day's interview records, from the window's
background task), `print_each` one PDF per youth in a folder (`pae-desktop document --all`). Each writes a
`GeneratedDocument` row and a «print» audit event per youth, inside the caller's transaction, and returns
`Changes` — so a print from the window and from the command line leave the same trace.

Renderers and record builders are imported when a kind runs (reportlab and the ORM stay out of `--help` and of
the window's start-up).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pae_desktop.core.errors import UserError
from pae_desktop.core.operations import AUDIT, Changes, changes

Progress = Callable[[int, int, str], None]

# --- record builders and who each kind concerns (imported lazily) -------------------------------------------


def _interview(session, youth_id: int, source_id: int | None, today: dt.date | None):
    from pae_desktop.core.services.document_records import youth_interview_record

    return youth_interview_record(session, youth_id, source_id)


def _convocation(session, youth_id: int, source_id: int | None, today: dt.date | None):
    from pae_desktop.core.services.document_records import convocation_record

    return convocation_record(session, youth_id, source_id)


def _pathway(session, youth_id: int, source_id: int | None, today: dt.date | None):
    from pae_desktop.core.services.pathways import pathway_document

    return pathway_document(session, youth_id, today=today)


def _dossier(session, youth_id: int, source_id: int | None, today: dt.date | None):
    from pae_desktop.core.services.dossier import dossier_record

    return dossier_record(session, youth_id, today)


def _lazy(module: str, name: str) -> Callable[..., Any]:
    """`module.name`, imported on the first call."""

    def call(*args: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args)

    call.__name__ = name
    return call


_RECORDS = "pae_desktop.core.services.document_records"
_PATHWAYS = "pae_desktop.core.services.pathways"
_CONTACT_LISTS = "pae_desktop.core.services.contact_lists"
_DAY = "pae_desktop.core.services.interview_day"


@dataclass(frozen=True)
class DocumentKindSpec:
    """A kind of document: its code (a `vocabulary.DocumentKind` value), its help line, the module of
    `documents/` that renders it, how its record is built, who it concerns and what a youth outside it is told.

    `record(session, youth_id, source_id, today)` builds the record (`source_id`: the interview or booking to
    print, by default the latest); `concerned(session, campaign)` lists the youths it covers, by name, and
    `covers(session, youth_id)` says it of one youth (a single print asks only that). A school-level kind
    (`per_youth=False`) has none of them but may have `record(session, storage)` (`storage`: the
    `StorageFacts` of the database, for the DPO's documents); without it, its record is the retention rules. A
    day's kind (`per_day`) has none either: it is printed by its own operation."""

    kind: str
    help: str
    renderer: str
    record: Callable[..., Any] | None = None
    concerned: Callable[[Any, Any], list[int]] | None = None
    covers: Callable[[Any, int], bool] | None = None
    outside: str = "Ce jeune n'est pas concerné par ce document."
    per_youth: bool = True
    per_day: bool = False  # printed for a day of interviews (`document KIND --date`): operations/interview_day.py

    def render_module(self) -> Any:
        return importlib.import_module(f"pae_desktop.documents.{self.renderer}")


KINDS: dict[str, DocumentKindSpec] = {}


def register(spec: DocumentKindSpec) -> None:
    KINDS[spec.kind] = spec


_NO_PATHWAY = "Ce jeune n'a pas de parcours : pas {}."
for _spec in (
    DocumentKindSpec(
        "fiche-entretien",
        "fiche d'entretien (le dernier entretien enregistré)",
        "fiche_entretien",
        _interview,
        _lazy(_RECORDS, "youths_with_interview"),
        _lazy(_RECORDS, "has_interview"),
        "Aucun entretien n'est enregistré pour ce jeune : pas de fiche d'entretien.",
    ),
    DocumentKindSpec(
        "convocation",
        "convocation au dernier entretien réservé (passé ou à venir)",
        "convocation",
        _convocation,
        _lazy(_RECORDS, "youths_with_booking"),
        _lazy(_RECORDS, "has_booking"),
        "Ce jeune n'a aucun entretien réservé : pas de convocation.",
    ),
    DocumentKindSpec(
        "plan-parcours",
        "plan de parcours et d'engagement",
        "plan_parcours",
        _pathway,
        _lazy(_PATHWAYS, "youths_with_pathway"),
        _lazy(_RECORDS, "has_pathway"),
        _NO_PATHWAY.format("de plan de parcours"),
    ),
    DocumentKindSpec(
        "attestation-inscription",
        "attestation d'inscription dans le dispositif, signée du chef d'établissement",
        "attestation_inscription",
        _pathway,
        _lazy(_PATHWAYS, "youths_with_pathway"),
        _lazy(_RECORDS, "has_pathway"),
        _NO_PATHWAY.format("d'attestation d'inscription"),
    ),
    DocumentKindSpec(
        "attestation-fin-parcours",
        "attestation de fin de parcours (après une sortie ou un abandon)",
        "attestation_fin_parcours",
        _pathway,
        _lazy(_PATHWAYS, "youths_with_ended_pathway"),
        _lazy(_RECORDS, "has_ended_pathway"),
        "Ni sortie ni abandon n'est enregistré pour ce jeune : pas d'attestation de fin de parcours.",
    ),
    DocumentKindSpec(
        "inscription-administrative",
        "fiche d'inscription administrative (saisie SIECLE)",
        "inscription_administrative",
        _pathway,
        _lazy(_PATHWAYS, "youths_with_pathway"),
        _lazy(_RECORDS, "has_pathway"),
        _NO_PATHWAY.format("de fiche d'inscription administrative"),
    ),
    DocumentKindSpec(
        "dossier",
        "dossier complet du jeune : tout ce que l'établissement détient sur lui (droit d'accès)",
        "dossier",
        _dossier,
        _lazy(_RECORDS, "youths_not_anonymised"),
        _lazy(_RECORDS, "is_youth"),
        "Ce dossier est anonymisé : il ne contient plus de données personnelles.",
    ),
    DocumentKindSpec(
        "courrier",
        "courrier d'information avec proposition d'entretien (aux représentants légaux d'un mineur)",
        "courrier",
        _lazy(_CONTACT_LISTS, "letter_record"),
        _lazy(_CONTACT_LISTS, "youths_for_letters"),
        _lazy(_CONTACT_LISTS, "can_receive_letter"),
        "Ce jeune a quitté l'établissement ou son dossier est anonymisé : pas de courrier.",
    ),
    DocumentKindSpec(
        "grille-assiduite",
        "grille d'assiduité du parcours par semaine, avec ses totaux (dossier de bourse)",
        "attendance_grid",
        _lazy(_PATHWAYS, "attendance_record"),
        _lazy(_PATHWAYS, "youths_with_pathway"),
        _lazy(_RECORDS, "has_pathway"),
        _NO_PATHWAY.format("de grille d'assiduité"),
    ),
    DocumentKindSpec(
        "notice-rgpd", "notice d'information (RGPD) de l'établissement", "notice_rgpd", per_youth=False
    ),
    # The interview day (issue 17 §2): the pre-filled sheet of a booking, the day's pack (interview_day.py).
    DocumentKindSpec(
        "fiche-preparation",
        "fiche d'entretien pré-remplie, à imprimer avant l'entretien (le dernier entretien réservé)",
        "fiche_preparation",
        _lazy(_DAY, "preparation_record"),
        _lazy(_RECORDS, "youths_with_booking"),
        _lazy(_RECORDS, "has_booking"),
        "Ce jeune n'a aucun entretien réservé : pas de fiche pré-remplie.",
    ),
    DocumentKindSpec(
        "journee",
        "la journée d'entretiens (--date) : agenda et fiches pré-remplies des jeunes convoqués",
        "journee",
        per_youth=False,
        per_day=True,
    ),
    DocumentKindSpec(
        "registre",
        "fiche du registre des activités de traitement (RGPD, art. 30), pour le DPO",
        "registre",
        _lazy("pae_desktop.core.services.dpo", "dpo_record"),
        per_youth=False,
    ),
    DocumentKindSpec(
        "aipd",
        "analyse d'impact relative à la protection des données (AIPD) pré-remplie, pour le DPO",
        "aipd",
        _lazy("pae_desktop.core.services.dpo", "dpo_record"),
        per_youth=False,
    ),
):
    register(_spec)


# The settings page's «Documents pour le DPO…»: each kind and its file name.
DPO_PACK = (
    ("registre", "registre-traitement-pae.pdf"),
    ("aipd", "aipd-pae.pdf"),
    ("notice-rgpd", "notice-rgpd.pdf"),
)


def spec_of(kind: str) -> DocumentKindSpec:
    spec = KINDS.get(str(kind))
    if spec is None:
        raise UserError(f"Type de document inconnu : « {kind} ».")
    return spec


# --- what every print shares ----------------------------------------------------------------------------------


def document_options(session, campaign: Any = None, **overrides: Any):
    """The documents' options from the database's settings, with the scheme of `campaign` (by default the most
    recent campaign's: the documents of no youth, such as the information notice, speak of the scheme as it
    stands now). `overrides` replace any field (`printed_on=…`)."""
    from pae_desktop.core import settings
    from pae_desktop.core.scheme import default_scheme, scheme_of
    from pae_desktop.core.services.campaigns import default_campaign_year, get_campaign
    from pae_desktop.documents.layout import DocumentOptions

    campaign = campaign if campaign is not None else get_campaign(session)
    values = {
        "scheme": scheme_of(campaign) if campaign is not None else default_scheme(default_campaign_year()),
        "dpo_contact": settings.get(session, settings.DPO_CONTACT) or "",
    }
    values.update(overrides)
    return DocumentOptions(**values)


def school_info(session):
    """The school of the documents' header, detached from the session."""
    from pae_desktop.core.services.school import get_school
    from pae_desktop.documents.layout import SchoolInfo

    return SchoolInfo.of(get_school(session))


def record_print(session, kind: str, youth_id: int | None, data: bytes, path: str | os.PathLike = "") -> Any:
    """Record a printed document in `GeneratedDocument` and the audit log («print», nominative when it names a
    youth); returns the row. Once per youth: a batch records one row per youth."""
    from pae_desktop.core import audit
    from pae_desktop.core.models import GeneratedDocument

    row = GeneratedDocument(
        youth_id=youth_id, kind=str(kind), path=str(path or ""), sha256=hashlib.sha256(data).hexdigest()
    )
    session.add(row)
    audit.record(
        session,
        "print",
        "youth" if youth_id else "document",
        youth_id,
        nominative=youth_id is not None,
        detail=str(kind),
    )
    session.flush()
    return row


def _printed(rows: Sequence[Any], target: Path | None) -> Changes:
    return changes(AUDIT, ids={"generated_document": [r.id for r in rows]}, file=target, count=len(rows))


def _youth(session, youth_id: int):
    from pae_desktop.core.models import Youth

    youth = session.get(Youth, youth_id)
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base (supprimé ou anonymisé entre-temps).")
    if youth.anonymised_at is not None:
        raise UserError("Ce dossier est anonymisé : aucun document nominatif ne peut plus être imprimé.")
    return youth


def _render_youth(session, spec, youth, target, options, source_id, school) -> bytes:
    """One youth's document, under the scheme of their campaign whatever the options' scheme."""
    record = spec.record(session, youth.id, source_id, options.printed_on)
    return spec.render_module().render(target, school, record, options.for_campaign(youth.campaign))


# --- the operations ---------------------------------------------------------------------------------------------


def print_document(
    session,
    kind: str,
    youth_id: int | None,
    target: str | os.PathLike,
    options: Any = None,
    *,
    source_id=None,
    storage: Any = None,
) -> Changes:
    """Print one document to `target` and record it. A youth's kind refuses a youth it does not concern (its
    `outside` sentence) or an anonymised file; `source_id` picks the interview or booking (default: the latest).
    `options` (a `DocumentOptions`, by default the database's) keep their date and contact; a youth's document
    always takes the scheme of the youth's campaign. `storage` (a `StorageFacts`) is what the DPO's documents
    say of encryption and backups."""
    spec = spec_of(kind)
    target = Path(target)
    if spec.per_day:
        raise UserError(f"« {spec.kind} » s'imprime pour une journée : précisez la date.")
    if not spec.per_youth:
        from pae_desktop.core.services.document_records import retention_rules

        options = options or document_options(session)
        record = spec.record(session, storage) if spec.record is not None else retention_rules(session)
        data = spec.render_module().render(target, school_info(session), options, record)
        return _printed([record_print(session, spec.kind, None, data, target)], target)
    if youth_id is None:
        raise UserError(f"« {spec.kind} » : précisez le jeune.")
    youth = _youth(session, youth_id)
    if not spec.covers(session, youth.id):
        raise UserError(spec.outside)
    options = options or document_options(session, youth.campaign)
    data = _render_youth(session, spec, youth, target, options, source_id, school_info(session))
    return _printed([record_print(session, spec.kind, youth.id, data, target)], target)


def file_name(kind: str, youth: Any) -> str:
    """`<kind>_<NOM>_<Prénom>_<id_jeune>.pdf` (specs/cli.md)."""
    from pae_desktop.documents.layout import document_file_name

    return document_file_name(kind, youth.last_name, youth.first_names, youth.pseudonym)


def print_each(
    session,
    kind: str,
    youth_ids: Sequence[int],
    folder: str | os.PathLike,
    options: Any = None,
    progress=None,
    *,
    workers: int | None = None,
) -> Changes:
    """One PDF per youth in `folder` (created if needed), each named by `file_name`: the youths the kind does
    not concern are refused as in `print_document`. `progress(done, total, message)` once per youth. The
    records are built here, in the caller's transaction, and rendered over worker processes for a large batch
    (`print_pool`; `workers`: how many, 1 for none, by default one per core); each file is written whole."""
    from pae_desktop.core.operations.print_pool import render_all
    from pae_desktop.documents.page import write_bytes

    spec = spec_of(kind)
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} doit être un dossier (c'est un fichier).")
    folder.mkdir(parents=True, exist_ok=True)
    school, rows, targets = school_info(session), [], {}
    campaign_options: dict[int, Any] = {}  # read once per campaign, not once per youth

    def prepare(_index: int, youth_id: int):
        youth = _youth(session, youth_id)
        if not spec.covers(session, youth.id):
            raise UserError(spec.outside)
        if youth.campaign_id not in campaign_options:
            chosen = options or document_options(session, youth.campaign)
            campaign_options[youth.campaign_id] = chosen.for_campaign(youth.campaign)
        youth_options = campaign_options[youth.campaign_id]
        targets[youth_id] = folder / file_name(spec.kind, youth)
        return school, spec.record(session, youth.id, None, youth_options.printed_on), youth_options

    def finish(youth_id: int, data: bytes) -> None:
        write_bytes(targets[youth_id], data)
        rows.append(record_print(session, spec.kind, youth_id, data, targets[youth_id]))

    render_all(list(youth_ids), spec.renderer, prepare, finish, progress, workers)
    return _printed(rows, folder)


def print_batch(
    session,
    kind: str,
    items: Sequence[tuple[int, int | None]],
    target: str | os.PathLike,
    options: Any = None,
    progress: Progress | None = None,
) -> Changes:
    """Several records in ONE PDF, each starting on a new page with its own page numbers and its youth's scheme
    (a day's interview records); printed two-sided unless `options.two_sided` is off: when one record takes more
    than one page, each starts on a recto (`documents.page.build_pdf_parts`). `items` are (youth id, source id) pairs; the print is recorded once per youth.
    `progress(done, total, message)` is called once per record: the window's background task cancels there,
    before anything is written."""
    spec = spec_of(kind)
    module = spec.render_module()
    if not spec.per_youth or not hasattr(module, "part"):
        raise UserError(f"« {spec.kind} » ne s'imprime pas par lot dans un seul fichier.")
    if not items:
        raise UserError("Aucun document à imprimer.")
    from pae_desktop.documents.layout import build_pdf_parts

    options = options or document_options(session)
    parts, youths = [], []
    for index, (youth_id, source_id) in enumerate(items):
        if progress is not None:
            progress(index, len(items), "Préparation des documents…")
        youth = _youth(session, youth_id)
        record = spec.record(session, youth.id, source_id, options.printed_on)
        parts.append(module.part(record, options))
        youths.append(youth.id)
    title = getattr(module, "BATCH_TITLE", f"{module.TITLE}s")
    target = Path(target)
    data = build_pdf_parts(target, school_info(session), title, parts, options=options)
    rows = [record_print(session, spec.kind, youth_id, data, target) for youth_id in youths]
    if progress is not None:
        progress(len(items), len(items), "Documents prêts.")
    return _printed(rows, target)


def print_day(
    session,
    campaign_id: int,
    day: dt.date,
    target: str | os.PathLike,
    options: Any = None,
    progress=None,
    *,
    two_sided: bool = True,
) -> Changes:
    """Every interview record of `day` in the campaign, in slot order, in one PDF (the window's «Fiches d'un
    jour»), printed two-sided by default (each record on a recto) when `options` are not given; `Changes.count`
    is the number of records."""
    from sqlalchemy import select

    from pae_desktop.core.dates import french_date
    from pae_desktop.core.models import Campaign, Interview
    from pae_desktop.core.services.interviews import interviews_held_on

    ids = interviews_held_on(session, campaign_id, day)
    if not ids:
        raise UserError(f"Aucun entretien enregistré le {french_date(day)}.")
    youth_of = dict(
        session.execute(select(Interview.id, Interview.youth_id).where(Interview.id.in_(ids))).all()
    )
    options = options or document_options(session, session.get(Campaign, campaign_id), two_sided=two_sided)
    return print_batch(session, "fiche-entretien", [(youth_of[i], i) for i in ids], target, options, progress)
