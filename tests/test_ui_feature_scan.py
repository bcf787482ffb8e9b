"""PySide6's import hook, made cheaper by `pae_desktop.ui`, still gives PySide's own answers."""

import importlib
import sys
import types

import pae_desktop.ui  # noqa: F401 - installs the cheaper scan


def scans():
    feature = sys.modules["shibokensupport.feature"]
    return feature._mod_uses_pyside


def test_the_cheaper_scan_is_installed_once():
    check = scans()
    assert hasattr(check, "pyside_check")
    pae_desktop.ui._cheaper_feature_scan()
    assert scans() is check


def test_it_answers_as_pyside_does_for_source_files():
    pyside_check = scans().pyside_check
    assert not hasattr(pyside_check, "pyside_check")
    for name in ("pae_desktop.ui.app", "pae_desktop.core.worklist", "pae_desktop.storage.database", "csv"):
        module = importlib.import_module(name)
        assert scans()(module) == pyside_check(module), name
    assert scans()(importlib.import_module("pae_desktop.ui.app")) is True
    assert scans()(importlib.import_module("pae_desktop.core.worklist")) is False


def test_modules_without_a_source_file_keep_pysides_check(tmp_path):
    assert scans()(sys) is False
    missing = types.ModuleType("gone")
    missing.__file__ = str(tmp_path / "gone.py")
    assert scans()(missing) is False
