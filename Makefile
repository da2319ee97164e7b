# Two commands set everything up on a fresh machine with Python 3.11+:
#   make report   - create .venv, install the project, run the main job on the bundled data
#   make test     - same environment, run linters and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test lint format venv clean-venv browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name caretrends --display-name "Python (caretrends)"
	touch $(STAMP)

venv: $(STAMP)

report: $(STAMP)
	$(BIN)/caretrends prepare
	$(BIN)/caretrends run

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
