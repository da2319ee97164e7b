"""Tiny notebooks and run configurations for the report runner's tests."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from caretrends.report import KERNEL_NAME

#: Code that makes a PNG in output_dir/figures, shows it, and links it from Markdown.
FIGURE_CELL = """\
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from IPython.display import Image, Markdown, display

time.sleep(pause)
figure, axes = plt.subplots(figsize=(3, 2))
axes.plot(years, [float(len(ref_areas))] * len(years))
png = Path(output_dir) / "figures" / f"{run_id[:4]}-{title}.png"
figure.savefig(png, dpi=40)
plt.close(figure)
(Path(output_dir) / "tables" / f"{title}.csv").write_text("year\\n" + "\\n".join(map(str, years)))
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
    """Write a run configuration with ``notebooks`` entries and top-level keys ``top``."""
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
