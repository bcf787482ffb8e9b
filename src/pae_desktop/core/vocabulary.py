"""The French labels and exchange codes of the PAE domain, defined once for the UI, PDFs and exports."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Vocabulary(StrEnum):
    """A code (stored in the database and written in exports) with its French label.

    The member's value is the code of `specs/foquale-csv-v1.md` where the spec defines one, so a member can
    be written to the FOQUALE CSV as it is.
    """

    label: str

    def __new__(cls, code: str, label: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    def __str__(self) -> str:
        return self.value

    @classmethod
    def from_code(cls, code: str | None) -> Self | None:
        if not code:
            return None
        try:  # the value map directly: `cls(code)` costs 4 times more, and 30 times more for an unknown code
            return cls._value2member_map_.get(code)
        except TypeError:  # unhashable: no member has it
            return None

    @classmethod
    def label_of(cls, code: str | None, default: str = "") -> str:
        member = cls.from_code(code)
        return member.label if member else (code or default)

    @classmethod
    def from_label(cls, label: str) -> Self | None:
        for member in cls:
            if member.label == label:
                return member
        return None

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class Diploma(Vocabulary):
    CAP = "CAP", "CAP"
    BAC_PRO = "BAC_PRO", "Bac pro"
    BMA = "BMA", "BMA"
    DTMS = "DTMS", "DTMS"
    AUTRE = "AUTRE", "Autre"


ELIGIBLE_DIPLOMAS = frozenset({Diploma.CAP, Diploma.BAC_PRO, Diploma.BMA, Diploma.DTMS})


class ExamResult(Vocabulary):
    ADMIS = "ADMIS", "Admis"
    AJOURNE = "AJOURNE", "Ajourné"
    ABSENT = "ABSENT", "Absent"
    EN_ATTENTE = "EN_ATTENTE", "En attente"
    INCONNU = "INCONNU", "Non renseigné"


class Sex(Vocabulary):
    F = "F", "Féminin"
    M = "M", "Masculin"


class InformationKind(Vocabulary):
    INFORMATION_COLLECTIVE = "INFORMATION_COLLECTIVE", "Information collective"
    DEPLIANT = "DEPLIANT", "Dépliant remis"
    COURRIER = "COURRIER", "Courrier"
    REMISE_RESULTATS = "REMISE_RESULTATS", "Remise des résultats"
    SMS = "SMS", "SMS"
    COURRIEL = "COURRIEL", "Courriel"
    MESSAGE_ENT = "MESSAGE_ENT", "Message ENT"


class ContactChannel(Vocabulary):
    TELEPHONE = "TELEPHONE", "Téléphone"
    SMS = "SMS", "SMS"
    COURRIEL = "COURRIEL", "Courriel"
    COURRIER = "COURRIER", "Courrier"
    MESSAGE_ENT = "MESSAGE_ENT", "Message ENT"
    RENCONTRE = "RENCONTRE", "Rencontre"
    VIA_ML = "VIA_ML", "Via la Mission locale"


class ContactResult(Vocabulary):
    JOINT = "JOINT", "Joint"
    MESSAGE_LAISSE = "MESSAGE_LAISSE", "Message laissé"
    PAS_DE_REPONSE = "PAS_DE_REPONSE", "Pas de réponse"
    COORDONNEES_ERRONEES = "COORDONNEES_ERRONEES", "Coordonnées erronées"
    REFUS_ECHANGER = "REFUS_ECHANGER", "Refus d'échanger"


FAILED_CONTACT_RESULTS = frozenset(
    {ContactResult.MESSAGE_LAISSE, ContactResult.PAS_DE_REPONSE, ContactResult.COORDONNEES_ERRONEES}
)


class NextStep(Vocabulary):
    ENTRETIEN_PROPOSE = "ENTRETIEN_PROPOSE", "Entretien proposé"
    A_RELANCER = "A_RELANCER", "À relancer le …"
    REFUSE_ENTRETIEN = "REFUSE_ENTRETIEN", "Refuse l'entretien"
    DEJA_EN_SOLUTION = "DEJA_EN_SOLUTION", "Déjà en solution"


class PartnerType(Vocabulary):
    MISSION_LOCALE = "MISSION_LOCALE", "Mission locale"
    FRANCE_TRAVAIL = "FRANCE_TRAVAIL", "France Travail"
    ENTREPRISE = "ENTREPRISE", "Entreprise"
    CFA = "CFA", "CFA"
    GRETA = "GRETA", "GRETA"
    LYCEE = "LYCEE", "Lycée"
    CIO = "CIO", "CIO"
    MLDS = "MLDS", "MLDS"
    E2C = "E2C", "E2C"
    EPIDE = "EPIDE", "EPIDE"
    ASSOCIATION = "ASSOCIATION", "Association"
    COLLECTIVITE = "COLLECTIVITE", "Collectivité"
    AUTRE = "AUTRE", "Autre"


class Role(Vocabulary):
    """Roles of people taking part in interviews (the codes of spec §3.1)."""

    RDS = "RDS", "Référent décrochage scolaire"
    PP = "PP", "Professeur principal"
    ENSEIGNANT = "ENSEIGNANT", "Enseignant"
    BDE = "BDE", "Responsable du bureau des entreprises (BDE)"
    DDFPT = "DDFPT", "DDFPT"
    CPE = "CPE", "CPE"
    PSYEN = "PSYEN", "Psychologue de l'Éducation nationale"
    AS = "AS", "Assistant(e) de service social"
    CMLDS = "CMLDS", "Coordonnateur MLDS"
    ML = "ML", "Conseiller(ère) Mission locale"
    FT = "FT", "Conseiller(ère) France Travail"
    DIRECTION = "DIRECTION", "Chef d'établissement"
    # A parent or guardian of a minor (not in the directory); FOQUALE has no code for it: `AUTRE` in the export.
    REPRESENTANT = "REPRESENTANT", "Représentant légal"
    AUTRE = "AUTRE", "Autre"


# Roles the FOQUALE file (spec §3.1) does not know, and the code it reports them under.
FOQUALE_ROLE = {Role.REPRESENTANT.value: Role.AUTRE.value}


class PersonRole(Vocabulary):
    """Roles in the directory of people: the interview roles plus those who never sit in an interview."""

    RDS = "RDS", Role.RDS.label
    PP = "PP", Role.PP.label
    ENSEIGNANT = "ENSEIGNANT", Role.ENSEIGNANT.label
    BDE = "BDE", Role.BDE.label
    DDFPT = "DDFPT", Role.DDFPT.label
    CPE = "CPE", Role.CPE.label
    PSYEN = "PSYEN", Role.PSYEN.label
    AS = "AS", Role.AS.label
    CMLDS = "CMLDS", Role.CMLDS.label
    ML = "ML", Role.ML.label
    FT = "FT", Role.FT.label
    DIRECTION = "DIRECTION", Role.DIRECTION.label
    TUTEUR = "TUTEUR", "Tuteur en entreprise"
    SECRETARIAT = "SECRETARIAT", "Secrétariat / vie scolaire"
    AUTRE = "AUTRE", Role.AUTRE.label


class Project(Vocabulary):
    EMPLOI_DIRECT = "EMPLOI_DIRECT", "Emploi direct"
    APPRENTISSAGE = "APPRENTISSAGE", "Apprentissage"
    POURSUITE_FORMATION = "POURSUITE_FORMATION", "Poursuite de formation"
    PROJET_A_CONSTRUIRE = "PROJET_A_CONSTRUIRE", "Projet à construire"


class Barrier(Vocabulary):
    COMPLEMENT_FORMATION = "COMPLEMENT_FORMATION", "Complément de formation"
    IMMERSION_PROFESSIONNELLE = "IMMERSION_PROFESSIONNELLE", "Immersion professionnelle"
    RECHERCHE_EMPLOI = "RECHERCHE_EMPLOI", "Recherche d'emploi (CV, lettre, entretien)"
    MOBILITE = "MOBILITE", "Mobilité / permis"
    LOGEMENT = "LOGEMENT", "Logement"
    RESSOURCES = "RESSOURCES", "Ressources financières"
    GARDE_ENFANTS = "GARDE_ENFANTS", "Garde d'enfants"
    SAVOIRS_BASE = "SAVOIRS_BASE", "Savoirs de base"
    DEMARCHES = "DEMARCHES", "Démarches administratives"
    CONFIANCE = "CONFIANCE", "Confiance en soi"
    SANTE = "SANTE", "Santé"
    AUTRE = "AUTRE", "Autre"


HEALTH_BARRIER_TOOLTIP = "Une simple case à cocher : aucun détail de santé n'est écrit dans le dossier."
FREE_TEXT_REMINDER = "Données minimales : n'écrivez ni détail de santé, ni infraction, ni nationalité dans les zones de texte libre."


class Decision(Vocabulary):
    ENGAGE = "ENGAGE", "S'engage dans le parcours"
    REFUS = "REFUS", "Refuse le parcours"
    REFLEXION = "REFLEXION", "Souhaite réfléchir"
    AUTRE_SOLUTION = "AUTRE_SOLUTION", "Orienté(e) vers une autre solution"
    NON_ELIGIBLE = "NON_ELIGIBLE", "Non éligible"


class CarrierKind(Vocabulary):
    """The three kinds of carrier that make a pathway a partnership pathway (domain §6.6)."""

    ETABLISSEMENT = "ETABLISSEMENT", "Établissement"
    ENTREPRISE = "ENTREPRISE", "Entreprise"
    PARTENAIRE = "PARTENAIRE", "Mission locale ou autre partenaire"


def carrier_kind_of(partner_type: str | None) -> CarrierKind:
    """The carrier kind of a module carried by a partner of this type (None: the school itself)."""
    if partner_type is None or partner_type in (PartnerType.LYCEE, PartnerType.MLDS):
        return CarrierKind.ETABLISSEMENT
    if partner_type == PartnerType.ENTREPRISE:
        return CarrierKind.ENTREPRISE
    return CarrierKind.PARTENAIRE


class ModuleType(Vocabulary):
    IMMERSION_CLASSE = "IMMERSION_CLASSE", "Immersion en classe"
    PFMP = "PFMP", "PFMP / stage en entreprise"
    ACCOMPAGNEMENT_ML = "ACCOMPAGNEMENT_ML", "Accompagnement Mission locale (PACEA)"
    TRE = "TRE", "Ateliers TRE (techniques de recherche d'emploi)"
    COMPLEMENT_FORMATION = "COMPLEMENT_FORMATION", "Complément de formation / certification"
    PMSMP = "PMSMP", "Immersion professionnelle (PMSMP)"
    LEVEE_FREINS = "LEVEE_FREINS", "Levée de freins (mobilité, logement…)"
    PREPA_APPRENTISSAGE = "PREPA_APPRENTISSAGE", "Préparation à l'apprentissage"
    AUTRE = "AUTRE", "Autre"


DEFAULT_CARRIER_KIND = {
    ModuleType.IMMERSION_CLASSE: CarrierKind.ETABLISSEMENT,
    ModuleType.PFMP: CarrierKind.ENTREPRISE,
    ModuleType.ACCOMPAGNEMENT_ML: CarrierKind.PARTENAIRE,
    ModuleType.TRE: CarrierKind.PARTENAIRE,
    ModuleType.COMPLEMENT_FORMATION: CarrierKind.ETABLISSEMENT,
    ModuleType.PMSMP: CarrierKind.ENTREPRISE,
    ModuleType.LEVEE_FREINS: CarrierKind.PARTENAIRE,
    ModuleType.PREPA_APPRENTISSAGE: CarrierKind.PARTENAIRE,
    ModuleType.AUTRE: CarrierKind.PARTENAIRE,
}


class FollowUpKind(Vocabulary):
    POINT_ETAPE = "POINT_ETAPE", "Point d'étape"
    VISITE_ENTREPRISE = "VISITE_ENTREPRISE", "Visite en entreprise"
    APPEL = "APPEL", "Appel"
    ABSENCE = "ABSENCE", "Absence"
    REUNION_PARTENAIRES = "REUNION_PARTENAIRES", "Réunion partenaires"
    ALERTE = "ALERTE", "Alerte"
    RELANCE = "RELANCE", "Relance après réflexion"


class ExitCategory(Vocabulary):
    RETOUR_FORMATION = "RETOUR_FORMATION", "Retour en formation"
    EMPLOI = "EMPLOI", "Emploi"
    ACCOMPAGNEMENT_ML = "ACCOMPAGNEMENT_ML", "Accompagnement Mission locale"
    AUTRE = "AUTRE", "Autre"


class ExitDetail(Vocabulary):
    APPRENTISSAGE = "APPRENTISSAGE", "Apprentissage"
    SCOLAIRE = "SCOLAIRE", "Formation sous statut scolaire"
    NOUVELLE_PREPARATION_EXAMEN = "NOUVELLE_PREPARATION_EXAMEN", "Nouvelle préparation de l'examen"
    FORMATION_CONTINUE = "FORMATION_CONTINUE", "Formation continue"
    E2C_EPIDE = "E2C_EPIDE", "E2C / EPIDE"
    MLDS = "MLDS", "MLDS"
    CDI = "CDI", "CDI"
    CDD_6M_PLUS = "CDD_6M_PLUS", "CDD de 6 mois ou plus"
    CDD_MOINS_6M = "CDD_MOINS_6M", "CDD de moins de 6 mois"
    INTERIM = "INTERIM", "Intérim"
    CONTRAT_AIDE = "CONTRAT_AIDE", "Contrat aidé"
    CREATION = "CREATION", "Création d'activité"
    PACEA = "PACEA", "PACEA"
    CEJ = "CEJ", "Contrat d'engagement jeune (CEJ)"
    AUTRE_ML = "AUTRE_ML", "Autre accompagnement Mission locale"
    SERVICE_CIVIQUE = "SERVICE_CIVIQUE", "Service civique"
    DEMENAGEMENT = "DEMENAGEMENT", "Déménagement"
    SANS_SOLUTION = "SANS_SOLUTION", "Sans solution"
    SITUATION_INCONNUE = "SITUATION_INCONNUE", "Situation inconnue"
    RAISONS_PERSONNELLES = "RAISONS_PERSONNELLES", "Raisons personnelles"
    AUTRE = "AUTRE", "Autre"


EXIT_DETAILS: dict[ExitCategory, tuple[ExitDetail, ...]] = {
    ExitCategory.RETOUR_FORMATION: (
        ExitDetail.APPRENTISSAGE,
        ExitDetail.SCOLAIRE,
        ExitDetail.NOUVELLE_PREPARATION_EXAMEN,
        ExitDetail.FORMATION_CONTINUE,
        ExitDetail.E2C_EPIDE,
        ExitDetail.MLDS,
    ),
    ExitCategory.EMPLOI: (
        ExitDetail.CDI,
        ExitDetail.CDD_6M_PLUS,
        ExitDetail.CDD_MOINS_6M,
        ExitDetail.INTERIM,
        ExitDetail.CONTRAT_AIDE,
        ExitDetail.CREATION,
    ),
    ExitCategory.ACCOMPAGNEMENT_ML: (ExitDetail.PACEA, ExitDetail.CEJ, ExitDetail.AUTRE_ML),
    ExitCategory.AUTRE: (
        ExitDetail.SERVICE_CIVIQUE,
        ExitDetail.DEMENAGEMENT,
        ExitDetail.SANS_SOLUTION,
        ExitDetail.SITUATION_INCONNUE,
        ExitDetail.RAISONS_PERSONNELLES,
        ExitDetail.AUTRE,
    ),
}


class Stage(Vocabulary):
    """The derived stage of a case (domain §4), in the order in which the rules are tried."""

    SORTI = "SORTI", "Sorti(e) du parcours"
    ABANDON = "ABANDON", "Abandon"
    PARCOURS_EN_COURS = "PARCOURS_EN_COURS", "Parcours en cours"
    ENGAGE = "ENGAGE", "Engagé(e)"
    REFUS = "REFUS", "Refus"
    REFLEXION = "REFLEXION", "Réflexion"
    AUTRE_SOLUTION = "AUTRE_SOLUTION", "Autre solution"
    NON_ELIGIBLE = "NON_ELIGIBLE", "Non éligible"
    ENTRETIEN_REALISE = "ENTRETIEN_REALISE", "Entretien réalisé"
    ENTRETIEN_PLANIFIE = "ENTRETIEN_PLANIFIE", "Entretien planifié"
    REFUS_ENTRETIEN = "REFUS_ENTRETIEN", "Refus d'entretien"
    DEJA_EN_SOLUTION = "DEJA_EN_SOLUTION", "Déjà en solution"
    NON_CONCERNE = "NON_CONCERNE", "Non concerné(e)"
    INJOIGNABLE = "INJOIGNABLE", "Injoignable"
    CONTACTE = "CONTACTE", "Contacté(e)"
    INFORME = "INFORME", "Informé(e)"
    REPERE = "REPERE", "Repéré(e)"


STAGE_OF_DECISION = {
    Decision.ENGAGE: Stage.ENGAGE,
    Decision.REFUS: Stage.REFUS,
    Decision.REFLEXION: Stage.REFLEXION,
    Decision.AUTRE_SOLUTION: Stage.AUTRE_SOLUTION,
    Decision.NON_ELIGIBLE: Stage.NON_ELIGIBLE,
}


class ParentLink(Vocabulary):
    """SIECLE's CODE_PARENTE (two characters)."""

    MERE = "10", "Mère"
    PERE = "20", "Père"
    FRATRIE = "37", "Frère ou sœur"
    ASCENDANT = "38", "Ascendant"
    AUTRE_FAMILLE = "39", "Autre membre de la famille"
    EDUCATEUR = "41", "Éducateur"
    ASSISTANT_FAMILIAL = "42", "Assistant familial"
    TUTEUR = "50", "Tuteur"
    ASE = "51", "Aide sociale à l'enfance"
    ELEVE = "70", "Élève lui-même"
    AUTRE = "90", "Autre cas"


