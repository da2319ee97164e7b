"""How a notebook's narrative travels: its Markdown cells, translated by cell id.

The notebooks are written, and read in JupyterLab, in English. For a run in another
language the runner hands papermill a copy of each notebook whose Markdown cells are
replaced by their translations, so the executed notebook and its HTML page both read in
the run's language. The translations are the ``narrative`` gettext domain of the
catalogs (``caretrends/labels/locale/<folder>/LC_MESSAGES/narrative.po``): each cell's
English text is a msgid whose context is ``notebook/cell-id``, so a translator sees the
English and a PO editor shows when it changed (``caretrends translations export`` marks
the entry fuzzy with the previous English; ``caretrends translations check`` lists it).
Strings a code cell prints or shows come from the label catalogs instead
(``ct.labels.label``).

Why here rather than ``narrative(key, language)`` calls in every cell: a Markdown cell
stays Markdown (readable, reviewable in a diff, rendered by JupyterLab), the notebooks
stay thin, and one file per language is what a translator reviews.
"""

from __future__ import annotations

import copy

import nbformat

from caretrends.labels.terms import SOURCE_LANGUAGE, translations

#: Gettext domain of the notebooks' Markdown cells.
NARRATIVE_DOMAIN = "narrative"


def translate_notebook(nb: nbformat.NotebookNode, name: str, lang: str) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` whose Markdown cells read in ``lang``.

    English comes back unchanged; a cell without a translation keeps its English (the
    tests make sure none of the report notebooks' cells lacks one).
    """
    if lang == SOURCE_LANGUAGE:
        return nb
    catalog = translations(lang, NARRATIVE_DOMAIN)
    translated = copy.deepcopy(nb)
    for cell in translated.cells:
        if cell.cell_type == "markdown":
            cell.source = catalog.pgettext(f"{name}/{cell.get('id')}", cell.source.strip())
    return translated
