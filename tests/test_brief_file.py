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
from caretrends.brief.config import load_brief_config
from caretrends.brief.document import render_brief
from caretrends.brief.messages import KeyMessage
from caretrends.brief.numbers import StandardFigure
from caretrends.brief.origin import case_results_are_real
from caretrends.brief.references import Reference
from caretrends.cases.origin import RecordOrigin
from caretrends.labels import LANGUAGES, case_source, institution_name, label

matplotlib.use("Agg")

import matplotlib.pyplot as plt

URL = "https://botapress.info/?p=19706"


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


def _messages(lang: str) -> list[KeyMessage]:
    return [
        KeyMessage("trend", f"Trend message in {lang}."),
        KeyMessage("hospital", f"Hospital message in {lang}."),
        KeyMessage("permanency", f"Permanency message in {lang}."),
    ]


def _brief(rows: pd.DataFrame, figures, lang: str, *, synthetic: bool):
    return brief_document(
        rows,
        figures,
        lang=lang,
        run_id="run-1",
        commit="abc1234",
        date=dt.date(2026, 11, 29),
        synthetic=synthetic,
        messages=_messages(lang),
        config=load_brief_config(),
        references=[
            Reference("KAS", "Botapress", "Social welfare", (2023, 2024), URL, "2026-11-28")
        ],
        cites={"kosovo_abandoned_trend": [1]},
        notes=["Across the 16 series: 9.5% to 10.4%."],
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_brief_prints_messages_asks_references_and_publisher(lang, figures, tmp_path) -> None:
    document = _brief(_rows(lang)[:1], figures, lang, synthetic=True)
    files = render_brief(document, tmp_path)
    assert files["pdf"].name == f"brief-{lang}.pdf"
    pages = PdfReader(files["pdf"]).pages
    assert 1 <= len(pages) <= 4
    assert all(round(float(p.mediabox.width)) == 595 for p in pages)  # A4: 595 x 842 pt
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pages)
    assert label("document.title", lang).split()[0] in text
    assert "Across the 16 series: 9.5% to 10.4%." in text
    assert f"Trend message in {lang}." in text and URL in text
    config = load_brief_config()
    organisation = config.publisher.organisation[lang]
    assert label("document.asks_heading", lang, organisation=organisation) in text
    # Each ask says which key message it rests on, when the brief prints that message.
    assert label("document.rests_on", lang, n=2) in text  # the hospital message
    assert label("document.heading.publisher", lang) in text and config.contact.address in text
    paragraphs = "\n".join(p.text for p in docx.Document(files["docx"]).paragraphs)
    cells = " ".join(
        c.text for t in docx.Document(files["docx"]).tables for r in t.rows for c in r.cells
    )
    assert "23" in cells and label("brief.key_abandoned", lang) in cells + paragraphs
    # a reference names its producer in full (:func:`caretrends.labels.institution_name`)
    assert f"[1] {institution_name('KAS', lang, full=True)}, " in paragraphs
    assert organisation in paragraphs


def test_synthetic_case_results_never_reach_the_brief(figures) -> None:
    document = _brief(_rows("sq")[:1], figures, "sq", synthetic=True)
    assert not any("Permanency" in message for message in document.key_messages)
    assert label("brief.case_pending", "sq") in document.sources_and_caveats
    assert [Path(f.path_png).stem for f in document.figures] == [
        "kosovo_abandoned_trend-en",
        "ucck_neonatology-en",
    ]
    assert document.figures[0].caption.endswith("[1]")


def test_real_case_records_are_evidence(figures) -> None:
    rows = _rows("en").assign(
        source=["KAS", case_source("en", origin=RecordOrigin(real=40, synthetic=0))]
    )
    document = _brief(rows, figures, "en", synthetic=False)
    assert "Permanency message in en." in document.key_messages
    assert len(document.key_numbers) == 2
    assert label("brief.case_pending", "en") not in document.sources_and_caveats
    assert "permanency_by_first_placement-en" in [Path(f.path_png).stem for f in document.figures]


def test_the_case_records_origin_decides(figures) -> None:
    assert not case_results_are_real(pd.DataFrame({"synthetic": [True]}))
    assert not case_results_are_real(pd.DataFrame({"synthetic": []}))
    assert case_results_are_real(pd.DataFrame({"synthetic": [False]}))
