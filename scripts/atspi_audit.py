"""Audit of the window through AT-SPI, as a screen reader sees it: named, focusable widgets and table headers per tab.

Run with the system Python that has pyatspi (Debian: python3-pyatspi), on an X display, inside a D-Bus session
with the accessibility bus (the figures feed docs/guide/accessibilite.md):

    Xvfb :44 -screen 0 1366x768x24 &
    DISPLAY=:44 dbus-run-session -- sh -c '/usr/libexec/at-spi-bus-launcher --launch-immediately & sleep 1;
        /usr/bin/python3 scripts/atspi_audit.py --data-dir /tmp/guide-demo'

The application is started with .venv's Python (--python) on that data folder (build it with `pae-desktop
--data-dir DIR demo`), each main tab is selected in turn through AT-SPI, then the application is stopped.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import pyatspi

ROOT = Path(__file__).resolve().parents[1]
INTERACTIVE = {
    pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_CHECK_BOX, pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_COMBO_BOX,
    pyatspi.ROLE_TEXT, pyatspi.ROLE_ENTRY, pyatspi.ROLE_PASSWORD_TEXT, pyatspi.ROLE_SPIN_BUTTON,
    pyatspi.ROLE_TABLE, pyatspi.ROLE_TREE_TABLE, pyatspi.ROLE_LIST, pyatspi.ROLE_TREE, pyatspi.ROLE_TOGGLE_BUTTON,
    pyatspi.ROLE_SLIDER, pyatspi.ROLE_DATE_EDITOR, pyatspi.ROLE_PAGE_TAB, pyatspi.ROLE_LINK,
}  # fmt: skip
BUTTONS = {pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_CHECK_BOX, pyatspi.ROLE_TOGGLE_BUTTON}
TABLES = {pyatspi.ROLE_TABLE, pyatspi.ROLE_TREE_TABLE}


def showing(node, found: list) -> list:
    """`node` and what it shows, depth first."""
    try:
        if not node.getState().contains(pyatspi.STATE_SHOWING):
            return found
    except Exception:  # a widget deleted while walking
        return found
    found.append(node)
    for child in node:
        if child is not None:
            showing(child, found)
    return found


def has_headers(table) -> bool:
    try:
        cells = table.queryTable()
    except NotImplementedError:
        return False
    header = cells.getColumnHeader(0) if cells.nColumns else None
    return cells.nColumns == 0 or bool(cells.getColumnDescription(0) or (header is not None and header.name))


def audit_tab(window, label: str) -> tuple[int, int]:
    """Print one tab's figures; return (interactive widgets, named ones)."""
    items = [node for node in showing(window, []) if node.getRole() in INTERACTIVE]
    unnamed = [node for node in items if not (node.name or "").strip()]
    buttons = [node for node in items if node.getRole() in BUTTONS]
    tables = [node for node in items if node.getRole() in TABLES]
    print(f"{label} : {len(items) - len(unnamed)} nommés sur {len(items)} éléments interactifs ; boutons et cases "
          f"nommés {sum(bool((b.name or '').strip()) for b in buttons)}/{len(buttons)} ; tableaux avec en-têtes "
          f"{sum(has_headers(t) for t in tables)}/{len(tables)}")  # fmt: skip
    for node in unnamed:
        print(
            f"    sans nom : {node.getRoleName()} (dans {node.parent.getRoleName()} « {node.parent.name} »)"
        )
    return len(items), len(items) - len(unnamed)


def application(name: str, seconds: int = 60):
    for _ in range(seconds):
        for app in pyatspi.Registry.getDesktop(0):
            if app is not None and app.name == name and app.childCount:
                return app
        time.sleep(1)
    raise SystemExit(f"« {name} » n'apparaît pas sur le bus d'accessibilité (AT-SPI).")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"))
    args = parser.parse_args()
    env = dict(os.environ, QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", PYTHONPATH=str(ROOT / "src"))
    command = [args.python, "-m", "pae_desktop", "--data-dir", args.data_dir]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        window = application("PAE Desktop")[0]
        time.sleep(3)  # the home lists load after the first paint
        print(f"Fenêtre : {window.name}")
        tabs = [n for n in showing(window, []) if n.getRole() == pyatspi.ROLE_PAGE_TAB]
        total = named = 0
        for tab in [t for t in tabs if t.parent.getRole() == pyatspi.ROLE_PAGE_TAB_LIST]:
            tab.parent.querySelection().selectChild(tab.getIndexInParent())
            time.sleep(2.5)
            counts = audit_tab(window, f"Onglet « {tab.name} »")
            total, named = total + counts[0], named + counts[1]
        print(f"Total : {named} éléments interactifs nommés sur {total}")
    finally:
        process.terminate()
        process.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
