"""Readers of the SIECLE XML exports (élèves, responsables, nomenclature, structures), streamed and defused.

Reference: `shared/reference/siecle/NOTES.md`. A file is recognised by its root element, never by its name;
the parser is given the raw bytes so that it honours the declared encoding (ISO-8859-15 in every real file,
UTF-8 with or without BOM tolerated); entity declarations (billion laughs) and external references are refused
as `defusedxml` refuses them, ElementTree's C parser reading the rest (`io.xml_stream`); records are handled as they end and then cleared, so a 16 000-student file stays small in memory.
Every refusal is a `FileRefused` naming the file (and the line and column when the XML is malformed).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from pae_desktop.io import limits
from pae_desktop.io.limits import FileRefused

# The records the readers produce, importable from here as before.
from pae_desktop.io.siecle_records import (  # noqa: F401
    Address,
    LinkRecord,
    MefRecord,
    Parameters,
    PersonRecord,
    RepresentativeRecord,
    SiecleFile,
    StudentRecord,
)

ELEVES = "BEE_ELEVES"
RESPONSABLES = "BEE_RESPONSABLES"
NOMENCLATURES = "BEE_NOMENCLATURES"
STRUCTURES = "BEE_STRUCTURES"
KIND_LABELS = {
    ELEVES: "élèves",
    RESPONSABLES: "responsables",
    NOMENCLATURES: "nomenclature",
    STRUCTURES: "structures",
}
NO_END_DATE = dt.date(9999, 12, 31)
_READ_REPORT_ELEMENTS = 10_000  # reading reports its progress every so many elements

Progress = Callable[[int, int, str], None]


# --- values ---------------------------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_STAMP = re.compile(r"^(\d{1,2}/\d{1,2}/\d{4})[ T](\d{1,2})[:-](\d{2})(?:[:-](\d{2}))?$")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean(value: object) -> str:
    """Trimmed text; stray quotes at either end removed (GEPI does the same); NBSP as spaces."""
    if value is None:
        return ""
    text = (value if isinstance(value, str) else str(value)).strip()
    if not text:
        return ""
    if text.isprintable() and text[0] not in "'\"=" and text[-1] not in "'\"":
        return text  # nearly every value: no NBSP, no control character, no quote (a third of a file's reading)
    if "\u00a0" in text:
        text = text.replace("\u00a0", " ").strip()
    if _CONTROL.search(text):  # a tab or a bell typed into a spreadsheet cell: never part of a name or a code
        text = " ".join(_CONTROL.sub(lambda m: " " if m.group() in "\t\n\r" else "", text).split())
    if text[0] in "'\"=" or text[-1] in "'\"":
        if text.startswith('="') and text.endswith('"'):  # Excel's protection of leading zeros
            text = text[2:-1]
        text = text.strip("'\"").strip()
    return text


class BadDate(ValueError):
    """A date that does not exist, such as 31/02/2007."""


def parse_date(value: object) -> dt.date | None:
    """`JJ/MM/AAAA` (or `J/M/AAAA`, or ISO); empty and `31/12/9999` give None; an impossible date raises."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean(value)
    if not text:
        return None
    if len(text) == 10 and text[2] == text[5] == "/" and (text[:2] + text[3:5] + text[6:]).isdecimal():
        day, month, year = int(text[:2]), int(text[3:5]), int(text[6:])  # JJ/MM/AAAA, as SIECLE writes it
    elif match := _DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise BadDate(text)
    try:
        parsed = dt.date(year, month, day)
    except ValueError as error:
        raise BadDate(text) from error
    return None if parsed == NO_END_DATE else parsed


def parse_timestamp(value: str) -> dt.datetime | None:
    """`JJ/MM/AAAA HH:MM:SS` or `JJ/MM/AAAA HH-MM-SS` (both are seen); None when unreadable."""
    text = clean(value)
    match = _STAMP.match(text)
    try:
        if match:
            day = parse_date(match.group(1))
            if day is None:
                return None
            return dt.datetime.combine(
                day, dt.time(int(match.group(2)), int(match.group(3)), int(match.group(4) or 0))
            )
        day = parse_date(text)
    except (BadDate, ValueError):
        return None
    return dt.datetime.combine(day, dt.time()) if day else None


def date_field(record: StudentRecord, label: str, value: object) -> dt.date | None:
    """Parse a date of a record; an impossible one becomes a problem of the record (the row is rejected)."""
    try:
        return parse_date(value)
    except BadDate as error:
        record.problems.append(f"{label} impossible : {error}")
        return None


