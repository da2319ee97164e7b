"""Outputs derived from private case records: readable by their owner only.

A report run reads the NGO's case records, so everything it writes (tables of rejects,
survival tables, figures' data, executed notebooks, the manifest) is kept in a folder of
mode :data:`PRIVATE_FOLDER_MODE` with files of mode :data:`PRIVATE_FILE_MODE`, whatever
the umask of the scheduler that started it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Mode of every file written from private records.
PRIVATE_FILE_MODE = 0o600

#: Mode of every folder holding files written from private records.
PRIVATE_FOLDER_MODE = 0o700


def restrict_to_owner(folder: Path) -> None:
    """Make ``folder``, its sub-folders and files readable and writable by the owner only.

    Symbolic links are left alone (their targets may lie outside ``folder``).
    """
    folder.chmod(PRIVATE_FOLDER_MODE)
    for root, folders, files in os.walk(folder):
        for name in folders:
            if not os.path.islink(os.path.join(root, name)):
                os.chmod(os.path.join(root, name), PRIVATE_FOLDER_MODE)
        for name in files:
            if not os.path.islink(os.path.join(root, name)):
                os.chmod(os.path.join(root, name), PRIVATE_FILE_MODE)


@contextmanager
def owner_only_umask() -> Iterator[None]:
    """Create files ``0600`` and folders ``0700`` inside the block (this process and the
    kernels it starts), then restore the umask."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)
