"""The house font: DejaVu Sans cut down, drawing exactly as DejaVu Sans (issue 18)."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from caretrends import paths
from caretrends.figures import fonts
from caretrends.figures.export import house_font
from caretrends.labels import LANGUAGES, catalog

SAMPLES = [
    "Fëmijë të braktisur në Kosovë: 61 në 2008, 23 në 2024",
    "Напуштена деца на Косову — 61 у 2008.",
    "Napuštena deca na Kosovu: čćđšž ČĆĐŠŽ",
    "Abandoned children (per 100\u202f000 births) \u2212 fi fl ≤ ≥ ≈ × → ■ ●",
]


def catalog_characters() -> set[str]:
    """Every character of every label in the three languages (titles, axes, countries)."""
    return {
        character
        for lang in LANGUAGES
        for entry in catalog(lang).entries.values()
        for character in entry.text
        if character.isprintable()
    }


@pytest.fixture(scope="module")
def family() -> str:
    made = fonts.house_font_family()
    assert made == fonts.HOUSE_FAMILY
    return made


def test_the_house_font_has_every_character_of_the_label_catalogs(family: str) -> None:
    cmap = TTFont(fonts.house_font_file(fonts.SOURCE_FACES[0])).getBestCmap()
    missing = sorted(c for c in catalog_characters() | set("".join(SAMPLES)) if ord(c) not in cmap)
    assert missing == []
    assert len(cmap) < len(TTFont(font_manager.findfont(fonts.SOURCE_FAMILY)).getBestCmap()) / 4


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_text_measures_the_same_in_the_house_font(family: str, weight: str) -> None:
    measure = TextToPath().get_text_width_height_descent
    texts = SAMPLES + sorted({entry.text for entry in catalog("sq").entries.values()})[:200]
    for text in texts:
        house = FontProperties(family=family, size=9, weight=weight)
        source = FontProperties(family=fonts.SOURCE_FAMILY, size=9, weight=weight)
        assert measure(text, house, ismath=False) == measure(text, source, ismath=False), text


def _pixels(family: str) -> np.ndarray:
    figure, axes = plt.subplots(figsize=(3, 2), dpi=150)
    for row, text in enumerate(SAMPLES):
        axes.text(0.02, 0.1 + 0.2 * row, text, family=family, fontsize=7)
    axes.set_title(SAMPLES[0], family=family, fontsize=7, weight="bold")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return plt.imread(io.BytesIO(buffer.getvalue()))


def test_text_draws_pixel_for_pixel_as_dejavu_sans(family: str) -> None:
    assert np.array_equal(_pixels(family), _pixels(fonts.SOURCE_FAMILY))


def test_pdf_export_draws_sans_serif_text_in_the_house_font(family: str) -> None:
    with house_font():
        chosen = Path(font_manager.findfont(FontProperties(family=["sans-serif"])))
    assert chosen == fonts.house_font_file(fonts.SOURCE_FACES[0])
    outside = Path(font_manager.findfont(FontProperties(family=["sans-serif"])))
    assert outside.name == "DejaVuSans.ttf"


def test_a_folder_that_cannot_be_written_falls_back_to_dejavu_sans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setattr(paths, "font_cache_dir", lambda: blocked / "fonts")
    fonts.house_font_family.cache_clear()
    try:
        with pytest.warns(UserWarning, match="cannot keep the house font"):
            assert fonts.house_font_family() == fonts.SOURCE_FAMILY
    finally:
        monkeypatch.undo()
        fonts.house_font_family.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fonts.house_font_family() == fonts.HOUSE_FAMILY


def test_the_copy_is_named_for_the_versions_it_was_cut_from(tmp_path: Path) -> None:
    target = fonts.house_font_file("DejaVuSans-Bold.ttf", tmp_path)
    assert target.parent == tmp_path
    assert matplotlib.__version__ in target.name and target.name.endswith("-Bold.ttf")