def sex_code(value: str) -> str:
    text = clean(value).upper()
    if text in ("1", "M", "MASCULIN", "H", "HOMME", "GARCON", "GARÇON"):
        return "M"
    if text in ("2", "F", "FEMININ", "FÉMININ", "FEMME", "FILLE"):
        return "F"
    return ""


def join_names(*names: str) -> str:
    return " ".join(n for n in (clean(x) for x in names) if n)


# --- opening files --------------------------------------------------------------------------------------------

_MAGIC = (
    (b"%PDF", "un document PDF"),
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"BM", "une image BMP"),
    (b"II*\x00", "une image TIFF"),
    (b"MM\x00*", "une image TIFF"),
    (b"RIFF", "un fichier multimédia ou une image WebP"),
    (b"\x7fELF", "un programme"),
    (b"MZ", "un programme"),
)


def describe_foreign(head: bytes) -> str | None:
    """What a file is when its first bytes say it is no export at all (a PDF, an image…)."""
    for magic, label in _MAGIC:
        if head.startswith(magic):
            return label
    return None


def looks_like_xml(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"<")


def zip_members(
    path: Path, archive: zipfile.ZipFile, max_bytes: int = limits.DEFAULT_MAX_FILE_MB * limits.MEGABYTE
) -> list[zipfile.ZipInfo]:
    """The members worth reading, once the archive is checked (declared sizes, compression ratios)."""
    limits.check_zip(archive, path.name, max_bytes)
    return [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not Path(info.filename).name.startswith(".")
        and "__MACOSX" not in info.filename
    ]


# --- the streamed parser ----------------------------------------------------------------------------------------

_EXPAT_FRENCH = (
    ("mismatched tag", "balise de fermeture qui ne correspond pas à la balise ouverte"),
    ("no element found", "fichier tronqué (fin inattendue)"),
    ("unclosed token", "fichier tronqué (élément non terminé)"),
    ("not well-formed (invalid token)", "caractère ou balise invalide"),
    ("junk after document element", "contenu après la fin du document"),
    ("syntax error", "erreur de syntaxe"),
    ("undefined entity", "entité non définie"),
    ("unbound prefix", "préfixe non déclaré"),
    ("duplicate attribute", "attribut en double"),
    ("encoding specified in XML declaration is incorrect", "l'encodage déclaré ne correspond pas au contenu"),
    ("XML declaration not well-formed", "déclaration XML mal formée"),
)


def _french_expat(message: str) -> str:
    reason = message.split(":", 1)[0].strip()
    for english, french in _EXPAT_FRENCH:
        if reason.startswith(english):
            return french
    return reason


def _children(element: Element) -> dict[str, str]:
    """The direct children's trimmed text, by tag (an absent tag and an empty one are the same)."""
    values = {}
    for child in element:
        if len(child):
            continue
        text = child.text
        if text:  # `clean`, its common case spelled out: a third of the reading calls it
            text = text.strip()
            if text and not (text.isprintable() and text[0] not in "'\"=" and text[-1] not in "'\""):
                text = clean(text)
        values[child.tag] = text or ""
    return values


def element_batches(
    stream: IO[bytes],
    name: str,
    total: int = 0,
    progress: Progress | None = None,
    max_bytes: int = limits.DEFAULT_MAX_FILE_MB * limits.MEGABYTE,
) -> Iterator[list[Element]]:
    """The elements as they end, a list for each chunk read, for a defused, streamed parse of `stream` (the root
    comes last), refused past `max_bytes` read."""
    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

    from pae_desktop.io.xml_stream import ended_batches

    reader = limits.BoundedReader(stream, name, max_bytes)
    seen = 0
    try:
        for batch in ended_batches(reader):
            yield batch
            reported, seen = seen // _READ_REPORT_ELEMENTS, seen + len(batch)
            if progress is not None and seen // _READ_REPORT_ELEMENTS != reported:
                progress(reader.count, total, f"Lecture de {name}…")
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise FileRefused(
            f"Le fichier « {name} » est mal formé à la ligne {line}, colonne {column} : "
            f"{_french_expat(str(error))}. Refaites l'export depuis SIECLE."
        ) from error
    except (EntitiesForbidden, DTDForbidden, ExternalReferenceForbidden) as error:
        raise FileRefused(
            f"Le fichier « {name} » déclare des entités XML (DTD) : refusé par sécurité, "
            "un export SIECLE n'en contient jamais."
        ) from error
    except LookupError as error:  # expat: unknown encoding
        declared = str(error).split(":", 1)[-1].strip()
        raise FileRefused(
            f"Le fichier « {name} » est dans un encodage inconnu ({declared}) : "
            "un export SIECLE est en ISO-8859-15 ou en UTF-8."
        ) from error


