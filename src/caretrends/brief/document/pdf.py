"""The brief as an A4 PDF, typeset by the Typst compiler that the ``typst`` package bundles.

The template ``caretrends/report/templates/brief.typ`` receives the brief's content as JSON
data (``sys.inputs``), never as markup, so characters such as ``#``, ``$`` or ``*`` in a
caption print as themselves. Only the fonts bundled with Typst are used (system fonts are
ignored) so that the PDF is the same on every machine: Libertinus Serif, which covers
Albanian (ë, ç) and Serbian Latin (č, ć, š, ž, đ).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

import typst

from caretrends.brief.document.model import (
    FIGURE_WIDTH_MM,
    HEADING_KEYS,
    BriefDocument,
    figure_rows,
    key_number_cells,
    require_figure_files,
)
from caretrends.errors import CaretrendsError

_TEMPLATE = "brief.typ"


def brief_data(
    doc: BriefDocument, figure_files: Sequence[str], logo: str | None = None
) -> dict[str, object]:
    """The JSON the Typst template reads: ``doc``'s content, figures named by ``figure_files``.

    Parameters
    ----------
    doc : BriefDocument
        The brief.
    figure_files : sequence of str
        The file of each figure, relative to the template's folder.
    logo : str, optional
        The logo's file, relative to the template's folder.
    """
    columns, rows = key_number_cells(doc.key_numbers)
    figures = [
        {"file": file, "caption": f.caption, "alt": f.alt, "width_mm": FIGURE_WIDTH_MM[f.width]}
        for f, file in zip(doc.figures, figure_files, strict=True)
    ]
    box = doc.asks
    asks = None
    if box is not None:
        asks = {"heading": box.heading, "note": box.note, "lines": list(box.lines)}
    return {
        "lang": doc.lang,
        "title": doc.title,
        "subtitle": doc.subtitle,
        "date": doc.date,
        "headings": {key: doc.headings[key] for key in HEADING_KEYS},
        "key_messages": list(doc.key_messages),
        "key_numbers": {"columns": columns, "rows": rows},
        "figure_rows": [[figures[i] for i in row] for row in figure_rows(doc.figures)],
        "asks": asks,
        "sources_and_caveats": list(doc.sources_and_caveats),
        "methods": list(doc.methods),
        "references": list(doc.references),
        "publisher": list(doc.publisher),
        "logo": logo,
        "footer": doc.footer or doc.date,
        "author": doc.publisher[0] if doc.publisher else "",
        "run_id": doc.run_id,
        "commit": doc.commit,
    }


def _stage_figures(doc: BriefDocument, root: Path) -> tuple[list[str], str | None]:
    """Copy each figure into ``root`` (its vector file when there is one), and the logo;
    return their names."""
    names = []
    for number, figure in enumerate(doc.figures, start=1):
        best = Path(figure.path_vector or figure.path_png)
        names.append(f"figure-{number}{best.suffix.lower()}")
        shutil.copyfile(best, root / names[-1])
    if doc.logo is None:
        return names, None
    logo = f"logo{Path(doc.logo).suffix.lower()}"
    shutil.copyfile(doc.logo, root / logo)
    return names, logo


def render_pdf(doc: BriefDocument, path: Path) -> Path:
    """Typeset ``doc`` as an A4 PDF at ``path``, fonts embedded; return ``path``.

    Raises
    ------
    CaretrendsError
        When a figure file is missing or Typst cannot compile the brief.
    """
    require_figure_files(doc)
    return typeset(
        _TEMPLATE, path, "brief", lambda root: brief_data(doc, *_stage_figures(doc, root))
    )


def typeset(
    template: str, path: Path, name: str, data: Callable[[Path], dict[str, object]]
) -> Path:
    """Compile the package's Typst ``template`` into the PDF ``path``; return ``path``.

    Typst reads files only below its root: the template is staged in a scratch folder,
    where ``data`` (called with that folder) may copy files too; what it returns is
    handed to the template as JSON in ``sys.inputs.<name>``.

    Raises
    ------
    CaretrendsError
        When Typst cannot compile it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"caretrends-{name}-") as folder:
        root = Path(folder)
        source = resources.files("caretrends.brief").joinpath("templates", template)
        (root / template).write_bytes(source.read_bytes())
        inputs = {name: json.dumps(data(root), ensure_ascii=False)}
        try:
            typst.compile(
                str(root / template),
                output=str(path),
                root=str(root),
                ignore_system_fonts=True,
                sys_inputs=inputs,
            )
        except typst.TypstError as error:
            raise CaretrendsError(
                f"{name}: Typst could not typeset {path.name}: {error}"
            ) from error
    return path
