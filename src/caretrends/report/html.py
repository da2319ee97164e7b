"""Executed notebooks to self-contained HTML without code, and the report's index page."""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote

from jinja2 import DictLoader
from nbconvert import HTMLExporter

from caretrends.errors import CaretrendsError

# JupyterLab's look, without the scripts it loads from a CDN (require.js, MathJax,
# mermaid): the report must open offline and from an e-mail attachment.
_TEMPLATE_NAME = "caretrends-report.html.j2"
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block html_head_js_requirejs %}{% endblock %}
{% block html_head_js_mathjax %}{% endblock %}
{% block html_head_js_mermaidjs %}{% endblock %}
"""

_IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)


def notebook_html(notebook: Path, base_dir: Path) -> str:
    """Return ``notebook`` as one HTML page: outputs and text only, no code cells.

    Parameters
    ----------
    notebook : Path
        An executed notebook.
    base_dir : Path
        The folder the notebook ran in: relative image paths (``figures/x.png`` in a
        Markdown cell or an HTML output) are read from there and embedded.

    Raises
    ------
    CaretrendsError
        When an image the page refers to does not exist.
    """
    exporter = HTMLExporter(
        extra_loaders=[DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        template_file=_TEMPLATE_NAME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_filename(
        str(notebook), resources={"metadata": {"path": str(base_dir), "name": notebook.stem}}
    )
    return embed_local_images(body, base_dir, where=str(notebook))


def embed_local_images(page: str, base_dir: Path, *, where: str) -> str:
    """Replace every ``<img src>`` naming a local file with a ``data:`` URI of its bytes.

    Examples
    --------
    >>> embed_local_images('<img src="data:image/png;base64,AA==">', Path("."), where="x")
    '<img src="data:image/png;base64,AA==">'
    """
    missing: list[str] = []

    def inline(match: re.Match[str]) -> str:
        prefix, quote, source = match.groups()
        if _REMOTE.match(source):
            return match.group(0)
        file = base_dir / unquote(source)
        if not file.is_file():
            missing.append(source)
            return match.group(0)
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        data = base64.b64encode(file.read_bytes()).decode("ascii")
        return f"{prefix}{quote}data:{kind};base64,{data}{quote}"

    page = _IMG_SRC.sub(inline, page)
    if missing:
        raise CaretrendsError(f"{where}: images not found in {base_dir}: {', '.join(missing)}")
    return page


def index_html(manifest: dict) -> str:
    """Return the report's front page: run, commit, and a link to each notebook's page."""
    rows = []
    for name, entry in manifest["notebooks"].items():
        label = html.escape(name)
        link = f'<a href="{html.escape(entry["html"])}">{label}</a>' if entry["html"] else label
        rows.append(
            f"<tr><td>{link}</td><td>{html.escape(entry['status'])}</td>"
            f"<td>{entry['seconds'] if entry['seconds'] is not None else ''}</td></tr>"
        )
    commit = manifest["git"]["commit"] or "unknown"
    dirty = " (uncommitted changes)" if manifest["git"]["dirty"] else ""
    title = f"caretrends report {html.escape(manifest['run_id'])}"
    return f"""<!DOCTYPE html>
<html lang="{html.escape(manifest["language"])}">
<head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.2em 1em;text-align:left}}</style>
</head>
<body>
<h1>{title}</h1>
<p>Started {html.escape(manifest["started"])}, finished {html.escape(manifest["finished"])}
(UTC). Commit {html.escape(commit)}{dirty}. Language {html.escape(manifest["language"])}.
Status: {html.escape(manifest["status"])}. Details in <a href="manifest.json">manifest.json</a>.</p>
<table><tr><th>Notebook</th><th>Status</th><th>Seconds</th></tr>
{chr(10).join(rows)}
</table>
</body>
</html>
"""
