"""The kernels of a run: started per notebook (forked from the run's warm zygote, see
:mod:`caretrends.report.zygote`), and all shut down, with their connection files removed,
when the run ends or is stopped by SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

from caretrends.errors import CaretrendsError
from caretrends.permissions import owner_only_umask
from caretrends.report.zygote import Zygote, ZygoteError, forkable

#: The Jupyter kernel the project installs (``make venv``) and runs notebooks on.
KERNEL_NAME = "caretrends"

#: The signals that stop a run cleanly: a terminal's Ctrl-C, and cron's, systemd's and CI's.
STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)


class RunKernels:
    """The kernels a run has started, so that a signal can shut them all down at once.

    A signal handler runs in the main thread while the notebooks' threads wait on their
    kernels, so stopping means killing the kernels: each thread then sees its kernel die,
    records its notebook as stopped and cleans up the kernel's connection file itself.

    Attributes
    ----------
    stopped_by : signal.Signals or None
        The signal that stopped the run, once one has.
    zygote : Zygote or None
        While :meth:`forked_from` is in effect, the warm process kernels are forked from.
    """

    def __init__(self) -> None:
        self.stopped_by: signal.Signals | None = None
        self.zygote: Zygote | None = None
        self._lock = threading.RLock()  # reentrant: a second signal may interrupt the first
        self._pids: set[int] = set()

    def stop(self, signum: int, _frame: object = None) -> None:
        """Record the signal and kill every running kernel (a signal handler)."""
        with self._lock:
            self.stopped_by = self.stopped_by or signal.Signals(signum)
            for pid in self._pids:
                _kill_kernel(pid)

    @contextmanager
    def forked_from(self, zygote: Zygote | None) -> Iterator[None]:
        """Fork this run's kernels from ``zygote`` until the block ends (None: start them
        as usual); a kernel of another Python than the zygote's starts as usual too."""
        self.zygote = zygote
        try:
            yield
        finally:
            self.zygote = None

    def manager_class(
        self, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> type[AsyncKernelManager]:
        """A kernel manager class that registers the kernels it starts with this run.

        Its kernels start in ``cwd``, with ``env`` added to this process's environment.
        papermill's own ``cwd`` changes the directory of the whole process, which notebooks
        run in parallel threads would race on: one kernel could start in, and the process
        be left in, another notebook's folder.
        """
        kernels = self

        class RunKernelManager(AsyncKernelManager):
            async def start_kernel(self, **kwargs: object) -> None:
                if cwd is not None:
                    kwargs["cwd"] = str(cwd)
                if env:
                    kwargs["env"] = {**os.environ, **env}
                await super().start_kernel(**kwargs)
                kernels._started(self.provisioner.pid)

            async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: object) -> None:
                zygote = kernels.zygote
                where = str(kw.get("cwd") or os.getcwd())
                # As jupyter_client's launcher: the kernel then exits if its parent dies.
                environment = {**(kw.get("env") or os.environ), "JPY_PARENT_PID": str(os.getpid())}
                process = None
                if zygote is not None and zygote.serves(kernel_cmd):
                    try:
                        process = await asyncio.to_thread(
                            zygote.fork, kernel_cmd, where, environment
                        )
                    except ZygoteError:  # it died: start this kernel the usual way
                        pass
                if process is None:
                    await super()._async_launch_kernel(kernel_cmd, **kw)
                    return
                # What LocalProvisioner.launch_kernel records of a process it starts;
                # the kernel leads its own process group, as a launched one does.
                provisioner = self.provisioner
                provisioner.process = process
                provisioner.pid = provisioner.pgid = process.pid
                provisioner.cwd = where
                self._reconcile_connection_info(provisioner.connection_info)

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
def stopping_on_signals(kernels: RunKernels) -> Iterator[None]:
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


@contextmanager
def warm_zygote(kernel_argv: list[str]) -> Iterator[Zygote | None]:
    """Start a zygote for kernels of ``kernel_argv`` now, so that it imports their stack
    while the caller gets ready; closed when the block ends. None where kernels cannot be
    forked: a kernel that is not ``python -m ipykernel_launcher``, or a system without
    the Unix sockets it needs (macOS has no ``SOCK_SEQPACKET``)."""
    if not forkable(kernel_argv):
        yield None
        return
    try:
        with owner_only_umask():  # inherited by its kernels, which write run outputs
            zygote = Zygote.start(kernel_argv)
    except OSError:
        yield None
        return
    try:
        yield zygote
    finally:
        zygote.close()


def kernel_command(kernel_name: str) -> list[str]:
    """The command line of the registered kernel ``kernel_name`` (its Python first)."""
    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel as exc:
        raise CaretrendsError(
            f"Jupyter kernel {kernel_name!r} is not registered: run `make venv`, or "
            f"`python -m ipykernel install --sys-prefix --name {kernel_name}` in the "
            "project's environment"
        ) from exc
    return list(spec.argv)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
