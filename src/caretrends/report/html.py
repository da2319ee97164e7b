"""Executed notebooks to self-contained HTML without code, and the report's index page."""

from __future__ import annotations

import base64
import functools
import html
import mimetypes
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter

from caretrends.errors import CaretrendsError
from caretrends.labels import has_label, label
from caretrends.report.changes_page import changes_html
from caretrends.report.layout import MANIFEST_NAME, run_paths

# JupyterLab's look, without the scripts it loads from a CDN (require.js, MathJax,
# mermaid): the report must open offline and from an e-mail attachment.
_TEMPLATE_NAME = "caretrends-report.html.j2"
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block html_head_js_requirejs %}{% endblock %}
{% block html_head_js_mathjax %}{% endblock %}
{% block html_head_js_mermaidjs %}{% endblock %}
{% block extra_css %}
{{ super() }}
<style>{{ resources.caretrends_css }}</style>
{% endblock extra_css %}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
{%- set alt=output | get_metadata('alt', 'image/png') -%}
{%- if alt is not none %} alt="{{ alt | escape_html }}"{%- endif %}
{%- set width=output | get_metadata('width', 'image/png') -%}
{%- if width is not none %} width={{ width | escape_html }}{%- endif %}
>
</div>
{%- endblock data_png %}
"""

# A reader's page, on screen and on paper: prose in the page font (a model summary is a
# sentence, not console output), text columns left and numbers right, a wide table
# scrolling inside the page on screen and fitting the paper's width when printed.
# ``table.caretrends-table`` outranks JupyterLab's ``:not(.jp-RenderedMarkdown)`` rule,
# which right-aligns every cell and comes later in the page.
PAGE_CSS = """
.jp-OutputArea-output pre { white-space: pre-wrap; overflow-wrap: break-word;
  font-family: var(--jp-content-font-family); font-size: var(--jp-content-font-size1); }
.jp-RenderedHTMLCommon table.caretrends-table { display: block; max-width: 100%;
  overflow-x: auto; }
.jp-RenderedHTMLCommon table.caretrends-table th,
.jp-RenderedHTMLCommon table.caretrends-table td { text-align: left; vertical-align: top; }
.jp-RenderedHTMLCommon table.caretrends-table td.number { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  nav.caretrends-back { display: none; }
  .jp-RenderedHTMLCommon table.caretrends-table { display: table; width: 100%;
    table-layout: auto; overflow: visible; font-size: 7pt; }
  .jp-RenderedHTMLCommon .caretrends-table th, .jp-RenderedHTMLCommon .caretrends-table td {
    white-space: normal; overflow-wrap: anywhere; padding: 1px 3px; }
  .jp-RenderedHTMLCommon .caretrends-table tr { break-inside: avoid; }
  .jp-RenderedImage img { max-width: 100%; break-inside: avoid; }
}
"""

_IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_HTML_LANG = re.compile(r"<html\b[^>]*", re.IGNORECASE)
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)


def notebook_html(
    notebook: Path, base_dir: Path, *, lang: str = "en", languages: Iterable[str] = ()
) -> str:
    """Return ``notebook`` as one HTML page: outputs and text only, no code cells.

    The page opens with a link back to the report's index in ``lang`` and links to the
    same page in the run's other ``languages``; each image carries the alt text its
    output gave (a chart's alt text in the run's language); the page's (and the browser
    tab's) title is the notebook's title in ``lang``; its style sheet is :data:`PAGE_CSS`.

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
    node = nbformat.read(notebook, as_version=4)
    key = f"page.{notebook.stem}"
    node.metadata["title"] = label(key, lang) if has_label(key, lang) else notebook.stem
    body, _ = _page_exporter().from_notebook_node(
        node,
        resources={
            "metadata": {"path": str(base_dir), "name": notebook.stem},
            "caretrends_css": PAGE_CSS,
        },
    )
    index = run_paths(Path("../.."), lang).language_index.as_posix()
    others = {code: f"../../{code}/html/{notebook.stem}.html" for code in languages if code != lang}
    body = _BODY_OPEN.sub(
        lambda m: (
            f'{m.group(0)}\n<nav class="caretrends-back"><a href="{index}">'
            f"{html.escape(label('index.back', lang))}</a>{language_switch(others, lang)}</nav>"
        ),
        body,
        count=1,
    )
    body = _HTML_LANG.sub(f'<html lang="{html.escape(lang)}"', body, count=1)
    return embed_local_images(body, base_dir, where=str(notebook))


