"""Text helpers shared by search, imports and exports: accent and case folding."""

from __future__ import annotations

import unicodedata

# Ligatures that NFKD leaves alone but users type as two letters («coeur» finds «Cœur»).
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
# The combining marks of the Latin accents (U+0300–U+036F), deleted in one `translate` rather than one test a
# character: the other marks, rarer, are still found one by one.
_LATIN_MARKS = {code: None for code in range(0x300, 0x370) if unicodedata.combining(chr(code))}


def fold(text: str | None) -> str:
    """Lower case, no accents, ligatures spelled out, runs of white space as one space."""
    if not text:
        return ""
    if text.isascii():  # no accent nor ligature to take off: most names and every class code (5x faster)
        return " ".join(text.lower().split())
    text = text.translate(_LIGATURES)
    stripped = unicodedata.normalize("NFKD", text).translate(_LATIN_MARKS)
    if not stripped.isascii():  # marks beyond Latin accents, or letters of other scripts
        stripped = "".join(c for c in stripped if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def search_key(*parts: str | None) -> str:
    return fold(" ".join(p for p in parts if p))
