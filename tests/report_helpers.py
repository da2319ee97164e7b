"""Tiny notebooks and run configurations for the report runner's tests."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from caretrends.report import KERNEL_NAME
from caretrends.report.layout import published_paths

#: Code that makes a PNG in the run's figures, shows it, and links it from Markdown.
FIGURE_CELL = """\
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from IPython.display import Image, Markdown, display

from caretrends.report import output_folders

out = output_folders(output_dir, language)
time.sleep(pause)
figure, axes = plt.subplots(figsize=(3, 2))
axes.plot(years, [float(len(ref_areas))] * len(years))
png = out.figures / f"{run_id[:4]}-{title}.png"
figure.savefig(png, dpi=40)
plt.close(figure)
(out.tables / f"{title}.csv").write_text("year\\n" + "\\n".join(map(str, years)))
display(Image(filename=str(png)))
display(Markdown(f"![{title}](figures/{png.name})"))
print("CODE_OUTPUT_MARKER", language)
"""


def write_notebook(folder: Path, name: str, parameters: str, *cells: str) -> Path:
    """Write ``folder/<name>.ipynb``: a cell tagged ``parameters``, then ``cells``."""
    nb = new_notebook(
        cells=[
            new_markdown_cell(f"# {name}"),
            new_code_cell(parameters, metadata={"tags": ["parameters"]}),
            *(new_code_cell(source) for source in cells),
        ]
    )
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "language": "python", "display_name": "ct"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def figure_notebook(folder: Path, name: str, pause: float = 0.0) -> Path:
    """A notebook declaring the usual parameters that draws, saves and shows a figure."""
    parameters = (
        "ref_areas: list[str] = ['XKX']\n"
        "years = [2015, 2016]\n"
        f"title = '{name}'\n"
        f"pause = {pause}\n"
        "language = 'en'\n"
        "output_dir = '.'\n"
        "run_id = 'test'\n"
    )
    return write_notebook(folder, name, parameters, FIGURE_CELL)


def write_config(path: Path, notebooks: list[dict], **top: object) -> Path:
    """Write a run configuration with ``notebooks`` entries and top-level keys ``top``;
    in English only unless ``top`` names the language or languages (one language runs
    each notebook once: quicker)."""
    if "language" not in top and "languages" not in top:
        top["language"] = "en"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({**top, "notebooks": notebooks}, sort_keys=False))
    return path


def page_texts(page: Path) -> str:
    """The words a reader sees in a report page's narrative (Markdown cells), headings,
    bold headings built in code and table headers; code spans (file and column names)
    left out."""
    text = page.read_text(encoding="utf-8").split("<body", 1)[1]
    cells = re.split(r'<div[^>]*class="[^"]*jp-Cell ', text)
    narrative = [c for c in cells if c.startswith("jp-MarkdownCell")]
    assert narrative, f"{page.name}: no Markdown cell"
    shown = [
        *narrative,
        *re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", text, flags=re.DOTALL),
        *re.findall(r"<strong>(.*?)</strong>", text, flags=re.DOTALL),
        *re.findall(r"<th[^>]*>(.*?)</th>", text, flags=re.DOTALL),
    ]
    joined = re.sub(r"<code>.*?</code>", " ", " ".join(shown), flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", joined)


#: What a reader does not read as the page's own prose: code (file names, keys,
#: identifiers), citations of publishers' texts, quoted wordings under review, source
#: titles in square brackets, and the placeholders of a catalog template.
_NOT_PROSE = [
    re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL),
    re.compile(r"<(code|cite|q)>.*?</\1>", re.DOTALL),
]
_BRACKETS = re.compile(r"\[[^\[\]]*\]")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def visible_text(html_text: str) -> str:
    """Every word a reader sees on an HTML page, alt texts included, prose only."""
    body = html_text.split("<body", 1)[-1]
    for pattern in _NOT_PROSE:
        body = pattern.sub(" ", body)
    alts = " ".join(re.findall(r'alt="([^"]*)"', body))
    text = re.sub(r"<[^>]+>", " ", body) + " " + alts
    return prose(html.unescape(text))


def prose(text: str) -> str:
    """``text`` without source titles in square brackets and template placeholders."""
    return _PLACEHOLDER.sub(" ", _BRACKETS.sub(" ", text))


def run_texts(folder: Path, lang: str) -> dict[str, str]:
    """What a report run hands a reader, by file: pages and index, figure titles, alt
    texts and data tables (codes aside), the brief's figures and its PDF and Word text."""
    import csv

    import docx
    from pypdf import PdfReader

    from caretrends.labels import label

    outputs = published_paths(folder)
    texts = {
        page.name: visible_text(page.read_text(encoding="utf-8"))
        for page in [*sorted(outputs.pages.glob("*.html")), outputs.index]
    }
    code_suffix = label("figure_csv.code", lang, column="").strip()
    for figure_dir in (outputs.figures, outputs.brief / "figures"):
        for alt in sorted(figure_dir.glob("*.txt")):
            texts[f"{figure_dir.name}/{alt.name}"] = prose(alt.read_text(encoding="utf-8"))
        for table in sorted(figure_dir.glob("*.csv")):
            rows = list(csv.reader(table.read_text(encoding="utf-8-sig").splitlines()))
            shown = [i for i, name in enumerate(rows[0]) if not name.endswith(code_suffix)]
            cells = [row[i] for row in rows for i in shown if i < len(row)]
            texts[f"{figure_dir.name}/{table.name}"] = " ".join(cells)
    pdf = outputs.brief / f"brief-{lang}.pdf"
    text = prose(" ".join(p.extract_text() or "" for p in PdfReader(pdf).pages))
    texts[pdf.name] = without_references(text, lang)
    word = docx.Document(outputs.brief / f"brief-{lang}.docx")
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    text = prose(" ".join([p.text for p in word.paragraphs] + cells))
    texts[f"brief-{lang}.docx"] = without_references(text, lang)
    return texts


def without_references(text: str, lang: str) -> str:
    """A brief's text without its reference list: publication titles stay as published."""
    from caretrends.labels import label

    before, found, rest = text.partition(label("document.heading.references", lang))
    if not found:
        return text
    return before + " " + rest.partition(label("document.heading.publisher", lang))[2]


#: Each report notebook with small parameters: what the language tests run.
SMALL_NOTEBOOKS: list[dict] = [
    {"name": "01_data_quality", "parameters": {"coverage_indicators": ["DM_POP_TOT"]}},
    {"name": "02_abandonment", "parameters": {"start_year": 2010, "max_joinpoints": 0}},
    {
        "name": "03_care_outcomes",
        "parameters": {"start_year": 2015, "milestones_months": [12], "horizon_months": 24},
    },
    {"name": "04_brief", "depends_on": ["02_abandonment", "03_care_outcomes"]},
]


def small_run(folder: Path, language: str) -> Path:
    """Run every report notebook with small parameters in ``language``; the run folder."""
    from caretrends.report import load_run_config, run_report

    path = write_config(
        folder / f"small-{language}.yaml",
        SMALL_NOTEBOOKS,
        language=language,
        parameters={"ref_areas": ["XKX", "SRB", "MKD"]},
    )
    return run_report(load_run_config(path), reports_dir=folder / "reports", progress=False).folder
