"""The signature boxes of a youth and their family: the youth, then every legal representative of a minor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pae_desktop.core.grammar import Person
from pae_desktop.core.vocabulary import ParentLink
from pae_desktop.documents import layout as L

PER_ROW = 3  # boxes side by side: a fourth one would leave no room to sign


def representative_title(link: str) -> str:
    """«La représentante légale» for a mother, «Le représentant légal» for a father, else «Représentant légal»
    (`link`: a `ParentLink` code or label)."""
    label = ParentLink.label_of(link) if ParentLink.from_code(link) is not None else link
    if label == ParentLink.MERE.label:
        return "La représentante légale"
    if label == ParentLink.PERE.label:
        return "Le représentant légal"
    return "Représentant légal"


def representative_name(name: str, link: str) -> str:
    """«Đức Anh NGUYỄN (mère)»."""
    label = ParentLink.label_of(link) if ParentLink.from_code(link) is not None else link
    return f"{name} ({label.lower()})" if label and name else name


def family_signers(
    words: Person, youth_name: str, representatives: Sequence[tuple[str, str]], minor: bool
) -> list[tuple[str, str]]:
    """(title, name) of the youth, then of each legal representative `(name, link)` when `minor` (one box to
    fill in by hand when a minor has none recorded)."""
    signers = [(words.The_youth, youth_name)]
    if minor:
        signers += [
            (representative_title(link), representative_name(name, link)) for name, link in representatives
        ]
        if not representatives:
            signers.append(("Le représentant légal", ""))
    return signers


def signature_rows(
    signers: Sequence[tuple[str, str]], place_date: str = "", per_row: int = PER_ROW, **box: Any
) -> list:
    """The signers' boxes, `per_row` at most on each row; `place_date` above the first row; `box`: the
    `signature_block` sizes (`height=…`)."""
    rows = [list(signers[i : i + per_row]) for i in range(0, len(signers), per_row)] or [[]]
    return [
        L.signature_block(row, place_date=place_date if index == 0 else "", **box)
        for index, row in enumerate(rows)
    ]