def read_siecle(
    stream: IO[bytes],
    name: str,
    total: int = 0,
    progress: Progress | None = None,
    max_bytes: int = limits.DEFAULT_MAX_FILE_MB * limits.MEGABYTE,
) -> SiecleFile:
    """Parse one SIECLE XML export, whatever its kind (recognised by the root element, which ends last).

    Only end events are asked of the parser (half the work of start and end): records are recognised by
    their tag, which no other block of any SIECLE export uses, and cleared once read. What stays in memory
    is bounded: the bytes read (`max_bytes`), the records of each kind, the elements kept outside records.
    """
    parsed = SiecleFile(name=name, kind="", params=Parameters())
    structures: dict[str, list[tuple[str, str]]] = {}
    boursiers: set[str] = set()
    student_address: dict[int, str] = {}  # index in parsed.students → ADRESSE_ID
    root: Element | None = None
    seen = freed = 0
    for element in chain.from_iterable(element_batches(stream, name, total, progress, max_bytes)):
        root = element
        seen += 1
        if not seen % _BUDGET_EVERY:
            _check_budget(parsed, name, seen - freed)
        tag = element.tag
        if tag not in _RECORD_TAGS:  # nine in ten elements: a field of a record, read with its record
            continue
        if tag == "PARAMETRES":
            parsed.params = _parameters(element)
        elif tag == "ELEVE":
            student, address_id = _student(element, name)
            if address_id:
                student_address[len(parsed.students)] = address_id
            parsed.students.append(student)
        elif tag == "STRUCTURES_ELEVE":
            eleve_id = element.get("ELEVE_ID") or clean(element.findtext("ELEVE_ID"))
            for structure in element.iter("STRUCTURE"):
                code = clean(structure.findtext("CODE_STRUCTURE"))
                if code:
                    structures.setdefault(eleve_id, []).append(
                        (code, clean(structure.findtext("TYPE_STRUCTURE")).upper())
                    )
        elif tag == "BOURSE":
            eleve_id = element.get("ELEVE_ID") or clean(element.findtext("ELEVE_ID"))
            if eleve_id:  # the block lists the scholarship holders only
                boursiers.add(eleve_id)
        elif tag == "ADRESSE":
            parsed.addresses[element.get("ADRESSE_ID", "")] = _address(_children(element))
        elif tag == "PERSONNE":
            person = _person(element)
            parsed.persons[person.personne_id] = person
        elif tag == "RESPONSABLE_ELEVE":
            link = _link(_children(element))
            if link is not None:
                parsed.links.append(link)
        elif tag == "MEF":
            mef = _mef(element)
            if mef.code:
                parsed.mefs[mef.code] = mef
        elif tag == "DIVISION":
            code = (
                element.get("CODE_STRUCTURE")
                or element.get("CODE")
                or clean(element.findtext("CODE_STRUCTURE"))
            )
            mefs = tuple(clean(m.text)[:10] for m in element.iter("CODE_MEF") if clean(m.text))
            parsed.divisions[code] = (clean(element.findtext("LIBELLE_LONG")), mefs)
        freed += len(list(element.iter())) - 1  # the element itself stays in its parent, empty
        element.clear()
    _check_budget(parsed, name, seen - freed)
    _set_kind(parsed, root, name)
    _join_students(parsed, structures, boursiers, student_address)
    return parsed


def _set_kind(parsed: SiecleFile, root: Element | None, name: str) -> None:
    """The export's kind from its root element (refused when it is none of SIECLE's)."""
    root_tag = root.tag if root is not None else ""
    if root is None or root_tag not in KIND_LABELS:
        raise FileRefused(
            f"Le fichier « {name} » n'est pas un export SIECLE reconnu (élément racine « {root_tag or '?'} » ; "
            "attendu : élèves, responsables, nomenclature ou structures)."
        )
    parsed.kind = root_tag
    parsed.params.version = root.get("VERSION", "")
    if root_tag != ELEVES:
        parsed.students = []


