"""What a document knows besides its record: the school of its header, its options (scheme, contact of the data
protection officer, date of edition) and the GDPR mentions they make."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from reportlab.platypus import Flowable

from pae_desktop.core.scheme import Scheme, scheme_of
from pae_desktop.documents.blocks import notice_box


@dataclass(frozen=True)
class SchoolInfo:
    """What the header needs of the school, detached from the session (safe to hand to a background task)."""

    name: str = "Établissement non paramétré"
    uai: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    head_name: str = ""
    head_title: str = "Chef d'établissement"
    logo: bytes | None = None

    @classmethod
    def of(cls, school: Any) -> SchoolInfo:
        """From a `models.School` (or anything with the same attributes); `None` gives a placeholder."""
        if school is None:
            return cls()
        if isinstance(school, SchoolInfo):
            return school
        return cls(
            name=school.name or cls.name,
            uai=school.uai or "",
            address=school.address or "",
            postal_code=school.postal_code or "",
            city=school.city or "",
            phone=school.phone or "",
            email=school.email or "",
            head_name=school.head_name or "",
            head_title=school.head_title or "Chef d'établissement",
            logo=school.logo,
        )

    @property
    def town_line(self) -> str:
        return " ".join(p for p in (self.postal_code.strip(), self.city.strip()) if p)


@dataclass(frozen=True)
class DocumentOptions:
    """Settings every document shares. `scheme` is the scheme of the document's campaign: a document of a
    youth always takes their campaign's (`for_campaign`), so that a 2025 certificate printed again in 2027
    still names the 2025 scheme and codes."""

    scheme: Scheme | None = None
    dpo_contact: str = ""
    printed_on: dt.date | None = None  # «Édité le …» in the footer; today by default
    gdpr_footer: bool = True
    # A batch in one PDF printed two-sided: each document starts on a recto (a blank verso slipped in before it
    # where needed) when one of them takes more than one page (see `page.build_pdf_parts`). Off: no blank page.
    two_sided: bool = True

    def for_campaign(self, campaign: Any) -> DocumentOptions:
        """The same options with the scheme of `campaign` (a model, or anything `scheme_of` reads)."""
        return replace(self, scheme=scheme_of(campaign))

    def with_scheme(self, scheme: Scheme) -> DocumentOptions:
        return self if scheme == self.scheme else replace(self, scheme=scheme)

    @property
    def scheme_name(self) -> str:
        return self.scheme.name if self.scheme is not None else ""

    @property
    def scheme_words(self) -> str:
        """«dispositif « AvenirPro+ »»: reads right after «le» or «du» whatever the name a campaign was given (no
        line break inside the quotes)."""
        return f"dispositif «\u00a0{self.scheme_name}\u00a0»" if self.scheme_name else "dispositif"


def gdpr_mention(school: SchoolInfo, options: DocumentOptions) -> str:
    """The short GDPR mention printed in every footer (plain text)."""
    return (
        f"Données personnelles traitées par {school.name} (responsable de traitement\u00a0: le chef "
        f"d'établissement) pour le suivi du {options.scheme_words}, mission d'intérêt public. Vous pouvez y "
        f"accéder, les faire rectifier ou limiter leur usage {_contact(options)}."
    )


def _contact(options: DocumentOptions) -> str:
    return exercise_contact(options)


# --- the GDPR wording every document shares: one list of recipients, one way to name the DPO ----------------

# (short form for a document's box, full form for the notice, the register entry and the AIPD)
RECIPIENTS: tuple[tuple[str, str], ...] = (
    (
        "l'équipe de l'établissement",
        "Les personnels habilités de l'établissement (direction, CPE, psychologue de l'Éducation nationale, "
        "professeurs référents), chacun pour ce qui relève de sa mission.",
    ),
    (
        "la Mission locale et les partenaires du parcours, pour ce qui les concerne",
        "La Mission locale et les partenaires du parcours (organismes de formation, entreprises d'accueil), "
        "pour ce qui les concerne.",
    ),
    (
        "l'académie et le réseau FOQUALE, en données pseudonymisées uniquement",
        "Les services académiques et le réseau FOQUALE : des données pseudonymisées uniquement (sans nom, "
        "ni INE, ni coordonnées).",
    ),
    (
        "la plateforme de suivi et d'appui aux décrocheurs (PSAD) pour un jeune resté sans solution",
        "La plateforme de suivi et d'appui aux décrocheurs (PSAD), pour un jeune resté sans solution à la "
        "fin de son parcours.",
    ),
)
NO_OTHER_RECIPIENT = (
    "Les données ne sont communiquées à aucun autre destinataire, ne sont pas transférées hors de l'Union "
    "européenne et ne font l'objet d'aucune décision automatisée."
)


def recipients() -> list[str]:
    """The recipients, in full, the same on every document that lists them."""
    return [full for _short, full in RECIPIENTS]


def recipients_sentence() -> str:
    """The recipients in one sentence, for the box at a document's end."""
    shorts = [short for short, _full in RECIPIENTS]
    return "Destinataires\u00a0: " + ", ".join(shorts[:-1]) + " et " + shorts[-1] + "."


def dpo_line(options: DocumentOptions) -> str:
    """The DPO as a table's value: the setting's contact, else where to ask for it."""
    contact = options.dpo_contact.strip()
    if contact:
        return f"Délégué à la protection des données de l'académie\u00a0: {contact}"
    return (
        "Délégué à la protection des données de l'académie\u00a0: coordonnées disponibles auprès du "
        "secrétariat de l'établissement"
    )


def exercise_contact(options: DocumentOptions) -> str:
    """«auprès de …»: where the rights are exercised (the DPO when a contact is set, else the school's office)."""
    contact = options.dpo_contact.strip()
    if contact:
        return f"auprès du délégué à la protection des données de l'académie ({contact})"
    return "auprès du secrétariat de l'établissement"


def gdpr_block(school: Any, options: DocumentOptions | None = None, *, minor: bool = False) -> Flowable:
    """The full GDPR information paragraph for a document's end (controller, purpose, basis, rights, retention)."""
    info = SchoolInfo.of(school)
    options = options or DocumentOptions()
    who = "Vous et vos représentants légaux disposez" if minor else "Vous disposez"
    text = (
        f"Les informations de ce document sont traitées par {info.name}, sous la responsabilité du chef "
        f"d'établissement, pour organiser et suivre le {options.scheme_words}. Base légale\u00a0: mission d'intérêt "
        "public de l'Éducation nationale. "
        f"{recipients_sentence()} Conservation\u00a0: jusqu'au 31 août qui suit "
        "la fin du parcours, puis anonymisation. "
        f"{who} d'un droit d'accès, de rectification, de limitation et d'opposition, à exercer "
        f"{_contact(options)}\u00a0; vous pouvez aussi saisir la CNIL (www.cnil.fr)."
    )
    return notice_box(text, title="Protection de vos données personnelles")
