"""The whole default report on the bundled data, as `make report` runs it."""

from __future__ import annotations

import json
import os
import re

import nbformat
import pandas as pd
import pytest

from caretrends.pipeline.prepare import prepare
from caretrends.report import load_run_config, run_report
from caretrends.report.browser import check_page
from caretrends.report.layout import INDEX_NAME, MANIFEST_NAME, published_paths, run_paths
from caretrends.report.tables import header


@pytest.fixture(scope="module")
def default_report(tmp_path_factory):
    prepare()
    reports = tmp_path_factory.mktemp("reports")
    result = run_report(load_run_config(), reports_dir=reports, progress=False)
    return reports, result


def test_default_report_succeeds_with_a_complete_manifest(default_report) -> None:
    reports, result = default_report
    folder = reports / os.readlink(reports / "latest")
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    assert manifest["status"] == "succeeded"
    config = load_run_config()
    names = [spec.name for spec in config.notebooks]
    # One run, every language, one manifest.
    assert manifest["languages"] == ["en", "sq", "sr"] == list(manifest["notebooks"])
    for lang, entries in manifest["notebooks"].items():
        assert list(entries) == names
        assert all(entry["status"] == "succeeded" for entry in entries.values())
        outputs = published_paths(folder, lang)
        assert (outputs.brief / f"brief-{lang}.pdf").is_file()
        assert (outputs.tables / f"key_numbers-{lang}.csv").is_file()
        assert outputs.language_index.is_file()
        for name in names:
            page = (outputs.pages / f"{name}.html").read_text(encoding="utf-8")
            others = [code for code in manifest["languages"] if code != lang]
            assert all(f'href="../../{code}/html/{name}.html"' in page for code in others)
    inputs = manifest["inputs"]
    assert any(key.endswith("kosovo_figures.csv") for key in inputs)
    assert any(key.endswith("transmonee_see_2020.csv") for key in inputs)
    assert manifest["git"]["commit"] is None or len(manifest["git"]["commit"]) == 40
    assert manifest["packages"]["caretrends"]


def test_no_notebook_has_an_error_and_the_html_hides_code(default_report) -> None:
    reports, _ = default_report
    folder = reports / "latest"
    for executed in sorted(folder.glob("*/notebooks/*.ipynb")):
        notebook = nbformat.read(executed, as_version=4)
        errors = [
            output
            for cell in notebook.cells
            if cell.cell_type == "code"
            for output in cell.get("outputs", [])
            if output.get("output_type") == "error"
        ]
        assert errors == [], executed.name
        warned = [
            output["text"]
            for cell in notebook.cells
            if cell.cell_type == "code"
            for output in cell.get("outputs", [])
            if output.get("name") == "stderr" and "Warning" in output.get("text", "")
        ]
        assert warned == [], executed.name  # caveats belong in the text, not in warnings
        page = (published_paths(folder).pages / f"{executed.stem}.html").read_text(encoding="utf-8")
        assert "import caretrends" not in page  # inputs excluded
    assert (folder / INDEX_NAME).exists()


def test_brief_figures_and_key_numbers_are_exported(default_report) -> None:
    reports, _ = default_report
    folder = reports / "latest"
    for stem in ("kosovo_abandoned_trend", "ucck_neonatology", "prevention_outcomes"):
        for suffix in ("png", "svg", "pdf", "txt", "csv"):
            assert (published_paths(folder).figures / f"{stem}-en.{suffix}").exists()
    assert (published_paths(folder).tables / "key_numbers-en.xlsx").exists()
    brief = (published_paths(folder).pages / "04_brief.html").read_text(encoding="utf-8")
    assert "synthetic" in brief.lower()  # case-level figures say so on their face


def test_the_brief_and_its_annex_keep_to_three_pages_in_every_language(default_report) -> None:
    from pypdf import PdfReader

    reports, _ = default_report
    for lang in ("en", "sq", "sr"):
        brief = run_paths(reports / "latest", lang).brief
        for document in (f"brief-{lang}.pdf", f"annex-{lang}.pdf"):
            assert len(PdfReader(brief / document).pages) == 3, document


@pytest.mark.parametrize("lang", ["sq", "sr"])
def test_the_languages_after_the_first_show_none_of_its_words(default_report, lang) -> None:
    """The run's data/ is written in its first language (English): what the others read
    from it (the brief's annex, its notebook's tables) is worded again in theirs."""
    from tests.function_words import count_run
    from tests.test_no_english import PUBLISHED_NAMES

    reports, _ = default_report
    counts = count_run(reports / "latest", lang, titles=PUBLISHED_NAMES)
    counts["pages"].pop("index.html")  # the first language's front page (index-<lang>.html)
    found = {kind: dict(by_file) for kind, by_file in counts.items() if by_file}
    assert sum(sum(by_file.values()) for by_file in found.values()) <= 5, found


def test_every_page_shows_its_figures_and_fits_1280_pixels(default_report) -> None:
    reports, _ = default_report
    pages = sorted((published_paths(reports / "latest").pages).glob("*.html"))
    assert len(pages) == 4
    for page in [*pages, reports / "latest" / INDEX_NAME]:
        seen = check_page(page)
        if page.name != "index.html":
            assert seen.images, f"{page.name}: no figures"
        assert all(image.loaded and image.width > 0 for image in seen.images), page.name
        assert seen.overflow == 0, f"{page.name}: {seen.overflow} px wider than the window"


def test_pages_print_without_clipped_tables_titled_in_their_language(default_report) -> None:
    from caretrends.labels import label

    reports, _ = default_report
    for page in sorted((published_paths(reports / "latest").pages).glob("*.html")):
        seen = check_page(page, printed=True)
        assert seen.clipped == [], f"{page.name}: tables cut on paper: {seen.clipped}"
        assert seen.misaligned == [], f"{page.name}: cells aligned wrongly: {seen.misaligned}"
        text = page.read_text(encoding="utf-8")
        assert f"<title>{label(f'page.{page.stem}', 'en')}</title>" in text
    trends = (published_paths(reports / "latest").pages / "02_abandonment.html").read_text(
        encoding="utf-8"
    )
    assert 'class="data row0 col1 number"' in trends  # numbers right, text left
    assert "<pre>" not in trends  # model summaries are prose in the page font


def test_each_analysis_figure_is_shown_once_where_it_is_made(default_report) -> None:
    # Notebooks 1-3 draw every figure they write to figures/ (PNG) once; the brief then
    # gathers the standard ones again, by design.
    reports, _ = default_report
    folder = reports / "latest"
    shown = sum(
        len(
            re.findall(
                r"<img ",
                (published_paths(folder).pages / f"{name}.html").read_text(encoding="utf-8"),
            )
        )
        for name in ("01_data_quality", "02_abandonment", "03_care_outcomes")
    )
    assert shown == len(list((published_paths(folder).figures).glob("*.png")))


def test_case_count_tables_of_the_report_show_no_small_counts(default_report) -> None:
    reports, _ = default_report
    tables = published_paths(reports / "latest").tables
    # reader tables, headed in the run's language (English here)
    for name, columns in (
        ("prevention_outcomes.csv", ["value"]),
        ("prevention_by_risk.csv", ["mothers", "stayed"]),
    ):
        table = pd.read_csv(tables / name, dtype=str, encoding="utf-8-sig")
        counts = pd.to_numeric(table[[header(c, "en") for c in columns]].stack(), errors="coerce")
        assert not counts.between(1, 4).any(), name
    published = pd.read_csv(tables / "prevention_outcomes.csv", dtype=str, encoding="utf-8-sig")
    assert published[header("value", "en")].eq("c").any()  # the demo data has small cells
