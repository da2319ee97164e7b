"""Executing the notebooks of a run with papermill: independent notebooks in parallel, each
with a per-cell time limit, its outcome recorded (succeeded, failed in which cell, or
skipped because what it depends on did not succeed)."""

from __future__ import annotations

import copy
import shutil
import signal
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError
from nbformat import NotebookNode
from papermill.exceptions import PapermillExecutionError
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook
from tqdm.auto import tqdm

from caretrends import paths
from caretrends.labels.terms import SOURCE_LANGUAGE
from caretrends.report.config import RunConfig
from caretrends.report.kernels import KERNEL_NAME, RunKernels, utc_now, write_run_kernel_spec
from caretrends.report.layout import DATA_LANGUAGE_ENV, run_paths
from caretrends.report.narrative import translate_notebook


@dataclass
class NotebookOutcome:
    """How one notebook of a run went."""

    name: str
    #: ``succeeded``, ``failed`` or ``skipped`` (a notebook it depends on failed).
    status: str
    parameters: dict[str, object]
    started: str | None = None
    finished: str | None = None
    seconds: float | None = None
    #: For a failure: ``ename``, ``evalue`` and, when a cell raised, ``cell_index`` (in
    #: the executed notebook), ``exec_count`` and ``source`` (the cell's first line).
    #: For a skip: ``reason``.
    error: dict[str, object] | None = None
    html: str | None = field(default=None)
    #: The language it ran in.
    lang: str = SOURCE_LANGUAGE

    def describe(self) -> str:
        """One line saying what went wrong (or that it went right)."""
        name = f"{self.name} ({self.lang})"
        if self.status == "succeeded":
            return f"{name}: succeeded in {self.seconds} s"
        error = self.error or {}
        if self.status == "skipped":
            return f"{name}: skipped, {error.get('reason')}"
        where = ""
        if error.get("cell_index") is not None:
            where = f" in cell {error['cell_index']} "
            if error.get("exec_count") is not None:  # a cell that never answered has none
                where += f"(In [{error['exec_count']}]) "
            where += f"of the executed notebook `{error['source']}`"
        return f"{name}: failed{where}: {error.get('ename')}: {error.get('evalue')}"


def execute_all(
    config: RunConfig,
    selected: list[str],
    work: Path,
    run_id: str,
    kernel_name: str,
    max_workers: int,
    progress: bool,
    kernels: RunKernels,
    on_finished: Callable[[NotebookOutcome], None] = lambda _outcome: None,
    seconds: Mapping[str, float] | None = None,
) -> dict[tuple[str, str], NotebookOutcome]:
    """Run the notebooks in each of the run's languages, each as soon as what it depends
    on (in its language) has succeeded; the outcomes keyed ``(language, name)``.

    Threads suffice: each notebook runs in its own kernel process, and a thread only
    waits for it. The languages' notebooks run side by side; a notebook in another
    language than the first waits for the first language's, whose notebooks alone write
    ``data/`` (:func:`caretrends.report.write_table`), so that every language shows the
    same numbers.
    After a failure the notebooks that depend on it are skipped while the independent
    ones still run, so one run reports every problem it can find; once the run is
    stopped, no notebook starts. The notebooks share the case files they clean through
    ``work/.case-cache`` (:mod:`caretrends.cases.cache`), and start their kernels from
    ``work/.kernels`` (:func:`caretrends.report.kernels.write_run_kernel_spec`), both
    removed when the last one has finished. ``on_finished`` is called with each notebook's
    outcome once what could start next has started, while it runs (the runner writes the
    notebook's page); if it fails the notebook, what depends on it and has not started
    yet is skipped. ``seconds`` (by notebook, as the last run took them) order the start
    (:func:`start_order`).
    """
    case_cache = paths.run_case_cache(work)
    kernel_dir = paths.run_kernel_dir(work)
    pending = start_order(selected, config, seconds)
    workers = max(1, min(max_workers, len(pending)))
    outcomes: dict[tuple[str, str], NotebookOutcome] = {}
    running: dict[Future[NotebookOutcome], int] = {}
    free_rows = list(range(1, workers + 1))  # terminal rows for the cell bars
    just_finished: list[NotebookOutcome] = []
    disable = None if progress else True  # None: bars on a terminal only, not in cron logs
    with (
        removed_at_exit(case_cache),
        removed_at_exit(kernel_dir),
        ThreadPoolExecutor(workers, thread_name_prefix="notebook") as pool,
        tqdm(total=len(pending), desc="notebooks", unit="nb", disable=disable) as bar,
    ):
        write_run_kernel_spec(kernel_name, kernel_dir)
        while pending or running or just_finished:
            for lang, name in list(pending):
                parameters = config.parameters_for(
                    name, run_id=run_id, output_dir=str(work), lang=lang
                )
                waits_for = depends_on(lang, name, config)
                reason = _skip_reason(waits_for, outcomes, kernels.stopped_by)
                if reason:
                    outcomes[lang, name] = NotebookOutcome(
                        name, "skipped", parameters, error={"reason": reason}, lang=lang
                    )
                    pending.remove((lang, name))
                    bar.update()
                elif free_rows and all(d in outcomes for d in waits_for):
                    row = free_rows.pop(0)
                    cells = {
                        "desc": f"{name} ({lang})",
                        "position": row,
                        "leave": False,
                        "disable": disable,
                    }
                    future = pool.submit(
                        execute_notebook,
                        config.notebook(name).path,
                        work,
                        parameters,
                        kernel_name,
                        cells,
                        execution_timeout=config.execution_timeout,
                        kernels=kernels,
                        case_cache=case_cache,
                        lang=lang,
                        data_language=config.language,
                    )
                    running[future] = row
                    pending.remove((lang, name))
            for outcome in just_finished:  # while the notebooks started above run
                on_finished(outcome)
            just_finished.clear()
            if running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    free_rows.append(running.pop(future))
                    outcome = future.result()
                    outcomes[outcome.lang, outcome.name] = outcome
                    just_finished.append(outcome)
                    bar.update()
    return {(lang, name): outcomes[lang, name] for lang in config.languages for name in selected}


