"""Each report notebook with small parameters, in Albanian: the parameters reach the
notebooks and change what they produce."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from caretrends.labels import country_name
from caretrends.report.layout import INDEX_NAME, MANIFEST_NAME, published_paths
from caretrends.report.tables import header
from tests.report_helpers import SMALL_NOTEBOOKS


@pytest.fixture(scope="module")
def small_run(small_report):
    return small_report("sq")


def test_every_notebook_runs_with_small_parameters(small_run) -> None:
    manifest = json.loads((small_run / MANIFEST_NAME).read_text())
    assert {name: n["status"] for name, n in manifest["notebooks"]["sq"].items()} == {
        spec["name"]: "succeeded" for spec in SMALL_NOTEBOOKS
    }
    assert manifest["notebooks"]["sq"]["02_abandonment"]["parameters"]["start_year"] == 2010


def test_the_parameters_shape_the_outputs(small_run) -> None:
    coverage = (published_paths(small_run).tables / "coverage.csv").read_text(encoding="utf-8-sig")
    assert country_name("ALB", "sq") not in coverage and country_name("SRB", "sq") in coverage
    series = (published_paths(small_run).tables / "kosovo_abandoned_per_year.csv").read_text()
    assert series.splitlines()[1].startswith("2010,")
    figures = sorted(p.name for p in (published_paths(small_run).figures).glob("*-sq.png"))
    assert "kosovo_abandoned_trend-sq.png" in figures
    alt = (published_paths(small_run).figures / "kosovo_abandoned_trend-sq.txt").read_text(
        encoding="utf-8"
    )
    assert alt.startswith("Fëmijë të braktisur në Kosovë, 2010–2024")
    key_numbers = (published_paths(small_run).tables / "key_numbers-sq.csv").read_text(
        encoding="utf-8-sig"
    )
    assert "Fëmijë të braktisur në Kosovë" in key_numbers


#: Tables of children, babies or mothers, and their count columns: none may show 1-4.
COUNT_COLUMNS = {
    "kosovo_abandoned_per_year.csv": ["value"],
    "kosovo_abandoned_per_1000_births.csv": ["numerator"],
    "care_composition.csv": ["value"],
    "residential_exits.csv": ["value"],
    "adoptions_young.csv": ["adopted_0_2"],
    "prevention_outcomes.csv": ["value"],
    "prevention_by_risk.csv": ["mothers", "stayed"],
    "ucck_neonatology.csv": ["left", "reunited", "placed"],
}
#: Tables without counts of people (sources, coverage in years, rejected rows, models).
NO_PEOPLE_COUNTS = {
    "sources.csv",
    "coverage.csv",
    "rejects.csv",
    "case_rejects.csv",
    "kosovo_abandoned_trend.csv",
    "kosovo_campaign_sensitivity.csv",
    "permanency_milestones.csv",
    "exit_incidence_milestones.csv",
    "kosovo_headline.csv",
    "kosovo_other_methods.csv",
    "kosovo_campaign_placebo.csv",
    "kosovo_campaign_power.csv",
    "kosovo_source_sensitivity.csv",
    "kosovo_headline_power.csv",
    "kosovo_campaign_slope_power.csv",
    "kosovo_detectable_effects.csv",
    "cox_detectable_effects.csv",
}
#: Tables that quote published figures as their publishers printed them, each with its
#: citation (conflicting values, sub-annual pieces): no count the project derives.
PUBLISHED_FIGURES = {"conflicts.csv", "kosovo_consistency.csv"}


def test_every_table_written_passes_the_disclosure_rules(small_run) -> None:
    import pandas as pd

    from caretrends import disclosure

    problems = []
    for path in sorted((published_paths(small_run).tables).glob("*.csv")):
        if path.name.startswith("key_numbers") or path.name in NO_PEOPLE_COUNTS | PUBLISHED_FIGURES:
            continue
        assert path.name in COUNT_COLUMNS, f"{path.name}: classify its count columns"
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        # a reader table is headed in the run's language (Albanian)
        columns = [header(column, "sq") for column in COUNT_COLUMNS[path.name]]
        assert set(columns) <= set(table.columns), f"{path.name}: {columns}"
        exposed = disclosure.exposed_counts(table, columns)
        problems += [f"{path.name}: {cell}" for cell in exposed]
    assert not problems


def test_the_index_lists_pages_figures_and_tables_in_the_run_language(small_run) -> None:
    index = (small_run / INDEX_NAME).read_text(encoding="utf-8")
    assert '<html lang="sq"' in index
    for heading in ("Faqet", "Figurat", "Tabelat", "Shifrat kryesore"):
        assert heading in index
    outputs = published_paths(small_run)

    def link(path: Path) -> str:
        return f'href="{path.relative_to(small_run).as_posix()}"'

    assert "1. Cilësia e të dhënave" in index
    assert link(outputs.pages / "01_data_quality.html") in index
    assert link(outputs.figures / "kosovo_abandoned_trend-sq.png") in index
    assert "Fëmijë të braktisur në Kosovë, 2010–2024" in index
    assert link(outputs.tables / "coverage.csv") in index
    for word in ("Notebook", "Started", "Status", "Seconds"):
        assert word not in index


def test_each_page_links_back_and_images_carry_alt_text_in_the_run_language(small_run) -> None:
    outputs = published_paths(small_run)
    back = Path(os.path.relpath(outputs.language_index, outputs.pages)).as_posix()
    for page in sorted(outputs.pages.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert f'href="{back}"' in text, page.name
        assert "No description has been provided" not in text, page.name
    trends = (published_paths(small_run).pages / "02_abandonment.html").read_text(encoding="utf-8")
    assert 'alt="Grafik me vija' in trends


def test_the_run_hands_over_the_brief_as_pdf_and_word_in_its_language(small_run) -> None:
    import docx
    from pypdf import PdfReader

    pdf, word = (
        published_paths(small_run).brief / "brief-sq.pdf",
        published_paths(small_run).brief / "brief-sq.docx",
    )
    pages = PdfReader(pdf).pages
    assert 2 <= len(pages) <= 4
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pages)
    assert "Mesazhet kryesore" in text and "Shifrat kryesore" in text
    from caretrends.labels import label

    # No case-level number on demonstration records: the sentence says what comes instead.
    assert label("brief.case_pending", "sq") in text
    document = docx.Document(word)
    cells = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Fëmijë të braktisur" in cells
    assert len(document.inline_shapes) >= 2
    from tests.report_helpers import without_references
    from tests.test_localised_texts import english_words

    paragraphs = " ".join(paragraph.text for paragraph in document.paragraphs)
    assert english_words(without_references(text, "sq")) == []
    assert english_words(without_references(paragraphs + " " + cells, "sq")) == []


def test_every_word_a_reader_sees_is_in_the_run_language(small_run) -> None:
    from tests.report_helpers import run_texts
    from tests.test_localised_texts import english_words

    texts = run_texts(small_run, "sq")
    found = {name: sorted(set(w)) for name, text in texts.items() if (w := english_words(text))}
    assert not found, found
    abandonment = (published_paths(small_run).pages / "02_abandonment.html").read_text(
        encoding="utf-8"
    )
    assert "Në strehim rezidencial, 0–2 vjeç" in abandonment
    assert "Analiza të ndjeshmërisë" in (
        published_paths(small_run).pages / "04_brief.html"
    ).read_text(encoding="utf-8")
