"""What a report notebook calls: check its parameters, find its folders, write and read the
tables the run configuration declares.

The runner checks parameters before anything runs; :func:`check_parameters` repeats the
check inside the notebook, so that an analyst who edits the parameters cell by hand in
JupyterLab gets the same clear error instead of a failure deep in the analysis. Being every
notebook's first call, it also sets the kernel to show the project's warnings one line each
(:func:`caretrends.warnings.show_one_line`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from caretrends import paths
from caretrends.errors import CaretrendsError, ParameterError
from caretrends.report.layout import DATA_LANGUAGE_ENV, RunPaths, run_paths
from caretrends.report.params import declared_parameters
from caretrends.report.values import value_problem
from caretrends.warnings import show_one_line

if TYPE_CHECKING:  # pandas loads when a table is read or written, not with the runner
    import pandas as pd


def check_parameters(
    notebook: str, namespace: Mapping[str, object], *, notebooks_dir: Path | None = None
) -> None:
    """Check the values of a notebook's parameters: their declared types and meaning; show
    the project's warnings one line each from then on.

    Parameters
    ----------
    notebook : str
        The notebook's name (``notebooks/<name>.ipynb``).
    namespace : mapping
        Where the values live: the notebook's ``globals()``.
    notebooks_dir : Path, optional
        Default ``notebooks/``.

    Raises
    ------
    ParameterError
        Naming every parameter that is missing, of the wrong type, or meaningless (see
        :mod:`caretrends.report.values`).
    """
    show_one_line()
    path = (notebooks_dir or paths.notebooks_dir()) / f"{notebook}.ipynb"
    problems = []
    for name, declared in declared_parameters(path).items():
        if name not in namespace:
            problems.append(f"{path.name}: parameter {name!r} is not set")
        elif problem := value_problem(name, namespace[name], declared.type):
            problems.append(f"{path.name}: {problem}")
    if problems:
        raise ParameterError("; ".join(problems))


def output_folders(output_dir: str, language: str) -> RunPaths:
    """Return (and create) the folders a notebook writes to, in the run layout
    (:mod:`caretrends.report.layout`): its language's ``figures/``, ``tables/`` and
    ``brief/``, and the run's ``data/`` for the tables it declares.

    Parameters
    ----------
    output_dir : str
        The run folder the runner passes; empty when a person runs the notebook in
        JupyterLab, which then writes to ``reports/interactive/``.
    language : str
        The notebook's language.
    """
    root = Path(output_dir) if output_dir else paths.reports_dir() / "interactive"
    folders = run_paths(root, language)
    for folder in (folders.data, folders.figures, folders.tables, folders.brief):
        folder.mkdir(parents=True, exist_ok=True)
    return folders


def write_table(table: pd.DataFrame, outputs: RunPaths, name: str) -> None:
    """Write a declared machine-readable table, ``data/<name>.csv``: codes and numbers as
    they are (dot decimals, no language), the same in every language of a run: in a run
    of several languages only the notebooks of the language the runner names in
    ``CARETRENDS_DATA_LANGUAGE`` write it, and the others read theirs.

    Parameters
    ----------
    table : DataFrame
        The table; its index is not written.
    outputs : RunPaths
        The notebook's folders (:func:`output_folders`).
    name : str
        The name the notebook's ``writes`` lists in the run configuration.
    """
    if os.environ.get(DATA_LANGUAGE_ENV, outputs.lang) != outputs.lang:
        return  # in a run of several languages, the first one's notebooks write data/
    # One rename, so that a notebook reading it never sees half a file. Nothing is
    # returned: a notebook's last expression would print the path on its page.
    paths.write_atomically(
        outputs.data / f"{name}.csv",
        lambda part: table.to_csv(part, index=False, lineterminator="\n"),
    )


def write_reader_table(table: pd.DataFrame, outputs: RunPaths, name: str, **shown: object) -> None:
    """Write a table for people, ``<lang>/tables/<name>.csv``, in the run's language.

    Headers, names of codes, source descriptions, yes/no and numbers read as the page
    shows them (:func:`caretrends.report.tables.display_table`, given ``shown``: e.g.
    ``percent=[...]``): Albanian ``1 234,5``, Serbian ``1.234,5``, a missing value ``–``.
    UTF-8 with a byte-order mark, so that a spreadsheet reads the letters ë, ç, č, ž.
    The machine-readable tables are :func:`write_table`'s.
    """
    from caretrends.report.tables import display_table

    shown_table = display_table(table, outputs.lang, **shown).data  # type: ignore[arg-type]
    path = outputs.tables / f"{name}.csv"
    shown_table.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


def read_table(outputs: RunPaths, name: str) -> pd.DataFrame:
    """Read a table another notebook of the run wrote with :func:`write_table`.

    Raises
    ------
    CaretrendsError
        In one line naming the file, when the run has no such table (the notebook that
        declares it has not run, or this notebook does not depend on it).
    """
    import pandas as pd

    path = outputs.data / f"{name}.csv"
    if not path.is_file():
        raise CaretrendsError(
            f"{path}: table {name!r} not written in this run: run the notebook whose "
            "'writes' declares it first (its 'depends_on' in the run configuration)"
        )
    return pd.read_csv(path)
