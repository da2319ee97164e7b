"""A run's kernels fork from one warm zygote (issue 18): started as the kernel spec says,
in the directory and environment asked for, ended and reaped like launched ones."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager

from caretrends.report import zygote as zygote_module
from caretrends.report.kernels import (
    KERNEL_NAME,
    MAX_SOCKET_PATH,
    RunKernels,
    kernel_command,
    warm_zygote,
    write_run_kernel_spec,
)
from caretrends.report.provisioner import PROVISIONER_NAME, ZygoteProvisioner
from caretrends.report.zygote import Zygote, ZygoteError, forkable, zygote_command

PROBE = (
    "import ctypes, gc, os, sys\n"
    "death = ctypes.c_int()\n"
    "ctypes.CDLL(None).prctl(2, ctypes.byref(death), 0, 0, 0)\n"  # PR_GET_PDEATHSIG
    "print(os.getppid(), os.getcwd(), os.environ.get('CARETRENDS_PROBE'),"
    " 'pandas' in sys.modules, os.getpgid(0) == os.getpid(),"
    " death.value, gc.get_freeze_count(), gc.isenabled())"
)


def test_only_an_ipykernel_launcher_command_is_forked() -> None:
    python = ["/venv/bin/python", "-Xfrozen_modules=off"]
    kernel = [*python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    assert forkable(kernel)
    assert not forkable(["/usr/bin/R", "--slave", "-e", "IRkernel::main()", "{connection_file}"])
    assert not forkable(["ipykernel_launcher", "-f", "x"])
    assert zygote_command(kernel, 7, 123) == [*python, "-m", "caretrends.report.zygote", "7", "123"]
    zygote = Zygote(process=None, control=None, interpreter=python)
    assert zygote.serves(kernel)
    assert not zygote.serves(["/other/python", *kernel[1:]])  # another environment's kernel


async def _start(kernels: RunKernels, cwd: Path):
    kernel_dir = cwd / ".kernels"
    write_run_kernel_spec(KERNEL_NAME, kernel_dir)
    manager = kernels.manager_class(kernel_dir, cwd=cwd, env={"CARETRENDS_PROBE": "forked"})(
        kernel_name=KERNEL_NAME
    )
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    await client.wait_for_ready(timeout=120)
    return manager, client


async def _started(kernels: RunKernels, cwd: Path) -> tuple[object, int]:
    """A kernel started and left running with its channels closed: its manager and pid."""
    manager, client = await _start(kernels, cwd)
    client.stop_channels()
    return manager, manager.provisioner.pid


async def _probe(client) -> list[str]:
    printed: list[str] = []

    def keep(message: dict) -> None:
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])

    await client.execute_interactive(PROBE, output_hook=keep, timeout=60)
    return "".join(printed).split()


def test_a_kernel_is_a_warm_fork_in_its_own_directory_environment_and_group(
    tmp_path: Path,
) -> None:
    kernels = RunKernels()

    async def scenario() -> tuple[object, list[str], int, int | None]:
        manager, client = await _start(kernels, tmp_path)
        try:
            printed = await _probe(client)
        finally:
            client.stop_channels()
        pid = manager.provisioner.pid
        await manager.shutdown_kernel(now=True)
        return manager, printed, pid, await manager.provisioner.poll()

    with warm_zygote(kernel_command(KERNEL_NAME)) as warm, kernels.forked_from(warm):
        zygote = warm.process.pid
        manager, printed, pid, ended = asyncio.run(scenario())
    parent, cwd, probe, warm, own_group, death, frozen, collecting = printed
    assert int(parent) == zygote
    assert Path(cwd) == tmp_path
    assert (tmp_path / ".kernels" / KERNEL_NAME / "kernel.json").exists()
    assert type(manager.provisioner).__name__ == "ZygoteProvisioner"
    assert probe == "forked"
    assert warm == "True"  # pandas was imported before the fork
    assert own_group == "True"  # so that killing the group spares the zygote
    assert int(death) == signal.SIGKILL  # when the zygote dies, whoever adopts orphans
    assert int(frozen) > 100_000  # the zygote's imports, left out of full collections
    assert collecting == "True"  # ... while the kernel's own objects are still collected
    assert ended == 0  # the kernel is gone and its status was collected (LocalProvisioner)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # reaped, not a zombie


def test_ending_the_zygote_kills_the_kernels_still_running(tmp_path: Path) -> None:
    kernels = RunKernels()

    with warm_zygote(kernel_command(KERNEL_NAME)) as warm, kernels.forked_from(warm):
        zygote = warm.process
        manager, pid = asyncio.run(_started(kernels, tmp_path))
        os.kill(pid, 0)  # running
    assert zygote.returncode == 0
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert manager.provisioner.process.poll() == -signal.SIGKILL


def test_a_kernel_that_is_not_ipykernel_gets_no_zygote() -> None:
    with warm_zygote(["/usr/bin/R", "--slave", "-e", "IRkernel::main()", "{connection_file}"]) as z:
        assert z is None


def test_without_unix_packet_sockets_kernels_start_as_usual(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unsupported(*_: object) -> None:
        raise OSError(94, "Socket type not supported")  # macOS: no SOCK_SEQPACKET

    monkeypatch.setattr(socket, "socketpair", unsupported)
    with warm_zygote(kernel_command(KERNEL_NAME)) as z:
        assert z is None


def test_only_the_runs_own_kernel_spec_names_the_provisioner(tmp_path: Path) -> None:
    write_run_kernel_spec(KERNEL_NAME, tmp_path)
    ours = KernelSpecManager(kernel_dirs=[str(tmp_path)]).get_kernel_spec(KERNEL_NAME)
    registered = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    assert ours.metadata["kernel_provisioner"]["provisioner_name"] == PROVISIONER_NAME
    assert "kernel_provisioner" not in registered.metadata  # what JupyterLab starts
    assert (ours.argv, ours.display_name) == (registered.argv, registered.display_name)
    (entry_point,) = entry_points(group="jupyter_client.kernel_provisioners", name=PROVISIONER_NAME)
    assert entry_point.load() is ZygoteProvisioner


def test_killing_the_zygote_kills_its_kernels(tmp_path: Path) -> None:
    kernels = RunKernels()

    with warm_zygote(kernel_command(KERNEL_NAME)) as warm, kernels.forked_from(warm):
        manager, pid = asyncio.run(_started(kernels, tmp_path))
        warm.kill()  # no cleaning up: only Linux's parent-death signal
        assert manager.provisioner.process.wait(timeout=5) == -signal.SIGKILL
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid)


def test_a_stopped_zygote_is_waited_for_a_bounded_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zygote_module, "ANSWER_SECONDS", 1.0)
    monkeypatch.setattr(zygote_module, "EXIT_SECONDS", 1.0)
    argv = kernel_command(KERNEL_NAME)
    with warm_zygote(argv) as warm:
        os.kill(warm.process.pid, signal.SIGSTOP)
        clock = time.monotonic()
        with pytest.raises(ZygoteError, match="not answering"):
            warm.fork(argv, os.getcwd(), dict(os.environ))
        assert time.monotonic() - clock < 5
    assert time.monotonic() - clock < 10  # closed: waited for, then killed
    assert warm.process.returncode == -signal.SIGKILL


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def test_kernels_talk_over_local_sockets_in_the_run_folder_where_the_path_allows(
    tmp_path: Path,
) -> None:
    manager = RunKernels().manager_class(tmp_path)()
    assert manager.transport == "ipc" and Path(manager.ip).parent == tmp_path
    deep = tmp_path / ("d" * (MAX_SOCKET_PATH - len(str(tmp_path))))
    assert RunKernels().manager_class(deep)().transport == "tcp"  # no room for a socket
