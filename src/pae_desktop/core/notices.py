"""The third-party notices: every distribution the program ships, its licence and the text of its licence files.

Read from the installed distributions' metadata (`importlib.metadata`), starting from the runtime requirements of
`pae-desktop` and following theirs (the extras asked for, the markers of this platform), never the test or build
tools. `scripts/third_party_notices.py` writes them to `THIRD-PARTY-NOTICES.txt` when the bundle is built; «À
propos» shows that file, or these same notices computed from the installed distributions when run from source.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pae_desktop.core.resources import resource

APPLICATION = "pae-desktop"
APPLICATION_LICENCE = "EUPL-1.2"
NOTICES_FILE = "THIRD-PARTY-NOTICES.txt"
LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE)[^/]*$", re.IGNORECASE)
CODE_SUFFIXES = (".py", ".pyc", ".pyi", ".so", ".pyd", ".dll")
# Licence texts shipped with the program for the distributions that carry none (PySide6 and shiboken6 wheels).
FALLBACK_TEXTS = {"LGPL-3.0": ("LGPL-3.0.txt", "GPL-3.0.txt"), "GPL-3.0": ("GPL-3.0.txt",)}
QT_SOURCES = (
    "Qt et PySide6 (Qt for Python) sont utilisés sous la licence GNU LGPL version 3 : ils sont livrés comme "
    "bibliothèques partagées distinctes (dossier _internal/PySide6 du programme), que vous pouvez remplacer par "
    "une version modifiée. Leurs sources : https://download.qt.io/official_releases/QtForPython/ (PySide6, "
    "shiboken6) et https://download.qt.io/official_releases/qt/ (Qt), ou le dépôt "
    "https://code.qt.io/cgit/pyside/pyside-setup.git/."
)


@dataclass(frozen=True)
class Notice:
    """One shipped distribution: its name, version, licence and the texts of its licence files."""

    name: str
    version: str
    licence: str
    homepage: str = ""
    texts: tuple[tuple[str, str], ...] = field(default=())  # (file name, text)


def _requirements(dist: metadata.Distribution, extras: set[str]) -> list[tuple[str, set[str]]]:
    """The distributions `dist` needs at run time on this platform: (name, extras asked) pairs."""
    try:
        from packaging.requirements import Requirement
    except ImportError:  # installed without `packaging` (not a requirement of the program): the plain reading
        return [_plain_requirement(line, extras) for line in dist.requires or [] if _plain_requirement(line, extras)]
    needed = []
    for line in dist.requires or []:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker is not None and not any(marker.evaluate({"extra": extra}) for extra in (extras or {""})):
            continue
        needed.append((requirement.name, set(requirement.extras)))
    return needed


def _plain_requirement(line: str, extras: set[str]) -> tuple[str, set[str]] | None:
    """`name[extra,…] …; marker` without `packaging`: kept unless its marker asks for an extra not asked."""
    match = re.match(r"\s*([A-Za-z0-9._-]+)\s*(?:\[([^\]]*)\])?", line)
    marker = line.partition(";")[2]
    wanted = re.findall(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
    if match is None or (wanted and not set(wanted) & extras):
        return None
    return match.group(1), {e.strip() for e in (match.group(2) or "").split(",") if e.strip()}


def runtime_distributions(root: str = APPLICATION) -> list[metadata.Distribution]:
    """The installed distributions `root` needs at run time, recursively, sorted by name (without `root`)."""
    seen: dict[str, metadata.Distribution] = {}
    extras_of: dict[str, set[str]] = {}
    pending = [(root, set())]
    while pending:
        name, extras = pending.pop()
        key = _key(name)
        if key in seen and extras <= extras_of[key]:
            continue
        try:
            dist = seen.get(key) or metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement of another platform, or not installed: not shipped either
        seen[key] = dist
        extras_of[key] = extras_of.get(key, set()) | extras
        pending.extend(_requirements(dist, extras_of[key]))
    seen.pop(_key(root), None)
    return sorted(seen.values(), key=lambda d: _key(d.metadata["Name"]))


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def licence_of(dist: metadata.Distribution) -> str:
    """The licence as the distribution declares it: its SPDX expression, else its «License» field when short,
    else its «License ::» classifiers."""
    meta = dist.metadata
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression
    declared = (meta.get("License") or "").strip()
    if declared and "\n" not in declared and len(declared) <= 120:
        return declared
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return ", ".join(classifiers) or "non déclarée dans ses métadonnées (voir le texte ci-dessous)"


def licence_texts(dist: metadata.Distribution) -> tuple[tuple[str, str], ...]:
    """The texts of the distribution's licence files (under `licenses/` of its metadata, or named *LICENSE*,
    *COPYING*, *NOTICE*: reportlab's fonts carry their own); for a distribution that carries none, the text of its declared licence shipped with the
    program (resources/licenses)."""
    texts = []
    for entry in dist.files or []:
        if entry.name.endswith(CODE_SUFFIXES):
            continue
        if "licenses" in entry.parts[:-1] or LICENCE_FILE.search(entry.name):
            try:
                texts.append((str(entry), dist.locate_file(entry).read_text(encoding="utf-8", errors="replace")))
            except OSError:
                continue
    if not texts:
        licence = licence_of(dist)
        for spdx, files in FALLBACK_TEXTS.items():
            if spdx in licence:
                texts = [(name, resource("licenses", name).read_text(encoding="utf-8")) for name in files]
                break
    return tuple(texts)


def _homepage(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    if meta.get("Home-page"):
        return meta["Home-page"]
    for url in meta.get_all("Project-URL") or []:
        label, _, address = url.partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository"):
            return address.strip()
    return ""


def notices(root: str = APPLICATION) -> list[Notice]:
    """The notice of every distribution `root` ships, and of Python itself when its licence file is found."""
    found = [
        Notice(d.metadata["Name"], d.version, licence_of(d), _homepage(d), licence_texts(d))
        for d in runtime_distributions(root)
    ]
    python = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (python / "LICENSE.txt", Path(sys.base_prefix) / "LICENSE.txt"):
        if candidate.is_file():
            text = candidate.read_text(encoding="utf-8", errors="replace")
            found.append(Notice("Python", sys.version.split()[0], "PSF-2.0", "https://www.python.org", (("LICENSE.txt", text),)))
            break
    fonts = resource("fonts", "LICENSE-DejaVu.txt")
    if fonts.is_file():
        found.append(Notice("Polices DejaVu", "", "Bitstream Vera / domaine public", "https://dejavu-fonts.github.io",
                            (("LICENSE-DejaVu.txt", fonts.read_text(encoding="utf-8", errors="replace")),)))
    return found


def render_notices(items: list[Notice], version: str) -> str:
    """The text of THIRD-PARTY-NOTICES.txt: a summary, where to get Qt's sources, then every licence text."""
    rule = "=" * 78
    lines = [
        f"PAE Desktop {version} — logiciels tiers et leurs licences",
        rule,
        "",
        f"PAE Desktop est distribué sous la licence publique de l'Union européenne ({APPLICATION_LICENCE}), dont "
        "le texte est dans le fichier LICENSE. Il inclut les logiciels suivants, chacun sous sa propre licence, "
        "dont le texte suit.",
        "",
        QT_SOURCES,
        "",
        "Résumé",
        "------",
    ]
    lines += [f"- {n.name} {n.version}".rstrip() + f" : {n.licence}" for n in items]
    for notice in items:
        lines += ["", "", rule, f"{notice.name} {notice.version}".rstrip(), f"Licence : {notice.licence}"]
        if notice.homepage:
            lines.append(f"Site : {notice.homepage}")
        lines.append(rule)
        for name, text in notice.texts:
            lines += ["", f"--- {name} ---", "", text.rstrip()]
    return "\n".join(lines) + "\n"
