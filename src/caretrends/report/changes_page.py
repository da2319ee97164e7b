"""The index page's opening section: what changed since the previous published run, in
the reader's language (from a run's ``changes``, :mod:`caretrends.report.changes`).

It shows the raw files added, removed or changed with their sources, the key numbers of
the reader's language whose wording changed (as the key-number file words them), the
sentences of its pages that changed and the figures added or removed; every change of
the machine-readable tables is in ``changes.csv``, linked from here.
"""

from __future__ import annotations

import html
from functools import partial

from caretrends.labels import label, source_text
from caretrends.report.layout import CHANGES_CSV, CHANGES_JSON
from caretrends.report.manifest import source_line


def _escaped(text: object) -> str:
    return html.escape(str(text))


def _before_after(old: object, new: object, lang: str) -> str:
    parts = []
    if old:
        parts.append(f"{_escaped(label('index.change_before', lang))}: <del>{_escaped(old)}</del>")
    if new:
        parts.append(f"{_escaped(label('index.change_now', lang))}: <ins>{_escaped(new)}</ins>")
    return " → ".join(parts)


def _change(kind: str, lang: str) -> str:
    """``added``, ``removed`` or ``changed`` in ``lang``."""
    return _escaped(label(f"index.change_{kind}", lang))


def _section(key: str, items: list[str], lang: str) -> str:
    if not items:
        return ""
    rows = "\n".join(f"<li>{item}</li>" for item in items)
    return f"<h3>{_escaped(label(f'index.{key}', lang))}</h3>\n<ul>\n{rows}\n</ul>"


def changes_html(changes: dict, lang: str) -> str:
    """The ``<section id="changes">`` that opens the index page in ``lang``."""
    previous = changes.get("previous")
    if previous is None:
        return (
            f'<section id="changes"><p>{_escaped(label("index.changes_first", lang))}</p></section>'
        )
    date = previous["finished"][:10]
    raw = [
        f"<code>{_escaped(r['path'])}</code>: {_change(r['change'], lang)}"
        + (
            f" ({_escaped(source_line(r['source'], partial(source_text, lang=lang)))})"
            if r["source"]
            else ""
        )
        for r in changes["raw_files"]
    ]
    numbers = [
        f"{_escaped(n['key'])}: {_before_after(n['old'], n['new'], lang)}"
        for n in changes["numbers"]
        if n["language"] == lang
    ]
    sentences = [
        f"{_escaped(s['page'])}: {_before_after(' '.join(s['old']), ' '.join(s['new']), lang)}"
        for s in changes["sentences"]
        if s["language"] == lang
    ]
    figures = [
        f"<code>{_escaped(f['figure'])}</code>: {_change(f['change'], lang)}"
        for f in changes["figures"]
        if f["language"] == lang
    ]
    body = "\n".join(
        part
        for part in (
            _section("changes_raw", raw, lang),
            _section("changes_numbers", numbers, lang),
            _section("changes_sentences", sentences, lang),
            _section("changes_figures", figures, lang),
        )
        if part
    )
    if not body and not any(n["language"] == "" for n in changes["numbers"]):
        body = f"<p>{_escaped(label('index.changes_none', lang, date=date))}</p>"
    names = (CHANGES_CSV, CHANGES_JSON)
    links = " · ".join(f'<a href="{name}"><code>{name}</code></a>' for name in names)
    title = _escaped(label("index.changes_since", lang, date=date))
    return f'<section id="changes"><h2>{title}</h2>\n{body}\n<p>{links}</p></section>'
