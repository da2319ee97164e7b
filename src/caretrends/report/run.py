"""Run the report notebooks with papermill and publish the result atomically.

A run is assembled in ``reports/.tmp-<run-id>/``. When every notebook succeeded it is
renamed to ``reports/<run-id>/`` and, when it ran every configured notebook,
``reports/latest`` is pointed at it (a run narrowed with ``only`` is kept beside it, so
``latest`` is always a whole report); otherwise it is renamed to
``reports/<run-id>-failed/`` and ``latest`` keeps pointing at the last good report.
Renames within one folder are atomic, so a reader never sees half a report, and two runs
at once work in different folders and take a lock to move ``latest``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import papermill
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from papermill.exceptions import PapermillExecutionError
from tqdm.auto import tqdm

from caretrends import paths
from caretrends.errors import CaretrendsError
from caretrends.provenance import sha256_file
from caretrends.report.config import RunConfig
from caretrends.report.html import index_html, notebook_html
from caretrends.report.manifest import (
    git_state,
    input_checksums,
    package_versions,
    shown_path,
)

#: The Jupyter kernel the notebooks run on (``make venv`` registers it in the venv).
KERNEL_NAME = "caretrends"
LATEST = "latest"
MANIFEST_NAME = "manifest.json"
#: Folders of a run; notebooks write their own files into ``figures/`` and ``tables/``.
RUN_FOLDERS: tuple[str, ...] = ("notebooks", "html", "figures", "tables")


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


@dataclass
class NotebookOutcome:
    """How one notebook of a run went.

    Attributes
    ----------
    status : str
        ``succeeded``, ``failed`` or ``skipped`` (a notebook it depends on failed).
    error : dict, optional
        For a failure: ``ename``, ``evalue`` and, when a cell raised, ``cell_index`` (in
        the executed notebook), ``exec_count`` and ``source`` (the cell's first line).
        For a skip: ``reason``.
    """

    name: str
    status: str
    parameters: dict[str, object]
    started: str | None = None
    finished: str | None = None
    seconds: float | None = None
    error: dict[str, object] | None = None
    html: str | None = field(default=None)

    def describe(self) -> str:
        """One line saying what went wrong (or that it went right)."""
        if self.status == "succeeded":
            return f"{self.name}: succeeded in {self.seconds} s"
        error = self.error or {}
        if self.status == "skipped":
            return f"{self.name}: skipped, {error.get('reason')}"
        where = ""
        if error.get("cell_index") is not None:
            where = f" in cell {error['cell_index']} (In [{error['exec_count']}]) "
            where += f"of the executed notebook `{error['source']}`"
        return f"{self.name}: failed{where}: {error.get('ename')}: {error.get('evalue')}"


@dataclass(frozen=True)
class RunResult:
    """A finished run.

    Attributes
    ----------
    run_id : str
        ``<UTC time>-<random>``; sorts in start order.
    folder : Path
        ``reports/<run-id>`` or, after a failure, ``reports/<run-id>-failed``.
    ok : bool
        Every notebook succeeded and the report was published.
    complete : bool
        Every configured notebook ran; only a complete report becomes ``latest``.
    notebooks : dict of str to NotebookOutcome
        In the order they were run.
    added_dependencies : list of str
        Notebooks run because a notebook chosen with ``only`` depends on them.
    manifest : dict
        The content of ``manifest.json``.
    """

    run_id: str
    folder: Path
    ok: bool
    notebooks: dict[str, NotebookOutcome]
    added_dependencies: list[str]
    manifest: dict
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

    Returns
    -------
    RunResult
        Of the published run.

    Raises
    ------
    ReportRunError
        When a notebook failed; the run is kept in ``reports/<run-id>-failed``.
    CaretrendsError
        When the kernel is not registered (before anything runs).
    """
    selected, added = config.select(only)
    complete = selected == config.select()[0]
    kernel_python = _kernel_python(kernel_name)
    reports_dir = Path(reports_dir) if reports_dir is not None else paths.reports_dir()
    reports_dir.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id()
    work = reports_dir / f".tmp-{run_id}"
    work.mkdir()
    for folder in RUN_FOLDERS:
        (work / folder).mkdir()
    started, clock = _utc_now(), time.perf_counter()
    try:
        workers = max_workers or os.cpu_count() or 1
        outcomes = _execute_all(config, selected, work, run_id, kernel_name, workers, progress)
        _write_html(outcomes, work)
        ok = all(outcome.status == "succeeded" for outcome in outcomes.values())
        manifest = {
            "run_id": run_id,
            "status": "succeeded" if ok else "failed",
            "started": started,
            "finished": _utc_now(),
            "seconds": round(time.perf_counter() - clock, 2),
            "git": git_state(),
            "config_file": shown_path(config.path),
            "configuration": config.loaded,
            "language": config.language,
            "selected": selected,
            "complete": complete,
            "added_dependencies": added,
            "kernel": {"name": kernel_name, "python": kernel_python},
            "notebooks": {name: _manifest_entry(o, work) for name, o in outcomes.items()},
            "inputs": input_checksums(
                raw_dir=raw_dir,
                processed_dir=processed_dir,
                extra=[config.path, *(config.notebook(name).path for name in selected)],
            ),
            "outputs": _output_checksums(work),
            "packages": package_versions(),
        }
        (work / MANIFEST_NAME).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
        )
        (work / "index.html").write_text(index_html(manifest), encoding="utf-8")
    except BaseException:
        os.replace(work, reports_dir / f"{run_id}-failed")
        raise
    if not ok:
        failed = reports_dir / f"{run_id}-failed"
        os.replace(work, failed)
        problems = [o.describe() for o in outcomes.values() if o.status != "succeeded"]
        raise ReportRunError(
            f"report run {run_id} failed; executed notebooks kept in {failed}; "
            f"{reports_dir / LATEST} not changed\n  " + "\n  ".join(problems),
            RunResult(run_id, failed, False, outcomes, added, manifest, complete),
        )
    final = reports_dir / run_id
    os.replace(work, final)
    if complete:
        point_latest(reports_dir, run_id)
    return RunResult(run_id, final, True, outcomes, added, manifest, complete)