def start_order(
    selected: list[str], config: RunConfig, seconds: Mapping[str, float] | None = None
) -> list[tuple[str, str]]:
    """Order the run's notebooks, ``(language, name)``, longest road to the run's end
    first: a notebook's own time (``seconds`` by name, as the last run took them; 1 each
    when unknown) plus the longest road of what waits for it, in any language. Notebooks
    nothing waits for then fill the time their neighbours would spend waiting, and the
    run does not end on one notebook alone; ties keep the configured order.

    Examples
    --------
    With 04 depending on 02 and 03, in one language 02 and 03 go before 01:
    ``01, 02, 03, 04`` → ``02, 03, 01, 04``; in three, the first language's 02 and 03 (all
    the others' notebooks wait for them), then the others' 02 and 03 before any 01 or 04
    once 02 and 03 are known to take longer.
    """
    nodes = [(lang, name) for lang in config.languages for name in selected]
    waiting_for: dict[tuple[str, str], list[tuple[str, str]]] = {node: [] for node in nodes}
    for node in nodes:
        for dependency in depends_on(*node, config):
            if dependency in waiting_for:
                waiting_for[dependency].append(node)
    road: dict[tuple[str, str], float] = {}

    def longest(node: tuple[str, str]) -> float:
        if node not in road:
            after = max((longest(waiting) for waiting in waiting_for[node]), default=0.0)
            road[node] = (seconds or {}).get(node[1], 1.0) + after
        return road[node]

    return sorted(nodes, key=lambda node: -longest(node))


def depends_on(lang: str, name: str, config: RunConfig) -> list[tuple[str, str]]:
    """What a notebook in ``lang`` waits for: its dependencies in its language and, in a
    language other than the first, the first language's same notebook (whose notebooks
    alone write ``data/`` and the results computed once)."""
    found = [(lang, dependency) for dependency in config.notebook(name).depends_on]
    if lang != config.language:
        found.append((config.language, name))
    return found


