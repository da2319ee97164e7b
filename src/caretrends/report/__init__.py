"""``caretrends run``: the report notebooks, executed by papermill into ``reports/<run-id>/``.

In Python (the ``caretrends run`` command does the same)::

    from caretrends.report import load_run_config, run_report

    result = run_report(load_run_config(language="sq"), only=["02_abandonment"])

Modules: :mod:`~caretrends.report.params` (what a notebook declares),
:mod:`~caretrends.report.config` (run configurations), :mod:`~caretrends.report.run`
(execution and atomic publishing), :mod:`~caretrends.report.html`,
:mod:`~caretrends.report.manifest`, :mod:`~caretrends.report.browser` (headless check
that a page's images load) and :mod:`~caretrends.report.cli`.
"""

from __future__ import annotations

from caretrends.report.cli import add_subcommand
from caretrends.report.config import LANGUAGES, RunConfig, default_config_path, load_run_config
from caretrends.report.notebook import OutputFolders, check_parameters, output_folders
from caretrends.report.params import declared_parameters
from caretrends.report.run import (
    KERNEL_NAME,
    NotebookOutcome,
    ReportRunError,
    RunResult,
    run_report,
)

__all__ = [
    "KERNEL_NAME",
    "LANGUAGES",
    "NotebookOutcome",
    "OutputFolders",
    "ReportRunError",
    "RunConfig",
    "RunResult",
    "add_subcommand",
    "check_parameters",
    "declared_parameters",
    "default_config_path",
    "load_run_config",
    "output_folders",
    "run_report",
]