_BUDGET_EVERY = 1 << 16
# The elements `read_siecle` reads as records (and clears); the others are their fields, or kept.
_RECORD_TAGS = frozenset(
    ("PARAMETRES", "ELEVE", "STRUCTURES_ELEVE", "BOURSE", "ADRESSE", "PERSONNE", "RESPONSABLE_ELEVE", "MEF", "DIVISION")
)


def _check_budget(parsed: SiecleFile, name: str, kept: int) -> None:
    """Refuse an export holding more records of one kind, or more elements outside records, than a school's."""
    for records in (parsed.students, parsed.persons, parsed.links, parsed.addresses):
        if len(records) > limits.MAX_ROWS:
            raise limits.refuse(
                f"Le fichier « {name} » contient plus de {limits.number(limits.MAX_ROWS)} fiches d'un même genre "
                f"(élèves, responsables, liens ou adresses) : {limits.NOT_AN_EXPORT}."
            )
    if kept > limits.MAX_XML_KEPT_ELEMENTS:
        raise limits.refuse(
            f"Le fichier « {name} » contient plus de {limits.number(limits.MAX_XML_KEPT_ELEMENTS)} éléments XML "
            f"hors des fiches d'élèves et de responsables : {limits.NOT_AN_EXPORT}."
        )


def _parameters(element: Element) -> Parameters:
    values = _children(element)
    year_text = values.get("ANNEE_SCOLAIRE", "")
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    try:
        export_date = parse_date(values.get("DATE_EXPORT", ""))
    except BadDate:
        export_date = None
    timestamp = parse_timestamp(values.get("HORODATAGE", ""))
    uai = clean(values.get("UAJ", "") or element.findtext("UAJ") or "").upper().replace(" ", "")
    return Parameters(uai=uai, school_year=year, export_date=export_date, timestamp=timestamp)


def _student(element: Element, name: str) -> tuple[StudentRecord, str]:
    values = _children(element)
    eleve_id = clean(element.get("ELEVE_ID"))
    ines = [values.get("ID_NATIONAL", ""), values.get("INE_RNIE", ""), values.get("INE_BEA", "")]
    ines = [i.replace(" ", "").upper() for i in ines if i]
    record = StudentRecord(
        ref=f"élève {eleve_id}" if eleve_id else "élève sans identifiant",
        source=name,
        eleve_id=eleve_id,
        elenoet=clean(element.get("ELENOET")) or values.get("ELENOET", ""),
        ine=ines[0] if ines else "",
        other_ines=tuple(ines[1:]),
        last_name=values.get("NOM_DE_FAMILLE") or values.get("NOM", ""),
        usage_name=values.get("NOM_USAGE", ""),
        first_names=join_names(
            values.get("PRENOM", ""), values.get("PRENOM2", ""), values.get("PRENOM3", "")
        ),
        sex=sex_code(values.get("CODE_SEXE", "")),
        mef_code=values.get("CODE_MEF", ""),
        status=values.get("CODE_STATUT", "").upper(),
        leave_reason=values.get("CODE_MOTIF_SORTIE", ""),
        email=values.get("MEL", ""),
        phone_mobile=values.get("TEL_PORTABLE", ""),
        phone_home=values.get("TEL_PERSONNEL", ""),
        phone_work=values.get("TEL_PROFESSIONNEL", ""),
    )
    record.birth_date = date_field(record, "Date de naissance", values.get("DATE_NAISS", ""))
    record.entry_date = date_field(record, "Date d'entrée", values.get("DATE_ENTREE", ""))
    record.leave_date = date_field(record, "Date de sortie", values.get("DATE_SORTIE", ""))
    return record, values.get("ADRESSE_ID", "")


def _address(values: dict[str, str]) -> Address:
    lines = tuple(values.get(f"LIGNE{i}_ADRESSE", "") for i in range(1, 5))
    foreign = values.get("COMMUNE_ETRANGERE", "") or values.get("COMMUNE_ETRANGER", "")
    return Address(
        lines=tuple(line for line in lines if line),
        postal_code=values.get("CODE_POSTAL", ""),
        city=values.get("LIBELLE_POSTAL", "") or foreign or values.get("LL_COMMUNE_INSEE", ""),
        country=values.get("LL_PAYS", ""),
    )


