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

from caretrends.cases.children import build_children
from caretrends.cases.clean import CaseCleaningResult, clean_case_file
from caretrends.cases.load import check_case_files, load_cases, load_children

__all__ = [
    "CaseCleaningResult",
    "build_children",
    "check_case_files",
    "clean_case_file",
    "load_cases",
    "load_children",
]
