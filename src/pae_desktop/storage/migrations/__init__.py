"""Alembic migrations of the PAE Desktop schema, one numbered file per released change."""
