# PAE Desktop — `make run` sets everything up and opens the application; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
QT_LIBS := libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0 \
	libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 \
	libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core
TEST_TOOLS := poppler-utils libreoffice-calc-nogui
APT_PACKAGES := $(QT_LIBS) $(TEST_TOOLS) python3-venv

.PHONY: run test lint setup system-deps demo clean bench bundle install-desktop-entry

run: setup
	$(BIN)/pae-desktop

demo: setup
	$(BIN)/pae-desktop --data-dir demo-data demo || true
	$(BIN)/pae-desktop --data-dir demo-data

LINTED := $(wildcard src tests benchmarks)

test: setup
	$(BIN)/ruff check $(LINTED)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check $(LINTED)

bench: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run.py --json benchmarks/results/latest.json

# The one-folder bundle dist/pae-desktop/ (PyInstaller, installers/pae-desktop.spec).
bundle: setup
	@command -v objdump >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq binutils >/dev/null; }
	$(BIN)/python -m pip install -q -e '.[bundle]'
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
		installers/pae-desktop.spec
	cp installers/pae-desktop.desktop installers/install-desktop-entry.sh dist/pae-desktop/
	@du -sh dist/pae-desktop

# Menu entry and icon of the bundle for the current user (installers/install-desktop-entry.sh).
install-desktop-entry:
	dist/pae-desktop/install-desktop-entry.sh

setup: system-deps $(STAMP)

# Installs the Qt system libraries and test tools when they are missing (Debian/Ubuntu; needs root or sudo).
system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null; then \
		echo "Installation des paquets système manquants : $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
