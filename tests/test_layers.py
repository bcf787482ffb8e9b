"""The rule «no Qt below ui/»: every module of core/, storage/, io/, documents/ imports without PySide6."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pae_desktop

PACKAGE = Path(pae_desktop.__file__).parent
LAYERS = ("core", "storage", "io", "documents")


def modules_of(layer: str) -> list[str]:
    names = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def test_no_qt_below_ui():
    modules = [name for layer in LAYERS for name in modules_of(layer)]
    assert len(modules) > 10
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"Qt imported below ui/: {result.stdout}{result.stderr}"


def test_command_line_without_window_does_not_import_qt(tmp_path):
    script = (
        "import sys\n"
        "from pae_desktop.cli import main\n"
        f"code = main(['--data-dir', {str(tmp_path)!r}, 'demo', '--students', '5'])\n"
        "sys.exit(3 if 'PySide6' in sys.modules else code)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