@contextmanager
def removed_at_exit(folder: Path) -> Iterator[None]:
    """Remove ``folder`` (if anything created it) when the block ends, however it ends."""
    try:
        yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _skip_reason(
    depends_on: list[tuple[str, str]],
    outcomes: dict[tuple[str, str], NotebookOutcome],
    stopped_by: signal.Signals | None,
) -> str | None:
    """Why a notebook must not start: the run was stopped, or a dependency (in its
    language) did not succeed."""
    if stopped_by:
        return f"not started, the run was stopped by {stopped_by.name}"
    failed = [
        key[1] for key in depends_on if key in outcomes and outcomes[key].status != "succeeded"
    ]
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
    case_cache: Path | None = None,
    lang: str = SOURCE_LANGUAGE,
    data_language: str | None = None,
) -> NotebookOutcome:
    """Execute one notebook with papermill into the run ``work``'s notebooks folder of its
    language (:mod:`caretrends.report.layout`) and say how it went.

    The notebook runs with ``work`` as its working directory; the executed copy is
    written even when a cell fails, so that the error can be read in it. In a language
    ``lang`` other than English, its Markdown cells are first replaced by their
    translations (:mod:`caretrends.report.narrative`).

    Parameters
    ----------
    execution_timeout : int, optional
        Seconds a cell may run; a cell that runs longer fails the notebook. Default: no
        limit.
    kernels : RunKernels, optional
        The run's kernels, which a signal shuts down; the kernel is registered there. It
        starts from the specification :func:`execute_all` wrote into ``work/.kernels``.
    case_cache : Path, optional
        Folder where the run's notebooks share cleaned case files
        (:mod:`caretrends.cases.cache`); by default each cleans its own.
    lang : str
        The language it runs in.
    data_language : str, optional
        The run's language whose notebooks write ``data/``
        (:func:`caretrends.report.write_table`); by default ``lang``.
    """
    env = {DATA_LANGUAGE_ENV: data_language or lang}
    if case_cache is not None:
        env[paths.CASE_CACHE_ENV] = str(case_cache)
    kernels = kernels or RunKernels()
    started, clock = utc_now(), time.perf_counter()
    executed = run_paths(work, lang).notebooks / notebook.name
    # Parameterized here rather than by papermill, so that the cells run so far can be
    # written out when execution stops short of an error papermill records itself.
    source = parameterize_notebook(
        translate_notebook(load_notebook_node(str(notebook)), notebook.stem, lang),
        parameters,
        kernel_name=kernel_name,
    )
    ran: dict[int, NotebookNode] = {}  # each cell run so far, in the notebook papermill runs
    current: dict[str, object] = {}  # the cell running, to name it when its kernel dies

    def cell_started(cell: NotebookNode, cell_index: int) -> None:
        current.update(cell=cell, index=cell_index)
        ran[cell_index] = cell

    error: dict[str, object] | None = None
    try:
        done = papermill.execute_notebook(
            source,
            str(executed),
            kernel_name=kernel_name,
            progress_bar=progress_bar,
            # Written once at the end, not twice a cell: the saves cost a run of three
            # languages about a CPU-second per language.
            request_save_on_cell_execute=False,
            execution_timeout=execution_timeout,
            kernel_manager_class=kernels.manager_class(
                paths.run_kernel_dir(work),
                cwd=work,
                env=env,
            ),
            on_cell_start=cell_started,
            shutdown_kernel="immediate",
        )
        write_named(done, notebook, executed)
    except PapermillExecutionError as exc:  # papermill wrote the notebook with its error
        write_named(nbformat.read(executed, as_version=4), notebook, executed)
        error = {
            "ename": exc.ename,
            "evalue": exc.evalue,
            "cell_index": exc.cell_index,
            "exec_count": exc.exec_count,
            "source": _first_line(exc.source),
        }
    except Exception as exc:  # a stopped run, a timeout or a dead kernel fails this notebook
        write_ran_so_far(source, ran, executed, notebook)
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
        finished=utc_now(),
        seconds=round(time.perf_counter() - clock, 2),
        error=error,
        lang=lang,
    )


def write_ran_so_far(
    source: NotebookNode, ran: dict[int, NotebookNode], path: Path, notebook: Path
) -> None:
    """Write ``source``, the parameterized ``notebook``, to ``path`` with the cells run so
    far as they ran (the one running with the outputs it had), so that a notebook stopped
    or timed out can be read."""
    partial = copy.copy(source)
    partial.cells = [ran.get(index, cell) for index, cell in enumerate(source.cells)]
    write_named(partial, notebook, path)


def write_named(executed: NotebookNode, notebook: Path, path: Path) -> None:
    """Write an executed notebook to ``path`` naming the ``notebook`` it ran from (papermill,
    given the notebook it ran as an object, would record the object in its place)."""
    executed.metadata.setdefault("papermill", {})["input_path"] = str(notebook)
    nbformat.write(executed, path)


def _first_line(source: str) -> str:
    """A cell's first non-blank line, cut to 100 characters, to name the cell."""
    return next((line for line in source.splitlines() if line.strip()), "").strip()[:100]
