"""Which partner of the directory a proposal points to: a simple match of words that the referent can read back.

A company fits a youth's project when a word of the trades sought («Cuisine», «Maçon») is found in its name or
its notes; among those, one in the area sought («Grand Nancy», «54») comes first. Two words are the same when
they share their first letters (six at most, four at least: «cuisine» and «cuisinier», «maçon» and
«maçonnerie»), accents and case aside. No trade recorded: the area alone decides. No match: no company.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import PartnerType

# Words that say nothing of a trade or a place (compared folded).
STOPWORDS = frozenset(
    """a au aux avec d dans de des du en et l la le les leur leurs par pour sa ses son sur un une
    metier metiers environnement environnements connecte connectes polyvalent polyvalente service services
    secteur region departement metropole grand grande communaute agglomeration ville bassin pays autour
    environs proche proches commune communes""".split()
)
PREFIX = 6  # letters compared at most
MIN_PREFIX = 4  # a word shorter than this must be equal, not a prefix


@dataclass(frozen=True, slots=True)
class PartnerInfo:
    """What the proposals read of a partner of the directory (a plain record, no session)."""

    id: int
    name: str
    type: str
    city: str = ""
    postal_code: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    """A partner chosen, and why in French («métier « cuisine » dans son nom ; secteur « Nancy »»)."""

    partner: PartnerInfo
    why: str


def words(text: str | None) -> list[tuple[str, str]]:
    """The meaningful words of a text: (folded, as written), stopwords and one-letter words left out."""
    found = []
    for word in re.findall(r"[^\W_]+", text or ""):
        folded = fold(word)
        if len(folded) > 1 and folded not in STOPWORDS and (folded not in {w for w, _ in found}):
            found.append((folded, word))
    return found


def same_word(a: str, b: str) -> bool:
    """Two folded words alike: equal, or sharing their first letters (4 to 6) when both are long enough."""
    if a == b:
        return True
    k = min(PREFIX, len(a), len(b))
    return k >= MIN_PREFIX and a[:k] == b[:k]


def _found(wanted: Sequence[tuple[str, str]], text: str) -> list[str]:
    """The words of `wanted` (as written) found in `text`."""
    there = [w for w, _ in words(text)]
    return [shown for w, shown in wanted if any(same_word(w, other) for other in there)]


def _area_hits(area: str, partner: PartnerInfo) -> list[str]:
    """The words of the area sought found in the partner's city or notes, or its department («54»)."""
    hits = _found([w for w in words(area) if not w[0].isdigit()], f"{partner.city} {partner.notes}")
    numbers = [w for w, _ in words(area) if w.isdigit()]
    code = partner.postal_code.strip()
    if code and any(code == n or (len(n) in (2, 3) and code.startswith(n)) for n in numbers):
        hits.append(code)
    return hits


def _quoted(items: Iterable[str]) -> str:
    return ", ".join(f"« {item} »" for item in items)


def company_for(trades: str, area: str, partners: Iterable[PartnerInfo]) -> Match | None:
    """The company the youth's project points to, or None: see the module's docstring."""
    trade_words = words(trades)
    best: tuple[tuple, Match] | None = None
    for partner in partners:
        if partner.type != PartnerType.ENTREPRISE:
            continue
        trade_hits = _found(trade_words, f"{partner.name} {partner.notes}")
        area_hits = _area_hits(area, partner)
        if (trade_words and not trade_hits) or (not trade_words and not area_hits):
            continue
        reasons = []
        if trade_hits:
            reasons.append(f"métier recherché {_quoted(trade_hits)} dans son nom ou ses notes")
        if area_hits:
            reasons.append(f"secteur recherché {_quoted(area_hits)}")
        rank = (-len(trade_hits), -len(area_hits), fold(partner.name), partner.id)
        if best is None or rank < best[0]:
            best = (rank, Match(partner, " ; ".join(reasons)))
    return best[1] if best else None


def partner_for(
    types: Sequence[str],
    keywords: Iterable[str],
    area: str,
    partners: Iterable[PartnerInfo],
    *,
    strict: Sequence[str] = (),
) -> Match | None:
    """A partner of one of `types` (in that order of preference): one whose name or notes hold one of the
    `keywords` first, then one in the area sought, then by name; a partner of a `strict` type only when it holds
    a keyword. None when the directory has none of them."""
    wanted = [(fold(k), k) for k in keywords]
    best: tuple[tuple, Match] | None = None
    for partner in partners:
        if partner.type not in types:
            continue
        hits = _found(wanted, f"{partner.name} {partner.notes}")
        if partner.type in strict and not hits:
            continue
        area_hits = _area_hits(area, partner)
        label = PartnerType.label_of(partner.type)
        why = f"partenaire de type « {label} »"
        if hits:
            why += f", {_quoted(hits)} dans son nom ou ses notes"
        elif area_hits:
            why += f", dans le secteur {_quoted(area_hits)}"
        rank = (not hits, not area_hits, types.index(partner.type), fold(partner.name), partner.id)
        if best is None or rank < best[0]:
            best = (rank, Match(partner, why))
    return best[1] if best else None
