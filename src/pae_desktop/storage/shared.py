"""A shared PostgreSQL database: its URL in the data folder's `config.ini`, and a connection test."""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from pathlib import Path

from pae_desktop.core.errors import UserError
from pae_desktop.storage import paths

DEFAULT_PORT = 5432
CONNECT_TIMEOUT = 5  # seconds: a wrong address must not freeze the settings dialog for long


@dataclass(frozen=True)
class ServerSettings:
    """What the «Base partagée» page edits. An empty user or password: each person's own, asked at start-up (or
    read by libpq from ~/.pgpass, PGPASSWORD); the password serves the connection test only, never config.ini."""

    host: str = ""
    port: int = DEFAULT_PORT
    database: str = "pae"
    user: str = ""
    password: str = ""

    def errors(self) -> list[str]:
        problems = []
        if not self.host.strip():
            problems.append("Indiquez le serveur (nom ou adresse IP).")
        if not 0 < self.port < 65536:
            problems.append("Le port doit être compris entre 1 et 65535.")
        if not self.database.strip():
            problems.append("Indiquez le nom de la base.")
        return problems

    def url(self) -> str:
        from sqlalchemy.engine import URL

        problems = self.errors()
        if problems:
            raise UserError("\n".join(problems))
        return URL.create(
            "postgresql+psycopg",
            username=self.user.strip() or None,  # none: each person's own login, asked at start-up
            password=self.password or None,
            host=self.host.strip(),
            port=self.port,
            database=self.database.strip(),
        ).render_as_string(hide_password=False)


def server_settings(url: str) -> ServerSettings:
    """The fields of a PostgreSQL URL (for the settings page)."""
    from sqlalchemy.engine import make_url

    from pae_desktop.storage.database import normalise_url

    parsed = make_url(normalise_url(url))
    return ServerSettings(
        host=parsed.host or "",
        port=parsed.port or DEFAULT_PORT,
        database=parsed.database or "",
        user=parsed.username or "",
        password=parsed.password or "",
    )


def is_server_url(url: str | None) -> bool:
    return bool(url) and url.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def describe(url: str) -> str:
    """The URL to show a person: never the password."""
    from sqlalchemy.engine import make_url

    if not is_server_url(url):
        from pae_desktop.storage.database import mask_url

        return mask_url(url)
    parsed = make_url(url)
    who = f"{parsed.username}@" if parsed.username else ""
    return f"PostgreSQL {who}{parsed.host}:{parsed.port or DEFAULT_PORT}/{parsed.database}"


@dataclass(frozen=True)
class ConnectionReport:
    server_version: str
    schema: str  # "empty", "current", "older" (upgraded at the next start)

    def message(self) -> str:
        state = {
            "empty": "la base est vide : PAE Desktop y créera ses tables au prochain démarrage.",
            "current": "la base PAE Desktop est à jour.",
            "older": "la base sera mise à jour au prochain démarrage.",
        }[self.schema]
        return f"Connexion réussie ({self.server_version}) : {state}"


