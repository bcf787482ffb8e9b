"""Licences: the third-party notices from the installed distributions, the generator script, «À propos»."""

from __future__ import annotations

import runpy
from pathlib import Path

from pae_desktop.core import notices as notices_module
from pae_desktop.core.notices import licence_of, notices, render_notices, runtime_distributions

ROOT = Path(__file__).resolve().parents[1]


def by_name() -> dict[str, notices_module.Notice]:
    return {notices_module._key(n.name): n for n in notices()}


def test_the_shipped_distributions_are_the_runtime_ones_recursively():
    names = {notices_module._key(d.metadata["Name"]) for d in runtime_distributions()}
    # Direct requirements, a requirement's requirement (openpyxl → et-xmlfile) and an extra asked (psycopg[binary]).
    assert {"pyside6-essentials", "shiboken6", "sqlalchemy", "reportlab", "openpyxl", "et-xmlfile"} <= names
    assert {"psycopg", "psycopg-binary"} <= names
    # Test and build tools are not shipped.
    assert not names & {"pytest", "pytest-qt", "pypdf", "ruff", "import-linter", "pyinstaller", "pae-desktop"}


def test_each_notice_has_its_licence_and_its_text():
    found = by_name()
    assert "LGPL-3.0" in found["pyside6-essentials"].licence
    assert found["sqlalchemy"].licence == "MIT"
    assert "LGPL" in found["psycopg"].licence
    assert found["reportlab"].texts and found["openpyxl"].texts
    # PySide6's wheel carries no licence file: the LGPL-3.0 and GPL-3.0 texts shipped in resources/licenses.
    pyside_texts = "\n".join(text for _name, text in found["pyside6-essentials"].texts)
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in pyside_texts and "GNU GENERAL PUBLIC LICENSE" in pyside_texts
    assert "Permission is hereby granted" in "\n".join(text for _name, text in found["sqlalchemy"].texts)


def test_the_rendered_notices_name_the_application_licence_and_qt_sources():
    text = render_notices(notices(), "9.9")
    assert text.startswith("PAE Desktop 9.9 — logiciels tiers")
    assert "EUPL-1.2" in text and "https://download.qt.io/official_releases/QtForPython/" in text
    assert "- SQLAlchemy " in text and ": MIT" in text
    assert "pytest" not in text.split("Résumé", 1)[1].split("\n\n\n", 1)[0]


def test_the_generator_script_writes_the_notices(tmp_path, capsys):
    script = runpy.run_path(str(ROOT / "scripts" / "third_party_notices.py"))
    target = tmp_path / "THIRD-PARTY-NOTICES.txt"
    assert script["main"]([str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert "PySide6_Essentials" in text or "PySide6-Essentials" in text
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text and "openpyxl" in text
    assert "logiciels tiers" in capsys.readouterr().err


def test_requirements_are_read_without_packaging_too():
    plain = notices_module._plain_requirement
    assert plain("psycopg[binary]<4,>=3.1.18", set()) == ("psycopg", {"binary"})
    assert plain('pytest>=8; extra == "test"', set()) is None
    assert plain('psycopg-binary==3.3.9; implementation_name != "pypy" and extra == "binary"', {"binary"}) == (
        "psycopg-binary",
        set(),
    )


class _Meta(dict):
    def get_all(self, key):
        return self.get(key + "s")


class _Dist:
    def __init__(self, **meta):
        self.metadata = _Meta(meta)


def test_licence_of_reads_expression_then_field_then_classifiers():
    assert licence_of(_Dist(**{"License-Expression": "MIT", "License": "BSD"})) == "MIT"
    assert licence_of(_Dist(License="BSD")) == "BSD"
    long_text = "Copyright\nPermission is hereby granted…"
    classifier = {"Classifiers": ["License :: OSI Approved :: MIT License"]}
    assert licence_of(_Dist(License=long_text, **classifier)) == "MIT License"
    assert "non déclarée" in licence_of(_Dist())


def test_about_names_the_licences_and_opens_the_notices(qtbot, tmp_path, monkeypatch):
    from pae_desktop.ui import about

    shipped = tmp_path / "THIRD-PARTY-NOTICES.txt"
    shipped.write_text("Notices du bundle : PySide6 (LGPL-3.0)", encoding="utf-8")
    real = about.shipped_file
    monkeypatch.setattr(about, "shipped_file", lambda name: shipped if name == shipped.name else real(name))
    dialog = about.AboutDialog(tmp_path / "donnees")
    qtbot.addWidget(dialog)
    assert "EUPL-1.2" in dialog.body.text() and "LGPL" in dialog.body.text()
    assert "download.qt.io" in dialog.body.text() and str(tmp_path / "donnees") in dialog.body.text()
    dialog.licences_button.click()
    licences = dialog.licences
    assert licences is not None and licences.isVisible()
    assert "EUROPEAN UNION PUBLIC LICENCE v. 1.2" in licences.text(0)
    assert licences.text(1) == "Notices du bundle : PySide6 (LGPL-3.0)"


def test_from_source_the_notices_are_computed(monkeypatch):
    from pae_desktop.ui import about

    monkeypatch.setattr(about, "shipped_file", lambda name: None)
    text = about.notices_text()
    assert "SQLAlchemy" in text and "GNU LESSER GENERAL PUBLIC LICENSE" in text
    assert "EUPL-1.2" in about.licence_text()


def test_the_repository_holds_the_official_eupl_text():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.lstrip().startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    assert "15. Applicable Law" in text and "Québec Free and Open-Source Licence" in text
