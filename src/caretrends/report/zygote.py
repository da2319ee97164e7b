"""Kernels forked from one warm process, so that a run imports its stack once.

Every kernel of a run would otherwise spend about four CPU-seconds importing pandas,
statsmodels, matplotlib, IPython and caretrends before its first cell. The run starts
one *zygote* instead: a process of the kernel's own Python that imports all of that and
then waits. Each kernel is a fork of it (copy-on-write, a few milliseconds), which then
runs ``ipykernel_launcher`` exactly as the kernel specification says, in its own session,
working directory and environment.

The runner talks to the zygote over a Unix socket pair (``SOCK_SEQPACKET``, one message
per request). A request carries the kernel's arguments, working directory and
environment, and one end of a fresh socket pair on which the zygote answers with the
kernel's pid and, once the kernel has ended and been reaped, its exit status. When the
runner's end closes, the zygote kills the kernels still running and exits. The runner
waits for an answer at most :data:`ANSWER_SECONDS`, and for the zygote's exit at most
:data:`EXIT_SECONDS` before killing it.

Nothing outlives the run, whoever adopts orphans (init, or a subreaper such as a systemd
user manager or ``tini -s``): the zygote asks Linux to kill it when the runner dies, and
each kernel to kill it when the zygote dies (``PR_SET_PDEATHSIG``, :func:`die_with_parent`).

:func:`serve` is the zygote's side (``python -m caretrends.report.zygote FD RUNNER_PID``);
:class:`Zygote` and :class:`ForkedKernel` are the runner's.
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import importlib
import json
import os
import runpy
import selectors
import signal
import socket
import subprocess
import sys
import traceback
from collections.abc import Sequence

#: What ipykernel sets when nothing else has chosen a matplotlib backend; set before
#: matplotlib is imported here so that the forked kernels draw inline as usual.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

#: Modules every kernel of a run imports, loaded by the zygote before it forks: IPython's
#: kernel, the plotting stack, the package's notebook faces whole (:data:`WARM_FACES`)
#: and of ``caretrends.report`` what notebooks call, not the runner (papermill); nbformat,
#: with which each notebook's first cell reads its own parameters.
WARM_MODULES: tuple[str, ...] = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython.display",
    "matplotlib_inline.backend_inline",
    "matplotlib.pyplot",
    "nbformat",
    "caretrends.brief.numbers",
    "caretrends.brief.figures",
    "caretrends.brief.assemble",
    "caretrends.brief.document",
    "caretrends.report.manifest",
    "caretrends.report.notebook",
    "caretrends.report.tables",
)
WARM_FACES: tuple[str, ...] = (
    "caretrends.analysis",
    "caretrends.cases",
    "caretrends.figures",
    "caretrends.labels",
    "caretrends.models",
    "caretrends.pipeline",
)

#: The module every kernel runs, as ``python [options] -m ipykernel_launcher ...``.
LAUNCHER = "ipykernel_launcher"

_MESSAGE_BYTES = 1 << 20  # a request carries the kernel's environment

#: Seconds the runner waits for the zygote to take a request and answer with a pid; it
#: answers once warm, which takes a few seconds even on a loaded machine.
ANSWER_SECONDS = 60.0

#: Seconds the runner waits for a closed zygote to end its kernels and exit.
EXIT_SECONDS = 10.0

#: ``prctl`` option: the signal a process gets when the thread that started it ends
#: (Linux, ``man 2 PR_SET_PDEATHSIG``).
_PR_SET_PDEATHSIG = 1


class ZygoteError(RuntimeError):
    """The zygote could not start a kernel (it has exited, or refused the request)."""


def forkable(argv: Sequence[str]) -> bool:
    """Whether a kernel command is ``python [options] -m ipykernel_launcher ...``."""
    if LAUNCHER not in argv:
        return False
    where = list(argv).index(LAUNCHER)
    return where >= 2 and argv[where - 1] == "-m"


def interpreter(kernel_argv: Sequence[str]) -> list[str]:
    """The Python and its options that a forkable kernel command runs the launcher with."""
    return list(kernel_argv[: list(kernel_argv).index(LAUNCHER) - 1])


def zygote_command(kernel_argv: Sequence[str], fd: int, parent: int) -> list[str]:
    """The command that starts a zygote for kernels of ``kernel_argv``: the same Python
    with the same interpreter options, running this module on socket ``fd`` for the
    runner of pid ``parent``."""
    return [*interpreter(kernel_argv), "-m", __name__, str(fd), str(parent)]


def die_with_parent(parent: int) -> None:
    """Have Linux SIGKILL this process when ``parent`` (the thread that started it) ends;
    exit now if it already has. Elsewhere (no ``prctl``) do nothing."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() != parent:  # it ended before the request was made
        os._exit(1)


