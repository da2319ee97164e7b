"""What a parameter's value must mean, beyond its type: ISO dates, ranges, known codes.

A type check accepts ``analysis_date: "01.06.2025"`` (a str) and ``max_joinpoints: -5``
(an int); both then fail deep inside a notebook, or worse, are read as something else.
The rules here are keyed by parameter name, the contract between run configurations and
the notebooks' parameters cells, and are applied by the runner before anything runs and
by :func:`caretrends.report.check_parameters` inside a notebook. Rules that need no data
live here; those that need the code lists, the vocabulary or the data belong to the
domain modules and are found through :mod:`caretrends.report.checks`. The rule builders
(:func:`between`, :func:`one_of`, :func:`each`, :func:`iso_date`) serve both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from caretrends.report.checks import Check, registered_check
from caretrends.report.params import TypeSpec

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: The earliest year any source of the project covers (TransMonEE starts in 1989).
FIRST_YEAR = 1989


def iso_date(value: object) -> str | None:
    """Require a real calendar date written ``YYYY-MM-DD``.

    Python's ``fromisoformat`` alone would also take ``20250601``; ``01.06.2025`` is
    refused outright rather than guessed as day-first or month-first.

    Examples
    --------
    >>> iso_date("2025-12-31") is None
    True
    >>> iso_date("01.06.2025")
    "must be a date written YYYY-MM-DD, found '01.06.2025'"
    >>> iso_date("2025-02-30")
    "must be a real date, found '2025-02-30' (day is out of range for month)"
    """
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return f"must be a date written YYYY-MM-DD, found {value!r}"
    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        return f"must be a real date, found {value!r} ({exc})"
    return None


def between(low: int, high: Callable[[], int] | int) -> Check:
    """Require a number from ``low`` to ``high`` inclusive (``high`` may be computed late).

    Examples
    --------
    >>> between(0, 3)(-5)
    'must be from 0 to 3, found -5'
    """

    def rule(value: object) -> str | None:
        top = high() if callable(high) else high
        if isinstance(value, int | float) and low <= value <= top:
            return None
        return f"must be from {low} to {top}, found {value!r}"

    return rule


def one_of(choices: Callable[[], tuple[str, ...]] | tuple[str, ...], what: str) -> Check:
    """Require one of ``choices`` (a tuple, or a function returning one, read when needed).

    Examples
    --------
    >>> one_of(("auto", "private"), "a case source")("real")
    "must be a case source, found 'real' (known: auto, private)"
    """

    def rule(value: object) -> str | None:
        known = choices() if callable(choices) else choices
        if value in known:
            return None
        # "ALB BIH" is two codes typed as one
        hint = "one per list item; " if re.search(r"[\s,;]", str(value)) else ""
        return f"must be {what}, found {value!r} ({hint}known: {', '.join(known)})"

    return rule


def each(rule: Check) -> Check:
    """Apply ``rule`` to every item of a non-empty list; name the first item it refuses.

    Examples
    --------
    >>> each(between(1, 240))([12, 0])
    'item 2 must be from 1 to 240, found 0'
    >>> each(between(1, 240))([])
    'must not be empty'
    """

    def rule_for_list(value: object) -> str | None:
        if not isinstance(value, list) or not value:
            return "must not be empty"
        for number, item in enumerate(value, start=1):
            problem = rule(item)
            if problem is not None:
                return f"item {number} {problem}"
        return None

    return rule_for_list


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
