"""The network's consolidation (spec §5): several schools' FOQUALE files validated, combined, school by school."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from pae_desktop.core import indicators
from pae_desktop.core.errors import UserError
from pae_desktop.core.scheme import default_scheme
from pae_desktop.core.services.reporting import Report, exit_breakdown
from pae_desktop.io.foquale import FoqualeFile, Problem, read_files


class InvalidFiles(UserError):
    """Files refused by the consolidation; `problems` lists every one (file, line, column, message)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems]
        super().__init__(
            f"Consolidation refusée : {len(problems)} problème{'s' if len(problems) > 1 else ''}.\n"
            + "\n".join(lines)
        )


def check_files(files: list[FoqualeFile]) -> list[Problem]:
    """Every problem of the files, then those between files: different campaigns, one UAI twice."""
    problems = [p for f in files for p in f.problems]
    valid = [f for f in files if f.rows]
    campaigns = {f.campagne for f in valid}
    if len(campaigns) > 1:
        listing = ", ".join(f"{f.path} : {f.campagne}" for f in valid)
        for f in valid:
            problems.append(
                Problem(
                    f.path,
                    2,
                    "campagne",
                    f"Les fichiers portent sur des campagnes différentes ({listing}) : consolidez une campagne à la fois.",
                )
            )
    problems.extend(_repeated_youths(valid))
    by_uai: dict[str, list[FoqualeFile]] = {}
    for f in valid:
        by_uai.setdefault(f.uai, []).append(f)
    for uai, same in by_uai.items():
        if len(same) > 1:
            others = ", ".join(f.path for f in same)
            for f in same:
                problems.append(
                    Problem(
                        f.path,
                        2,
                        "uai",
                        f"Plusieurs fichiers pour l'établissement {uai} ({others}) : gardez-en un.",
                    )
                )
    return problems


def _repeated_youths(files: list[FoqualeFile]) -> list[Problem]:
    """A youth (`id_jeune`) of one school found again in another file of that school: counted once only."""
    problems = []
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for f in files:
        own = set()
        for line, row in zip(f.lines, f.rows, strict=False):
            key = (row.get("uai", ""), row.get("id_jeune", ""))
            if not key[1] or key[1] in own:
                continue  # a repetition within the file is the reader's own problem
            own.add(key[1])
            if key in seen and seen[key][0] != f.path:
                where, first = seen[key]
                problems.append(
                    Problem(
                        f.path,
                        line,
                        "id_jeune",
                        f"Le jeune « {key[1]} » figure déjà dans {where}, ligne {first} : chaque jeune ne compte "
                        "qu'une fois.",
                    )
                )
            else:
                seen.setdefault(key, (f.path, line))
    return problems


def consolidate(paths: Iterable[str | Path], deadline: dt.date | None = None) -> Report:
    """The network report of the files; any problem refuses the whole (InvalidFiles lists them all)."""
    paths = list(paths)
    if not paths:
        raise UserError("Choisissez au moins un fichier FOQUALE à consolider.")
    files = read_files(paths)
    problems = check_files(files)
    if problems:
        raise InvalidFiles(problems)
    return consolidate_files(files, deadline)


def consolidate_files(files: list[FoqualeFile], deadline: dt.date | None = None) -> Report:
    rows = [row for f in files for row in f.rows]
    per_school, per_school_counts = {}, {}
    for f in files:
        per_school[f.uai], per_school_counts[f.uai] = indicators.compute_with_counts(f.rows, deadline)
    values, counts = indicators.compute_with_counts(rows, deadline)
    campagne = int(files[0].campagne)
    schemes = sorted({row.get("dispositif", "") for row in rows} - {""})
    return Report(
        title=f"Consolidation du réseau FOQUALE — campagne {campagne}",
        campagne=campagne,
        etablissements=sorted(per_school),
        indicators=values,
        counts=counts,
        exits=exit_breakdown(rows),
        # The files name their scheme (version 1.1) but not its phase 1: the one of the campaign's year.
        scheme_name=" / ".join(schemes),
        phase1_name=default_scheme(campagne).phase1_name,
        per_school=per_school,
        per_school_counts=per_school_counts,
        deadline=deadline,
        files=[f.path for f in files],
    )
