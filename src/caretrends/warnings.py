"""Warning classes of the project, so that callers can filter or escalate them, and how
they are shown: one line each.

Python shows a warning with the file and line that issued it and that line's source
(``clean.py:204: DataQualityWarning: ...`` then ``warnings.warn(``): noise to a reader of
a report page or of ``caretrends validate``'s output, and the line a warning names may be
a data file's. :func:`show_one_line` makes the project's warnings one line,
``DataQualityWarning: <message>``; the command line and every report notebook install it.
"""

from __future__ import annotations

import sys
import warnings
from typing import TextIO


class CaretrendsWarning(UserWarning):
    """Base class of every warning the project issues."""


class SmallNumbersWarning(CaretrendsWarning):
    """Counts or series too small for the requested estimate to be reliable."""


class ConvergenceWarning(CaretrendsWarning):
    """A model fit did not converge; its estimates must not be quoted."""


class DataQualityWarning(CaretrendsWarning):
    """Input data were usable but something about them needs a reader's attention."""


#: How Python shows a warning, kept for the warnings of other packages.
_PYTHON_SHOWWARNING = warnings.showwarning


def one_line(message: Warning | str, category: type[Warning]) -> str:
    """Word a project warning as one line: its category, then its message on one line.

    Examples
    --------
    >>> one_line("a.csv: dropped\\n  column 7", DataQualityWarning)
    'DataQualityWarning: a.csv: dropped column 7'
    """
    return f"{category.__name__}: {' '.join(str(message).split())}"


def _show(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    if not issubclass(category, CaretrendsWarning):
        _PYTHON_SHOWWARNING(message, category, filename, lineno, file, line)
        return
    stream = sys.stderr if file is None else file
    try:
        stream.write(one_line(message, category) + "\n")
    except OSError:  # stderr closed: a warning is not worth failing for
        pass


def show_one_line() -> None:
    """Show the project's warnings from now on as :func:`one_line` (others as Python does).

    Installs a ``warnings.showwarning`` hook, the documented way to change how warnings
    are shown; calling it again changes nothing.
    """
    warnings.showwarning = _show
