"""Serbian and English runs read in their language (the small Albanian run is in
test_report_small): narrative, headings and table headers, no word of another language."""

from __future__ import annotations

import re

import pytest
import yaml

from caretrends.pipeline.prepare import prepare
from caretrends.report import load_run_config, run_report
from tests.report_helpers import page_texts
from tests.test_localised_texts import english_words
from tests.test_narrative import FOREIGN_WORDS

#: The quicker notebooks, with small parameters: data quality and care outcomes.
NOTEBOOKS = [
    {"name": "01_data_quality", "parameters": {"coverage_indicators": ["DM_POP_TOT"]}},
    {
        "name": "03_care_outcomes",
        "parameters": {"start_year": 2015, "milestones_months": [12], "horizon_months": 24},
    },
]


def small_pages(folder, language: str) -> list:
    config = {"language": language, "parameters": {"ref_areas": ["XKX", "SRB", "MKD"]}}
    path = folder / f"{language}.yaml"
    path.write_text(yaml.safe_dump({**config, "notebooks": NOTEBOOKS}), encoding="utf-8")
    result = run_report(load_run_config(path), reports_dir=folder / "reports", progress=False)
    return sorted((result.folder / "html").glob("*.html"))


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, list]:
    prepare()
    folder = tmp_path_factory.mktemp("languages")
    return {language: small_pages(folder, language) for language in ("sr", "en")}


def test_a_serbian_run_has_no_english_word_in_narrative_headings_or_table_headers(pages):
    assert len(pages["sr"]) == 2
    found = {p.name: sorted(set(w)) for p in pages["sr"] if (w := english_words(page_texts(p)))}
    assert not found, found
    quality = pages["sr"][0].read_text(encoding="utf-8")
    assert "Kvalitet podataka" in quality and "Izvori" in quality


def test_an_english_run_has_no_albanian_or_serbian_word(pages):
    assert len(pages["en"]) == 2
    for page in pages["en"]:
        words = set(re.findall(r"\w+", page_texts(page).lower()))
        assert not words & FOREIGN_WORDS, (page.name, sorted(words & FOREIGN_WORDS))
        assert "Data quality" in page.read_text(encoding="utf-8") or page.name.startswith("03")