@functools.cache
def _page_exporter() -> HTMLExporter:
    """The exporter of every page: made once, because making one compiles its templates
    (a fifth of a second, as long as converting a page). Images are embedded by
    :func:`embed_local_images`, in Markdown and HTML outputs alike."""
    return HTMLExporter(
        extra_loaders=[DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        template_file=_TEMPLATE_NAME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def language_switch(links: dict[str, str], lang: str) -> str:
    """Links to the same page in other languages, each named in its own language
    (``Shqip`` for Albanian), under the localised "Languages"; empty without any."""
    if not links:
        return ""
    items = " · ".join(
        f'<a href="{html.escape(href)}" hreflang="{code}" lang="{code}">'
        f"{html.escape(label(f'language_name.{code}', code))}</a>"
        for code, href in links.items()
    )
    name = html.escape(label("index.languages", lang))
    return f' <span class="caretrends-languages">{name}: {items}</span>'


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


def figure_titles(folder: Path, lang: str) -> list[tuple[str, str]]:
    """Return ``(png path relative to folder, title)`` for each figure of ``lang`` in the
    run ``folder``'s figures (:func:`caretrends.report.layout.run_paths`).

    The title is the first line of the figure's ``.txt`` (its alt-text document); a
    figure without one (a coverage grid) is named by its file.
    """
    figures = run_paths(folder, lang).figures
    found = []
    for png in sorted(figures.glob(f"*-{lang}.png")):
        text = png.with_suffix(".txt")
        title = text.read_text(encoding="utf-8").splitlines()[0] if text.is_file() else ""
        found.append((png.relative_to(folder).as_posix(), title or png.stem))
    for png in sorted(figures.glob("coverage_*.png")):
        code = png.stem.removeprefix("coverage_")
        name = label(f"indicator.{code}", lang) if has_label(f"indicator.{code}", lang) else code
        found.append(
            (png.relative_to(folder).as_posix(), label("coverage.title", lang, indicator=name))
        )
    return found


def _links(items: list[tuple[str, str]], lang: str, *, files: bool = False) -> str:
    """An HTML list of links, or the localised "none" when there is nothing to list;
    ``files``: the texts are file names, shown as code."""
    if not items:
        return f"<p>{html.escape(label('index.none', lang))}</p>"
    tag = "<code>{}</code>" if files else "{}"
    rows = "\n".join(
        f'<li><a href="{html.escape(href)}">{tag.format(html.escape(text))}</a></li>'
        for href, text in items
    )
    return f"<ul>\n{rows}\n</ul>"


def index_html(manifest: dict, folder: Path | None = None, lang: str | None = None) -> str:
    """Return the report's front page in ``lang`` (default the run's first language).

    It is titled by the report's title and the day the run finished, opens with what
    changed since the previous published run (the manifest's ``changes``), links to the
    page in the run's other languages, to every page, and gives the run id in its footer.

    Parameters
    ----------
    manifest : dict
        The run's manifest (run id, languages, notebooks and their pages, git state,
        changes).
    folder : Path, optional
        The run folder: when given, the brief (``brief-<lang>.pdf``/``.docx``), figures
        (titled from their ``.txt``), tables and key numbers of ``lang`` found there
        (:func:`caretrends.report.layout.run_paths`) are listed.
    lang : str, optional
        One of the manifest's ``languages``.
    """
    lang = lang or manifest["language"]
    pages = []
    for name, entry in manifest["notebooks"][lang].items():
        title = label(f"page.{name}", lang) if has_label(f"page.{name}", lang) else name
        if entry["html"] and entry["status"] == "succeeded":
            pages.append((entry["html"], title))
        else:
            pages.append((MANIFEST_NAME, f"{title} ({label('index.failed', lang)})"))
    brief, figures, tables, key_numbers = [], [], [], []
    if folder is not None:
        outputs = run_paths(folder, lang)
        for suffix in ("pdf", "docx"):
            path = outputs.brief / f"brief-{lang}.{suffix}"
            if path.is_file():
                brief.append((path.relative_to(folder).as_posix(), path.name))
        figures = figure_titles(folder, lang)
        for path in sorted(outputs.tables.glob("*")):
            kind = key_numbers if path.name.startswith("key_numbers") else tables
            if path.suffix in {".csv", ".xlsx"}:
                kind.append((path.relative_to(folder).as_posix(), path.name))
    commit = (manifest["git"]["commit"] or "–")[:12]
    title = label(
        "index.title", lang, title=label("document.title", lang), date=manifest["finished"][:10]
    )
    summary = label(
        "index.summary",
        lang,
        started=manifest["started"],
        finished=manifest["finished"],
        commit=commit,
        status=label(f"index.{manifest['status']}", lang)
        if has_label(f"index.{manifest['status']}", lang)
        else manifest["status"],
    )
    sections = [
        ("pages", pages, False),
        ("brief", brief, True),
        ("key_numbers", key_numbers, True),
        ("figures", figures, False),
        ("tables", tables, True),
    ]
    body = "\n".join(
        f'<section id="{key}"><h2>{html.escape(label(f"index.{key}", lang))}</h2>\n'
        f"{_links(items, lang, files=files)}</section>"
        for key, items, files in sections
    )
    others = {
        code: run_paths(Path("."), code).language_index.as_posix()
        for code in manifest.get("languages", [lang])
        if code != lang
    }
    changes = changes_html(manifest["changes"], lang) if "changes" in manifest else ""
    return f"""<!DOCTYPE html>
<html lang="{html.escape(lang)}">
<head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:60em}}li{{margin:.2em 0}}
del{{color:#8a1c1c}}ins{{color:#1c5e20;text-decoration:none}}</style>
</head>
<body>
<nav>{language_switch(others, lang)}</nav>
<h1>{html.escape(title)}</h1>
{changes}
<p>{html.escape(summary)}
<a href="{MANIFEST_NAME}">{html.escape(label("index.details", lang))}</a></p>
{body}
<footer><p>{html.escape(label("index.footer", lang, run=manifest["run_id"]))}</p></footer>
</body>
</html>
"""