def _kernel_python(kernel_name: str) -> str:
    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel as exc:
        raise CaretrendsError(
            f"Jupyter kernel {kernel_name!r} is not registered: run `make venv`, or "
            f"`python -m ipykernel install --sys-prefix --name {kernel_name}` in the "
            "project's environment"
        ) from exc
    return spec.argv[0]


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _execute_all(
    config: RunConfig,
    selected: list[str],
    work: Path,
    run_id: str,
    kernel_name: str,
    max_workers: int,
    progress: bool,
) -> dict[str, NotebookOutcome]:
    """Run the notebooks, each as soon as what it depends on has succeeded.

    Threads suffice: each notebook runs in its own kernel process, and a thread only
    waits for it. After a failure the notebooks that depend on it are skipped while the
    independent ones still run, so one run reports every problem it can find.
    """
    workers = max(1, min(max_workers, len(selected)))
    pending = list(selected)
    outcomes: dict[str, NotebookOutcome] = {}
    running: dict[Future[NotebookOutcome], int] = {}
    free_rows = list(range(1, workers + 1))  # terminal rows for the cell bars
    disable = None if progress else True  # None: bars on a terminal only, not in cron logs
    with (
        ThreadPoolExecutor(workers, thread_name_prefix="notebook") as pool,
        tqdm(total=len(selected), desc="notebooks", unit="nb", disable=disable) as bar,
    ):
        while pending or running:
            for name in list(pending):
                parameters = config.parameters_for(name, run_id=run_id, output_dir=str(work))
                depends_on = config.notebook(name).depends_on
                if any(outcomes.get(d) and outcomes[d].status != "succeeded" for d in depends_on):
                    outcomes[name] = _skipped(name, parameters, depends_on, outcomes)
                    pending.remove(name)
                    bar.update()
                elif free_rows and all(d in outcomes for d in depends_on):
                    row = free_rows.pop(0)
                    cells = {"desc": name, "position": row, "leave": False, "disable": disable}
                    notebook = config.notebook(name).path
                    future = pool.submit(
                        execute_notebook, notebook, work, parameters, kernel_name, cells
                    )
                    running[future] = row
                    pending.remove(name)
            if running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    free_rows.append(running.pop(future))
                    outcome = future.result()
                    outcomes[outcome.name] = outcome
                    bar.update()
    return {name: outcomes[name] for name in selected}


