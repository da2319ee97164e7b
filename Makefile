# Two commands set everything up on a fresh machine with Python 3.11+:
#   make report   - create .venv, install the project, run the main job on the bundled data
#   make test     - same environment, run linters and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test lint format venv clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name caretrends --display-name "Python (caretrends)"
	touch $(STAMP)

venv: $(STAMP)

report: $(STAMP)
	$(BIN)/caretrends prepare

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-venv:
	rm -rf $(VENV)
