"""The census import, from a file's record to the values the database holds (cut to their columns' lengths)."""

from __future__ import annotations

import datetime as dt
import functools
from types import SimpleNamespace

from pae_desktop.core.identity import birth_date_error, ine_warning, normalise_ine, normalise_phone
from pae_desktop.core.models import LegalRepresentative, OriginalSchooling, Youth
from pae_desktop.core.services.census.existing import RepTuple
from pae_desktop.core.vocabulary import ParentLink
from pae_desktop.io.siecle import StudentRecord

# phonenumbers takes about 0.1 ms a number: each distinct number of an import is normalised once.
_phone = functools.lru_cache(maxsize=100_000)(normalise_phone)

_CIVILITIES = {
    "MME": "Mme",
    "MADAME": "Mme",
    "M.": "M.",
    "M": "M.",
    "MR": "M.",
    "MONSIEUR": "M.",
    "MLLE": "Mlle",
}


def _lengths(table) -> SimpleNamespace:
    """The length of each column of `table` (None: no limit), read once: an import cuts 170 000 values."""
    return SimpleNamespace(**{column.name: getattr(column.type, "length", None) for column in table.columns})


_Y = _lengths(Youth.__table__)
_S = _lengths(OriginalSchooling.__table__)
_R = _lengths(LegalRepresentative.__table__)


def _fit(length: int | None, value: str) -> str:
    """The value cut to its column's length (`_Y`, `_S`, `_R`): PostgreSQL refuses longer strings (SQLite would
    keep them)."""
    return value[:length] if length else value


def _phones(*raws: str) -> list[str]:
    return list(dict.fromkeys(r.strip() for r in raws if r and r.strip()))


def _youth_values(record: StudentRecord) -> dict[str, object]:
    """The youth's fields the record gives (an empty value never clears what the database holds)."""
    values: dict[str, object] = {}
    for name in ("last_name", "usage_name", "first_names", "sex", "email"):
        value = getattr(record, name).strip()
        if value:
            values[name] = _fit(getattr(_Y, name), " ".join(value.split()))
    if record.birth_date is not None:
        values["birth_date"] = record.birth_date
    ine = normalise_ine(record.ine)
    if ine and len(ine) <= _Y.ine:  # a longer one is only warned about (see _warnings)
        values["ine"] = ine
    phones = _phones(record.phone_mobile, record.phone_home, record.phone_work)
    own = [r for r in record.representatives or () if r.link == ParentLink.ELEVE.value]
    if not phones and own:  # an adult student is often their own «responsable» (CODE_PARENTE 70)
        phones = _phones(own[0].phone_mobile, own[0].phone_home, own[0].phone_work)
    if "email" not in values and own and own[0].email:
        values["email"] = _fit(_Y.email, own[0].email)
    if phones:
        values["phone"] = _fit(_Y.phone_raw, phones[0])
    if len(phones) > 1:
        values["phone2"] = _fit(_Y.phone2_raw, phones[1])
    address = record.address or (own[0].address if own else None)
    if address is not None:
        for name, value in (
            ("address", address.street),
            ("postal_code", address.postal_code),
            ("city", address.city),
        ):
            if value:
                values[name] = _fit(getattr(_Y, name), value)
    if record.boursier:
        values["boursier"] = True  # an export that does not list a scholarship never takes one away
    return values


def _rep_tuples(record: StudentRecord) -> list[RepTuple] | None:
    if record.representatives is None:
        return None
    result = []
    for rep in record.representatives:
        if rep.link == ParentLink.ELEVE.value:
            continue
        phone = (_phones(rep.phone_mobile, rep.phone_home, rep.phone_work) or [""])[0]
        address = rep.address
        result.append(
            (
                _fit(_R.last_name, rep.last_name),
                _fit(_R.first_name, rep.first_name),
                _fit(_R.civility, _CIVILITIES.get(rep.civility.strip().upper(), rep.civility.strip())),
                rep.link if ParentLink.from_code(rep.link) else "",
                rep.legal,
                _fit(_R.phone_raw, phone),
                _fit(_R.email, rep.email),
                _fit(_R.address, address.street) if address else "",
                _fit(_R.postal_code, address.postal_code) if address else "",
                _fit(_R.city, address.city) if address else "",
            )
        )
    return result


def _warnings(record: StudentRecord, today: dt.date) -> tuple[str, ...]:
    warnings = []
    if warning := ine_warning(record.ine):
        too_long = len(normalise_ine(record.ine)) > _Y.ine
        warnings.append(warning + (" Il n'est pas enregistré." if too_long else ""))
    if warning := birth_date_error(record.birth_date, today):
        warnings.append(warning)
    for raw in _phones(record.phone_mobile, record.phone_home, record.phone_work)[:2]:
        if not _phone(raw).normalised:
            warnings.append(f"Téléphone « {raw} » illisible : gardé tel quel.")
    return tuple(warnings)
