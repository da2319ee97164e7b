"""What a parameter's value must mean, beyond its type: ISO dates, ranges, known codes.

A type check accepts ``analysis_date: "01.06.2025"`` (a str) and ``max_joinpoints: -5``
(an int); both then fail deep inside a notebook, or worse, are read as something else.
The rules here are keyed by parameter name, the contract between run configurations and
the notebooks' parameters cells, and are applied by the runner before anything runs and
by :func:`caretrends.report.check_parameters` inside a notebook. Rules that need no data
live here; those that need the code lists, the vocabulary or the data belong to the
domain modules and are found through :mod:`caretrends.report.checks`. Both build their
rules from :mod:`caretrends.rules`.
"""

from __future__ import annotations

import datetime as dt

from caretrends.report.checks import registered_check
from caretrends.report.params import TypeSpec
from caretrends.rules import FIRST_YEAR, Check, between, each, iso_date


def _this_year() -> int:
    return dt.date.today().year


_YEAR = between(FIRST_YEAR, _this_year)
_MONTHS = between(1, 240)  # 20 years: longer than anyone stays in care from age 0-3

#: The rule of each parameter whose meaning needs no data; the checks that need the code
#: lists or the data are registered in :mod:`caretrends.report.checks` by their owners.
RULES: dict[str, Check] = {
    "analysis_date": iso_date,
    "start_year": _YEAR,
    "max_joinpoints": between(0, 3),
    "milestones_months": each(_MONTHS),
    "horizon_months": _MONTHS,
}


def value_problem(name: str, value: object, expected: TypeSpec) -> str | None:
    """Say what is wrong with ``value`` for parameter ``name`` of type ``expected``.

    Returns
    -------
    str or None
        ``parameter '<name>' ...`` naming the problem, or None when the value is right.

    Examples
    --------
    >>> value_problem("max_joinpoints", -5, TypeSpec("int"))
    "parameter 'max_joinpoints' must be from 0 to 3, found -5"
    >>> value_problem("max_joinpoints", "1", TypeSpec("int"))
    "parameter 'max_joinpoints' must be int, found '1' (str)"
    """
    if not expected.accepts(value):
        hint = " (quote dates in YAML)" if isinstance(value, dt.date) else ""
        return (
            f"parameter {name!r} must be {expected}, found {value!r} ({type(value).__name__}){hint}"
        )
    rule = RULES.get(name) or registered_check(name)
    problem = rule(value) if rule is not None else None
    return None if problem is None else f"parameter {name!r} {problem}"
