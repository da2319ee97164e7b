"""House style: colour-blind-safe palette, WCAG AA contrast, sizes, embedded fonts."""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pytest

matplotlib.use("agg")
import matplotlib.pyplot as plt
from matplotlib.colors import to_rgb

from caretrends.errors import ParameterError
from caretrends.figures import style

# Machado, Oliveira & Fernandes (2009) simulation matrices, severity 1.0, linear RGB.
DICHROMACY = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
    "normal vision": np.eye(3),
}


def _linear(colour: str) -> np.ndarray:
    c = np.array(to_rgb(colour))
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = (
        np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
        @ linear
    )
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", list(DICHROMACY))
def test_palette_colours_stay_apart_for_colour_blind_readers(vision: str) -> None:
    matrix = np.array(DICHROMACY[vision])
    seen = [_lab(np.clip(matrix @ _linear(c), 0, 1)) for c in style.PALETTE]
    closest = min(np.linalg.norm(a - b) for a, b in itertools.combinations(seen, 2))
    assert closest > 10, f"two palette colours look alike with {vision} (ΔE {closest:.1f})"


def test_adjacent_palette_colours_differ_in_greyscale() -> None:
    lightness = [_lab(_linear(colour))[0] for colour in style.PALETTE]
    steps = [abs(a - b) for a, b in itertools.pairwise(lightness)]
    assert min(steps) >= 20, [round(step, 1) for step in steps]  # CIE L*, printed in grey


def test_contrast_meets_wcag_aa() -> None:
    for colour in (*style.PALETTE, style.CONTEXT_GREY):
        assert style.contrast_ratio(colour) >= 3.0, colour  # graphical objects (1.4.11)
    for colour in (style.TEXT_COLOUR, style.MUTED_TEXT, style.CONTEXT_GREY):
        assert style.contrast_ratio(colour) >= 4.5, colour  # text (1.4.3)


def test_sizes_cover_a_column_a_page_and_a_16_9_slide() -> None:
    width, height = style.SIZES["slide"]
    assert width / height == pytest.approx(16 / 9, rel=0.01)
    assert style.SIZES["column"][0] < style.SIZES["page"][0] < width
    assert style.FONT_SIZES["slide"] > style.FONT_SIZES["page"]
    with pytest.raises(ParameterError, match="poster"):
        style.rc_params("poster")


def test_use_style_embeds_truetype_fonts_and_keeps_svg_text() -> None:
    saved = matplotlib.rcParams.copy()
    try:
        style.use_style("slide")
        assert matplotlib.rcParams["pdf.fonttype"] == 42
        assert matplotlib.rcParams["svg.fonttype"] == "none"
        assert tuple(matplotlib.rcParams["figure.figsize"]) == style.SIZES["slide"]
        assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == style.PALETTE[0]
    finally:
        matplotlib.rcParams.update(saved)
        plt.close("all")


def test_use_style_sets_what_seaborn_whitegrid_would_without_importing_it() -> None:
    import seaborn as sns

    saved = matplotlib.rcParams.copy()
    try:
        for size in style.SIZES:
            matplotlib.rcParams.update(saved)
            sns.set_theme(style="whitegrid", palette=list(style.PALETTE), rc=style.rc_params(size))
            expected = dict(matplotlib.rcParams)
            matplotlib.rcParams.update(saved)
            style.use_style(size)
            ours = dict(matplotlib.rcParams)
            assert {k for k in ours if ours[k] != expected[k]} == {"image.cmap"}, size
    finally:
        matplotlib.rcParams.update(saved)
        plt.close("all")
