"""Every filesystem location the project uses, resolved in one place.

Nothing in the package depends on the current working directory: notebooks run by
papermill, the CLI and the tests all resolve paths from here, and every file that must
never be seen half-written is replaced through :func:`write_atomically`. One environment variable
overrides the default, for deployments and for tests:

``CARETRENDS_ROOT``
    The project root (holding ``data/``, ``config/``, ``notebooks/`` and ``reports/``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

Facts = TypeVar("Facts")

PACKAGE_DIR: Path = Path(__file__).resolve().parent


def project_root() -> Path:
    """Return the project root: ``$CARETRENDS_ROOT`` or the checkout holding ``src/``."""
    override = os.environ.get("CARETRENDS_ROOT")
    if override:
        return Path(override).resolve()
    return PACKAGE_DIR.parents[1]


def root_problem() -> str | None:
    """Say what is wrong with ``$CARETRENDS_ROOT`` when it names no folder, else None.

    Examples
    --------
    >>> import os; os.environ["CARETRENDS_ROOT"] = "/nonexistent/caretrends"
    >>> root_problem()
    'CARETRENDS_ROOT=/nonexistent/caretrends: no such folder (the project root)'
    >>> del os.environ["CARETRENDS_ROOT"]
    """
    override = os.environ.get("CARETRENDS_ROOT")
    if override and not Path(override).is_dir():
        return f"CARETRENDS_ROOT={override}: no such folder (the project root)"
    return None


def resolves_inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, after ``..`` and symbolic links, lies inside ``folder``.

    Examples
    --------
    >>> resolves_inside(Path("/data/raw/../private/k2.csv"), Path("/data/raw"))
    False
    """
    return path.resolve().is_relative_to(folder.resolve())


def raw_dir() -> Path:
    """Return ``data/raw``: inputs exactly as received, with their provenance records."""
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    """Return ``data/processed``: tidy tables written by ``caretrends prepare``."""
    return project_root() / "data" / "processed"


def private_dir() -> Path:
    """Return ``data/private``: real case records, git-ignored, never committed."""
    return project_root() / "data" / "private"


#: Environment variable naming the folder where a report run's kernels share cleaned
#: case files (:mod:`caretrends.cases.cache`); the runner sets it, nothing else does.
CASE_CACHE_ENV = "CARETRENDS_CASE_CACHE"


def run_case_cache(run_folder: Path) -> Path:
    """Return ``<run folder>/.case-cache``: the cleaned case files a run's notebooks share,
    private like the run folder and removed before the run is published."""
    return run_folder / ".case-cache"


def run_kernel_dir(run_folder: Path) -> Path:
    """Return ``<run folder>/.kernels``: the kernel specification a run starts its kernels
    from and their connection files (which hold their keys), removed before the run is
    published."""
    return run_folder / ".kernels"


def run_owner_file(run_folder: Path) -> Path:
    """Return ``<run folder>/.owner``: the pid of the process assembling a run, locked by
    it while it runs, removed before the run is published."""
    return run_folder / ".owner"


def config_dir() -> Path:
    """Return ``config``: run configurations and source mappings."""
    return project_root() / "config"


def locale_dir() -> Path:
    """Return the translation catalogs: ``<language>/LC_MESSAGES/<domain>.po`` and ``.mo``.

    They ship with the package (``caretrends/labels/locale``), beside the English catalog
    their template is generated from.
    """
    return PACKAGE_DIR / "labels" / "locale"


def notebooks_dir() -> Path:
    """Return ``notebooks``: the parameterised report notebooks."""
    return project_root() / "notebooks"


def reports_dir() -> Path:
    """Return ``reports``: one folder per report run, plus ``latest``."""
    return project_root() / "reports"


def font_cache_dir() -> Path:
    """Return ``.cache/fonts``: fonts derived on this machine (:mod:`caretrends.figures.fonts`)."""
    return project_root() / ".cache" / "fonts"


def write_atomically(
    target: Path,
    write: Callable[[Path], object],
    validate: Callable[[Path], Facts] | None = None,
) -> Facts | None:
    """Replace ``target`` in one step with what ``write(path)`` writes, if ``validate`` agrees.

    ``write`` fills a new hidden file beside ``target``; its bytes are flushed to disk,
    ``validate`` (when given) checks it and raises on a problem, and ``os.replace`` then
    moves it over ``target``. A reader never sees a half-written file, and on any failure
    the temporary file is removed and ``target`` is untouched.

    Returns
    -------
    object
        What ``validate`` returned (facts about the file, e.g. for its provenance), or
        None without ``validate``.
    """
    temporary = target.with_name(f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.part")
    try:
        write(temporary)
        with temporary.open("rb+") as stream:
            os.fsync(stream.fileno())
        facts = validate(temporary) if validate is not None else None
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return facts