def _person(element: Element) -> PersonRecord:
    values = _children(element)
    return PersonRecord(
        personne_id=clean(element.get("PERSONNE_ID")) or values.get("PERSONNE_ID", ""),
        civility=values.get("LC_CIVILITE", ""),
        last_name=values.get("NOM_DE_FAMILLE") or values.get("NOM", ""),
        first_name=values.get("PRENOM", ""),
        phone_home=values.get("TEL_PERSONNEL", ""),
        phone_mobile=values.get("TEL_PORTABLE", ""),
        phone_work=values.get("TEL_PROFESSIONNEL", ""),
        email=values.get("MEL", ""),
        address_id=values.get("ADRESSE_ID", ""),
    )


def _link(values: dict[str, str]) -> LinkRecord | None:
    """Both models: NIVEAU_RESPONSABILITE (since 30/03/2018) and the older RESP_LEGAL (NOTES.md §3.3)."""
    eleve_id, personne_id = values.get("ELEVE_ID", ""), values.get("PERSONNE_ID", "")
    if not eleve_id or not personne_id:
        return None
    code = values.get("CODE_PARENTE", "")
    if "NIVEAU_RESPONSABILITE" in values:
        level = int(values["NIVEAU_RESPONSABILITE"]) if values["NIVEAU_RESPONSABILITE"].isdigit() else 3
        pays = values.get("PAIE_FRAIS_SCOLAIRES", "") == "1"
        priority = values.get("A_CONTACTER_EN_PRIORITE", "").lower() == "true"
        order = level * 10 + (0 if pays else 2) + (0 if priority else 1)
        return LinkRecord(eleve_id, personne_id, legal=level == 1, order=order, link=code)
    legal_rank = int(values["RESP_LEGAL"]) if values.get("RESP_LEGAL", "").isdigit() else 0
    if legal_rank in (1, 2):
        return LinkRecord(eleve_id, personne_id, legal=True, order=10 + legal_rank, link=code)
    contact = values.get("PERS_CONTACT", "") == "1"
    return LinkRecord(eleve_id, personne_id, legal=False, order=30 if contact else 40, link=code)


def _mef(element: Element) -> MefRecord:
    values = _children(element)
    code = clean(element.get("CODE_MEF")) or values.get("CODE_MEF", "")
    return MefRecord(
        code=code[:10],
        label=" ".join(values.get("LIBELLE_LONG", "").split()),
        edition_label=values.get("LIBELLE_EDITION", ""),
        attached_to=values.get("MEF_RATTACHEMENT", "")[:10],
        mefstat=values.get("CODE_MEFSTAT", ""),
    )


def _join_students(
    parsed: SiecleFile,
    structures: dict[str, list[tuple[str, str]]],
    boursiers: set[str],
    student_address: dict[int, str],
) -> None:
    """Classes, scholarships and addresses join the students on ELEVE_ID (their order in the file varies)."""
    for index, student in enumerate(parsed.students):
        entries = structures.get(student.eleve_id, [])
        divisions = [code for code, kind in entries if kind == "D"]
        student.division = divisions[0] if divisions else ""
        student.groups = tuple(code for code, kind in entries if kind != "D")
        student.boursier = student.eleve_id in boursiers
        address_id = student_address.get(index)
        if address_id and address_id in parsed.addresses:
            student.address = parsed.addresses[address_id]


def attach_representatives(students: list[StudentRecord], responsables: SiecleFile) -> int:
    """Give each student the responsables a responsables export links to them; returns how many got some."""
    by_student: dict[str, list[LinkRecord]] = {}
    for link in responsables.links:
        by_student.setdefault(link.eleve_id, []).append(link)
    attached = 0
    for student in students:
        links = by_student.get(student.eleve_id)
        if not links:
            continue
        representatives = representatives_of(links, responsables)
        student.representatives = representatives
        attached += 1
    return attached


def representatives_of(links: list[LinkRecord], responsables: SiecleFile) -> list[RepresentativeRecord]:
    result = []
    for link in sorted(links, key=lambda lk: lk.order):
        person = responsables.persons.get(link.personne_id)
        if person is None or not person.last_name:
            continue
        result.append(
            RepresentativeRecord(
                last_name=person.last_name,
                first_name=person.first_name,
                civility=person.civility,
                link=link.link,
                legal=link.legal,
                order=link.order,
                phone_mobile=person.phone_mobile,
                phone_home=person.phone_home,
                phone_work=person.phone_work,
                email=person.email,
                address=responsables.addresses.get(person.address_id),
            )
        )
    return result
