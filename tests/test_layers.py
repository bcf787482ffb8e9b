"""The layers of architecture.md: the import-linter contracts of pyproject.toml hold, and each fails when a
forbidden import is added; «no Qt below ui/» also holds in a fresh interpreter (imports actually run)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pae_desktop

PACKAGE = Path(pae_desktop.__file__).parent
LAYERS = ("core", "storage", "io", "documents")
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(source_root: Path) -> subprocess.CompletedProcess:
    """`lint-imports` with the contracts of pyproject.toml, over the package found in `source_root`."""
    if importlib.util.find_spec("importlinter") is None:
        pytest.fail("import-linter is missing: `make test` installs it (pyproject.toml, extra «test»).")
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(source_root), os.environ.get("PYTHONPATH")]))
    )
    env["COLUMNS"] = "400"  # one line per contract in the report
    return subprocess.run(
        [sys.executable, "-c", LINT, str(PYPROJECT), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=source_root,
    )


def test_the_layer_contracts_hold():
    result = lint_imports(PACKAGE.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("io/siecle.py", "from pae_desktop.storage import paths", "documents and io take records"),
        (
            "io/spreadsheet.py",
            "from pae_desktop.core.services import census",
            "documents and io take records",
        ),
        ("documents/bilan.py", "import pae_desktop.core.operations", "documents and io take records"),
        ("ui/import_dialog.py", "from pae_desktop.commands import import_", "ui never imports commands"),
        (
            "core/census.py",
            "from pae_desktop.storage.paths import resource",
            "core never imports ui, commands",
        ),
        ("core/services/census.py", "import pae_desktop.ui.context", "core never imports ui, commands"),
        ("core/stage.py", "from pae_desktop.commands import say", "core never imports ui, commands"),
        ("io/spreadsheet.py", "from PySide6 import QtCore", "no Qt below ui"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    copy = tmp_path / "src" / "pae_desktop"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    if not target.is_file():  # a module split into a package keeps its name as the package
        target = target.with_suffix("") / "__init__.py"
    target.write_text(
        target.read_text(encoding="utf-8") + f"\n\ndef _forbidden():\n    {line}\n", encoding="utf-8"
    )
    result = lint_imports(copy.parent)
    assert result.returncode == 1, result.stdout + result.stderr
    summary = [
        text
        for text in result.stdout.splitlines()
        if text.endswith((" KEPT", " BROKEN")) or " KEPT (" in text or " BROKEN (" in text
    ]
    broken = {text.split(" BROKEN")[0] for text in summary if " BROKEN" in text}
    assert len(summary) == 4 and [name for name in broken if name.startswith(contract)], result.stdout


def test_core_reads_the_files_shipped_with_it_through_its_one_seam():
    """core.resources is the declared seam: the MEF tables are read through it, and storage re-exports it."""
    import grimp

    from pae_desktop.core import resources
    from pae_desktop.storage import paths

    graph = grimp.build_graph("pae_desktop", cache_dir=None)
    assert graph.find_modules_directly_imported_by("pae_desktop.core.resources") == set()
    assert "pae_desktop.core.resources" in graph.find_modules_directly_imported_by("pae_desktop.core.census")
    assert paths.resources_dir is resources.resources_dir and paths.resource is resources.resource


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
