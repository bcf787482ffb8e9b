"""Identifiers and contact details: INE kinds and check keys, UAI check letter, phones, e-mails."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

_MOD23_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O, Q
_RNIE_DIGITS = "ABCDEFGHJK"  # 0…9 written as letters, no I


class IneKind(Enum):
    RNIE = "INE-RNIE"
    BEA = "INE-BEA"
    APPRENTISSAGE = "INE apprentissage"
    PROVISOIRE = "INE provisoire"
    BASE36 = "INE base 36"
    INCONNU = "format inconnu"


_INE_PATTERNS = (
    (IneKind.RNIE, re.compile(r"^\d{9}[A-HJK]{2}$")),
    (IneKind.BEA, re.compile(r"^\d{10}[A-HJ-NPR-Z]$")),
    (IneKind.APPRENTISSAGE, re.compile(r"^\d{4}A\d{5}[A-HJ-NPR-Z]$")),
    (IneKind.PROVISOIRE, re.compile(r"^\d{4}D\d{5}[A-HJ-NPR-Z]$")),
    (IneKind.BASE36, re.compile(r"^[0-9A-Z]{10}\d$")),
)


def normalise_ine(value: str | None) -> str:
    """Upper case, no white space (`str.split` knows the same white space as `re`'s `\\s`, three times faster)."""
    return "".join(value.split()).upper() if value else ""


def ine_kind(ine: str) -> IneKind:
    for kind, pattern in _INE_PATTERNS:
        if pattern.match(ine):
            return kind
    return IneKind.INCONNU


def rnie_key(first9: str) -> str:
    k = 97 - int(first9) % 97
    return _RNIE_DIGITS[k // 10] + _RNIE_DIGITS[k % 10]


def mod23_letter(digits: str) -> str:
    return _MOD23_ALPHABET[int(digits) % 23]


def ine_warning(value: str | None) -> str:
    """A French warning about an INE, or "" when it is empty or looks right.

    The check keys were reverse-engineered (reference NOTES.md §10): a mismatch is worth a warning, never a
    refusal.
    """
    ine = normalise_ine(value)
    if not ine:
        return ""
    if len(ine) != 11:
        return f"L'INE « {ine} » doit compter 11 caractères (il en a {len(ine)})."
    kind = ine_kind(ine)
    if kind is IneKind.INCONNU:
        return (
            f"L'INE « {ine} » n'a pas un format connu (9 chiffres et 2 lettres, ou 10 chiffres et 1 lettre)."
        )
    if kind is IneKind.RNIE and ine[9:] != rnie_key(ine[:9]):
        return f"La clé de l'INE « {ine} » ne correspond pas (attendu : {ine[:9]}{rnie_key(ine[:9])})."
    if kind is IneKind.BEA and ine[10] != mod23_letter(ine[:10]):
        return f"La clé de l'INE « {ine} » ne correspond pas (attendu : {ine[:10]}{mod23_letter(ine[:10])})."
    return ""


def normalise_uai(value: str | None) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def uai_error(value: str | None) -> str:
    """A French error about a UAI (7 digits and a check letter), or "" when it is valid."""
    uai = normalise_uai(value)
    if not re.fullmatch(r"\d{7}[A-Z]", uai):
        return f"L'UAI « {uai} » doit compter 7 chiffres suivis d'une lettre (par exemple 0540042X)."
    expected = mod23_letter(uai[:7])
    if uai[7] != expected:
        return f"La lettre de contrôle de l'UAI « {uai} » est fausse : attendu {uai[:7]}{expected}."
    return ""


@dataclass(frozen=True, slots=True)
class Phone:
    normalised: str  # `06 12 34 56 78` for French numbers, E.164 otherwise; "" when unreadable
    raw: str
    mobile: bool


def normalise_phone(raw: str | None) -> Phone:
    import phonenumbers  # here, not at the top: its metadata would cost the window's start 30 ms

    raw = (raw or "").strip()
    if not raw:
        return Phone("", "", False)
    compact = raw.replace(" ", "")
    if (
        len(compact) == 10
        and compact.isascii()
        and compact.isdigit()
        and compact[0] == "0"
        and compact[1] != "8"
    ):
        # `0X XX XX XX XX` (spaces anywhere): what `parse` would build, without its cost (a quarter of an
        # import); validity and kind still come from phonenumbers' metadata, the national format is this one.
        number = phonenumbers.PhoneNumber(country_code=33, national_number=int(compact[1:]))
        kind = phonenumbers.number_type(
            number
        )  # UNKNOWN exactly when is_valid_number is false (+33 is FR only)
        if kind == phonenumbers.PhoneNumberType.UNKNOWN:
            return Phone("", raw, False)
        mobile = kind in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
        return Phone(
            " ".join((compact[:2], compact[2:4], compact[4:6], compact[6:8], compact[8:])), raw, mobile
        )
    try:
        number = phonenumbers.parse(raw, "FR")
    except phonenumbers.NumberParseException:
        return Phone("", raw, False)
    if not phonenumbers.is_valid_number(number):
        return Phone("", raw, False)
    kind = phonenumbers.number_type(number)
    mobile = kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if number.country_code == 33:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return Phone(national, raw, mobile)
    return Phone(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), raw, mobile)


def phone_e164(normalised: str | None) -> str:
    """A normalised number (`Phone.normalised`: `06 12 34 56 78`, or E.164 already) in E.164 (`+33612345678`),
    the form SMS tools take; "" when it is empty or unreadable."""
    import phonenumbers

    if not normalised:
        return ""
    try:
        number = phonenumbers.parse(normalised, "FR")
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_error(raw: str | None) -> str:
    raw = (raw or "").strip()
    if raw and not normalise_phone(raw).normalised:
        return f"Le numéro « {raw} » n'est pas un numéro de téléphone valide."
    return ""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_error(value: str | None) -> str:
    value = (value or "").strip()
    if value and not _EMAIL.match(value):
        return f"L'adresse « {value} » n'est pas une adresse électronique valide."
    return ""


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def is_minor(birth_date: dt.date | None, on: dt.date) -> bool:
    return birth_date is not None and age_on(birth_date, on) < 18


def birth_date_error(birth_date: dt.date | None, today: dt.date | None = None) -> str:
    """Final-year students of a lycée professionnel are between about 14 and 30 years old."""
    if birth_date is None:
        return ""
    today = today or dt.date.today()
    age = age_on(birth_date, today)
    if age < 13 or age > 40:
        return f"La date de naissance {birth_date:%d/%m/%Y} donne {age} ans : vérifiez-la."
    return ""
