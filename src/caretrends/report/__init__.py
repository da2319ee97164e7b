"""``caretrends run``: the report notebooks, executed by papermill into ``reports/<run-id>/``.

In Python (the ``caretrends run`` command does the same)::

    from caretrends.report import load_run_config, run_report

    result = run_report(load_run_config(language="sq"), only=["02_abandonment"])

Modules: :mod:`~caretrends.report.params` (what a notebook declares),
:mod:`~caretrends.report.layout` (where a run's outputs go),
:mod:`~caretrends.report.config` (run configurations), :mod:`~caretrends.report.run`
(execution and atomic publishing), :mod:`~caretrends.report.html`,
:mod:`~caretrends.report.manifest`, :mod:`~caretrends.report.browser` (headless check
that a page's images load), :mod:`~caretrends.report.tables` (tables ready to show),
:mod:`~caretrends.report.narrative` (the notebooks' Markdown cells in the run's language),
:mod:`~caretrends.report.shared` (results computed once for every language) and
:mod:`~caretrends.report.cli`.
"""

from __future__ import annotations

import lazy_loader

# Names are loaded from their module on first use, so that `caretrends --help` does not
# pay for papermill and nbformat (about two seconds) before it prints anything.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "cli": ["add_subcommand"],
        "config": ["LANGUAGES", "RunConfig", "default_config_path", "load_run_config"],
        "execute": ["NotebookOutcome"],
        "kernels": ["KERNEL_NAME"],
        "manifest": ["git_state"],
        "layout": ["RunPaths", "published_paths", "run_paths"],
        "notebook": [
            "check_parameters",
            "output_folders",
            "read_table",
            "write_reader_table",
            "write_table",
        ],
        "params": ["declared_parameters"],
        "run": ["ReportRunError", "RunResult", "RunStopped", "run_report"],
        "shared": ["computed"],
        "tables": ["display_table", "headers"],
    },
)
