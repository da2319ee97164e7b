"""The brief of a run read back from its PDF and Word files, as its readers get them: key
messages that say which way and how sure, the NGO's asks apart from the evidence, a
reference for every source a figure draws, a publisher, full pages, no synthetic number,
and a methods annex."""

from __future__ import annotations

import csv
import re

import docx
import pytest
from pypdf import PdfReader

import caretrends
from caretrends.brief.build import brief_figure_rows
from caretrends.brief.config import load_brief_config
from caretrends.brief.document.fill import page_fill
from caretrends.brief.references import figure_references
from caretrends.labels import label
from caretrends.provenance import load_registry
from caretrends.report.layout import published_paths
from caretrends.report.notebook import read_table


@pytest.fixture(scope="module")
def outputs(small_report):
    return published_paths(small_report("en"))


def _text(pdf) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages)


def test_key_messages_say_which_way_and_how_sure(outputs) -> None:
    text = _text(outputs.brief / "brief-en.pdf")
    messages = text.split("Key messages", 1)[1].split("Key numbers", 1)[0]
    # The trend and the campaigns: no direction where the interval includes no change,
    # the range instead and what the series could have detected.
    assert messages.count("no clear change") >= 2
    assert messages.count("could have detected only a fall of") >= 2
    assert "After the Care for Me! and I give hope campaigns" in messages
    assert "babies were left at the UCCK neonatology clinic" in messages
    assert "Kosovo publishes no comparable figure" in messages and "(2018)" in messages
    for wrong in (" fell by", " rose by"):
        assert wrong not in messages


def test_the_asks_references_and_publisher_are_printed(outputs) -> None:
    config = load_brief_config()
    text = _text(outputs.brief / "brief-en.pdf")
    assert (
        label("document.asks_heading", "en", organisation="SOS Children's Villages Kosovo") in text
    )
    for ask in config.recommendations:
        assert " ".join(ask.text["en"].split())[:60] in text
    assert "Published by" in text and config.publisher.website in text
    # One reference for each publication a printed figure draws, each with its address
    # (or the reason it has none), and every figure cites its references.
    reconciled = caretrends.load_observations("reconciled")
    tables = {name: read_table(outputs, name) for name in ("kosovo_series", "ucck_neonatology")}
    region = read_table(outputs, "region_residential_0_2")
    expected, cites = figure_references(
        brief_figure_rows(
            reconciled,
            series=tables["kosovo_series"],
            hospital=tables["ucck_neonatology"],
            region=region,
        ),
        {record.path: record for record in load_registry()},
    )
    listed = re.findall(r"\[(\d+)\] ", text.split("References", 1)[1])
    assert [int(n) for n in listed] == list(range(1, len(expected) + 1))
    assert len(re.findall(r"https?://|No page address", text.split("References", 1)[1])) >= len(
        expected
    )
    assert all(cites.values())
    assert re.search(r"Figure 1: .*\[\d", text)


def test_every_page_is_at_least_a_third_full(outputs) -> None:
    shares = page_fill(outputs.brief / "brief-en.pdf")
    assert 2 <= len(shares) <= 4
    assert min(shares) >= 1 / 3, shares


def test_a_run_on_synthetic_records_quotes_no_case_level_number(outputs) -> None:
    text = _text(outputs.brief / "brief-en.pdf")
    permanent = label("brief.key_permanent", "en", months=12)
    assert permanent not in text and "within 12 months" not in text
    assert label("brief.case_pending", "en") in text
    with open(outputs.tables / "key_numbers-en.csv", encoding="utf-8-sig") as handle:
        measures = [row[0] for row in csv.reader(handle)]
    assert not any("permanent family" in measure for measure in measures)


def test_the_word_brief_has_headings_title_author_and_alt_text(outputs) -> None:
    document = docx.Document(outputs.brief / "brief-en.docx")
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for key in ("key_messages", "key_numbers", "sources_and_caveats", "methods", "references"):
        assert label(f"document.heading.{key}", "en") in headings
    assert document.core_properties.title == label("document.title", "en")
    assert document.core_properties.author == "SOS Children's Villages Kosovo"
    descriptions = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert len(descriptions) >= 4 and all(descriptions)


def test_the_methods_annex_is_a_pdf_and_a_word_document(outputs) -> None:
    pdf, word = outputs.brief / "annex-en.pdf", outputs.brief / "annex-en.docx"
    assert 2 <= len(PdfReader(pdf).pages) <= 4
    text = _text(pdf)
    for key in ("definitions", "sources", "models", "sensitivity", "detectable", "checksums"):
        assert label(f"annex.heading.{key}", "en") in text
    figures = next(r for r in load_registry() if r.path == "kosovo/kosovo_figures.csv")
    assert figures.sha256 in text.replace(" ", "")
    headings = [p.text for p in docx.Document(word).paragraphs if p.style.name == "Heading 1"]
    assert label("annex.heading.disclosure", "en") in headings


def test_figure_data_files_are_rounded_with_whole_years(outputs) -> None:
    for table in (outputs.brief / "figures").glob("*.csv"):
        text = table.read_text(encoding="utf-8-sig")
        assert not re.search(r"\d\.\d{4,}", text), table.name  # no raw floats
        assert not re.search(r"\b(19|20)\d\d\.0\b", text), table.name  # years as integers
