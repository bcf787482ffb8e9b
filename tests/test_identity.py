"""INE kinds and check keys, UAI check letter, phones, e-mails."""

from __future__ import annotations

import datetime as dt

import pytest

from pae_desktop.core.identity import (
    IneKind,
    email_error,
    ine_kind,
    ine_warning,
    is_minor,
    normalise_phone,
    uai_error,
)
from pae_desktop.core.text import fold


@pytest.mark.parametrize(
    "ine", ["071340028HH", "070832327JA", "060375611AC", "060437677BG", "1814023809K", "0113014881M", ""]
)
def test_valid_ines_have_no_warning(ine):
    assert ine_warning(ine) == ""


@pytest.mark.parametrize(
    ("ine", "fragment"),
    [
        ("071340028HA", "071340028HH"),
        ("1814023809A", "1814023809K"),
        ("12345", "11 caractères"),
        ("ABCDEFGHIJK", "format"),
    ],
)
def test_bad_ines_are_warned(ine, fragment):
    assert fragment in ine_warning(ine)


def test_other_ine_kinds_are_accepted_without_check():
    assert ine_kind("1234A12345B") is IneKind.APPRENTISSAGE
    assert ine_kind("1234D12345B") is IneKind.PROVISOIRE
    assert ine_warning("1234A12345B") == ""


@pytest.mark.parametrize("uai", ["0759999L", "0930000V", "0750001U", "0951099D"])
def test_valid_uai(uai):
    assert uai_error(uai) == ""


def test_bad_uai_names_the_expected_letter():
    assert "0759999L" in uai_error("0759999A")
    assert "7 chiffres" in uai_error("123ABC")


def test_phones_are_normalised_and_raw_kept():
    phone = normalise_phone("+33612345678")
    assert (phone.normalised, phone.raw, phone.mobile) == ("06 12 34 56 78", "+33612345678", True)
    assert normalise_phone("0383000000").normalised == "03 83 00 00 00"
    foreign = normalise_phone("+32 470 12 34 56")
    assert foreign.normalised == "+32470123456"
    assert normalise_phone("12").normalised == ""


def test_email_and_minor():
    assert email_error("jeune@example.org") == ""
    assert "valide" in email_error("pas une adresse")
    assert is_minor(dt.date(2008, 9, 2), dt.date(2026, 9, 1))
    assert not is_minor(dt.date(2008, 9, 1), dt.date(2026, 9, 1))


def test_fold_ignores_case_accents_and_ligatures():
    assert fold("Élodie") == "elodie"
    assert fold("CŒUR") == "coeur"
    assert fold("  Jean-Noël   Læticia ") == "jean-noel laeticia"
