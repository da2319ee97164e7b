"""The brief documents of a run: assembled from key numbers and figures, in each language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import matplotlib
import pandas as pd
import pytest
from pypdf import PdfReader

from caretrends.brief.assemble import brief_document
from caretrends.brief.document import render_brief
from caretrends.brief.numbers import StandardFigure
from caretrends.cases.origin import RecordOrigin
from caretrends.labels import LANGUAGES, case_source, label

matplotlib.use("Agg")

import matplotlib.pyplot as plt


def _rows(lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "measure": label("brief.key_abandoned", lang),
                "period": "2024",
                "value": 23,
                "source": "KAS",
                "estimate": -7.4,
                "conf_low": -9.5,
                "conf_high": -5.1,
                "estimate_unit": "percent",
            },
            {
                "measure": label("brief.key_permanent", lang, months=24),
                "period": "2008–2025",
                "value": 0.758,
                "unit": "percent",
                "source": case_source(lang, origin=RecordOrigin(real=0, synthetic=40)),
                "note": label("brief.synthetic_note", lang),
            },
        ]
    )


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> list[StandardFigure]:
    folder = tmp_path_factory.mktemp("figures")
    made = []
    for name in ("kosovo_abandoned_trend", "ucck_neonatology", "permanency_by_first_placement"):
        figure, ax = plt.subplots(figsize=(3.2, 2.2))
        ax.plot([2015, 2020, 2024], [40, 30, 23])
        png = folder / f"{name}-en.png"
        figure.savefig(png, dpi=300)
        plt.close(figure)
        made.append(StandardFigure(name, png, f"Title of {name}", f"Alt text of {name}"))
    return made


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_brief_is_two_to_four_a4_pages_with_its_key_numbers(lang, figures, tmp_path) -> None:
    document = brief_document(
        _rows(lang),
        figures,
        lang=lang,
        run_id="run-1",
        commit="abc1234",
        date=dt.date(2026, 11, 29),
        synthetic=True,
        notes=["Across the 16 series: 9.5% to 10.4%."],
    )
    files = render_brief(document, tmp_path)
    assert files["pdf"].name == f"brief-{lang}.pdf"
    pages = PdfReader(files["pdf"]).pages
    assert 2 <= len(pages) <= 4
    assert all(round(float(p.mediabox.width)) == 595 for p in pages)  # A4: 595 x 842 pt
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pages)
    assert "abc1234" in text and label("document.title", lang).split()[0] in text
    assert "Across the 16 series: 9.5% to 10.4%." in text
    paragraphs = "\n".join(p.text for p in docx.Document(files["docx"]).paragraphs)
    cells = " ".join(
        c.text for t in docx.Document(files["docx"]).tables for r in t.rows for c in r.cells
    )
    assert "23" in cells and label("brief.key_abandoned", lang) in cells + paragraphs


def test_synthetic_case_results_stay_in_the_demonstration_box(figures) -> None:
    document = brief_document(
        _rows("sq"),
        figures,
        lang="sq",
        run_id="r",
        commit="c",
        date=dt.date(2026, 1, 1),
        synthetic=True,
    )
    permanent = label("brief.key_permanent", "sq", months=24)
    assert permanent not in " ".join(document.key_numbers.iloc[:, 0])
    assert not any(permanent in message for message in document.key_messages)
    assert document.demonstration is not None
    assert label("brief.synthetic_note", "sq") in document.demonstration.lines  # whole
    assert any("sintetike" in line for line in document.sources_and_caveats)
    assert [Path(f.path_png).stem for f in document.figures] == [
        "kosovo_abandoned_trend-en",
        "ucck_neonatology-en",
    ]


def test_real_case_records_are_evidence(figures) -> None:
    rows = _rows("en").assign(
        source=["KAS", case_source("en", origin=RecordOrigin(real=40, synthetic=0))]
    )
    document = brief_document(
        rows,
        figures,
        lang="en",
        run_id="r",
        commit="c",
        date=dt.date(2026, 1, 1),
        synthetic=False,
    )
    assert document.demonstration is None
    assert len(document.key_numbers) == 2
    assert "permanency_by_first_placement-en" in [Path(f.path_png).stem for f in document.figures]
