#!/usr/bin/env bash
# Until the first release, the schema has one migration, 0001: regenerate it from the models after a change.
# After the first release, never use this: add a new numbered migration instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
versions=src/pae_desktop/storage/migrations/versions
rm -f "$versions"/0001_*.py
cat > "$tmp/alembic.ini" <<INI
[alembic]
script_location = $PWD/src/pae_desktop/storage/migrations
sqlalchemy.url = sqlite:///$tmp/gen.db
INI
.venv/bin/alembic -c "$tmp/alembic.ini" revision --autogenerate --rev-id 0001 -m "initial schema" >/dev/null
sed -i "s/sqlite_where='\([^']*\)'/sqlite_where=sa.text('\1')/g; s/postgresql_where='\([^']*\)'/postgresql_where=sa.text('\1')/g" "$versions"/0001_*.py
.venv/bin/ruff format -q "$versions"/0001_*.py || true
rm -rf "$tmp"
echo "Regenerated $(ls "$versions"/0001_*.py)"
