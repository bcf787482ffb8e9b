"""`pae-desktop check`: the integrity (SQLite's `integrity_check`) and the schema of a database."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pae_desktop.core.errors import UserError
from pae_desktop.storage import diagnosis, encryption, paths


@dataclass
class CheckReport:
    """The integrity and the schema of a database, as `pae-desktop check` prints them."""

    location: str
    integrity: list[str] | None  # None: not a SQLite file (a server checks its own pages)
    revision: str | None
    head: str
    schema_problems: list[str] = field(default_factory=list)
    advice: str = ""  # a file that fails the start-up check: the diagnosis and the way out

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.schema_problems

    def lines(self) -> list[str]:
        out = [f"Base : {self.location}"]
        if self.integrity is None:
            out.append("Intégrité : non vérifiée (base sur serveur)")
        elif self.integrity:
            out.append("Intégrité : ÉCHEC — " + "; ".join(self.integrity[:10]))
        else:
            out.append("Intégrité : correcte")
        if self.schema_problems:
            out.append(
                f"Schéma : ÉCHEC (version {self.revision or 'aucune'}) — " + "; ".join(self.schema_problems)
            )
        else:
            out.append(f"Schéma : à jour (version {self.revision})")
        if self.advice:
            out.append(self.advice)
        return out


def check_database(data_dir: str | os.PathLike | None = None, url: str | None = None) -> CheckReport:
    """`PRAGMA integrity_check`, then the schema: its revision and every table and column of the model."""
    from sqlalchemy import inspect as sa_inspect

    from pae_desktop.core.models import Base
    from pae_desktop.storage.backup import integrity_problems
    from pae_desktop.storage.database import (
        current_revision,
        database_url,
        known_revisions,
        make_engine,
        mask_url,
    )

    folder = paths.resolve_data_dir(data_dir)
    resolved = database_url(folder, url)
    passphrase = None
    integrity: list[str] | None = None
    location = mask_url(resolved)
    if resolved.startswith("sqlite") and "///" in resolved:
        file = Path(resolved.split("///", 1)[1])
        location = str(file)
        if not file.is_file():
            raise UserError(f"Aucune base de données dans {folder}.")
        damage = diagnosis.diagnose(file)
        passphrase = None if damage is not None else encryption.passphrase_for(file)
        if passphrase is not None:
            damage = diagnosis.diagnose(file, passphrase)
        if damage is not None and damage.kind != diagnosis.NEWER:  # a newer schema is the schema's own check
            return CheckReport(
                location,
                [damage.explanation + (f" ({damage.detail})" if damage.detail else "")],
                None,
                known_revisions()[-1],
                ["illisible"],
                advice=damage.message() + diagnosis.backups_hint(folder),
            )
        integrity = integrity_problems(file, passphrase, full=True)
    known = known_revisions()
    report = CheckReport(location, integrity, None, known[-1])
    engine = make_engine(resolved, passphrase)
    try:
        try:
            report.revision = current_revision(engine)
        except Exception as error:
            report.schema_problems.append(f"illisible ({error})")
            return report
        if report.revision is None:
            report.schema_problems.append("base vide, aucune version de schéma")
        elif report.revision == "unknown":
            report.schema_problems.append(
                "des tables mais aucune version de schéma : ce n'est pas une base PAE Desktop"
            )
        elif report.revision not in known:
            report.schema_problems.append(
                "version plus récente que l'application : installez la dernière version"
            )
        elif report.revision != known[-1]:
            report.schema_problems.append(
                f"version {report.revision} antérieure à {known[-1]} : ouvrez la base une fois avec l'application"
            )
        else:
            with engine.connect() as connection:
                inspector = sa_inspect(connection)
                tables = set(inspector.get_table_names())
                for table in Base.metadata.sorted_tables:
                    if table.name not in tables:
                        report.schema_problems.append(f"table manquante : {table.name}")
                        continue
                    present = {c["name"] for c in inspector.get_columns(table.name)}
                    for column in table.columns:
                        if column.name not in present:
                            report.schema_problems.append(f"colonne manquante : {table.name}.{column.name}")
    finally:
        engine.dispose()
    return report
