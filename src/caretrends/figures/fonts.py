"""The house font: matplotlib's DejaVu Sans cut down to the letters the report writes.

Every PDF a chart is exported to embeds the subset of its font's glyphs that it uses, and
fontTools builds that subset by reading the whole font's layout tables: for DejaVu Sans
(6,000 glyphs, every script) 0.056 s a face, two or three faces a figure. A copy holding
only Latin (English, Albanian, Serbian Latin), basic Cyrillic, punctuation and the
symbols the labels use (570 glyphs) takes 0.014 s, and draws the same: the outlines,
hinting, kerning and ligatures of the glyphs it keeps are DejaVu Sans's own (a test
compares the PNGs). The copies are made once per machine from the fonts matplotlib
ships, under :func:`caretrends.paths.font_cache_dir`; DejaVu Sans stays second in the
font list, so a character outside the copy still draws.
"""

from __future__ import annotations

import functools
import hashlib
import warnings
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

from caretrends import paths

#: The family of the cut-down copies, and the family they are cut from.
HOUSE_FAMILY = "DejaVu Sans Report"
SOURCE_FAMILY = "DejaVu Sans"
#: The faces copied (regular, bold, and their obliques), as matplotlib ships them.
SOURCE_FACES: tuple[str, ...] = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique.ttf",
)
#: The characters kept: Basic Latin, Latin-1 and Latin Extended-A (ë ç š ž č ć đ ...),
#: basic Cyrillic, general punctuation (the spaces Babel writes between digits, dashes,
#: quotes, ellipsis, per mille), and the symbols labels and legends use.
KEPT_BLOCKS: tuple[range, ...] = (
    range(0x0020, 0x007F),
    range(0x00A0, 0x0180),
    range(0x0400, 0x0460),
    range(0x2000, 0x2070),
)
KEPT_SYMBOLS = "€№™←↑→↓−≈≠≤≥■□▲▼○●\ufffd"
#: Tables left out: the math layout table, which only math typesetters read.
DROPPED_TABLES: tuple[str, ...] = ("FFTM", "MATH")


def kept_characters() -> list[int]:
    """The code points the house font keeps."""
    return [code for block in KEPT_BLOCKS for code in block] + [ord(c) for c in KEPT_SYMBOLS]


def house_font_file(face: str, folder: Path | None = None) -> Path:
    """Where the cut-down copy of ``face`` is kept (its name carries the versions of
    matplotlib, which ships the source, and of fontTools, which cuts it, and a digest of
    what is kept)."""
    import fontTools

    folder = folder if folder is not None else paths.font_cache_dir()
    cut = hashlib.sha256(repr((kept_characters(), DROPPED_TABLES)).encode()).hexdigest()[:8]
    version = f"mpl{mpl.__version__}-ft{fontTools.version}-{cut}"
    return folder / face.replace("DejaVuSans", f"DejaVuSansReport-{version}")


def cut_font(source: Path, target: Path) -> None:
    """Write to ``target`` the face ``source`` restricted to :func:`kept_characters`,
    renamed :data:`HOUSE_FAMILY`; glyph outlines, hinting, kerning and layout features
    are kept as they are."""
    from fontTools import subset

    options = subset.Options(
        glyph_names=True,
        notdef_outline=True,
        name_IDs=["*"],
        name_languages=["*"],
        name_legacy=True,
        legacy_kern=True,
        hinting=True,
        drop_tables=list(DROPPED_TABLES),
        recalc_timestamp=False,
    )
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=kept_characters())
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):  # family, full name, typographic family
            record.string = record.toUnicode().replace(SOURCE_FAMILY, HOUSE_FAMILY)
    subset.save_font(font, str(target), options)


@functools.cache
def house_font_family() -> str:
    """Make (once per machine) and register the house font; return the family to draw
    with: :data:`HOUSE_FAMILY`, or :data:`SOURCE_FAMILY` where no copy can be written."""
    source_folder = Path(mpl.get_data_path()) / "fonts" / "ttf"
    try:
        for face in SOURCE_FACES:
            target = house_font_file(face)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                paths.write_atomically(
                    target, lambda part, f=face: cut_font(source_folder / f, part)
                )
            font_manager.fontManager.addfont(target)
    except OSError as exc:
        warnings.warn(
            f"{exc.filename}: cannot keep the house font there ({exc.strerror}); charts use "
            f"the whole {SOURCE_FAMILY}, which draws the same but exports PDFs more slowly",
            stacklevel=2,
        )
        return SOURCE_FAMILY
    return HOUSE_FAMILY
