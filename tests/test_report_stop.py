"""A run stopped by a signal or a hung cell, and a reports folder it cannot use."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import caretrends
from caretrends.cli import main
from caretrends.report import ReportRunError, load_run_config, run_report
from caretrends.report.folders import (
    RUN_FOLDER_MODE,
    owned_run_folder,
    point_latest,
    remove_abandoned_runs,
)
from caretrends.report.layout import MANIFEST_NAME, run_paths
from tests.report_helpers import write_config, write_notebook

#: The last good report, which a stopped run must leave as ``latest``.
GOOD_RUN = "20000101T000000Z-aaaaaa"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose ``slow`` notebook notes its kernel's pid, then sleeps in a cell."""
    write_notebook(
        tmp_path / "notebooks",
        "slow",
        "output_dir = ''\nlanguage = 'en'\nnap = 60\n",
        "import os, time\nfrom caretrends.report import output_folders\n\n"
        "(output_folders(output_dir, language).tables / 'pid').write_text(str(os.getpid()))",
        "time.sleep(nap)",
    )
    write_notebook(tmp_path / "notebooks", "after", "language = 'en'\n", "print('after')")
    write_config(
        tmp_path / "config" / "report.yaml",
        [{"name": "slow"}, {"name": "after", "depends_on": ["slow"]}],
    )
    (tmp_path / "reports" / GOOD_RUN).mkdir(parents=True)
    point_latest(tmp_path / "reports", GOOD_RUN)
    return tmp_path


