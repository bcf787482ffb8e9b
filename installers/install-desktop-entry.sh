#!/bin/sh
# Adds PAE Desktop to the applications menu: the .desktop entry and the icon of this bundle.
#   ./install-desktop-entry.sh            for the current user (~/.local/share)
#   sudo ./install-desktop-entry.sh --system   for every user (/usr/local/share, and /usr/local/bin/pae-desktop)
#   ./install-desktop-entry.sh --uninstall [--system]
# Run it from the bundle's folder (dist/pae-desktop/, or wherever the folder was copied); it never touches data.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
program="$here/pae-desktop"
icon="$here/_internal/resources/icons/pae-desktop.png"
entry="$here/pae-desktop.desktop"
scope=user
action=install
for arg in "$@"; do
    case "$arg" in
        --system) scope=system ;;
        --uninstall) action=uninstall ;;
        -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
        *) echo "Option inconnue : $arg" >&2; exit 2 ;;
    esac
done
if [ "$scope" = system ]; then
    share=/usr/local/share
    bin=/usr/local/bin
else
    share=${XDG_DATA_HOME:-$HOME/.local/share}
    bin=
fi
apps="$share/applications"
icons="$share/icons/hicolor/256x256/apps"

if [ "$action" = uninstall ]; then
    rm -f "$apps/pae-desktop.desktop" "$icons/pae-desktop.png"
    if [ -n "$bin" ] && [ -L "$bin/pae-desktop" ]; then rm -f "$bin/pae-desktop"; fi
    echo "Entrée de menu PAE Desktop retirée (les données ne sont pas touchées)."
    exit 0
fi

[ -x "$program" ] || { echo "Programme introuvable : $program (lancez ce script depuis le dossier du bundle)" >&2; exit 1; }
[ -f "$icon" ] || { echo "Icône introuvable : $icon" >&2; exit 1; }
[ -f "$entry" ] || { echo "Entrée de menu introuvable : $entry" >&2; exit 1; }
mkdir -p "$apps" "$icons"
cp "$icon" "$icons/pae-desktop.png"
# The entry of the bundle, pointed at this folder's program (a path with spaces is quoted).
sed -e "s|^Exec=.*|Exec=\"$program\" %F|" -e "s|^TryExec=.*|TryExec=$program|" "$entry" > "$apps/pae-desktop.desktop"
chmod 644 "$apps/pae-desktop.desktop" "$icons/pae-desktop.png"
if [ -n "$bin" ]; then ln -sf "$program" "$bin/pae-desktop"; fi
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "PAE Desktop ajouté au menu des applications : $apps/pae-desktop.desktop"
