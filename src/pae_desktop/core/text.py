"""Text helpers shared by search, imports and exports: accent and case folding."""

from __future__ import annotations

import unicodedata

# Ligatures that NFKD leaves alone but users type as two letters («coeur» finds «Cœur»).
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold(text: str | None) -> str:
    """Lower case, no accents, ligatures spelled out, runs of white space as one space."""
    if not text:
        return ""
    if text.isascii():  # no accent nor ligature to take off: most names and every class code (5x faster)
        return " ".join(text.lower().split())
    text = text.translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def search_key(*parts: str | None) -> str:
    return fold(" ".join(p for p in parts if p))
