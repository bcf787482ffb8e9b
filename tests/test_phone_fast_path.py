"""`normalise_phone`'s fast path for `0X XX XX XX XX` gives exactly what phonenumbers' parser gives."""

from __future__ import annotations

import random

import phonenumbers

from pae_desktop.core.identity import normalise_phone


def reference(raw: str) -> tuple[str, bool]:
    number = phonenumbers.parse(raw, "FR")
    if not phonenumbers.is_valid_number(number):
        return "", False
    kind = phonenumbers.number_type(number)
    mobile = kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL), mobile


def test_french_national_numbers_match_the_parser():
    rng = random.Random(9)
    raws = ["0612345678", "06 12 34 56 78", "0 6 1 2 3 4 5 6 7 8", "0712345678", "0100000000", "0999999999"]
    for _ in range(3000):
        digits = "0" + rng.choice("12345679") + "".join(rng.choice("0123456789") for _ in range(8))
        raws.append(digits if rng.random() < 0.5 else " ".join(digits[i : i + 2] for i in range(0, 10, 2)))
    for raw in raws:
        phone = normalise_phone(raw)
        assert (phone.normalised, phone.mobile) == reference(raw), raw
        assert phone.raw == raw


def test_other_shapes_still_go_through_the_parser():
    assert normalise_phone("+33 6 12 34 56 78").normalised == "06 12 34 56 78"
    assert normalise_phone("0800 12 34 56").normalised == reference("0800 12 34 56")[0]
    assert normalise_phone("06.12.34.56.78").normalised == "06 12 34 56 78"
    assert normalise_phone("٠٦١٢٣٤٥٦٧٨").raw == "٠٦١٢٣٤٥٦٧٨"  # non-ASCII digits: not the fast path