def _wait_for(find, seconds: float = 90.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := find():
            return found
        time.sleep(0.2)
    raise AssertionError("timed out")


def _in_run(reports: Path, folder: str, name: str) -> Path | None:
    """``name`` in a folder of the layout (``notebooks``, ``tables`` …) of the English run
    being assembled in ``reports``, once it exists."""
    files = (getattr(run_paths(work, "en"), folder) / name for work in reports.glob(".tmp-*"))
    return next((file for file in files if file.exists()), None)


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_notebook_stops_the_run_cleanly(project: Path, stop: signal.Signals) -> None:
    temporary = project / "tmp"  # where nothing of the run must be left
    temporary.mkdir()
    env = os.environ | {
        "CARETRENDS_ROOT": str(project),
        "TMPDIR": str(temporary),
        "PYTHONPATH": str(Path(caretrends.__file__).parents[1]),
    }
    reports = project / "reports"
    run = subprocess.Popen(
        [sys.executable, "-m", "caretrends.cli", "run"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        pid_file = _wait_for(lambda: _in_run(reports, "tables", "pid"))
        kernel = int(_wait_for(pid_file.read_text))
        # The signal must come during the sleep, which starts as soon as the pid is noted
        # (papermill writes the executed notebook only at its end: it cannot be watched).
        time.sleep(1.0)
        assert list(reports.glob(".tmp-*/.kernels/kernel-*.json")), "its connection file"
        run.send_signal(stop)
        _, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:  # the test failed: stop the run as cleanly as we can
            run.terminate()
            run.communicate(timeout=60)
    assert run.returncode == 128 + stop
    lines = [line for line in err.splitlines() if line.startswith("caretrends")]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("caretrends run: report run ")
    assert f"stopped by {stop.name}: kernels shut down" in lines[0]
    assert f"{reports / 'latest'} not changed" in lines[0]
    assert not list(reports.glob(".tmp-*"))
    assert not list(temporary.iterdir())
    assert not _alive(kernel)
    (failed,) = reports.glob("*-failed")
    assert os.readlink(reports / "latest") == GOOD_RUN
    assert failed.stat().st_mode & 0o777 == RUN_FOLDER_MODE
    inside = [p for p in failed.rglob("*") if not p.is_symlink()]
    assert inside and {p.stat().st_mode & 0o777 for p in inside if p.is_file()} == {0o600}
    assert {p.stat().st_mode & 0o777 for p in inside if p.is_dir()} <= {0o700}
    manifest = json.loads((failed / MANIFEST_NAME).read_text())
    assert manifest["status"] == "failed" and manifest["reason"] == f"stopped by {stop.name}"
    slow, after = manifest["notebooks"]["en"]["slow"], manifest["notebooks"]["en"]["after"]
    assert slow["error"]["ename"] == "Stopped" and slow["error"]["source"] == "time.sleep(nap)"
    assert after["status"] == "skipped"
    assert after["error"]["reason"] == f"not started, the run was stopped by {stop.name}"


def test_a_hung_cell_fails_its_notebook_naming_the_cell(project: Path) -> None:
    path = write_config(project / "config" / "hung.yaml", [{"name": "slow"}], execution_timeout=2)
    config = load_run_config(path, notebooks_dir=project / "notebooks")
    reports = project / "reports"
    clock = time.monotonic()
    with pytest.raises(ReportRunError) as caught:
        run_report(config, reports_dir=reports, progress=False)
    assert time.monotonic() - clock < 30
    # cells: title, parameters, papermill's injected parameters, the pid, the sleep
    assert (
        "slow (en): failed in cell 4 (In [4]) of the executed notebook `time.sleep(nap)`: "
        "CellTimeoutError: the cell ran longer than execution_timeout (2 s)"
    ) in str(caught.value)
    failed = caught.value.result.folder
    assert failed.stat().st_mode & 0o777 == RUN_FOLDER_MODE
    manifest = json.loads((failed / MANIFEST_NAME).read_text())
    assert manifest["execution_timeout"] == 2 and manifest["reason"].endswith(": slow (en)")
    assert os.readlink(reports / "latest") == GOOD_RUN
    assert not list(reports.glob(".tmp-*"))


def test_a_kernel_that_dies_fails_its_notebook_and_the_run_goes_on(project: Path) -> None:
    write_notebook(project / "notebooks", "dies", "language = 'en'\n", "import os\nos._exit(3)")
    path = write_config(project / "config" / "dies.yaml", [{"name": "dies"}, {"name": "after"}])
    config = load_run_config(path, notebooks_dir=project / "notebooks")
    clock = time.monotonic()
    with pytest.raises(ReportRunError) as caught:
        run_report(config, reports_dir=project / "reports", progress=False)
    assert time.monotonic() - clock < 60
    # cells: title, parameters, papermill's injected parameters, the exit; its count is
    # there only if the kernel announced the cell before it died
    assert re.search(
        r"dies \(en\): failed in cell 3 (\(In \[3\]\) )?of the executed notebook `import os`: "
        r"DeadKernelError: Kernel died",
        str(caught.value),
    )
    assert caught.value.result.notebooks["en", "after"].status == "succeeded"
    assert not list((project / "reports").glob(".tmp-*"))


def _refused_output(project: Path, output: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["run", "--output", str(output)]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert not list(project.rglob(".tmp-*")) and not list((project / "reports").rglob("*.ipynb"))
    return captured.err


def test_an_output_that_is_a_file_is_refused_in_one_line(project, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CARETRENDS_ROOT", str(project))
    output = project / "reports.txt"
    output.write_text("not a folder")
    error = _refused_output(project, output, capsys)
    assert error == (
        f"caretrends run: error: {output}: cannot hold reports: it is a file, not a folder\n"
    )
    inside = output / "reports"
    error = _refused_output(project, inside, capsys)
    assert error == f"caretrends run: error: {inside}: cannot hold reports: Not a directory\n"


def test_an_output_that_cannot_be_written_is_refused_in_one_line(
    project, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("CARETRENDS_ROOT", str(project))
    output = project / "read-only"
    output.mkdir(mode=0o555)
    real_mkdir = Path.mkdir

    def refuse(self: Path, *args, **kwargs) -> None:  # root may write anywhere: pretend
        if self.parent == output:
            raise PermissionError(13, "Permission denied", str(self))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    error = _refused_output(project, output, capsys)
    assert error == f"caretrends run: error: {output}: cannot hold reports: Permission denied\n"
    assert list(output.iterdir()) == []


def test_debug_shows_the_traceback_as_well(project, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CARETRENDS_ROOT", str(project))
    bad = project / "bad.yaml"
    bad.write_text("notebooks: [{name: ../slow}]\n")
    assert main(["run", "--config", str(bad), "--debug"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback") and "ParameterError" in err
    assert err.splitlines()[-1].startswith(f"caretrends run: error: {bad}: notebooks entry 1")


def _run_command(project: Path, *wrapper: str) -> subprocess.Popen:
    """Start ``caretrends run`` on ``project`` (under ``wrapper``), output piped."""
    env = os.environ | {
        "CARETRENDS_ROOT": str(project),
        "PYTHONPATH": str(Path(caretrends.__file__).parents[1]),
    }
    return subprocess.Popen(
        [*wrapper, sys.executable, "-m", "caretrends.cli", "run"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _zygotes(runner: int) -> list[int]:
    """The live zygotes started by the runner of pid ``runner`` and the kernels forked from
    them (their command, the zygote's, names it)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")[:-1]
        except OSError:  # it ended meanwhile
            continue
        if b"caretrends.report.zygote" in argv and argv[-1] == str(runner).encode():
            pid = int(cmdline.parent.name)
            if _alive(pid):
                found.append(pid)
    return found


def _zygote(runner: int) -> int:
    """The zygote of the running runner of pid ``runner``: its child among :func:`_zygotes`."""
    (zygote,) = [
        pid
        for pid in _zygotes(runner)
        if int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) == runner
    ]
    return zygote


def _handles_sigterm(pid: int) -> bool:
    """Whether process ``pid`` has a handler for SIGTERM (Python has one for SIGINT from
    the start, for SIGTERM only once the runner installed its own)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(next(line for line in status.splitlines() if line.startswith("SigCgt:"))[7:], 16)
    return bool(caught >> (signal.SIGTERM - 1) & 1)


def _one_line(err: str) -> str:
    """The one line the runner wrote to stderr (the kernels' own log aside)."""
    assert "Traceback" not in err, err
    (line,) = [line for line in err.splitlines() if line.strip() and not line.startswith("[IPK")]
    return line


@pytest.mark.parametrize("when", ["first handler", "zygote started"])
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_before_the_kernels_start_gives_one_line(
    project: Path, stop: signal.Signals, when: str
) -> None:
    run = _run_command(project)
    try:
        if when == "first handler":
            _wait_for(lambda: _handles_sigterm(run.pid), seconds=10)
        else:
            _wait_for(lambda: _zygotes(run.pid), seconds=10)
        run.send_signal(stop)
        _, err = run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    assert run.returncode == 128 + stop
    line = _one_line(err)
    assert line.startswith("caretrends run: ") and f"stopped by {stop.name}" in line
    assert not list((project / "reports").glob(".tmp-*"))
    assert not _zygotes(run.pid)


def test_a_stopped_zygote_does_not_hold_up_sigterm(project: Path) -> None:
    reports = project / "reports"
    run = _run_command(project)
    try:
        pid_file = _wait_for(lambda: _in_run(reports, "tables", "pid"))
        kernel = int(_wait_for(pid_file.read_text))
        zygote = _zygote(run.pid)
        os.kill(zygote, signal.SIGSTOP)
        clock = time.monotonic()
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=15)
        assert time.monotonic() - clock < 15
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    assert run.returncode == 128 + signal.SIGTERM
    assert "stopped by SIGTERM: kernels shut down" in _one_line(err)
    assert not _alive(kernel) and not _zygotes(run.pid)
    assert not list(reports.glob(".tmp-*"))


SUBREAPER = (
    "import ctypes, subprocess, sys, time\n"
    "ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)\n"  # PR_SET_CHILD_SUBREAPER: adopt orphans
    "run = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "print(run.pid, flush=True)\n"
    "run.wait()\n"
    "time.sleep(120)\n"  # keep adopting (and not reaping: a dead orphan stays a zombie)
)


def test_a_killed_run_under_a_subreaper_leaves_no_kernel_and_is_cleaned_next_time(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = project / "reports"
    wrapper = _run_command(project, sys.executable, "-c", SUBREAPER)
    try:
        runner = int(wrapper.stdout.readline())
        pid_file = _wait_for(lambda: _in_run(reports, "tables", "pid"))
        kernel = int(_wait_for(pid_file.read_text))
        zygote = _zygote(runner)
        os.kill(runner, signal.SIGKILL)
        time.sleep(5)
        assert not _alive(kernel) and not _alive(zygote) and not _zygotes(runner)
    finally:
        wrapper.kill()
        wrapper.communicate()
    (stale,) = reports.glob(".tmp-*")
    assert list(stale.glob(".kernels/kernel-*.json")), "the kernel's connection file is left"
    assert (stale / ".owner").read_text() == f"{runner}\n"

    monkeypatch.setenv("CARETRENDS_ROOT", str(project))
    quick = write_config(project / "config" / "quick.yaml", [{"name": "after"}])
    assert main(["run", "--config", str(quick)]) == 0
    err = capsys.readouterr().err
    assert f"removed {stale}: its run (process {runner}) ended without cleaning up\n" in err
    assert not list(reports.glob(".tmp-*"))
    assert not list(reports.rglob(".owner"))


def test_only_runs_whose_process_is_gone_are_removed(tmp_path: Path, capsys) -> None:
    reports = tmp_path / "reports"
    being_made = reports / ".tmp-20000101T000000Z-bbbbbb"  # no .owner yet (or any more)
    being_made.mkdir(parents=True)
    with owned_run_folder(reports, "20000101T000000Z-cccccc", ["en"]) as running:
        assert (running / ".owner").read_text() == f"{os.getpid()}\n"
        assert remove_abandoned_runs(reports) == []
    assert remove_abandoned_runs(reports) == [running]  # its lock is free now
    assert being_made.exists() and not running.exists()
    assert capsys.readouterr().err == (
        f"removed {running}: its run (process {os.getpid()}) ended without cleaning up\n"
    )
