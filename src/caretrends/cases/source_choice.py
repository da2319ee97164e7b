"""Which case records a run reads (``case_source``), apart from the loaders so that a run
configuration is checked without importing pandas."""

from __future__ import annotations

from caretrends.rules import one_of

#: ``auto``: the private records if there are any, else the bundled synthetic set.
SOURCES: tuple[str, ...] = ("auto", "private", "bundled")

#: Check of a run's ``case_source``, registered in :mod:`caretrends.report.checks`.
case_source_problem = one_of(SOURCES, "a case source")
