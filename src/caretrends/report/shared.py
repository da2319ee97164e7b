"""Results a notebook computes once per run, for every language of the run.

A run of several languages runs each notebook once per language, each in its own kernel,
and the numbers must be the same in all of them. The slow ones (power by simulation, the
placebo scan) are not worth computing three times: a notebook wraps such a call in
:func:`computed`. The kernel of the language that writes the run's ``data/``
(:func:`caretrends.report.write_table`) makes the call and stores its result, with the
warnings it gave, in the run's private cache (:mod:`caretrends.runcache`,
removed before the run is published); the other languages' kernels start after it
(:func:`caretrends.report.execute.execute_all`) and read the result instead, warnings
and all. Outside a run (JupyterLab, plain papermill) the call is simply made.

A shared result must not depend on the language, so a call given ``lang`` or
``language`` is refused: its result would be one language's.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import TypeVar

from caretrends import paths
from caretrends.errors import ParameterError
from caretrends.report.layout import DATA_LANGUAGE_ENV, RunPaths
from caretrends.runcache import cache_folder, replay, with_warnings, write_private

Result = TypeVar("Result")

#: Keyword arguments that make a result one language's.
_LANGUAGE_ARGUMENTS = ("lang", "language")


def computed(
    outputs: RunPaths,
    name: str,
    function: Callable[..., Result],
    /,
    *args: object,
    **kwargs: object,
) -> Result:
    """Return ``function(*args, **kwargs)``, computed once in a run of several languages.

    Parameters
    ----------
    outputs : RunPaths
        The notebook's folders (:func:`caretrends.report.output_folders`): their language
        says whether this kernel computes the result or reads it.
    name : str
        The result's name, unique in the run (``campaign_placebo``).
    function, *args, **kwargs
        The call; the same in every language of the notebook.

    Raises
    ------
    ParameterError
        When the call is given a language.

    Examples
    --------
    Outside a run the call is made:

    >>> from pathlib import Path
    >>> computed(RunPaths(Path("reports/interactive"), "sq"), "total", sum, [1, 2, 3])
    6
    """
    if given := [key for key in _LANGUAGE_ARGUMENTS if key in kwargs]:
        raise ParameterError(
            f"result {name!r} is computed once for every language, but its call is given "
            f"{given[0]!r}: compute the numbers once and word them in each language"
        )
    data_language = os.environ.get(DATA_LANGUAGE_ENV)
    folder = cache_folder()
    if data_language is None or folder is None:
        return function(*args, **kwargs)
    entry = folder / f"result-{name}.pickle"
    if data_language != outputs.lang and entry.exists():
        result, caught = pickle.loads(entry.read_bytes())
    else:
        result, caught = with_warnings(lambda: function(*args, **kwargs))
        if data_language == outputs.lang:
            stored = pickle.dumps((result, caught))
            paths.write_atomically(entry, lambda target: write_private(target, stored))
    replay(caught)  # as the call gave them, in every language
    return result