class DocumentKind(Vocabulary):
    """The PDFs the application prints (domain §7); the codes are the CLI's `document KIND`."""

    FICHE_ENTRETIEN = "fiche-entretien", "Fiche d'entretien"
    CONVOCATION = "convocation", "Convocation à un entretien"
    PLAN_PARCOURS = "plan-parcours", "Plan de parcours et d'engagement"
    ATTESTATION_INSCRIPTION = "attestation-inscription", "Attestation d'inscription"
    ATTESTATION_FIN_PARCOURS = "attestation-fin-parcours", "Attestation de fin de parcours"
    INSCRIPTION_ADMINISTRATIVE = "inscription-administrative", "Fiche d'inscription administrative"
    NOTICE_RGPD = "notice-rgpd", "Notice d'information (RGPD)"
    DOSSIER = "dossier", "Dossier complet du jeune"
    BILAN = "bilan", "Bilan de campagne"
    COURRIER = "courrier", "Courrier d'information"
    # the interview day (issue 17 §2)
    FICHE_PREPARATION = "fiche-preparation", "Fiche d'entretien pré-remplie"
    AGENDA_ENTRETIENS = "agenda-entretiens", "Agenda des entretiens"
    JOURNEE = "journee", "Journée d'entretiens"
    REGISTRE = "registre", "Fiche du registre des activités de traitement"
    AIPD = "aipd", "Analyse d'impact relative à la protection des données"
    GRILLE_ASSIDUITE = "grille-assiduite", "Grille d'assiduité"


class Phase1EventKind(Vocabulary):
    """Events of phase 1 «AvenirPro» (domain §1)."""

    SALON = "SALON", "Salon professionnel"
    VISITE_ENTREPRISE = "VISITE_ENTREPRISE", "Visite d'entreprise"
    FORUM = "FORUM", "Forum de recrutement"
    JOB_DATING = "JOB_DATING", "Job dating"
    AUTRE = "AUTRE", "Autre événement"


# The minimum of collective workshops phase 1 plans for every terminale student (domain §1).
PHASE1_MIN_WORKSHOPS = 4
PHASE1_MIN_MINUTES = 60
PHASE1_MAX_MINUTES = 120
