"""The fast paths of `fold` and `normalise_ine` give what their plain definitions give, for every character."""

from __future__ import annotations

import re
import sys
import unicodedata

from pae_desktop.core.identity import normalise_ine
from pae_desktop.core.text import fold

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def reference_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


# The Basic Multilingual Plane, and the marks beyond it.
CODES = [c for c in range(sys.maxunicode + 1) if c < 0x10000 or unicodedata.category(chr(c)).startswith("M")]


def test_fold_matches_its_definition_for_every_character_after_an_accent():
    for code in CODES:
        text = f"Lé{chr(code)}a"
        assert fold(text) == reference_fold(text), hex(code)


def test_fold_examples():
    assert fold("  LEFÈVRE  Marie-Noëlle ") == "lefevre marie-noelle"
    assert fold("Cœur Ǆ ÅNGSTRÖM") == "coeur dz angstrom"
    assert fold("Ἀθῆναι e\u0301\u034f") == "αθηναι e\u034f"


def test_normalise_ine_removes_every_white_space_re_knows():
    for code in CODES:
        text = f" 12a{chr(code)}b\t"
        assert normalise_ine(text) == re.sub(r"\s+", "", text).upper(), hex(code)
