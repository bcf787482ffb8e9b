"""Modules proposed from the interview's barriers and project: the mapping is data, read by the builder."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pae_desktop.core.vocabulary import Barrier, ModuleType, Project

# A barrier («frein») recorded at the interview → the module types that address it. «Santé» proposes nothing
# (a tick, no detail: the referent decides), nor does «Autre».
BARRIER_PROPOSALS: dict[Barrier, tuple[ModuleType, ...]] = {
    Barrier.COMPLEMENT_FORMATION: (ModuleType.COMPLEMENT_FORMATION,),
    Barrier.IMMERSION_PROFESSIONNELLE: (ModuleType.PFMP,),
    Barrier.RECHERCHE_EMPLOI: (ModuleType.TRE,),
    Barrier.MOBILITE: (ModuleType.LEVEE_FREINS,),
    Barrier.LOGEMENT: (ModuleType.LEVEE_FREINS,),
    Barrier.RESSOURCES: (ModuleType.ACCOMPAGNEMENT_ML,),
    Barrier.GARDE_ENFANTS: (ModuleType.LEVEE_FREINS,),
    Barrier.SAVOIRS_BASE: (ModuleType.IMMERSION_CLASSE,),
    Barrier.DEMARCHES: (ModuleType.ACCOMPAGNEMENT_ML,),
    Barrier.CONFIANCE: (ModuleType.ACCOMPAGNEMENT_ML,),
    Barrier.SANTE: (),
    Barrier.AUTRE: (),
}

# The project recorded at the interview → the module types that prepare it.
PROJECT_PROPOSALS: dict[Project, tuple[ModuleType, ...]] = {
    Project.EMPLOI_DIRECT: (ModuleType.TRE, ModuleType.PFMP),
    Project.APPRENTISSAGE: (ModuleType.PREPA_APPRENTISSAGE,),
    Project.POURSUITE_FORMATION: (ModuleType.IMMERSION_CLASSE,),
    Project.PROJET_A_CONSTRUIRE: (ModuleType.PMSMP, ModuleType.ACCOMPAGNEMENT_ML),
}


@dataclass(frozen=True, slots=True)
class Proposal:
    """A module type proposed to the referent, with why (the barriers and project it answers), in French."""

    module_type: ModuleType
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.module_type.label

    @property
    def explanation(self) -> str:
        return "Proposé pour : " + ", ".join(self.reasons)


def propose(
    barriers: Iterable[str],
    project: str | None,
    *,
    already: Iterable[str] = (),
    dismissed: Iterable[str] = (),
) -> list[Proposal]:
    """The modules the interview suggests, one per type, minus those `already` in the pathway or `dismissed`.

    Order: the project's proposals first, then the barriers' in the order of the vocabulary.
    """
    reasons: dict[ModuleType, list[str]] = {}
    member = Project.from_code(project)
    if member is not None:
        for module_type in PROJECT_PROPOSALS[member]:
            reasons.setdefault(module_type, []).append(f"projet « {member.label} »")
    recorded = {Barrier.from_code(code) for code in barriers} - {None}
    for barrier in Barrier:
        if barrier in recorded:
            for module_type in BARRIER_PROPOSALS[barrier]:
                reasons.setdefault(module_type, []).append(f"frein « {barrier.label} »")
    skip = set(already) | set(dismissed)
    return [Proposal(t, tuple(why)) for t, why in reasons.items() if t.value not in skip]
