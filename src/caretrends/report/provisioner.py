"""The kernel provisioner of report runs: kernels forked from the run's warm zygote.

jupyter_client's documented extension point for starting kernels ("Kernel Provisioning")
is a provisioner, named in a kernel specification's ``metadata.kernel_provisioner`` and
registered under the ``jupyter_client.kernel_provisioners`` entry point (``pyproject.toml``).
Only the kernel specification the runner writes for itself names this one
(:func:`caretrends.report.kernels.write_run_kernel_spec`); the "Python (caretrends)"
kernel analysts pick in JupyterLab starts as usual.

:class:`ZygoteProvisioner` is :class:`~jupyter_client.provisioning.LocalProvisioner` with
another way to launch: it forks the kernel from the zygote of the run its kernel manager
belongs to (``parent.run_kernels``, :class:`caretrends.report.kernels.RunKernels`), and
launches it as usual where there is none, it cannot serve the kernel's Python, or it died.
Everything else (signals, polling, shutdown, ports) is LocalProvisioner's, on the
:class:`~caretrends.report.zygote.ForkedKernel` that stands for the process.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner

from caretrends.report.zygote import ZygoteError

#: The name this provisioner is registered under, and that the runner's kernel spec names.
PROVISIONER_NAME = "caretrends-zygote"


class ZygoteProvisioner(LocalProvisioner):
    """Launch a run's kernels as forks of its zygote (see the module docstring)."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        """Fork the kernel ``cmd`` from the run's zygote, or launch it as usual."""
        kernels = getattr(self.parent, "run_kernels", None)
        zygote = kernels.zygote if kernels is not None else None
        if zygote is None or not zygote.serves(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        where = str(kwargs.get("cwd") or os.getcwd())
        environment = dict(kwargs.get("env") or os.environ)
        try:
            process = await asyncio.to_thread(zygote.fork, cmd, where, environment)
        except ZygoteError:
            if kernels.stopped_by:  # the stop killed the zygote: start nothing new
                raise
            return await super().launch_kernel(cmd, **kwargs)  # it died: start as usual
        # What LocalProvisioner.launch_kernel records of a process it starts; the kernel
        # leads its own process group, as a launched one does.
        self.process = process
        self.pid = self.pgid = process.pid
        self.cwd = where
        return self.connection_info
