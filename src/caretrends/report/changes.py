"""What changed between two report runs: raw files, key numbers, sentences and figures.

Every published run compares itself with the run ``reports/latest`` pointed at before it
(:func:`compare_runs`); ``caretrends diff RUN_A RUN_B`` compares any two
(:func:`compare_folders`). The comparison reads what the runs wrote, nothing else:

- the raw files, from the digests their manifests record (with each file's source from
  the manifest's ``sources``): added, removed or changed;
- the numbers, from the machine-readable tables of ``data/`` (each row keyed by its text
  cells, each numeric cell compared) and from each language's key-number file (each row
  keyed by its first column, which names the number);
- the sentences a reader sees on each language's pages: removed and added;
- the figures of each language: added or removed.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

from caretrends.report.layout import MANIFEST_NAME, run_paths
from caretrends.report.manifest import source_line

#: The columns of ``changes.csv``: one row per change.
CSV_COLUMNS = ("section", "language", "item", "key", "change", "old", "new", "source")
#: Kinds of input in a manifest's digest whose files are the run's data.
DATA_KINDS = ("raw", "private")

_HIDDEN = re.compile(r"<(script|style|code|nav)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_BLOCK = re.compile(r"</?(p|li|h[1-6]|td|th|tr|div|br|pre|nav|section|figcaption)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\s])")


def page_sentences(page: str) -> list[str]:
    """The sentences a reader sees on an HTML page, in order, each once: the text of its
    blocks split after ``.``, ``!`` or ``?``, without code, styles or scripts; fragments
    of fewer than four words (table cells, labels) left out.

    Examples
    --------
    >>> page_sentences("<p>Fewer children were abandoned. Why?</p><td>2019</td>")
    ['Fewer children were abandoned.']
    """
    text = _TAG.sub(" ", _BLOCK.sub("\n", _HIDDEN.sub(" ", page)))
    found: dict[str, None] = {}
    for block in html.unescape(text).splitlines():
        for sentence in _SENTENCE_END.split(" ".join(block.split())):
            if len(sentence.split()) >= 4:
                found[sentence] = None
    return list(found)


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _identifying(value: str) -> bool:
    """Whether a cell may name its row: text or a whole number (a year), not a measure."""
    return not _is_number(value) or value.lstrip("-").isdigit()


def _row_keys(columns: list[str], tables: list[list[dict[str, str]]]) -> list[str]:
    """The fewest leading identifying columns (text or whole numbers) that tell every row
    of each table apart; all of them when none do."""
    candidates = [
        c for c in columns if all(_identifying(r[c]) for rows in tables for r in rows if r.get(c))
    ]
    for end in range(1, len(candidates) + 1):
        keys = candidates[:end]
        if all(len({tuple(r.get(k) for k in keys) for r in rows}) == len(rows) for rows in tables):
            return keys
    return candidates


def table_changes(old: list[dict[str, str]], new: list[dict[str, str]]) -> list[dict[str, str]]:
    """The cells of a machine-readable table whose value changed, was added or removed.

    Rows are matched by their leading identifying columns (:func:`_row_keys`: codes,
    labels, years); each other cell is compared as text.

    Examples
    --------
    >>> table_changes([{"year": "2019", "rate": "2.1"}], [{"year": "2019", "rate": "1.9"}])
    [{'key': 'year=2019', 'column': 'rate', 'old': '2.1', 'new': '1.9'}]
    """
    columns = list(dict.fromkeys([*(c for r in old for c in r), *(c for r in new for c in r)]))
    keys = _row_keys(columns, [old, new])

    def keyed(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
        return {"; ".join(f"{k}={row.get(k, '')}" for k in keys): row for row in rows}

    before, after = keyed(old), keyed(new)
    changes = []
    for key in dict.fromkeys([*before, *after]):
        was, now = before.get(key, {}), after.get(key, {})
        for column in columns:
            if column not in keys and was.get(column) != now.get(column):
                changes.append(
                    {"key": key, "column": column, "old": was.get(column), "new": now.get(column)}
                )
    return changes


def _raw_changes(old: dict, new: dict) -> list[dict[str, object]]:
    def files(manifest: dict) -> dict[str, str]:
        recorded = (manifest.get("digest") or {}).get("files") or {}
        return {p: s for kind in DATA_KINDS for p, s in recorded.get(kind, {}).items()}

    before, after = files(old), files(new)
    sources = {**(old.get("sources") or {}), **(new.get("sources") or {})}
    changes = []
    for path in sorted(set(before) | set(after)):
        if before.get(path) == after.get(path):
            continue
        change = "added" if path not in before else "removed" if path not in after else "changed"
        changes.append({"path": path, "change": change, "source": sources.get(path, {})})
    return changes


def _language_changes(
    old: Path, new: Path, lang: str, *, partial: bool
) -> dict[str, list[dict[str, object]]]:
    """Key numbers, sentences and figures of ``lang`` that changed; for a ``partial`` run
    (``--only``), only its own pages and the figures it added, since the pages and
    figures of the notebooks it did not run were not removed from the report."""
    was, now = run_paths(old, lang), run_paths(new, lang)
    key_file = f"key_numbers-{lang}.csv"
    numbers = []
    for row in _keyed_rows(_read_csv(was.tables / key_file), _read_csv(now.tables / key_file)):
        numbers.append({"language": lang, "file": f"{lang}/tables/{key_file}", **row})
    sentences = []
    pages = sorted({p.name for p in [*now.pages.glob("*.html"), *was.pages.glob("*.html")]})
    if partial:
        pages = [name for name in pages if (now.pages / name).is_file()]
    for name in pages:
        before, after = (
            page_sentences(f.read_text(encoding="utf-8")) if f.is_file() else []
            for f in (was.pages / name, now.pages / name)
        )
        removed = [s for s in before if s not in after]
        added = [s for s in after if s not in before]
        if removed or added:
            sentences.append(
                {"language": lang, "page": Path(name).stem, "old": removed, "new": added}
            )
    before, after = ({p.name for p in f.figures.glob("*.png")} for f in (was, now))
    figures = [
        {"language": lang, "figure": name, "change": "added" if name in after else "removed"}
        for name in sorted(before ^ after)
        if name in after or not partial
    ]
    return {"numbers": numbers, "sentences": sentences, "figures": figures}


def _keyed_rows(old: list[dict[str, str]], new: list[dict[str, str]]) -> list[dict[str, object]]:
    """Key-number rows (named by their first column) whose other cells changed: the row's
    name, and its cells joined as they read, before and after."""

    def by_name(rows: list[dict[str, str]]) -> dict[str, str]:
        return {next(iter(row.values()), ""): " · ".join(list(row.values())[1:]) for row in rows}

    before, after = by_name(old), by_name(new)
    return [
        {"key": name, "old": before.get(name), "new": after.get(name)}
        for name in dict.fromkeys([*before, *after])
        if before.get(name) != after.get(name)
    ]


def compare_folders(old: Path | None, new: Path) -> dict[str, object]:
    """Compare the published run ``new`` with ``old`` (None: there is nothing to compare
    with), both run folders with their manifests.

    Returns
    -------
    dict
        ``previous`` and ``current`` (run id and finish time of each), and the lists
        ``raw_files``, ``numbers`` (from ``data/`` and the key-number files),
        ``sentences`` and ``figures`` (see the module).
    """
    manifest = json.loads((new / MANIFEST_NAME).read_text(encoding="utf-8"))
    previous = None
    if old is not None:
        previous = json.loads((old / MANIFEST_NAME).read_text(encoding="utf-8"))
    return _compare(previous, old, manifest, new)


def compare_runs(previous: object | None, work: Path, manifest: dict) -> dict[str, object]:
    """Compare the run being published (``work``, whose ``manifest`` is not written
    yet) with the ``previous`` published run (a
    :class:`caretrends.report.digest.PublishedRun`, or None for the first run)."""
    if previous is None:
        return _compare(None, None, manifest, work)
    return _compare(previous.manifest, previous.folder, manifest, work)


def _compare(
    old_manifest: dict | None, old: Path | None, manifest: dict, new: Path
) -> dict[str, object]:
    current = {"run_id": manifest["run_id"], "finished": manifest["finished"]}
    if old_manifest is None or old is None:
        return {"previous": None, "current": current}
    changes: dict[str, object] = {
        "previous": {"run_id": old_manifest["run_id"], "finished": old_manifest["finished"]},
        "current": current,
        "raw_files": _raw_changes(old_manifest, manifest),
        "numbers": [],
        "sentences": [],
        "figures": [],
    }
    was, now = run_paths(old, ""), run_paths(new, "")
    partial = not manifest.get("complete", True)
    tables = sorted({p.name for p in [*was.data.glob("*.csv"), *now.data.glob("*.csv")]})
    if partial:  # the tables of the notebooks it did not run are still the report's
        tables = [name for name in tables if (now.data / name).is_file()]
    for name in tables:
        for row in table_changes(_read_csv(was.data / name), _read_csv(now.data / name)):
            changes["numbers"].append({"language": "", "file": f"data/{name}", **row})
    for lang in manifest.get("languages", [manifest["language"]]):
        if lang in old_manifest.get("languages", [old_manifest["language"]]):
            for section, rows in _language_changes(old, new, lang, partial=partial).items():
                changes[section] += rows
    return changes


def changes_rows(changes: dict[str, object]) -> list[dict[str, object]]:
    """``changes`` as the rows of ``changes.csv`` (:data:`CSV_COLUMNS`), one per change."""
    rows: list[dict[str, object]] = []
    for raw in changes.get("raw_files", []):
        rows.append(
            {
                "section": "raw_files",
                "item": raw["path"],
                "change": raw["change"],
                "source": source_line(raw["source"]),
            }
        )
    for number in changes.get("numbers", []):
        change = (
            "added" if number["old"] is None else "removed" if number["new"] is None else "changed"
        )
        key = f"{number['key']}: {number['column']}" if "column" in number else number["key"]
        rows.append(
            {
                "section": "numbers",
                "language": number["language"],
                "item": number["file"],
                "key": key,
                "change": change,
                "old": number["old"],
                "new": number["new"],
            }
        )
    for page in changes.get("sentences", []):
        for kind, texts in (("removed", page["old"]), ("added", page["new"])):
            for text in texts:
                rows.append(
                    {
                        "section": "sentences",
                        "language": page["language"],
                        "item": page["page"],
                        "change": kind,
                        "old" if kind == "removed" else "new": text,
                    }
                )
    for figure in changes.get("figures", []):
        rows.append(
            {
                "section": "figures",
                "language": figure["language"],
                "item": figure["figure"],
                "change": figure["change"],
            }
        )
    return rows


def write_changes(changes: dict[str, object], folder: Path) -> None:
    """Write ``changes.json`` and ``changes.csv`` into the run ``folder``."""
    outputs = run_paths(folder, "")
    outputs.changes_json.write_text(
        json.dumps(changes, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    with outputs.changes_csv.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(changes_rows(changes))
