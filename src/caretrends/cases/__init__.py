"""Case-level records (episodes, counselling): read, clean, pseudonymise, synthesise.

* :func:`clean_case_file` cleans one export (CSV or XLSX, English, Albanian or Serbian).
* :func:`load_cases` cleans every file of a kind: the private records under
  ``data/private/cases/<kind>/`` if there are any, else the bundled synthetic demo set.
* :func:`build_children` (or :func:`load_children`) gives one row per child for the
  survival models.
* :func:`check_case_files` checks every registered and private case file (what
  ``caretrends validate`` and the data-quality notebook report).
"""

from __future__ import annotations

import importlib
from typing import Any

# Loaded from their module on first use, so that ``caretrends --help`` (which imports
# ``caretrends.cases.cli``) does not pay for pandas and pandera.
_HOMES: dict[str, str] = {
    "CaseCleaningResult": "clean",
    "build_children": "children",
    "check_case_files": "load",
    "clean_case_file": "clean",
    "load_cases": "load",
    "load_children": "load",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
