"""The PySide6 user interface: the only package that imports Qt."""

import sys

import PySide6.QtCore  # noqa: F401 - loads shibokensupport.feature, whose import hook is made cheaper below


def _cheaper_feature_scan() -> None:
    """Once PySide6 is loaded, its import hook asks of every module imported after it whether the source
    contains "PySide6" (PYSIDE-2029), through `inspect.getsource`: tokenising and splitting ~260 files of
    SQLAlchemy and of this application cost ~80 ms before the first paint. The same question asked of the
    file's bytes gives the same answer at a fraction of the cost; anything but a plain `.py` file keeps
    PySide's own check, and a PySide6 without this hook is left alone."""
    feature = sys.modules.get("shibokensupport.feature")
    pyside_check = getattr(feature, "_mod_uses_pyside", None)
    if pyside_check is None or hasattr(pyside_check, "pyside_check"):
        return

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return pyside_check(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return pyside_check(module)

    uses_pyside.pyside_check = pyside_check
    feature._mod_uses_pyside = uses_pyside


_cheaper_feature_scan()
