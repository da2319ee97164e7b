"""Run the report notebooks with papermill and publish the result atomically.

A run is assembled in ``reports/.tmp-<run-id>/``. When every notebook succeeded it is
renamed to ``reports/<run-id>/`` and, when it ran every configured notebook,
``reports/latest`` is pointed at it (a run narrowed with ``only`` is kept beside it, so
``latest`` is always a whole report); otherwise it is renamed to
``reports/<run-id>-failed/`` and ``latest`` keeps pointing at the last good report.
Renames within one folder are atomic, so a reader never sees half a report, and two runs
at once work in different folders and take a lock to move ``latest``.

SIGTERM (how cron, systemd and CI stop a job) and SIGINT stop a run the same way: its
kernels are shut down, notebooks not yet started are skipped, and the run is kept as
``<run-id>-failed`` with a manifest giving the reason (see :class:`RunStopped`). A cell
running longer than the configuration's ``execution_timeout`` fails its notebook.

Run folders are made readable by their owner only (0700), because the case-level tables
and figures in them may derive from private case records. What goes where inside a run
folder is :mod:`caretrends.report.layout`'s.

One run writes every language of the configuration side by side, with one manifest; it
records the digest of its inputs (:mod:`caretrends.report.digest`) and what changed since
the run ``latest`` pointed at (:mod:`caretrends.report.changes`). Making, locking and
publishing the folder is :mod:`caretrends.report.folders`'.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import signal
import time
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path

from caretrends import paths
from caretrends.errors import CaretrendsError
from caretrends.permissions import owner_only_umask, restrict_to_owner
from caretrends.provenance import sha256_file
from caretrends.report.changes import compare_runs, write_changes
from caretrends.report.config import RunConfig
from caretrends.report.digest import PublishedRun, input_digest, read_published
from caretrends.report.execute import NotebookOutcome, execute_all
from caretrends.report.folders import LATEST, owned_run_folder, point_latest, publish
from caretrends.report.html import index_html, notebook_html
from caretrends.report.kernels import (
    KERNEL_NAME,
    RunKernels,
    kernel_command,
    stopping_on_signals,
    utc_now,
    warm_zygote,
)
from caretrends.report.layout import RunPaths, run_paths
from caretrends.report.manifest import (
    git_state,
    input_checksums,
    package_versions,
    raw_sources,
    shown_path,
    withheld_analyses,
)
from caretrends.report.zygote import Zygote


class ReportRunError(CaretrendsError):
    """A report run failed; the message names each failed notebook, cell and error.

    Attributes
    ----------
    result : RunResult
        The run, with the ``-failed`` folder its executed notebooks were kept in.
    """

    def __init__(self, message: str, result: RunResult) -> None:
        super().__init__(message)
        self.result = result


class RunStopped(ReportRunError):
    """A report run stopped by a signal; its kernels were shut down.

    Attributes
    ----------
    signal : signal.Signals
        SIGTERM or SIGINT.
    exit_code : int
        ``128 + signal``, what a shell reports for a process ended by that signal.
    """

    def __init__(self, message: str, result: RunResult, stopped_by: signal.Signals) -> None:
        super().__init__(message, result)
        self.signal = stopped_by
        self.exit_code = 128 + int(stopped_by)


@dataclass(frozen=True)
class RunResult:
    """A finished run."""

    #: ``<UTC time>-<random>``; sorts in start order.
    run_id: str
    #: ``reports/<run-id>`` or, after a failure, ``reports/<run-id>-failed``.
    folder: Path
    #: Every notebook succeeded and the report was published.
    ok: bool
    #: Keyed ``(language, name)``, each language's in the order they were run.
    notebooks: dict[tuple[str, str], NotebookOutcome]
    #: Notebooks run because a notebook chosen with ``only`` depends on them.
    added_dependencies: list[str]
    #: The content of ``manifest.json``.
    manifest: dict
    #: Every configured notebook ran; only a complete report becomes ``latest``.
    complete: bool


def new_run_id(now: dt.datetime | None = None) -> str:
    """Return a run id: the UTC start time, then a random suffix so parallel runs differ.

    Examples
    --------
    >>> new_run_id(dt.datetime(2025, 12, 31, 23, 5, tzinfo=dt.UTC))[:17]
    '20251231T230500Z-'
    """
    now = now or dt.datetime.now(dt.UTC)
    return f"{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def run_report(
    config: RunConfig,
    *,
    only: Iterable[str] | None = None,
    reports_dir: Path | None = None,
    raw_dir: Path | None = None,
    processed_dir: Path | None = None,
    kernel_name: str = KERNEL_NAME,
    max_workers: int | None = None,
    progress: bool = True,
    zygote: Zygote | None = None,
) -> RunResult:
    """Execute the configured notebooks and publish the report.

    Parameters
    ----------
    config : RunConfig
        From :func:`caretrends.report.load_run_config` (already checked).
    only : iterable of str, optional
        Run just these notebooks and what they depend on.
    reports_dir : Path, optional
        Root of the reports; default ``reports/``.
    raw_dir, processed_dir : Path, optional
        Inputs whose checksums the manifest records; default ``data/raw``,
        ``data/processed``.
    kernel_name : str
        The registered Jupyter kernel to run on.
    max_workers : int, optional
        Notebooks run at once; default the number of CPUs.
    progress : bool
        Show progress bars (on a terminal only).
    zygote : Zygote, optional
        A warm process to fork the kernels from (:func:`caretrends.report.kernels.warm_zygote`,
        started before the caller's own imports); by default the run starts one.

    Returns
    -------
    RunResult
        Of the published run.

    Raises
    ------
    RunStopped
        When SIGTERM or SIGINT stopped the run (only a run in the main thread handles
        them); the run is kept in ``reports/<run-id>-failed``.
    ReportRunError
        When a notebook failed; the run is kept in ``reports/<run-id>-failed``.
    CaretrendsError
        When the kernel is not registered or the reports folder cannot be written (before
        anything runs).
    """
    selected, added = config.select(only)
    complete = selected == config.select()[0]
    kernel_argv = kernel_command(kernel_name)
    reports_dir = Path(reports_dir) if reports_dir is not None else paths.reports_dir()
    digest = input_digest(
        config_path=config.path,
        notebooks=[config.notebook(name).path for name in selected],
        languages=config.languages,
        raw_dir=raw_dir,
    )
    run_id = new_run_id()
    kernels = RunKernels()
    # From the run folder's creation to its publishing a signal only stops the kernels,
    # so that no path leaves a hidden .tmp- folder behind.
    with (
        stopping_on_signals(kernels),
        owner_only_umask(),
        nullcontext(zygote) if zygote is not None else warm_zygote(kernel_argv) as warm,
        kernels.forked_from(warm),
        owned_run_folder(reports_dir, run_id, config.languages) as work,
    ):
        started, clock = utc_now(), time.perf_counter()
        try:
            workers = max_workers or os.cpu_count() or 1
            last = read_published(reports_dir / LATEST)
            outcomes = execute_all(
                config,
                selected,
                work,
                run_id,
                kernel_name,
                workers,
                progress,
                kernels,
                on_finished=lambda outcome: _finish(
                    outcome,
                    config.notebook(outcome.name).writes,
                    run_paths(work, outcome.lang),
                    config.languages,
                ),
                seconds=notebook_seconds(last.manifest) if last else None,
            )
            stopped_by = kernels.stopped_by  # a signal after this lets the run finish
            failed = [
                f"{name} ({lang})"
                for (lang, name), o in outcomes.items()
                if o.status != "succeeded"
            ]
            reason = f"stopped by {stopped_by.name}" if stopped_by else None
            if failed and not reason:
                reason = f"notebooks did not succeed: {', '.join(failed)}"
            manifest = {
                "run_id": run_id,
                "status": "failed" if reason else "succeeded",
                "reason": reason,
                "started": started,
                "finished": utc_now(),
                "seconds": round(time.perf_counter() - clock, 2),
                "git": git_state(),
                "config_file": shown_path(config.path),
                "configuration": config.loaded,
                "language": config.language,
                "languages": list(config.languages),
                "selected": selected,
                "complete": complete,
                "added_dependencies": added,
                "kernel": {"name": kernel_name, "python": kernel_argv[0]},
                "execution_timeout": config.execution_timeout,
                "notebooks": {
                    lang: {
                        name: _manifest_entry(o, run_paths(work, lang))
                        for (language, name), o in outcomes.items()
                        if language == lang
                    }
                    for lang in config.languages
                },
                "withheld_analyses": withheld_analyses(run_paths(work, config.languages[0]).data),
                "digest": digest.as_record(),
                "sources": raw_sources(raw_dir),
                "inputs": input_checksums(
                    raw_dir=raw_dir,
                    processed_dir=processed_dir,
                    extra=[config.path, *(config.notebook(name).path for name in selected)],
                ),
                "outputs": _output_checksums(work, config.languages),
                "packages": package_versions(),
            }
            _record(work, manifest, None if reason else read_published(reports_dir / LATEST))
        except BaseException:
            restrict_to_owner(work)
            publish(work, reports_dir / f"{run_id}-failed")
            raise
        restrict_to_owner(work)  # it holds what was derived from private case records
        if reason:
            folder = reports_dir / f"{run_id}-failed"
            publish(work, folder)
            result = RunResult(run_id, folder, False, outcomes, added, manifest, complete)
            kept = f"executed notebooks kept in {folder}; {reports_dir / LATEST} not changed"
            if stopped_by:
                raise RunStopped(
                    f"report run {run_id} stopped by {stopped_by.name}: kernels shut down, {kept}",
                    result,
                    stopped_by,
                )
            problems = [o.describe() for o in outcomes.values() if o.status != "succeeded"]
            raise ReportRunError(
                f"report run {run_id} failed; {kept}\n  " + "\n  ".join(problems), result
            )
        final = reports_dir / run_id
        publish(work, final)
        if complete:
            point_latest(reports_dir, run_id)
    return RunResult(run_id, final, True, outcomes, added, manifest, complete)


def notebook_seconds(manifest: dict) -> dict[str, float]:
    """How long each notebook took in a run, by name: its longest in any language.

    >>> notebook_seconds({"notebooks": {"en": {"02": {"seconds": 8.4}, "04": {}},
    ...                                 "sq": {"02": {"seconds": 6.1}}}})
    {'02': 8.4}
    """
    seconds: dict[str, float] = {}
    for outcomes in manifest.get("notebooks", {}).values():
        for name, outcome in outcomes.items():
            if outcome.get("seconds"):
                seconds[name] = max(seconds.get(name, 0.0), float(outcome["seconds"]))
    return seconds


def _record(work: Path, manifest: dict, previous: PublishedRun | None) -> None:
    """Write the run's manifest and its index page in each language; for a run that
    succeeded, first compare it with the ``previous`` published run and write what
    changed (``changes.json``, ``changes.csv``, the manifest's ``changes``)."""
    if manifest["status"] == "succeeded":
        manifest["changes"] = compare_runs(previous, work, manifest)
        write_changes(manifest["changes"], work)
    outputs = run_paths(work, manifest["language"])
    outputs.manifest.write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    for lang in manifest["languages"]:
        page = index_html(manifest, work, lang)
        run_paths(work, lang).language_index.write_text(page, encoding="utf-8")
        if lang == manifest["language"]:
            outputs.index.write_text(page, encoding="utf-8")


def _finish(
    outcome: NotebookOutcome,
    writes: tuple[str, ...],
    outputs: RunPaths,
    languages: Iterable[str],
) -> None:
    """Check the tables a notebook that succeeded declares, and write its page into the
    language's ``html/``, linked to the same page in the run's other ``languages``.

    A declared table it did not write, or a page that cannot be made (an image it shows is
    missing), fails the notebook.
    """
    if outcome.status != "succeeded":
        return
    missing = [name for name in writes if not (outputs.data / f"{name}.csv").is_file()]
    if missing:
        outcome.status = "failed"
        outcome.error = {
            "ename": "Declared tables",
            "evalue": f"not written to {outputs.data}: {', '.join(missing)}",
        }
        return
    page = outputs.pages / f"{outcome.name}.html"
    try:
        executed = outputs.notebooks / f"{outcome.name}.ipynb"
        page.write_text(
            notebook_html(executed, outputs.language_root, lang=outputs.lang, languages=languages),
            encoding="utf-8",
        )
    except CaretrendsError as exc:
        outcome.status = "failed"
        outcome.error = {"ename": "HTML export", "evalue": str(exc)}
        return
    outcome.html = page.relative_to(outputs.root).as_posix()


def _manifest_entry(outcome: NotebookOutcome, outputs: RunPaths) -> dict[str, object]:
    entry = asdict(outcome)
    del entry["name"]
    executed = outputs.notebooks / f"{outcome.name}.ipynb"
    entry["notebook"] = executed.relative_to(outputs.root).as_posix() if executed.exists() else None
    return entry


def _output_checksums(work: Path, languages: Iterable[str]) -> dict[str, str]:
    """Checksums of the run's data and of each language's figures, tables and brief."""
    each = [run_paths(work, lang) for lang in languages]
    folders = [each[0].data, *(f for o in each for f in (o.figures, o.tables, o.brief))]
    files = [f for folder in folders for f in sorted(folder.rglob("*"))]
    return {f.relative_to(work).as_posix(): sha256_file(f) for f in files if f.is_file()}
