"""``caretrends run``: the report notebooks, executed by papermill into ``reports/<run-id>/``.

In Python (the ``caretrends run`` command does the same)::

    from caretrends.report import load_run_config, run_report

    result = run_report(load_run_config(language="sq"), only=["02_abandonment"])

Modules: :mod:`~caretrends.report.params` (what a notebook declares),
:mod:`~caretrends.report.config` (run configurations), :mod:`~caretrends.report.run`
(execution and atomic publishing), :mod:`~caretrends.report.html`,
:mod:`~caretrends.report.manifest`, :mod:`~caretrends.report.browser` (headless check
that a page's images load), :mod:`~caretrends.report.brief` (the brief's key numbers and
standard figures), :mod:`~caretrends.report.tables` (tables ready to show),
:mod:`~caretrends.report.narrative` (the notebooks' Markdown cells in the run's language) and
:mod:`~caretrends.report.cli`.
"""

from __future__ import annotations

import importlib

# Names are loaded from their module on first use, so that `caretrends --help` does not
# pay for papermill and nbformat (about two seconds) before it prints anything.
_HOMES: dict[str, str] = {
    "KERNEL_NAME": "kernels",
    "LANGUAGES": "config",
    "NotebookOutcome": "execute",
    "OutputFolders": "notebook",
    "ReportRunError": "run",
    "RunConfig": "config",
    "RunResult": "run",
    "RunStopped": "run",
    "STANDARD_FIGURES": "brief",
    "add_subcommand": "cli",
    "brief_document": "brief_file",
    "brief_figures": "brief_figures",
    "check_parameters": "notebook",
    "declared_parameters": "params",
    "default_config_path": "config",
    "display_table": "tables",
    "format_table": "tables",
    "git_state": "manifest",
    "headers": "tables",
    "key_number_rows": "brief",
    "load_run_config": "config",
    "output_folders": "notebook",
    "provisional_table": "tables",
    "render_brief": "document",
    "run_report": "run",
    "standard_figures": "brief",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module 'caretrends.report' has no attribute {name!r}")
    return getattr(importlib.import_module(f"caretrends.report.{_HOMES[name]}"), name)
