"""Where a run's outputs go: the one place that knows the run folder layout.

::

    reports/<run-id>/
        manifest.json      the run's record: configuration, inputs, outputs, checksums
        index.html         the run's front page, in its first language
        index-<lang>.html  the front page in each of its languages
        changes.json       what changed since the previous published run
        changes.csv        the same, one row per change
        data/              the tables the notebooks declare (config/report.yaml), machine
                           readable: codes, dot decimals, the same in every language
        <lang>/
            notebooks/     the executed notebooks
            html/          their pages
            figures/       figures (PNG, SVG, PDF) with their data (CSV) and alt text
            tables/        tables for people
            brief/         the brief (PDF, Word) and its own figures

The machine-readable tables and the manifest are the run's; everything a reader sees is
its language's, so that a run may hold several languages side by side. Code and tests
find a run's files through :func:`run_paths`, never by joining folder names themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The run's record, at the top of the run folder.
MANIFEST_NAME = "manifest.json"
#: The run's front page.
INDEX_NAME = "index.html"
#: What changed since the previous published run, as JSON and as one row per change.
CHANGES_JSON, CHANGES_CSV = "changes.json", "changes.csv"
#: The machine-readable tables, at the top of the run folder.
DATA_FOLDER = "data"
#: Environment variable naming the one language of a run whose notebooks write ``data/``
#: (the runner sets it in every kernel): the tables are computed once, the same for all.
DATA_LANGUAGE_ENV = "CARETRENDS_DATA_LANGUAGE"
#: A language's folders, inside ``<lang>/``.
LANGUAGE_FOLDERS: tuple[str, ...] = ("notebooks", "html", "figures", "tables", "brief")


@dataclass(frozen=True)
class RunPaths:
    """The folders and files of one language of a run (see the module's layout)."""

    #: The run folder, ``reports/<run-id>/`` (or a notebook's ``reports/interactive/``).
    root: Path
    #: The language of :attr:`language_root`'s outputs.
    lang: str

    @property
    def manifest(self) -> Path:
        """``manifest.json``: the run's record."""
        return self.root / MANIFEST_NAME

    @property
    def index(self) -> Path:
        """``index.html``: the run's front page."""
        return self.root / INDEX_NAME

    @property
    def language_index(self) -> Path:
        """``index-<lang>.html``: the run's front page in :attr:`lang`."""
        return self.root / f"index-{self.lang}.html"

    @property
    def changes_json(self) -> Path:
        """``changes.json``: what changed since the previous published run."""
        return self.root / CHANGES_JSON

    @property
    def changes_csv(self) -> Path:
        """``changes.csv``: the same, one row per change."""
        return self.root / CHANGES_CSV

    @property
    def data(self) -> Path:
        """``data/``: the declared machine-readable tables, shared by every language."""
        return self.root / DATA_FOLDER

    @property
    def language_root(self) -> Path:
        """``<lang>/``: everything a reader of :attr:`lang` sees."""
        return self.root / self.lang

    @property
    def notebooks(self) -> Path:
        """``<lang>/notebooks/``: the executed notebooks."""
        return self.language_root / "notebooks"

    @property
    def pages(self) -> Path:
        """``<lang>/html/``: the notebooks' pages."""
        return self.language_root / "html"

    @property
    def figures(self) -> Path:
        """``<lang>/figures/``: the figures with their data and alt texts."""
        return self.language_root / "figures"

    @property
    def tables(self) -> Path:
        """``<lang>/tables/``: the tables for people."""
        return self.language_root / "tables"

    @property
    def brief(self) -> Path:
        """``<lang>/brief/``: the brief's documents and its own figures."""
        return self.language_root / "brief"

    def folders(self) -> tuple[Path, ...]:
        """Every folder of the layout for this language, the data folder first."""
        return (self.data, *(self.language_root / name for name in LANGUAGE_FOLDERS))


def published_paths(root: Path, lang: str | None = None) -> RunPaths:
    """The layout of a written run folder in ``lang``; by default in the first language
    its manifest records."""
    import json

    if lang is None:
        manifest = json.loads((Path(root) / MANIFEST_NAME).read_text(encoding="utf-8"))
        lang = manifest["language"]
    return run_paths(root, lang)


def run_paths(root: Path, lang: str) -> RunPaths:
    """The layout of ``root`` for the language ``lang``.

    >>> run_paths(Path("reports/r1"), "sq").figures.as_posix()
    'reports/r1/sq/figures'
    >>> run_paths(Path("reports/r1"), "sq").data.as_posix()
    'reports/r1/data'
    """
    return RunPaths(Path(root), lang)
