"""The house style of caretrends figures: palette, sizes, fonts and contrast.

The palette keeps the Okabe–Ito hues that stay apart for readers with red–green or
blue–yellow colour blindness and that reach WCAG 2.1 AA contrast for graphical objects
(at least 3:1 against the white background); text colours reach 4.5:1. Fonts are
DejaVu Sans, shipped with matplotlib, which covers every Albanian and Serbian Latin
letter (ë, ç, č, ć, š, ž, đ); PDFs embed it as TrueType and SVGs keep text as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
from matplotlib.colors import to_rgb

from caretrends.errors import ParameterError

#: Colours for categories, in order of use: Okabe–Ito blue, Tol indigo, Okabe–Ito
#: vermillion, dark grey, Okabe–Ito bluish green, dark brick red. Dark and light alternate, so
#: that series drawn next to each other (stacked bars, an estimate beside its data) stay
#: at least 20 apart in CIE L* when printed in greyscale.
PALETTE: tuple[str, ...] = ("#0072B2", "#332288", "#D55E00", "#4D4D4D", "#009E73", "#7B2D26")

#: Kosovo and the series a chart is about.
HIGHLIGHT = PALETTE[0]
#: Context: other countries, reference lines (4.5:1 on white).
CONTEXT_GREY = "#767676"
#: Body text and axis labels.
TEXT_COLOUR = "#1A1A1A"
#: The block standing for suppressed counts in a stacked bar (hatched, so not a category).
SUPPRESSED_FILL = "#D9D9D9"
#: Source and note lines (7:1 on white).
MUTED_TEXT = "#595959"
BACKGROUND = "#FFFFFF"

_MM_PER_INCH = 25.4

#: Figure sizes in inches: a journal column, a full A4 page width, a 16:9 slide, and the
#: brief's two print sizes: half (82 mm) and full (170 mm) width of an A4 page's text.
SIZES: dict[str, tuple[float, float]] = {
    "column": (3.5, 3.9),
    "page": (6.7, 4.6),
    "slide": (13.33, 7.5),
    "brief_half": (82 / _MM_PER_INCH, 3.6),
    "brief_full": (170 / _MM_PER_INCH, 4.1),
}
#: The smallest text a printed brief may carry, in points at print size.
MIN_PRINT_POINTS = 7.0
#: The smallest share of the base size any text of a chart uses (source and note lines).
_SMALLEST_SHARE = 0.8
#: Base font size in points for each size (slides are read from a distance). At the
#: brief's sizes even the smallest text (source and note lines) reaches 7 pt in print.
FONT_SIZES: dict[str, float] = {
    "column": 7.0,
    "page": 9.0,
    "slide": 16.0,
    "brief_half": MIN_PRINT_POINTS / _SMALLEST_SHARE,
    "brief_full": MIN_PRINT_POINTS / _SMALLEST_SHARE,
}
#: The sizes a printed brief uses: every text at least :data:`MIN_PRINT_POINTS`.
BRIEF_SIZES: tuple[str, ...] = ("brief_half", "brief_full")
#: Sizes too narrow for panels side by side or a legend in several columns.
NARROW_SIZES: frozenset[str] = frozenset({"column", "brief_half"})

FONT_FAMILY = "DejaVu Sans"

#: What ``seaborn.set_theme(style="whitegrid")`` sets (seaborn 0.13: its "whitegrid" style
#: and "notebook" context), written out so that the house style does not import seaborn
#: and scipy.stats (about half a second). Its ``image.cmap`` ("rocket", a colormap only
#: seaborn registers) is left out: no chart uses the default colormap. A test compares
#: this with seaborn's.
SEABORN_THEME: dict[str, Any] = {
    "axes.axisbelow": True,
    "axes.edgecolor": ".8",
    "axes.facecolor": "white",
    "axes.grid": True,
    "axes.labelcolor": ".15",
    "axes.labelsize": 12,
    "axes.linewidth": 1.25,
    "axes.spines.bottom": True,
    "axes.spines.left": True,
    "axes.spines.right": True,
    "axes.spines.top": True,
    "axes.titlesize": 12,
    "figure.facecolor": "white",
    "font.family": "sans-serif",
    "font.sans-serif": [
        "Arial",
        "DejaVu Sans",
        "Liberation Sans",
        "Bitstream Vera Sans",
        "sans-serif",
    ],
    "font.size": 12,
    "grid.color": ".8",
    "grid.linestyle": "-",
    "grid.linewidth": 1,
    "legend.fontsize": 11,
    "legend.title_fontsize": 12,
    "lines.linewidth": 1.5,
    "lines.markersize": 6,
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "patch.linewidth": 1,
    "text.color": ".15",
    "xtick.bottom": False,
    "xtick.color": ".15",
    "xtick.direction": "out",
    "xtick.labelsize": 11,
    "xtick.major.size": 6,
    "xtick.major.width": 1.25,
    "xtick.minor.size": 4,
    "xtick.minor.width": 1,
    "xtick.top": False,
    "ytick.color": ".15",
    "ytick.direction": "out",
    "ytick.labelsize": 11,
    "ytick.left": False,
    "ytick.major.size": 6,
    "ytick.major.width": 1.25,
    "ytick.minor.size": 4,
    "ytick.minor.width": 1,
    "ytick.right": False,
}


def check_size(size: str) -> None:
    """Raise :class:`ParameterError` unless ``size`` is one of :data:`SIZES`."""
    if size not in SIZES:
        raise ParameterError(f"figure size {size!r} is not one of {', '.join(SIZES)}")


def is_narrow(size: str) -> bool:
    """Return True for a size too narrow for panels side by side (a column, half an A4).

    Examples
    --------
    >>> is_narrow("brief_half"), is_narrow("page")
    (True, False)
    """
    check_size(size)
    return size in NARROW_SIZES


def rc_params(size: str = "page") -> dict[str, Any]:
    """Return the matplotlib settings of the house style for ``size``."""
    check_size(size)
    base = FONT_SIZES[size]
    return {
        "figure.figsize": SIZES[size],
        "figure.facecolor": BACKGROUND,
        "axes.facecolor": BACKGROUND,
        "savefig.facecolor": BACKGROUND,
        "font.family": "sans-serif",
        "font.sans-serif": [FONT_FAMILY],
        "font.size": base,
        "axes.titlesize": base,
        "axes.labelsize": base,
        "xtick.labelsize": base * 0.9,
        "ytick.labelsize": base * 0.9,
        "legend.fontsize": base * 0.9,
        "figure.titlesize": base * 1.25,
        "figure.titleweight": "bold",
        "text.color": TEXT_COLOUR,
        "axes.labelcolor": TEXT_COLOUR,
        "axes.edgecolor": CONTEXT_GREY,
        "xtick.color": TEXT_COLOUR,
        "ytick.color": TEXT_COLOUR,
        "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": "#D9D9D9",
        "grid.linewidth": 0.6,
        "lines.linewidth": 1.8 if size != "slide" else 3.0,
        "lines.markersize": 4.5 if size != "slide" else 8.0,
        "legend.frameon": False,
        # TrueType fonts embedded in PDF (Type 42) and SVG text kept as text, so that
        # briefs can be edited and read by screen readers.
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
        "svg.hashsalt": "caretrends",
        "axes.unicode_minus": True,
    }


def use_style(size: str = "page") -> None:
    """Apply the house style to every figure made from now on (seaborn's "whitegrid" theme,
    :data:`SEABORN_THEME`, then :func:`rc_params`).

    Parameters
    ----------
    size : {"column", "page", "slide"}
        Default figure size and matching font sizes.
    """
    mpl.rcParams.update(SEABORN_THEME)
    mpl.rcParams.update(rc_params(size))


@contextmanager
def style_context(size: str = "page") -> Iterator[None]:
    """Apply the house style inside a ``with`` block only (the chart builders use it)."""
    with mpl.rc_context(rc_params(size)):
        yield


def relative_luminance(colour: str) -> float:
    """Return the WCAG 2.1 relative luminance of a colour."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in to_rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str = BACKGROUND) -> float:
    """Return the WCAG 2.1 contrast ratio of two colours (1 to 21).

    Examples
    --------
    >>> round(contrast_ratio("#000000", "#FFFFFF"), 1)
    21.0
    """
    light, dark = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (light + 0.05) / (dark + 0.05)
