"""The kernels of a run: started per notebook (forked from the run's warm zygote, see
:mod:`caretrends.report.zygote` and :mod:`caretrends.report.provisioner`), and all shut
down, with their connection files removed, when the run ends or is stopped by SIGINT or
SIGTERM.

A run's kernels are started from a kernel specification the runner writes into the run
folder (:func:`write_run_kernel_spec`), under the name of the registered kernel but with
the run's provisioner, and found there through jupyter_client's ``KernelSpecManager``
(``kernel_dirs``); their connection files are written beside it, so that a run that
died without cleaning up leaves them nowhere else (:mod:`caretrends.report.run` removes
such runs).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import threading
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from importlib.metadata import entry_points
from pathlib import Path

from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel

from caretrends.errors import CaretrendsError
from caretrends.permissions import owner_only_umask
from caretrends.report.provisioner import PROVISIONER_NAME
from caretrends.report.stopping import handled_by
from caretrends.report.zygote import Zygote, forkable

#: The Jupyter kernel the project installs (``make venv``) and runs notebooks on.
KERNEL_NAME = "caretrends"

#: The entry point group under which jupyter_client looks provisioners up.
PROVISIONERS = "jupyter_client.kernel_provisioners"

#: The longest path of a local socket Linux accepts (``sun_path`` less its final NUL).
MAX_SOCKET_PATH = 107


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
        """Record the signal and kill every running kernel and the zygote, so that no
        start or shutdown waits on it (a signal handler)."""
        with self._lock:
            self.stopped_by = self.stopped_by or signal.Signals(signum)
            for pid in self._pids:
                _kill_kernel(pid)
            if self.zygote is not None:
                self.zygote.kill()

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
        self, kernel_dir: Path, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> type[AsyncKernelManager]:
        """A kernel manager class that registers the kernels it starts with this run.

        Its kernels are those of the specifications in ``kernel_dir``
        (:func:`write_run_kernel_spec`), with their connection files there too; they
        start in ``cwd``, with ``env`` added to this process's environment. papermill's
        own ``cwd`` changes the directory of the whole process, which notebooks run in
        parallel threads would race on: one kernel could start in, and the process be
        left in, another notebook's folder.
        """
        kernels = self

        class RunKernelManager(AsyncKernelManager):
            #: The run, for its provisioner (:mod:`caretrends.report.provisioner`).
            run_kernels = kernels

            def __init__(self, **kwargs: object) -> None:
                kwargs.setdefault(
                    "kernel_spec_manager", KernelSpecManager(kernel_dirs=[str(kernel_dir)])
                )
                name = f"kernel-{uuid.uuid4()}"
                kwargs.setdefault("connection_file", str(kernel_dir / f"{name}.json"))
                # Local sockets in the run's private folder rather than TCP ports any
                # local user may connect to (ipykernel warns of unencrypted TCP), where
                # the folder's path leaves room for them.
                sockets = str(kernel_dir / name[7:15])
                if len(os.fsencode(sockets)) + len("-65535") <= MAX_SOCKET_PATH:
                    kwargs.setdefault("transport", "ipc")
                    kwargs.setdefault("ip", sockets)
                super().__init__(**kwargs)

            async def start_kernel(self, **kwargs: object) -> None:
                if cwd is not None:
                    kwargs["cwd"] = str(cwd)
                if env:
                    kwargs["env"] = {**os.environ, **env}
                await super().start_kernel(**kwargs)
                kernels.started(self.provisioner.pid)

            async def cleanup_resources(self, restart: bool = False) -> None:
                kernels.ended(self.provisioner.pid if self.provisioner else None)
                await super().cleanup_resources(restart=restart)

        return RunKernelManager

    def started(self, pid: int) -> None:
        """Register a kernel that has started (killed at once if the run was stopped)."""
        with self._lock:
            self._pids.add(pid)
            if self.stopped_by:  # stopped while this kernel was starting
                _kill_kernel(pid)

    def ended(self, pid: int | None) -> None:
        """Forget a kernel that has ended."""
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


def stopping_on_signals(kernels: RunKernels) -> AbstractContextManager[None]:
    """Route SIGINT and SIGTERM to ``kernels.stop`` while a run is going (main thread only)."""
    return handled_by(kernels.stop)


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


def registered_kernel_spec(kernel_name: str) -> KernelSpec:
    """The specification of the registered kernel ``kernel_name``.

    Raises
    ------
    CaretrendsError
        In one line, when no such kernel is registered.
    """
    try:
        return KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel as exc:
        raise CaretrendsError(
            f"Jupyter kernel {kernel_name!r} is not registered: run `make venv`, or "
            f"`python -m ipykernel install --sys-prefix --name {kernel_name}` in the "
            "project's environment"
        ) from exc


def kernel_command(kernel_name: str) -> list[str]:
    """The command line of the registered kernel ``kernel_name`` (its Python first)."""
    return list(registered_kernel_spec(kernel_name).argv)


def write_run_kernel_spec(kernel_name: str, kernel_dir: Path) -> None:
    """Write into ``kernel_dir`` the specification a run starts ``kernel_name`` from: the
    registered one, with the run's provisioner (:data:`PROVISIONER_NAME`).

    Its name stays ``kernel_name``, so that executed notebooks name the kernel analysts
    have.

    Raises
    ------
    CaretrendsError
        In one line, when the kernel is not registered or the provisioner not installed.
    """
    if not entry_points(group=PROVISIONERS, name=PROVISIONER_NAME):
        raise CaretrendsError(
            f"kernel provisioner {PROVISIONER_NAME!r} is not installed ({PROVISIONERS} "
            "entry point): reinstall the project with `make venv`"
        )
    spec = registered_kernel_spec(kernel_name).to_dict()
    spec["metadata"] = {
        **spec.get("metadata", {}),
        "kernel_provisioner": {"provisioner_name": PROVISIONER_NAME},
    }
    folder = kernel_dir / kernel_name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
