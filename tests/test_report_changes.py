"""What changed since the last report: a published figure changed in a bundled raw file
reaches the index's "What changed" section, ``changes.csv`` and ``caretrends diff``."""

from __future__ import annotations

import csv
import dataclasses
import html
import json
import re
import shutil
from pathlib import Path

import pytest

from caretrends import paths, provenance
from caretrends.cli import main
from caretrends.labels import catalog, label
from caretrends.pipeline.prepare import prepare
from caretrends.report import load_run_config, run_report
from caretrends.report.changes import compare_folders, page_sentences, table_changes
from caretrends.report.layout import MANIFEST_NAME, run_paths
from tests.report_helpers import SMALL_NOTEBOOKS, write_config

FIGURES = "kosovo/kosovo_figures.csv"
#: The published count of abandoned children in Kosovo in 2024, and the one made up here.
ABANDONED_2024 = re.compile(r"^(PT_CHLD_NO_PARENTAL_CARE_ABANDON,XKX,_T,_T,NUMBER,2024,)23,", re.M)
KEY_NUMBER = "Abandoned children in Kosovo"


def _change_published_figure(raw: Path) -> None:
    """Make the 2024 count 25 instead of 23 and register the file's new checksum."""
    file = raw / FIGURES
    text, found = ABANDONED_2024.subn(r"\g<1>25,", file.read_text(encoding="utf-8"))
    assert found == 1
    file.write_text(text, encoding="utf-8")
    record = next(r for r in provenance.load_registry(raw) if r.path == FIGURES)
    provenance.record_source(dataclasses.replace(record, sha256=provenance.sha256_file(file)), raw)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """A copy of the project's raw data, configuration and notebooks, run small in English, then run
    again after one published figure changed; the two run folders."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(paths.raw_dir(), root / "data" / "raw")
    shutil.copytree(paths.notebooks_dir(), root / "notebooks")
    shutil.copytree(paths.config_dir(), root / "config")
    if paths.font_cache_dir().is_dir():  # derived on this machine: no need to redo it
        shutil.copytree(paths.font_cache_dir(), root / ".cache" / "fonts")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CARETRENDS_ROOT", str(root))
        config = write_config(
            root / "config" / "report.yaml",
            SMALL_NOTEBOOKS,
            language="en",
            parameters={"ref_areas": ["XKX", "SRB", "MKD"]},
        )
        folders = []
        for change in (None, _change_published_figure):
            if change:
                change(root / "data" / "raw")
            prepare()
            result = run_report(
                load_run_config(config), reports_dir=root / "reports", progress=False
            )
            folders.append(result.folder)
        yield root, folders


def test_the_changed_key_number_is_in_the_index_and_changes_csv(two_runs) -> None:
    _, (first, second) = two_runs
    rows = list(csv.DictReader((second / "changes.csv").open(encoding="utf-8")))
    key_rows = [r for r in rows if r["section"] == "numbers" and r["key"] == KEY_NUMBER]
    assert len(key_rows) == 1
    assert key_rows[0]["language"] == "en" and key_rows[0]["change"] == "changed"
    assert key_rows[0]["old"].split(" · ")[1] == "23"  # period · value · change …
    assert key_rows[0]["new"].split(" · ")[1] == "25"
    raw = [r for r in rows if r["section"] == "raw_files"]
    assert [(r["item"], r["change"]) for r in raw] == [
        (f"data/raw/{FIGURES}", "changed"),
        ("data/raw/sources.yaml", "changed"),  # the file's new checksum
    ]
    assert raw[0]["source"].startswith("Compiled by the caretrends project")
    series = [r for r in rows if r["item"] == "data/kosovo_series.csv" and "2024" in r["key"]]
    assert {(r["old"], r["new"]) for r in series if r["key"].endswith(": value")} == {
        ("23.0", "25.0")
    }
    index = (second / "index.html").read_text(encoding="utf-8")
    changes = index.split('<section id="changes">')[1].split("</section>")[0]
    first_date = json.loads((first / MANIFEST_NAME).read_text())["finished"][:10]
    assert f"What changed since {first_date}" in changes
    line = next(li for li in changes.split("<li>") if li.startswith(KEY_NUMBER))
    assert re.search(r"<del>2024 · 23 · .*</del>.*<ins>2024 · 25 · ", line)
    assert "kosovo_figures.csv</code>: changed" in changes
    manifest = json.loads((second / MANIFEST_NAME).read_text())
    assert manifest["changes"] == json.loads((second / "changes.json").read_text())
    assert manifest["changes"]["previous"]["run_id"] == first.name


def _headline(folder: Path) -> str:
    """The headline estimate as the run's key-number file words it."""
    table = run_paths(folder, "en").tables / "key_numbers-en.csv"
    rows = csv.DictReader(table.open(encoding="utf-8-sig"))
    return next(row for row in rows if row["Figure"] == KEY_NUMBER)["Model estimate (95% CI)"]


