"""What a report notebook calls in its first cells: check its parameters, find its folders.

The runner checks parameters before anything runs; :func:`check_parameters` repeats the
check inside the notebook, so that an analyst who edits the parameters cell by hand in
JupyterLab gets the same clear error instead of a failure deep in the analysis.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from caretrends import paths
from caretrends.errors import ParameterError
from caretrends.report.params import declared_parameters
from caretrends.report.values import value_problem


def check_parameters(
    notebook: str, namespace: Mapping[str, object], *, notebooks_dir: Path | None = None
) -> None:
    """Check the values of a notebook's parameters: their declared types and meaning.

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
    path = (notebooks_dir or paths.notebooks_dir()) / f"{notebook}.ipynb"
    problems = []
    for name, declared in declared_parameters(path).items():
        if name not in namespace:
            problems.append(f"{path.name}: parameter {name!r} is not set")
        elif problem := value_problem(name, namespace[name], declared.type):
            problems.append(f"{path.name}: {problem}")
    if problems:
        raise ParameterError("; ".join(problems))


@dataclass(frozen=True)
class OutputFolders:
    """Where a notebook writes: the run folder and its ``figures/`` and ``tables/``."""

    root: Path
    figures: Path
    tables: Path


def output_folders(output_dir: str) -> OutputFolders:
    """Return (and create) a notebook's output folders.

    Parameters
    ----------
    output_dir : str
        The run folder the runner passes; empty when a person runs the notebook in
        JupyterLab, which then writes to ``reports/interactive/``.
    """
    root = Path(output_dir) if output_dir else paths.reports_dir() / "interactive"
    folders = OutputFolders(root, root / "figures", root / "tables")
    for folder in (folders.figures, folders.tables):
        folder.mkdir(parents=True, exist_ok=True)
    return folders
