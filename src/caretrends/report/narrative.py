"""How a notebook's narrative travels: its Markdown cells, translated by cell id.

The notebooks are written, and read in JupyterLab, in English. For a run in another
language the runner hands papermill a copy of each notebook whose Markdown cells are
replaced by their translations, so the executed notebook and its HTML page both read in
the run's language. A translator has one file per language,
``src/caretrends/report/text/<lang>.yaml``::

    cells:
      02_abandonment:
        02-01:
          en: 3f1c0a9b2e   # fingerprint of the English text translated
          text: |
            # 2. Braktisja e fëmijëve 0–3 vjeç
            ...

``en`` is the fingerprint (:func:`fingerprint`) of the English cell the text translates:
when the English changes, :func:`narrative_problems` names the cell, so a stale
translation cannot slip through (``tests/test_narrative.py`` runs it). Strings a code
cell prints or shows come from the label catalogs instead (``ct.labels.label``).

Why here rather than ``narrative(key, language)`` calls in every cell: a Markdown cell
stays Markdown (readable, reviewable in a diff, rendered by JupyterLab), the notebooks
stay thin, and one file per language is what a translator reviews.
"""

from __future__ import annotations

import copy
import hashlib
from functools import cache
from importlib.resources import files
from pathlib import Path

import nbformat
import yaml

from caretrends.errors import ParameterError

#: The language the notebooks are written in.
SOURCE_LANGUAGE = "en"

#: Languages with a narrative file in ``report/text/``.
TRANSLATED: tuple[str, ...] = ("sq", "sr")


def fingerprint(text: str) -> str:
    """Return a short fingerprint of an English cell's text (spaces at the ends ignored).

    Examples
    --------
    >>> fingerprint("# Title\\n") == fingerprint("# Title")
    True
    >>> len(fingerprint("x"))
    10
    """
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:10]


@cache
def narrative(lang: str) -> dict[str, dict[str, dict[str, str]]]:
    """Return the translations of ``lang``: notebook → cell id → ``{"en", "text"}``.

    Raises
    ------
    ParameterError
        When ``lang`` has no narrative file, or the file is not shaped as documented.
    """
    if lang not in TRANSLATED:
        raise ParameterError(f"narrative: no translation file for language {lang!r}")
    raw = yaml.safe_load(
        files("caretrends.report").joinpath("text", f"{lang}.yaml").read_text(encoding="utf-8")
    )
    cells = raw.get("cells") if isinstance(raw, dict) else None
    if not isinstance(cells, dict):
        raise ParameterError(f"narrative {lang}.yaml: expected a mapping 'cells'")
    for name, by_id in cells.items():
        for cell_id, entry in (by_id or {}).items():
            if not (isinstance(entry, dict) and {"en", "text"} <= set(entry)):
                raise ParameterError(
                    f"narrative {lang}.yaml: {name}/{cell_id}: expected 'en' and 'text'"
                )
    return {
        str(name): {str(cell_id): entry for cell_id, entry in (by_id or {}).items()}
        for name, by_id in cells.items()
    }


def translate_notebook(nb: nbformat.NotebookNode, name: str, lang: str) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` whose Markdown cells read in ``lang``.

    English, and a notebook the narrative file does not cover (a test's tiny notebook),
    come back unchanged; a cell without a translation keeps its English (the tests make
    sure none lacks one).
    """
    if lang == SOURCE_LANGUAGE or name not in narrative(lang):
        return nb
    texts = narrative(lang)[name]
    translated = copy.deepcopy(nb)
    for cell in translated.cells:
        if cell.cell_type == "markdown" and cell.get("id") in texts:
            cell.source = texts[cell["id"]]["text"].rstrip("\n")
    return translated


def read_translated(path: Path, lang: str) -> nbformat.NotebookNode:
    """Read the notebook at ``path`` with its Markdown cells in ``lang``."""
    return translate_notebook(nbformat.read(path, as_version=4), path.stem, lang)


def narrative_problems(notebooks: list[Path], lang: str) -> list[str]:
    """Every Markdown cell without a current translation in ``lang``, and every orphan.

    A problem is a cell with no translation, a translation of an older English text
    (fingerprints differ), or a translation whose notebook or cell no longer exists.
    """
    texts = narrative(lang)
    problems = []
    seen = set()
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        by_id = texts.get(path.stem, {})
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            key = f"{path.stem}/{cell.get('id')}"
            seen.add(key)
            entry = by_id.get(cell.get("id"))
            if entry is None:
                problems.append(f"{lang}: {key}: no translation")
            elif str(entry["en"]) != fingerprint(cell.source):
                problems.append(
                    f"{lang}: {key}: the English changed (now {fingerprint(cell.source)}); "
                    "review the translation and update its 'en'"
                )
    for name, by_id in texts.items():
        for cell_id in by_id:
            if f"{name}/{cell_id}" not in seen:
                problems.append(f"{lang}: {name}/{cell_id}: no such Markdown cell")
    return problems
