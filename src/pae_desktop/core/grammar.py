"""French agreement with a youth's sex: one wording object every document and message builds from `Youth.sex`.

«F» gives the feminine, «M» the masculine, anything else (not known) the inclusive form («inscrit(e)», «il ou
elle»). Documents never test the sex themselves: they ask a `Person` for its words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pae_desktop.core.identity import is_minor


def inclusive(masculine: str, feminine: str) -> str:
    """«inscrit(e)» when the feminine extends the masculine, else «il ou elle»."""
    if feminine.startswith(masculine) and feminine != masculine:
        return f"{masculine}({feminine[len(masculine) :]})"
    return f"{masculine} ou {feminine}" if feminine != masculine else masculine


def agree(sex: str | None, masculine: str, feminine: str, unknown: str | None = None) -> str:
    """The word agreeing with `sex` («F»/«M»); `unknown` (default: the inclusive form) when the sex is not known."""
    if sex == "F":
        return feminine
    if sex == "M":
        return masculine
    return unknown if unknown is not None else inclusive(masculine, feminine)


def minor_on(birth_date: dt.date | None, on: dt.date) -> bool:
    """Whether a youth born on `birth_date` is a minor on `on`: the document's own date (a plan's pathway start,
    an interview's day, a convocation's slot), never the day it is printed."""
    return is_minor(birth_date, on)


@dataclass(frozen=True)
class Person:
    """The words that name one youth, agreeing with their sex (`vocabulary.Sex` code; empty: not known)."""

    sex: str = ""

    def agree(self, masculine: str, feminine: str, unknown: str | None = None) -> str:
        return agree(self.sex, masculine, feminine, unknown)

    @property
    def the_youth(self) -> str:
        """«le jeune», «la jeune» (the generic «le jeune» when the sex is not known)."""
        return self.agree("le jeune", "la jeune", "le jeune")

    @property
    def The_youth(self) -> str:  # noqa: N802 — the capitalised form, at a sentence's start or in a box
        return self.the_youth[0].upper() + self.the_youth[1:]

    @property
    def of_youth(self) -> str:
        """«du jeune», «de la jeune»."""
        return self.agree("du jeune", "de la jeune", "du jeune")

    @property
    def he(self) -> str:
        return self.agree("il", "elle")

    @property
    def him(self) -> str:
        """After a preposition: «avec lui», «avec elle», «avec lui ou elle»."""
        return self.agree("lui", "elle")

    @property
    def born(self) -> str:
        return self.agree("né", "née")

    @property
    def enrolled(self) -> str:
        return self.agree("inscrit", "inscrite")

    @property
    def minor(self) -> str:
        return self.agree("mineur", "mineure")

    @property
    def invited(self) -> str:
        return self.agree("invité", "invitée")

    @property
    def convened(self) -> str:
        return self.agree("convoqué", "convoquée")

    @property
    def received(self) -> str:
        return self.agree("reçu", "reçue")

    @property
    def concerned(self) -> str:
        """«l'intéressé», «l'intéressée»."""
        return "l'" + self.agree("intéressé", "intéressée")

    def inflect(self, text: str) -> str:
        """`text` with each inclusive word agreed: «Orienté(e) vers…» → «Orientée vers…» for a girl, «Admis» →
        «Admise» when asked through `agree` (a vocabulary label, said of the youth); unchanged when not known."""
        if self.sex not in ("F", "M"):
            return text
        return _INCLUSIVE.sub(lambda m: m.group(1) + ("e" if self.sex == "F" else ""), text)

    @property
    def civility(self) -> str:
        """«M.», «Mme», nothing when not known."""
        return self.agree("M.", "Mme", "")


_INCLUSIVE = re.compile(r"(\w+)\(e\)")


def person(sex: str | None) -> Person:
    return Person(sex if sex in ("F", "M") else "")
