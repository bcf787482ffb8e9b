"""Alembic environment: runs on the connection handed over by `storage.database.upgrade`."""

from alembic import context
from sqlalchemy import create_engine

from pae_desktop.core.models import Base, declare_postgresql_options

declare_postgresql_options()  # the migrations are written and checked for both databases
config = context.config
target_metadata = Base.metadata


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:  # `alembic revision --autogenerate` from a developer's shell
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        run(conn)
