"""What this project localises carries no English word in Albanian or Serbian."""

from __future__ import annotations

import re

import matplotlib
import pandas as pd
import pytest

matplotlib.use("agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from caretrends.figures.coverage import coverage_chart, coverage_title
from caretrends.report.html import index_html
from caretrends.report.layout import run_paths
from caretrends.report.tables import display_table
from tests._standard_figures import STANDARD, build

#: English words that never belong in an Albanian or Serbian text.
STOPWORDS = frozenset(
    "the and of with per year years children rate change number share source note "
    "residential care family abandoned babies left placed reunited value country".split()
)
#: Proper names and source titles that stay as published.
ALLOWED = ("UNICEF TransMonEE", "Care for Me!", "I give hope", "SOS", "caretrends")


def english_words(text: str) -> list[str]:
    """Return the stopwords found in ``text``, proper names and source titles aside."""
    for name in ALLOWED:
        text = text.replace(name, " ")
    return [w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in STOPWORDS]


def test_the_stoplist_finds_english_and_spares_proper_names() -> None:
    assert english_words("Rate of abandoned children per year") == [
        "Rate",
        "of",
        "abandoned",
        "children",
        "per",
        "year",
    ]
    assert english_words("Burimi: UNICEF TransMonEE; fushata Care for Me! (Kujdes për mua!)") == []


@pytest.mark.parametrize("lang", ["sq", "sr"])
def test_coverage_charts_are_titled_in_the_run_language(lang: str) -> None:
    title = coverage_title("PT_CHLD_NO_PARENTAL_CARE_ABANDON", lang)
    assert "PT_CHLD" not in title and not english_words(title)
    grid = pd.DataFrame([[1, 0], [1, 1]], index=["XKX", "SRB"], columns=[2019, 2020])
    figure = coverage_chart(grid, title=title, lang=lang)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert "XKX" not in labels and figure.axes[0].get_title() == title


@pytest.mark.parametrize("lang", ["sq", "sr"])
@pytest.mark.parametrize("name", list(STANDARD))
def test_standard_figure_texts_have_no_english_word(name: str, lang: str) -> None:
    chart = build(name, lang, "brief_half")
    FigureCanvasAgg(chart.figure).draw()
    texts = [t.get_text() for t in chart.figure.findobj(Text) if t.get_visible()]
    found = {w for text in [*texts, chart.alt_text] for w in english_words(text)}
    assert not found, f"{name} in {lang}: {sorted(found)}"


@pytest.mark.parametrize("lang", ["sq", "sr"])
def test_table_headers_and_the_index_page_have_no_english_word(lang: str, tmp_path) -> None:
    columns = ["ref_area", "year", "value", "left", "reunited", "placed", "share_reunited"]
    headers = list(display_table(pd.DataFrame(columns=columns), lang).data.columns)
    assert not english_words(" ".join(headers)), headers
    outputs = run_paths(tmp_path, lang)
    for folder in outputs.folders():
        folder.mkdir(parents=True)
    (outputs.tables / "coverage.csv").write_text("a\n")
    (outputs.figures / f"trend-{lang}.png").write_bytes(b"")
    (outputs.figures / f"trend-{lang}.txt").write_text("Titulli\n", encoding="utf-8")
    manifest = {
        "run_id": "r1",
        "language": lang,
        "status": "succeeded",
        "started": "s",
        "finished": "f",
        "git": {"commit": "abc", "dirty": False},
        "languages": [lang, "en"],
        "notebooks": {
            lang: {"01_data_quality": {"html": "html/01_data_quality.html", "status": "succeeded"}}
        },
        "changes": {
            "previous": {"run_id": "r0", "finished": "2026-01-01T05:30:00Z"},
            "current": {"run_id": "r1", "finished": "f"},
            **{section: [] for section in ("raw_files", "numbers", "sentences", "figures")},
        },
    }
    page = index_html(manifest, tmp_path)
    assert "2026-01-01" in page.split('<section id="changes">')[1]
    visible = re.sub(r"<[^>]+>", " ", page.split("<body>")[1])
    assert not english_words(visible), english_words(visible)
    assert f'href="{lang}/figures/trend-' in page and "Titulli" in page
    assert f'href="{lang}/tables/coverage.csv"' in page


@pytest.mark.parametrize("lang", ["sq", "sr"])
@pytest.mark.parametrize("name", list(STANDARD))
def test_figure_csvs_speak_the_figure_language_with_codes_beside(name: str, lang: str) -> None:
    from caretrends.figures.export import data_table

    table = data_table(build(name, lang, "brief_half"))
    headers = list(table.columns)
    assert len(set(headers)) == len(headers), headers  # "Zemlja" once
    named = [h for h in headers if "(kodi" not in h and "(šifra" not in h]
    values = " ".join(str(v) for h in named if table[h].dtype == object for v in table[h].unique())
    assert not english_words(" ".join(headers)), headers
    assert not english_words(values), english_words(values)
    for code in ("placed_by_csw", "family_based", "cumulative_incidence"):
        assert code not in " ".join(headers) + values
