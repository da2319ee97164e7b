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
and figures in them may derive from private case records.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
import shutil
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import papermill
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient.exceptions import CellTimeoutError
from papermill.exceptions import PapermillExecutionError
from tqdm.auto import tqdm

from caretrends import paths
from caretrends.errors import CaretrendsError
from caretrends.report.config import RunConfig
from caretrends.report.html import index_html, notebook_html
from caretrends.report.manifest import (
    git_state,
    input_checksums,
    package_versions,
    shown_path,
)
from caretrends.sources.registry import sha256_file

#: The Jupyter kernel the notebooks run on (``make venv`` registers it in the venv).
KERNEL_NAME = "caretrends"
LATEST = "latest"
MANIFEST_NAME = "manifest.json"
#: Folders of a run; notebooks write their own files into ``figures/`` and ``tables/``.
RUN_FOLDERS: tuple[str, ...] = ("notebooks", "html", "figures", "tables")
#: A run folder's mode: its owner only, since its outputs may derive from private records.
RUN_FOLDER_MODE = 0o700
#: The signals that stop a run cleanly: a terminal's Ctrl-C, and cron's, systemd's and CI's.
STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)


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
            where = f" in cell {error['cell_index']} "
            if error.get("exec_count") is not None:  # a cell that never answered has none
                where += f"(In [{error['exec_count']}]) "
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


class RunKernels:
    """The kernels a run has started, so that a signal can shut them all down at once.

    A signal handler runs in the main thread while the notebooks' threads wait on their
    kernels, so stopping means killing the kernels: each thread then sees its kernel die,
    records its notebook as stopped and cleans up the kernel's connection file itself.

    Attributes
    ----------
    stopped_by : signal.Signals or None
        The signal that stopped the run, once one has.
    """

    def __init__(self) -> None:
        self.stopped_by: signal.Signals | None = None
        self._lock = threading.RLock()  # reentrant: a second signal may interrupt the first
        self._pids: set[int] = set()

    def stop(self, signum: int, _frame: object = None) -> None:
        """Record the signal and kill every running kernel (a signal handler)."""
        with self._lock:
            self.stopped_by = self.stopped_by or signal.Signals(signum)
            for pid in self._pids:
                _kill_kernel(pid)

    def manager_class(self) -> type[AsyncKernelManager]:
        """A kernel manager class that registers the kernels it starts with this run."""
        kernels = self

        class RunKernelManager(AsyncKernelManager):
            async def start_kernel(self, **kwargs: object) -> None:
                await super().start_kernel(**kwargs)
                kernels._started(self.provisioner.pid)

            async def cleanup_resources(self, restart: bool = False) -> None:
                kernels._ended(self.provisioner.pid if self.provisioner else None)
                await super().cleanup_resources(restart=restart)

        return RunKernelManager

    def _started(self, pid: int) -> None:
        with self._lock:
            self._pids.add(pid)
            if self.stopped_by:  # stopped while this kernel was starting
                _kill_kernel(pid)

    def _ended(self, pid: int | None) -> None:
        with self._lock:
            self._pids.discard(pid)


def _kill_kernel(pid: int) -> None:
    """Kill a kernel and whatever it started.

    jupyter_client starts each kernel in a session of its own, so its process group has
    the kernel's pid; a hung cell's child processes go with it.
    """
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:  # it ended on its own meanwhile
        pass


