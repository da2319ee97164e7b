"""Every filesystem location the project uses, resolved in one place.

Nothing in the package depends on the current working directory: notebooks run by
papermill, the CLI and the tests all resolve paths from here. One environment variable
overrides the default, for deployments and for tests:

``CARETRENDS_ROOT``
    The project root (holding ``data/``, ``config/``, ``notebooks/`` and ``reports/``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR: Path = Path(__file__).resolve().parent


def project_root() -> Path:
    """Return the project root: ``$CARETRENDS_ROOT`` or the checkout holding ``src/``."""
    override = os.environ.get("CARETRENDS_ROOT")
    if override:
        return Path(override).resolve()
    return PACKAGE_DIR.parents[1]


def raw_dir() -> Path:
    """Return ``data/raw``: inputs exactly as received, with their provenance records."""
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    """Return ``data/processed``: tidy tables written by ``caretrends prepare``."""
    return project_root() / "data" / "processed"


def private_dir() -> Path:
    """Return ``data/private``: real case records, git-ignored, never committed."""
    return project_root() / "data" / "private"


def config_dir() -> Path:
    """Return ``config``: run configurations and source mappings."""
    return project_root() / "config"


def notebooks_dir() -> Path:
    """Return ``notebooks``: the parameterised report notebooks."""
    return project_root() / "notebooks"


def reports_dir() -> Path:
    """Return ``reports``: one folder per report run, plus ``latest``."""
    return project_root() / "reports"