def _skipped(
    name: str,
    parameters: dict[str, object],
    depends_on: tuple[str, ...],
    outcomes: dict[str, NotebookOutcome],
) -> NotebookOutcome:
    failed = [d for d in depends_on if d in outcomes and outcomes[d].status != "succeeded"]
    reason = f"depends on {', '.join(failed)}, which did not succeed"
    return NotebookOutcome(name, "skipped", parameters, error={"reason": reason})


def execute_notebook(
    notebook: Path,
    work: Path,
    parameters: dict[str, object],
    kernel_name: str = KERNEL_NAME,
    progress_bar: bool | dict = False,
) -> NotebookOutcome:
    """Execute one notebook with papermill into ``work/notebooks`` and say how it went.

    The notebook runs with ``work`` as its working directory; the executed copy is
    written even when a cell fails, so that the error can be read in it.
    """
    started, clock = _utc_now(), time.perf_counter()
    error: dict[str, object] | None = None
    try:
        papermill.execute_notebook(
            str(notebook),
            str(work / "notebooks" / notebook.name),
            parameters=parameters,
            kernel_name=kernel_name,
            cwd=str(work),
            progress_bar=progress_bar,
        )
    except PapermillExecutionError as exc:
        source = next((line for line in exc.source.splitlines() if line.strip()), "")
        error = {
            "ename": exc.ename,
            "evalue": exc.evalue,
            "cell_index": exc.cell_index,
            "exec_count": exc.exec_count,
            "source": source.strip()[:100],
        }
    except Exception as exc:  # a dead kernel or a timeout fails this notebook only
        error = {"ename": type(exc).__name__, "evalue": str(exc)}
    return NotebookOutcome(
        name=notebook.stem,
        status="failed" if error else "succeeded",
        parameters=parameters,
        started=started,
        finished=_utc_now(),
        seconds=round(time.perf_counter() - clock, 2),
        error=error,
    )


def _write_html(outcomes: dict[str, NotebookOutcome], work: Path) -> None:
    """Write ``html/<name>.html`` for each notebook that succeeded.

    A page that cannot be made (an image it shows is missing) fails its notebook.
    """
    for outcome in outcomes.values():
        if outcome.status != "succeeded":
            continue
        page = work / "html" / f"{outcome.name}.html"
        try:
            executed = work / "notebooks" / f"{outcome.name}.ipynb"
            page.write_text(notebook_html(executed, work), encoding="utf-8")
        except CaretrendsError as exc:
            outcome.status = "failed"
            outcome.error = {"ename": "HTML export", "evalue": str(exc)}
            continue
        outcome.html = page.relative_to(work).as_posix()


def _manifest_entry(outcome: NotebookOutcome, work: Path) -> dict[str, object]:
    entry = asdict(outcome)
    del entry["name"]
    executed = work / "notebooks" / f"{outcome.name}.ipynb"
    entry["notebook"] = executed.relative_to(work).as_posix() if executed.exists() else None
    return entry


def _output_checksums(work: Path) -> dict[str, str]:
    files = [f for folder in ("figures", "tables") for f in sorted((work / folder).rglob("*"))]
    return {f.relative_to(work).as_posix(): sha256_file(f) for f in files if f.is_file()}


@contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def point_latest(reports_dir: Path, run_id: str) -> bool:
    """Point ``reports/latest`` at ``run_id`` atomically, unless it names a newer run.

    A new symlink is made beside it and renamed over it, under a lock shared by every
    run. ``latest`` never moves back to an older run: when two runs overlap, the one that
    started last is the latest, whichever finishes first.

    Returns
    -------
    bool
        Whether ``latest`` was moved.
    """
    latest = reports_dir / LATEST
    with _locked(reports_dir / ".lock"):
        if latest.exists() and not latest.is_symlink():
            raise CaretrendsError(f"{latest} is not a symlink; move it away so runs can update it")
        if latest.is_symlink() and os.readlink(latest) > run_id:
            return False
        link = reports_dir / f".latest-{run_id}"
        link.symlink_to(run_id)  # relative: the reports folder can be moved as a whole
        os.replace(link, latest)
    return True
