"""The records of mass contact and the wording of the information message.

A youth's line of the contact list (`ContactLine`), the information letter (`LetterRecord`), and the message
the letter and the e-mail drafts share (`information_message`: plain French text, no reportlab), so that the
printed letter and the e-mail say the same thing. Built by `core/services/contact_lists.py`, read by
`io/contact_list.py`, `io/eml.py` and `documents/courrier.py` without a session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pae_desktop.core.dates import french_date
from pae_desktop.core.records import Representative, YouthIdentity
from pae_desktop.core.scheme import Scheme


@dataclass(frozen=True)
class ContactLine:
    """One youth of a contact list. Phones are in the national form (`06 12 34 56 78`) and in E.164
    (`+33612345678`); `mobile` says whether the youth's number can receive a SMS. `representative` is filled for
    a minor only (their first legal representative who has a phone, else the first one)."""

    youth_id: int
    id_jeune: str
    last_name: str
    first_name: str
    division: str
    minor: bool = False
    phone: str = ""
    phone_e164: str = ""
    mobile: bool = False
    email: str = ""
    representative: str = ""
    representative_phone: str = ""
    representative_e164: str = ""
    representative_mobile: bool = False
    invalid_phone: str = ""  # a number recorded but unreadable, as typed (it says why the youth is listed apart)

    @property
    def reachable(self) -> bool:
        """A usable contact: the youth's phone or e-mail, or a minor's representative's phone."""
        return bool(self.phone or self.email or self.representative_phone)

    @property
    def remark(self) -> str:
        """What the referent should know about this line (French): why it is apart, or a number without SMS."""
        if not self.reachable:
            if self.invalid_phone:
                return f"Numéro invalide « {self.invalid_phone} » et pas de courriel"
            return "Aucun téléphone ni courriel"
        if self.phone and not self.mobile:
            return "Numéro fixe : pas de SMS"
        if not self.phone and self.representative_phone:
            return "Joignable par son représentant légal"
        if not self.phone:
            return "Pas de téléphone : courriel seulement"
        return ""


@dataclass(frozen=True)
class Referent:
    """Who the youth or their family should call: the referent of the directory, or the school."""

    name: str = ""
    role: str = "Référent décrochage scolaire"
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class LetterRecord:
    """The information letter of one youth (and, for a minor, their legal representatives)."""

    youth: YouthIdentity
    scheme: Scheme
    school_name: str
    division: str = ""
    minor: bool = False
    rentree: dt.date | None = None
    interview_deadline: dt.date | None = None
    referent: Referent = Referent()

    @property
    def addressees(self) -> tuple[Representative, ...]:
        """Who the letter is addressed to besides the youth: a minor's legal representatives."""
        return self.youth.legal_representatives if self.minor else ()

    @property
    def youth_name(self) -> str:
        """«Léa MARTIN»."""
        return f"{self.youth.first_name} {self.youth.last_name.upper()}".strip()


@dataclass(frozen=True)
class InformationMessage:
    """The information message: subject, greeting, paragraphs, closing and signature, in French."""

    subject: str
    greeting: str
    paragraphs: tuple[str, ...]
    closing: str
    signature: tuple[str, ...]

    def text(self) -> str:
        """The message as plain text (an e-mail's body)."""
        blocks = [self.greeting, *self.paragraphs, self.closing, "\n".join(self.signature)]
        return "\n\n".join(block for block in blocks if block) + "\n"


def _reach(referent: Referent, school_name: str) -> str:
    """«Mme Claire DURAND, référent décrochage scolaire, au 06 … ou à c.durand@…»."""
    phone = referent.phone.replace(" ", "\u00a0")  # a number is never cut at the end of a line
    ways = " ou ".join(p for p in (phone and f"au {phone}", referent.email and f"à {referent.email}") if p)
    who = f"{referent.name}, {referent.role.lower()}" if referent.name else f"le lycée ({school_name})"
    return f"{who}, {ways}" if ways else who


def information_message(record: LetterRecord, today: dt.date) -> InformationMessage:
    """The scheme's information letter: who it is for, what the scheme offers, the interview offer, whom to call."""
    name = record.scheme.name or "AvenirPro+"
    first = record.youth.first_name
    youth = record.youth_name
    school = record.school_name
    in_class = f" (classe {record.division})" if record.division else ""
    start = f"à partir du {french_date(record.rentree)}" if record.rentree else "dès la rentrée"
    deadline = record.interview_deadline
    before = f"avant le {french_date(deadline)}" if deadline and deadline >= today else "dans les meilleurs délais"
    reach = _reach(record.referent, school)
    words = record.youth.person
    if_he = words.agree("S'il", "Si elle", "S'il ou elle")
    scholar = words.agree("boursier", "boursière", "boursier ou boursière")
    if record.minor:
        greeting = "Madame, Monsieur,"
        paragraphs = (
            f"{youth} a terminé son année de terminale au {school}{in_class}. {if_he} n'a pas encore "
            f"d'emploi ni de formation pour cette rentrée, le dispositif « {name} » lui permet de garder son "
            f"statut scolaire jusqu'à quatre mois, {start}, et de construire avec la Mission locale un parcours "
            "personnalisé vers l'emploi ou la formation : stages en entreprise, cours au lycée, aide à la recherche "
            "d'emploi. Sa bourse, le cas échéant, est maintenue.",
            f"Nous proposons à {first or youth} un entretien individuel avec un conseiller ou une conseillère de la "
            f"Mission locale, {before}, pour faire le point sur sa situation et ses projets. Vous pouvez "
            "l'accompagner. Cet entretien est gratuit et n'engage à rien.",
            f"Pour convenir d'un rendez-vous, contactez {reach}.",
            f"Si {first or youth} a déjà un emploi, un contrat d'apprentissage ou une formation, merci de nous le "
            "faire savoir : nous ne vous relancerons pas.",
        )
        closing = "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."
    else:
        greeting = f"Bonjour {first}," if first else "Bonjour,"
        paragraphs = (
            f"Vous avez terminé votre année de terminale au {school}{in_class}. Si vous n'avez pas encore "
            f"d'emploi ni de formation pour cette rentrée, le dispositif « {name} » vous permet de garder votre "
            f"statut scolaire jusqu'à quatre mois, {start}, et de construire avec la Mission locale un parcours "
            "personnalisé vers l'emploi ou la formation : stages en entreprise, cours au lycée, aide à la recherche "
            f"d'emploi. Si vous êtes {scholar}, vous gardez votre bourse.",
            "Nous vous proposons un entretien individuel avec un conseiller ou une conseillère de la Mission "
            f"locale, {before}, pour faire le point sur votre situation et vos projets. Cet entretien est gratuit "
            "et ne vous engage à rien.",
            f"Pour convenir d'un rendez-vous, contactez {reach}.",
            "Si vous avez déjà un emploi, un contrat d'apprentissage ou une formation, merci de nous le faire "
            "savoir : nous ne vous relancerons pas.",
        )
        closing = "Avec nos salutations les meilleures,"
    referent = record.referent
    signature = (referent.name, referent.role) if referent.name else (referent.role, school)
    subject = f"{name} : un entretien pour préparer votre rentrée"
    if record.minor:
        subject = f"{name} : un entretien pour préparer la rentrée de {youth}"
    return InformationMessage(subject, greeting, paragraphs, closing, signature)
