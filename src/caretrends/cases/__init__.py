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

import lazy_loader

# Loaded from their module on first use, so that ``caretrends --help`` (which imports
# ``caretrends.cases.cli``) does not pay for pandas and pandera.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "children": ["build_children"],
        "clean": ["CaseCleaningResult", "clean_case_file"],
        "load": ["check_case_files", "load_cases", "load_children"],
        "origin": ["RecordOrigin"],
    },
)
