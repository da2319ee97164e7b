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
from caretrends.report.run import RUN_FOLDER_MODE, point_latest
from tests.report_helpers import write_config, write_notebook

#: The last good report, which a stopped run must leave as ``latest``.
GOOD_RUN = "20000101T000000Z-aaaaaa"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose ``slow`` notebook notes its kernel's pid, then sleeps in a cell."""
    write_notebook(
        tmp_path / "notebooks",
        "slow",
        "output_dir = ''\nnap = 60\n",
        "import os, time\nfrom pathlib import Path\n\n"
        "(Path(output_dir) / 'tables' / 'pid').write_text(str(os.getpid()))",
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


def _sleeping(reports: Path) -> bool:
    """Whether papermill has saved the ``slow`` notebook with its sleep cell running."""
    executed = next(reports.glob(".tmp-*/notebooks/slow.ipynb"), None)
    try:
        cells = json.loads(executed.read_text())["cells"] if executed else []
    except ValueError:  # caught while papermill writes it
        return False
    return any(
        cell["metadata"].get("papermill", {}).get("status") == "running"
        and "".join(cell["source"]).startswith("time.sleep")
        for cell in cells
    )


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
        pid_file = _wait_for(lambda: next(reports.glob(".tmp-*/tables/pid"), None))
        kernel = int(_wait_for(pid_file.read_text))
        _wait_for(lambda: _sleeping(reports))  # the signal must come during the sleep
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
    manifest = json.loads((failed / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["reason"] == f"stopped by {stop.name}"
    slow, after = manifest["notebooks"]["slow"], manifest["notebooks"]["after"]
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
        "slow: failed in cell 4 (In [4]) of the executed notebook `time.sleep(nap)`: "
        "CellTimeoutError: the cell ran longer than execution_timeout (2 s)"
    ) in str(caught.value)
    failed = caught.value.result.folder
    assert failed.stat().st_mode & 0o777 == RUN_FOLDER_MODE
    manifest = json.loads((failed / "manifest.json").read_text())
    assert manifest["execution_timeout"] == 2 and manifest["reason"].endswith(": slow")
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
        r"dies: failed in cell 3 (\(In \[3\]\) )?of the executed notebook `import os`: "
        r"DeadKernelError: Kernel died",
        str(caught.value),
    )
    assert caught.value.result.notebooks["after"].status == "succeeded"
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
