"""The contact list of a mass contact, for the school's SMS and ENT tools (CSV) and for people (XLSX).

The CSV follows the FOQUALE file's conventions (UTF-8 with BOM, `;`, CRLF, RFC 4180, formula protection of
every text: `io.foquale.encode_table`). Only youths with a usable contact are in it — never a line without a
number nor an address —; the others go to a second file beside it (`…_sans_coordonnees.csv`), or to a second
sheet of the XLSX. A number that is not a mobile is flagged (column `sms` = `N` and a remark).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pae_desktop.core.contact_records import ContactLine

HEADERS = (
    "nom",
    "prenom",
    "classe",
    "telephone",
    "telephone_e164",
    "sms",
    "courriel",
    "mineur",
    "representant_legal",
    "telephone_representant",
    "telephone_representant_e164",
    "remarque",
    "id_jeune",
)
APART_HEADERS = ("nom", "prenom", "classe", "mineur", "representant_legal", "remarque", "id_jeune")
# The workbook is read by people: the same columns under French titles.
XLSX_HEADERS = (
    "Nom",
    "Prénom",
    "Classe",
    "Téléphone",
    "Téléphone (E.164)",
    "SMS possible",
    "Courriel",
    "Mineur(e)",
    "Représentant légal",
    "Téléphone du représentant",
    "Téléphone du représentant (E.164)",
    "Remarque",
    "id_jeune",
)
XLSX_APART_HEADERS = ("Nom", "Prénom", "Classe", "Mineur(e)", "Représentant légal", "Pourquoi", "id_jeune")
SHEET = "Contacts"
APART_SHEET = "Sans coordonnées"
APART_SUFFIX = "_sans_coordonnees"


def _yes(value: bool) -> str:
    return "O" if value else "N"


def row(line: ContactLine) -> list[str]:
    """One line of the contact list, in `HEADERS` order."""
    return [
        line.last_name.upper(),
        line.first_name,
        line.division,
        line.phone,
        line.phone_e164,
        _yes(bool(line.phone) and line.mobile),
        line.email,
        _yes(line.minor),
        line.representative,
        line.representative_phone,
        line.representative_e164,
        line.remark,
        line.id_jeune,
    ]


def apart_row(line: ContactLine) -> list[str]:
    """One youth without a usable contact, in `APART_HEADERS` order."""
    return [
        line.last_name.upper(),
        line.first_name,
        line.division,
        _yes(line.minor),
        line.representative,
        line.remark,
        line.id_jeune,
    ]


def split(lines: Sequence[ContactLine]) -> tuple[list[ContactLine], list[ContactLine]]:
    """(the youths with a usable contact, those without), each in the list's order."""
    return [line for line in lines if line.reachable], [line for line in lines if not line.reachable]


def apart_path(target: str | Path) -> Path:
    """`contacts.csv` → `contacts_sans_coordonnees.csv`, beside it."""
    target = Path(target)
    return target.with_name(f"{target.stem}{APART_SUFFIX}{target.suffix}")


def csv_files(lines: Sequence[ContactLine]) -> tuple[bytes, bytes | None]:
    """The SMS/ENT file and, when some youths have no usable contact, the file that lists them apart."""
    from pae_desktop.io.foquale import encode_table

    reachable, apart = split(lines)
    numbers = {HEADERS.index("telephone_e164"), HEADERS.index("telephone_representant_e164")}
    main = encode_table(HEADERS, (row(line) for line in reachable), numbers=numbers)
    return main, (encode_table(APART_HEADERS, (apart_row(line) for line in apart)) if apart else None)


def workbook(lines: Sequence[ContactLine], title: str = SHEET) -> bytes:
    """The XLSX: the contacts on the first sheet, the youths without a usable contact on a second one."""
    from pae_desktop.io.report_xlsx import tables_workbook

    reachable, apart = split(lines)
    sheets = [(title or SHEET, XLSX_HEADERS, [row(line) for line in reachable])]
    if apart:
        sheets.append((APART_SHEET, XLSX_APART_HEADERS, [apart_row(line) for line in apart]))
    return tables_workbook(sheets)