def check_connection(url: str) -> ConnectionReport:
    """Connect once and read the schema's version; a French UserError says what went wrong."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    from pae_desktop.storage.database import current_revision, known_revisions, normalise_url

    engine = create_engine(normalise_url(url), connect_args={"connect_timeout": CONNECT_TIMEOUT})
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar() or ""
        revision = current_revision(engine)
    except SQLAlchemyError as error:
        raise UserError(f"Connexion impossible : {_reason(error)}") from error
    finally:
        engine.dispose()
    known = known_revisions()
    if revision == "unknown":
        raise UserError("Cette base contient déjà d'autres tables : choisissez une base vide, réservée à PAE Desktop.")
    if revision is not None and revision not in known:
        raise UserError("Cette base a été créée par une version plus récente de PAE Desktop : mettez ce poste à jour.")
    schema = "empty" if revision is None else "current" if revision == known[-1] else "older"
    return ConnectionReport(f"PostgreSQL {version.split(' ')[0]}", schema)


class LoginRequired(UserError):
    """The server wants a user or a password this workstation does not have (none in the URL, none in .pgpass)."""


def connection_refused(error: Exception) -> UserError:
    """The French refusal of a connection; `LoginRequired` when a login or password would open it."""
    reason = _reason(error)
    kind = LoginRequired if reason in (AUTH_REFUSED, NO_PASSWORD) else UserError
    return kind(f"Connexion impossible : {reason}")


AUTH_REFUSED = "utilisateur ou mot de passe refusé par le serveur."
NO_PASSWORD = "le serveur demande un mot de passe (aucun n'est enregistré sur ce poste)."


def without_password(url: str) -> str:
    """The URL to write in config.ini: never a password (typed at start-up, or in the user's .pgpass)."""
    from sqlalchemy.engine import make_url

    from pae_desktop.storage.database import normalise_url

    if not is_server_url(url):
        return url
    return _rebuilt(make_url(normalise_url(url)), make_url(normalise_url(url)).username, None)


def with_login(url: str, user: str, password: str) -> str:
    """The URL with the user and password typed in the login dialog (kept in memory only)."""
    from sqlalchemy.engine import make_url

    from pae_desktop.storage.database import normalise_url

    return _rebuilt(make_url(normalise_url(url)), user.strip() or None, password or None)


def _rebuilt(parsed, user: str | None, password: str | None) -> str:
    """The URL with this user and password (`URL.set` cannot remove one: it ignores None)."""
    from sqlalchemy.engine import URL

    return URL.create(
        parsed.drivername, user, password, parsed.host, parsed.port, parsed.database, parsed.query
    ).render_as_string(hide_password=False)


def _reason(error: Exception) -> str:
    """The driver's first line, with the most frequent causes said in French."""
    raw = str(getattr(error, "orig", None) or error).strip().splitlines()[0] if str(error).strip() else ""
    lowered = raw.lower()
    if "no password supplied" in lowered:
        return NO_PASSWORD
    if "password authentication failed" in lowered or ("role" in lowered and "does not exist" in lowered):
        return AUTH_REFUSED
    if "permission denied for database" in lowered or "not permitted to log in" in lowered:
        return "ce compte n'a pas accès à la base PAE Desktop (demandez au référent de lui donner un rôle)."
    if "does not exist" in lowered and "database" in lowered:
        return "cette base n'existe pas sur le serveur (demandez à l'administrateur de la créer)."
    if "connection refused" in lowered:
        return "le serveur refuse la connexion (adresse, port, ou PostgreSQL arrêté)."
    if "timeout" in lowered or "timed out" in lowered:
        return "le serveur ne répond pas (adresse, pare-feu)."
    if "could not translate host name" in lowered or "name or service not known" in lowered:
        return "serveur inconnu (vérifiez son nom)."
    return raw or error.__class__.__name__


def write_config_url(data_dir: Path, url: str | None) -> Path:
    """Set (or, with None, remove) `[database] url` of `config.ini`, keeping the file's other settings.

    The URL is written without its password (typed at start-up or read from the user's .pgpass); the file stays
    readable by its owner only.
    """
    return write_config_option(data_dir, "url", without_password(url) if url else None)


def write_config_option(data_dir: Path, option: str, value: str | None) -> Path:
    """Set (or, with None, remove) one option of `[database]` in `config.ini`, keeping the others; the file is
    replaced atomically and stays readable by its owner only."""
    folder = paths.ensure_private_dir(Path(data_dir))
    config_file = folder / paths.CONFIG_FILE
    parser = configparser.ConfigParser(interpolation=None)
    if config_file.is_file():
        parser.read(config_file, encoding="utf-8")
    if value is not None:
        if not parser.has_section("database"):
            parser.add_section("database")
        parser.set("database", option, value)
    elif parser.has_section("database"):
        parser.remove_option("database", option)
        if not parser.items("database"):
            parser.remove_section("database")
    temporary = config_file.with_suffix(".ini.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write("# PAE Desktop : réglages qui ne peuvent pas vivre dans la base (son adresse quand c'est un serveur).\n")
        parser.write(handle)
    paths.make_private(temporary)
    temporary.replace(config_file)
    return config_file


BATCH = 1000


def copy_to_server(source_engine, url: str, progress=None) -> dict[str, int]:
    """Copy every row of this workstation's database into an empty PAE Desktop database on the server.

    The server's database gets its tables when it is empty; one that already holds data is refused, so that
    nothing is ever merged or overwritten. The rows are copied in one transaction: a failure writes none. Returns
    the number of rows copied per table. `progress(done, total, message)` may raise to cancel.
    """
    from sqlalchemy import func, insert, select, text
    from sqlalchemy.exc import SQLAlchemyError

    from pae_desktop.core.models import Base
    from pae_desktop.storage.database import current_revision, head_revision, make_engine, upgrade

    report = check_connection(url)
    if report.schema == "older":
        raise UserError("Ouvrez d'abord la base du serveur avec cette version de PAE Desktop pour la mettre à jour.")
    if current_revision(source_engine) != head_revision():
        raise UserError("La base de ce poste doit d'abord être mise à jour : ouvrez-la avec l'application.")
    target = make_engine(url)
    tables = Base.metadata.sorted_tables
    counts: dict[str, int] = {}
    try:
        if report.schema == "empty":
            upgrade(target)
        with target.begin() as dst, source_engine.connect() as src:
            for table in tables:
                if dst.execute(select(func.count()).select_from(table)).scalar():
                    raise UserError(
                        "La base du serveur contient déjà des dossiers : la copie est réservée à une base neuve "
                        "(rien n'a été modifié)."
                    )
            total = sum(src.execute(select(func.count()).select_from(table)).scalar() or 0 for table in tables)
            done = 0
            for table in tables:
                rows = [dict(row._mapping) for row in src.execute(select(table))]
                for start in range(0, len(rows), BATCH):
                    dst.execute(insert(table), rows[start : start + BATCH])
                    done += len(rows[start : start + BATCH])
                    if progress is not None:
                        progress(done, total, f"Copie vers le serveur : {table.name}…")
                counts[table.name] = len(rows)
                # the server's counters continue after the copied ids
                if rows and "id" in table.c and table.c.id.autoincrement in (True, "auto"):
                    dst.execute(
                        text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :value)"),
                        {"table": table.name, "value": max(row["id"] for row in rows)},
                    )
    except SQLAlchemyError as error:
        raise UserError(f"La copie vers le serveur a échoué, aucun dossier n'y a été écrit : {_reason(error)}") from error
    finally:
        target.dispose()
    return counts