def test_sentences_that_give_the_headline_show_as_changed(two_runs) -> None:
    _, (first, second) = two_runs
    old, new = _headline(first), _headline(second)
    assert old != new  # the count moved the estimate and its interval
    changes = json.loads((second / "changes.json").read_text())
    brief = next(e for e in changes["sentences"] if e["page"] == "04_brief")
    assert old in brief["old"] and new in brief["new"]
    index = (second / "index.html").read_text(encoding="utf-8")
    assert any(html.escape(old) in text for text in re.findall(r"<del>(.*?)</del>", index))
    assert any(html.escape(new) in text for text in re.findall(r"<ins>(.*?)</ins>", index))


def test_diff_compares_any_two_runs(two_runs, capsys) -> None:
    root, (first, second) = two_runs
    assert main(["diff", first.name, second.name, "--output", str(root / "reports")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"changed since {first.name}: raw files 2,")
    assert f"numbers | en | en/tables/key_numbers-en.csv | {KEY_NUMBER} | changed" in out
    assert main(["diff", str(second), str(second), "--json"]) == 0
    same = json.loads(capsys.readouterr().out)
    assert same["raw_files"] == same["numbers"] == same["sentences"] == same["figures"] == []
    assert main(["diff", "nowhere", second.name]) == 1
    assert "nowhere: not a report run" in capsys.readouterr().err


def _page(folder: Path, run_id: str, sentence: str) -> Path:
    outputs = run_paths(folder, "en")
    outputs.pages.mkdir(parents=True)
    (outputs.pages / "01_page.html").write_text(f"<body><p>{sentence}</p></body>")
    manifest = {"run_id": run_id, "finished": "2026-01-01T00:00:00Z", "language": "en"}
    outputs.manifest.write_text(json.dumps(manifest))
    return folder


def test_a_changed_label_shows_as_a_changed_sentence(tmp_path, monkeypatch) -> None:
    old = _page(tmp_path / "a", "a", label("index.changes_first", "en"))
    entry = catalog("en").entries["index.changes_first"]
    edited = dataclasses.replace(entry, text="This is the first report: nothing to compare.")
    monkeypatch.setitem(catalog("en").entries, "index.changes_first", edited)
    new = _page(tmp_path / "b", "b", label("index.changes_first", "en"))
    assert compare_folders(old, new)["sentences"] == [
        {
            "language": "en",
            "page": "01_page",
            "old": ["This is the first run: there is no earlier report to compare with."],
            "new": ["This is the first report: nothing to compare."],
        }
    ]


def test_sentences_and_table_rows_are_matched_by_what_names_them() -> None:
    assert page_sentences("<nav>Back to the contents of it</nav><p>A b c d. E f g h!</p>") == [
        "A b c d.",
        "E f g h!",
    ]
    old = [{"year": "2023", "value": "9.0"}, {"year": "2024", "value": "23.0"}]
    new = [{"year": "2024", "value": "25.0"}, {"year": "2025", "value": "20.0"}]
    assert table_changes(old, new) == [
        {"key": "year=2023", "column": "value", "old": "9.0", "new": None},
        {"key": "year=2024", "column": "value", "old": "23.0", "new": "25.0"},
        {"key": "year=2025", "column": "value", "old": None, "new": "20.0"},
    ]