@contextmanager
def _stopping_on_signals(kernels: RunKernels) -> Iterator[None]:
    """Route SIGINT and SIGTERM to ``kernels.stop`` while a run is going.

    Python lets only the main thread set signal handlers; a run started in another
    thread leaves signals to whoever owns the process.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, kernels.stop) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def make_run_folder(reports_dir: Path, run_id: str) -> Path:
    """Create ``reports_dir/.tmp-<run-id>/`` with :data:`RUN_FOLDERS`, readable by its owner only.

    Raises
    ------
    CaretrendsError
        In one line, when ``reports_dir`` is a file or cannot be written.
    """
    if reports_dir.exists() and not reports_dir.is_dir():
        raise CaretrendsError(f"{reports_dir}: cannot hold reports: it is a file, not a folder")
    work = reports_dir / f".tmp-{run_id}"
    made = False
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
        work.mkdir()
        made = True
        work.chmod(RUN_FOLDER_MODE)  # explicitly: mkdir's mode is subject to the umask
        for folder in RUN_FOLDERS:
            (work / folder).mkdir()
    except OSError as exc:
        if made:  # a full disk, say: leave no half-made folder behind
            shutil.rmtree(work)
        raise CaretrendsError(f"{reports_dir}: cannot hold reports: {exc.strerror}") from None
    return work


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
    kernel_python = _kernel_python(kernel_name)
    reports_dir = Path(reports_dir) if reports_dir is not None else paths.reports_dir()
    run_id = new_run_id()
    kernels = RunKernels()
    # From the run folder's creation to its publishing a signal only stops the kernels,
    # so that no path leaves a hidden .tmp- folder behind.
    with _stopping_on_signals(kernels):
        work = make_run_folder(reports_dir, run_id)
        started, clock = _utc_now(), time.perf_counter()
        try:
            workers = max_workers or os.cpu_count() or 1
            outcomes = _execute_all(
                config, selected, work, run_id, kernel_name, workers, progress, kernels
            )
            _write_html(outcomes, work)
            stopped_by = kernels.stopped_by  # a signal after this lets the run finish
            failed = [name for name, o in outcomes.items() if o.status != "succeeded"]
            reason = f"stopped by {stopped_by.name}" if stopped_by else None
            if failed and not reason:
                reason = f"notebooks did not succeed: {', '.join(failed)}"
            manifest = {
                "run_id": run_id,
                "status": "failed" if reason else "succeeded",
                "reason": reason,
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
                "execution_timeout": config.execution_timeout,
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
        if reason:
            folder = reports_dir / f"{run_id}-failed"
            os.replace(work, folder)
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
    kernels: RunKernels,
) -> dict[str, NotebookOutcome]:
    """Run the notebooks, each as soon as what it depends on has succeeded.

    Threads suffice: each notebook runs in its own kernel process, and a thread only
    waits for it. After a failure the notebooks that depend on it are skipped while the
    independent ones still run, so one run reports every problem it can find; once the
    run is stopped, no notebook starts.
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
                reason = _skip_reason(depends_on, outcomes, kernels.stopped_by)
                if reason:
                    outcomes[name] = NotebookOutcome(
                        name, "skipped", parameters, error={"reason": reason}
                    )
                    pending.remove(name)
                    bar.update()
                elif free_rows and all(d in outcomes for d in depends_on):
                    row = free_rows.pop(0)
                    cells = {"desc": name, "position": row, "leave": False, "disable": disable}
                    future = pool.submit(
                        execute_notebook,
                        config.notebook(name).path,
                        work,
                        parameters,
                        kernel_name,
                        cells,
                        execution_timeout=config.execution_timeout,
                        kernels=kernels,
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


def _skip_reason(
    depends_on: tuple[str, ...],
    outcomes: dict[str, NotebookOutcome],
    stopped_by: signal.Signals | None,
) -> str | None:
    """Why a notebook must not start: the run was stopped, or a dependency did not succeed."""
    if stopped_by:
        return f"not started, the run was stopped by {stopped_by.name}"
    failed = [d for d in depends_on if d in outcomes and outcomes[d].status != "succeeded"]
    return f"depends on {', '.join(failed)}, which did not succeed" if failed else None


def execute_notebook(
    notebook: Path,
    work: Path,
    parameters: dict[str, object],
    kernel_name: str = KERNEL_NAME,
    progress_bar: bool | dict = False,
    *,
    execution_timeout: int | None = None,
    kernels: RunKernels | None = None,
) -> NotebookOutcome:
    """Execute one notebook with papermill into ``work/notebooks`` and say how it went.

    The notebook runs with ``work`` as its working directory; the executed copy is
    written even when a cell fails, so that the error can be read in it.

    Parameters
    ----------
    execution_timeout : int, optional
        Seconds a cell may run; a cell that runs longer fails the notebook. Default: no
        limit.
    kernels : RunKernels, optional
        The run's kernels, which a signal shuts down; the kernel is registered there.
    """
    kernels = kernels or RunKernels()
    started, clock = _utc_now(), time.perf_counter()
    current: dict[str, object] = {}  # the cell running, to name it when its kernel dies

    def cell_started(cell: dict, cell_index: int) -> None:
        current.update(cell=cell, index=cell_index)

    error: dict[str, object] | None = None
    try:
        papermill.execute_notebook(
            str(notebook),
            str(work / "notebooks" / notebook.name),
            parameters=parameters,
            kernel_name=kernel_name,
            cwd=str(work),
            progress_bar=progress_bar,
            execution_timeout=execution_timeout,
            kernel_manager_class=kernels.manager_class(),
            on_cell_start=cell_started,
            shutdown_kernel="immediate",
        )
    except PapermillExecutionError as exc:
        error = {
            "ename": exc.ename,
            "evalue": exc.evalue,
            "cell_index": exc.cell_index,
            "exec_count": exc.exec_count,
            "source": _first_line(exc.source),
        }
    except Exception as exc:  # a stopped run, a timeout or a dead kernel fails this notebook
        error = {"ename": type(exc).__name__, "evalue": str(exc)}
        if kernels.stopped_by:
            error = {
                "ename": "Stopped",
                "evalue": f"the run was stopped by {kernels.stopped_by.name}",
            }
        elif isinstance(exc, CellTimeoutError):
            error["evalue"] = f"the cell ran longer than execution_timeout ({execution_timeout} s)"
        if current:
            cell = current["cell"]
            error |= {
                "cell_index": current["index"],
                "exec_count": cell.get("execution_count"),
                "source": _first_line(cell.get("source", "")),
            }
    return NotebookOutcome(
        name=notebook.stem,
        status="failed" if error else "succeeded",
        parameters=parameters,
        started=started,
        finished=_utc_now(),
        seconds=round(time.perf_counter() - clock, 2),
        error=error,
    )


def _first_line(source: str) -> str:
    """A cell's first non-blank line, cut to 100 characters, to name the cell."""
    return next((line for line in source.splitlines() if line.strip()), "").strip()[:100]


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
