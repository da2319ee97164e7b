"""SIGINT and SIGTERM outside a run's kernels: before they start, or after they ended.

While a run's kernels may run, :func:`caretrends.report.kernels.stopping_on_signals`
handles the signals (the kernels are shut down and the run is kept as ``-failed``). The
``run`` command installs :func:`interrupting_on_signals` first thing, so that a signal at
any other moment, the first second included, ends it with one line and the status a shell
gives a process ended by that signal (``128 + signal``: 130 for SIGINT, 143 for SIGTERM),
not a traceback or a silent exit. This module imports nothing heavy, so that the handler
is in place before anything slow starts.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

#: The signals that stop a run cleanly: a terminal's Ctrl-C, and cron's, systemd's and CI's.
STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """SIGINT or SIGTERM came while no run's kernels were running.

    A BaseException, as KeyboardInterrupt, so that no ``except Exception`` swallows it.

    Attributes
    ----------
    signal : signal.Signals
        The signal.
    exit_code : int
        ``128 + signal``.
    """

    def __init__(self, signum: int) -> None:
        self.signal = signal.Signals(signum)
        self.exit_code = 128 + int(self.signal)
        super().__init__(f"stopped by {self.signal.name}")


def _interrupt(signum: int, _frame: object) -> None:
    raise Interrupted(signum)


@contextmanager
def handled_by(handler: Callable[[int, object], None]) -> Iterator[None]:
    """Route SIGINT and SIGTERM to ``handler`` within the block, then restore the handlers
    before it. Python lets only the main thread set signal handlers; in another thread
    this does nothing, leaving signals to whoever owns the process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, handler) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler_before in previous.items():
            signal.signal(number, handler_before)


def interrupting_on_signals() -> AbstractContextManager[None]:
    """Raise :class:`Interrupted` on SIGINT and SIGTERM within the block."""
    return handled_by(_interrupt)