class ForkedKernel:
    """A kernel forked by the zygote, with the parts of :class:`subprocess.Popen` that a
    jupyter_client provisioner uses (``pid``, ``poll``, ``wait``, signals).

    The kernel is the zygote's child, not ours: the zygote reaps it and sends its exit
    status on the socket pair made for it (``channel``).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, channel: socket.socket) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._channel = channel

    def poll(self) -> int | None:
        """The exit status if the kernel has ended, else None."""
        if self.returncode is None:
            self._channel.setblocking(False)
            try:
                self._receive()
            except BlockingIOError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the kernel to end; return its exit status."""
        if self.returncode is None:
            self._channel.settimeout(timeout)  # None: block until it comes
            try:
                self._receive()
            except TimeoutError as exc:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0) from exc
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` to the kernel (not once it has ended and been reaped)."""
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        """Send SIGKILL."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """Send SIGTERM."""
        self.send_signal(signal.SIGTERM)

    def _receive(self) -> None:
        message = self._channel.recv(_MESSAGE_BYTES)
        # The zygote closing the channel without a status means it died (killed with
        # the run): its kernels were killed with it.
        self.returncode = json.loads(message)["exit"] if message else -signal.SIGKILL
        self._channel.close()


class Zygote:
    """The runner's handle on a zygote process; start it with :meth:`start`."""

    def __init__(
        self, process: subprocess.Popen, control: socket.socket, interpreter: list[str]
    ) -> None:
        self.process = process
        self.interpreter = interpreter
        #: Whether a kernel was forked: a zygote that forked none has nothing to clean.
        self.forked = False
        self._control = control

    def serves(self, kernel_argv: Sequence[str]) -> bool:
        """Whether a kernel of ``kernel_argv`` can be forked from this zygote: it runs the
        launcher with the zygote's own Python and options."""
        return forkable(kernel_argv) and interpreter(kernel_argv) == self.interpreter

    @classmethod
    def start(cls, kernel_argv: Sequence[str]) -> Zygote:
        """Start a zygote for kernels of ``kernel_argv`` (it warms up in the background)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        ours.settimeout(ANSWER_SECONDS)  # a stopped zygote takes no request
        with theirs:
            process = subprocess.Popen(
                zygote_command(kernel_argv, theirs.fileno(), os.getpid()),
                pass_fds=[theirs.fileno()],
                # What jupyter_client's launcher gives a kernel, read by ipykernel when the
                # zygote imports it: a kernel with a parent leaves its log to the parent.
                env={**os.environ, "JPY_PARENT_PID": str(os.getpid())},
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # a terminal's Ctrl-C reaches the runner, not it
            )
        return cls(process, ours, interpreter(kernel_argv))

    def fork(self, argv: Sequence[str], cwd: str, env: dict[str, str]) -> ForkedKernel:
        """Start the kernel ``argv`` as a fork of the zygote; waits until it is warm, at
        most :data:`ANSWER_SECONDS`.

        Raises
        ------
        ZygoteError
            When the zygote has exited, was killed (:meth:`kill`) or did not answer in time.
        """
        self.forked = True
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        ours.settimeout(ANSWER_SECONDS)
        request = json.dumps({"argv": list(argv), "cwd": cwd, "env": env}).encode()
        try:
            with theirs:
                socket.send_fds(self._control, [request], [theirs.fileno()])
            answer = ours.recv(_MESSAGE_BYTES)
        except OSError as exc:
            ours.close()
            raise ZygoteError(f"the kernel zygote is not answering: {exc}") from exc
        if not answer:
            ours.close()
            raise ZygoteError(f"the kernel zygote has exited ({self.process.poll()})")
        return ForkedKernel(json.loads(answer)["pid"], ours)

    def kill(self) -> None:
        """Kill the zygote at once (safe in a signal handler): its kernels die with it,
        and a :meth:`fork` waiting for it fails."""
        self.process.kill()

    def close(self) -> None:
        """Close the zygote: it kills any kernel still running, and exits (killed after
        :data:`EXIT_SECONDS`, or at once when it forked nothing, perhaps still warming up)."""
        self._control.close()
        if not self.forked:
            self.kill()
        try:
            self.process.wait(timeout=EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            self.process.wait(timeout=EXIT_SECONDS)


def warm_up() -> None:
    """Import what every kernel of a run imports (:data:`WARM_MODULES`, the faces whole)."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in WARM_MODULES:
        importlib.import_module(name)
    for name in WARM_FACES:  # lazy faces: touching each attribute loads its submodule
        face = importlib.import_module(name)
        for attribute in face.__all__:
            getattr(face, attribute)


def serve(control: socket.socket) -> None:
    """Fork a kernel for each request on ``control`` until it closes; reap the kernels
    and send each one's exit status on its channel."""
    channels: dict[int, socket.socket] = {}
    zygote = os.getpid()
    wakeup_read, wakeup_write = os.pipe()
    os.set_blocking(wakeup_write, False)
    signal.set_wakeup_fd(wakeup_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that it wakes us
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ)
    selector.register(wakeup_read, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj is control:
                request, fds, _, _ = socket.recv_fds(control, _MESSAGE_BYTES, 1)
                if not request:  # the runner has closed its end: the run is over
                    for pid in channels:
                        _kill_group(pid)
                    _reap(channels, block=True)
                    return
                channel = socket.socket(fileno=fds[0])
                pid = os.fork()
                if pid == 0:
                    selector.close()
                    for fd in (control.fileno(), channel.fileno(), wakeup_read, wakeup_write):
                        os.close(fd)
                    for other in channels.values():
                        other.close()
                    _run_kernel(json.loads(request), zygote)
                channels[pid] = channel
                channel.send(json.dumps({"pid": pid}).encode())
            else:
                os.read(wakeup_read, 512)
                _reap(channels, block=False)


def _reap(channels: dict[int, socket.socket], block: bool) -> None:
    """Collect ended kernels and send each one's exit status on its channel."""
    while channels:
        try:
            pid, status = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        channel = channels.pop(pid, None)
        if channel is not None:
            try:
                channel.send(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode())
            except OSError:  # the runner has stopped listening
                pass
            channel.close()


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _run_kernel(request: dict, zygote: int) -> None:
    """In a forked child of ``zygote``: become the kernel the request describes; never return."""
    code = 1
    try:
        die_with_parent(zygote)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # its own process group, as jupyter_client starts kernels
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        argv = request["argv"]
        sys.argv = [LAUNCHER, *argv[argv.index(LAUNCHER) + 1 :]]
        runpy.run_module(LAUNCHER, run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """Warm up, then serve forks on the socket whose descriptor is ``argv[0]`` for the
    runner whose pid is ``argv[1]``."""
    fd, parent = map(int, argv if argv is not None else sys.argv[1:])
    die_with_parent(parent)
    control = socket.socket(fileno=fd)
    if sys.path and sys.path[0] == os.getcwd():  # as the launcher does, for the kernels
        del sys.path[0]
    warm_up()
    # The kernels inherit what warm_up loaded and never free it: frozen, it is left out
    # of their collections (a full one would otherwise walk it again, 0.1-0.2 s each),
    # and its pages stay shared with the zygote (Python's gc.freeze documentation).
    gc.freeze()
    serve(control)
    # Nothing to tear down: skipping the interpreter's teardown of everything warm_up
    # imported saves a second at the end of each run.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
