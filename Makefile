# Two commands set everything up on a fresh machine with Python 3.11.5+:
#   make report   - create .venv, install requirements.lock and the project, run the main job
#   make test     - same environment, run linters and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every package at one version with its hashes, for every Python from 3.11.5 (soupsieve's floor)
# on every platform; `make lock` writes it from pyproject.toml (dev extra included).
LOCK := requirements.lock
UV_VERSION := 0.13.10
LOCK_OPTIONS := --extra dev --universal --python-version 3.11.5 --generate-hashes \
	--custom-compile-command 'make lock' --quiet

.PHONY: report test lint format venv lock clean-venv browser

# The lock decides every version; the project itself goes in on top, without dependencies.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name caretrends --display-name "Python (caretrends)"
	touch $(STAMP)

venv: $(STAMP)

# Re-resolve after a change to pyproject.toml, keeping every pin that still fits;
# `make lock UPGRADE=1` moves every package to its newest fitting release.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml $(LOCK_OPTIONS) $(if $(UPGRADE),--upgrade) -o $(LOCK)

# Nothing changed since the latest report: one line, well under a second; otherwise the
# data are prepared and every language of the report is run.
report: $(STAMP)
	$(BIN)/caretrends run --prepare

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The report's test opens its HTML in headless Chromium: install Debian's package when
# missing and we may (root, apt); otherwise say how, and let that one test explain.
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ -x "$(CHROMIUM)" ] || command -v chromium >/dev/null 2>&1 \
		|| command -v chromium-browser >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "Chromium is missing: install it with 'sudo apt-get install chromium' (Debian/Ubuntu)" \
			"or set CHROMIUM=/path/to/chromium; the browser test fails without it." >&2; \
	fi

test: lint browser
	$(BIN)/python -m pytest

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-venv:
	rm -rf $(VENV)
