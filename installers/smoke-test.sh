#!/usr/bin/env bash
# Smoke test of a built bundle (dist/pae-desktop by default): the program itself, not the source tree.
#
#   installers/smoke-test.sh [BUNDLE_DIR]
#
# The licences (LICENSE, THIRD-PARTY-NOTICES.txt) and Qt's dialogs in French, --version, a demonstration school in a temporary folder, `report --format json`, the window opening offscreen,
# the portable mode, the menu entry; with PAE_TEST_DATABASE_URL (a PostgreSQL server), the same demo and report
# on a new database of that server (the bundle carries the psycopg driver). Exits non-zero on the first failure.
set -euo pipefail
bundle=$(cd "${1:-dist/pae-desktop}" && pwd)
program="$bundle/pae-desktop"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset PAE_DESKTOP_DATA_DIR
export QT_QPA_PLATFORM=offscreen
fail() { echo "ÉCHEC du test du bundle : $*" >&2; exit 1; }
step() { echo "-- $*" >&2; }

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

[ -x "$program" ] || fail "programme absent : $program"
step "taille du bundle : $(du -sh "$bundle" | cut -f1)"

step "licences livrées : LICENSE et THIRD-PARTY-NOTICES.txt"
[ -f "$bundle/LICENSE" ] && grep -q "EUROPEAN UNION PUBLIC LICENCE v. 1.2" "$bundle/LICENSE" || fail "LICENSE absent du bundle"
notices="$bundle/THIRD-PARTY-NOTICES.txt"
[ -f "$notices" ] || fail "THIRD-PARTY-NOTICES.txt absent du bundle"
for name in PySide6 SQLAlchemy reportlab openpyxl psycopg "GNU LESSER GENERAL PUBLIC LICENSE"; do
    grep -q "$name" "$notices" || fail "THIRD-PARTY-NOTICES.txt ne mentionne pas $name"
done

step "dialogues de Qt en français (traductions qtbase_fr livrées)"
french=$(PAE_DESKTOP_CHECK_FRENCH=1 "$program" --data-dir "$work/data") || fail "Qt n'est pas en français : $french"
grep -q "^annuler : Annuler$" <<<"$french" || fail "bouton « Annuler » attendu : $french"
grep -q "Voir dans" <<<"$french" || fail "dialogue de fichiers en anglais : $french"

step "--version"
start=$(now)
version=$("$program" --version)
step "  $version ($(elapsed "$start" "$(now)") s)"
[[ "$version" =~ ^pae-desktop\ [0-9]+\.[0-9]+ ]] || fail "--version a affiché « $version »"

step "demo dans un dossier temporaire"
"$program" --data-dir "$work/data" demo --students 40 --seed 3 || fail "demo"
[ -f "$work/data/pae-desktop.db" ] || fail "demo n'a pas créé la base"

step "report --format json"
"$program" --data-dir "$work/data" report --format json >"$work/report.json" || fail "report"
python3 - "$work/report.json" <<'EOF' || fail "rapport JSON inattendu"
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
assert report["indicateurs"]["effectif"] == 40, report["indicateurs"]
assert report["campagne"] >= 2020
EOF

step "check"
"$program" --data-dir "$work/data" check >/dev/null || fail "check"

[ -f "$bundle/_internal/docs/guide/index.md" ] || fail "guide d'utilisation absent du bundle (docs/guide)"

step "fenêtre (offscreen) : ouverture puis fermeture"
start=$(now)
PAE_DESKTOP_EXIT_AFTER_SHOW=1 timeout 120 "$program" --data-dir "$work/data" || fail "la fenêtre ne s'est pas ouverte"
step "  fenêtre affichée et refermée en $(elapsed "$start" "$(now)") s"
grep -q "ERROR" "$work/data/logs/pae-desktop.log" 2>/dev/null && fail "erreur dans le journal : $(grep ERROR "$work/data/logs/pae-desktop.log" | head -3)"

step "fichier donné sans commande (entrée de menu, %F) : un fichier absent est signalé, code 1"
set +e
missing=$("$program" --data-dir "$work/data" "$work/absent/export.zip" 2>&1); status=$?
set -e
[ "$status" = 1 ] && grep -q "fichier introuvable" <<<"$missing" || fail "fichier absent : code $status, « $missing »"

step "mode portable"
cp -a "$bundle" "$work/portable"
touch "$work/portable/portable"
HOME="$work/home" XDG_DATA_HOME="$work/home/share" "$work/portable/pae-desktop" demo --students 5 >/dev/null 2>&1 \
    || fail "demo en mode portable"
[ -f "$work/portable/data/pae-desktop.db" ] || fail "le mode portable n'a pas écrit dans data/"
[ ! -e "$work/home/share/pae-desktop" ] || fail "le mode portable a écrit dans le dossier de l'utilisateur"
PAE_DESKTOP_EXIT_AFTER_SHOW=1 HOME="$work/home" timeout 120 "$work/portable/pae-desktop" || fail "fenêtre en mode portable"

step "entrée de menu"
XDG_DATA_HOME="$work/share" "$bundle/install-desktop-entry.sh" >/dev/null || fail "install-desktop-entry.sh"
grep -q "^Exec=\"$program\"" "$work/share/applications/pae-desktop.desktop" || fail "entrée de menu"
[ -f "$work/share/icons/hicolor/256x256/apps/pae-desktop.png" ] || fail "icône non installée"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$work/share/applications/pae-desktop.desktop" || fail "entrée de menu invalide"
fi

if [ -n "${PAE_TEST_DATABASE_URL:-}" ]; then
    step "PostgreSQL : demo et report sur une base neuve du serveur"
    command -v psql >/dev/null || fail "psql introuvable (paquet postgresql-client)"
    name="pae_smoke_$$"
    psql -q -v ON_ERROR_STOP=1 "$PAE_TEST_DATABASE_URL" -c "CREATE DATABASE $name" >/dev/null \
        || fail "impossible de créer une base sur $PAE_TEST_DATABASE_URL"
    db_url="${PAE_TEST_DATABASE_URL%/*}/$name"
    [ -n "$db_url" ] || fail "impossible de créer une base sur $PAE_TEST_DATABASE_URL"
    "$program" --data-dir "$work/poste" --database-url "$db_url" demo --students 20 || fail "demo sur PostgreSQL"
    "$program" --data-dir "$work/poste" --database-url "$db_url" report --format json >"$work/pg.json" \
        || fail "report sur PostgreSQL"
    python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["indicateurs"]["effectif"] == 20' "$work/pg.json" \
        || fail "rapport PostgreSQL inattendu"
    [ ! -e "$work/poste/pae-desktop.db" ] || fail "une base SQLite a été créée malgré --database-url"
    psql -q "$PAE_TEST_DATABASE_URL" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null || true
fi
echo "Bundle vérifié : $bundle" >&2
