"""Rules a parameter's value must follow, as small functions: ``value -> problem or None``.

Shared by the runner's own rules (:mod:`caretrends.report.values`) and the checks the
domain modules register (:mod:`caretrends.report.checks`), so that neither imports the
other for them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

#: A rule: the problem with a value, in words, or None when it is fine.
Check = Callable[[object], str | None]

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
