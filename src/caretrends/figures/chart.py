"""What every chart shares: the :class:`Chart` result, its frame and its small helpers.

A chart is a matplotlib figure plus everything a brief needs to publish it: the title
(the key message), the source line naming the publications, the note line, the alt text
and the plotted data as a small table (hidden counts written ``c``). A builder takes its
title and language, and how it is published (:class:`ChartOptions`, or
:class:`SeriesOptions` for a series over time); it settles the texts around the chart
(:class:`ChartText`), protects and draws what is its own, and hands figure and table to
:func:`publish`, which adds the rest.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from caretrends.errors import DataValidationError, ParameterError
from caretrends.figures.captions import cited_sources
from caretrends.figures.sentences import disclosure_notes, hidden_sentence, join_sentences
from caretrends.figures.style import (
    FONT_FAMILY,
    FONT_SIZES,
    MUTED_TEXT,
    SIZES,
    TEXT_COLOUR,
    style_context,
)
from caretrends.labels import institution_name, label

_TEXT_TO_PATH = TextToPath()


_LINE_SPACING = 1.3


_POINTS_PER_INCH = 72.0


@dataclass
class Chart:
    """A finished chart, ready for :func:`caretrends.figures.export_figure`."""

    #: The drawing, with title, source line and note line on it.
    figure: Figure
    #: The plotted values as published (hidden counts written ``c``), code columns.
    data: pd.DataFrame
    #: The title drawn on the figure.
    title: str
    #: The source line drawn on the figure, without its prefix.
    source: str
    #: The note line drawn on the figure, without its prefix.
    note: str
    #: A text alternative describing the chart and its message.
    alt_text: str
    #: Language of every text.
    lang: str
    #: One of :data:`caretrends.figures.style.SIZES`.
    size: str
    #: The chart at screen resolution, made by :func:`caretrends.figures.export_figure`
    #: from the pixels it printed; None until then.
    screen_png: bytes | None = field(default=None, repr=False, compare=False)

    def _repr_png_(self) -> tuple[bytes, dict[str, str]]:
        """Show the chart where a notebook displays it (the figure is not in pyplot),
        with its alt text, which the report's pages put in the image's ``alt``.

        A chart exported since it last changed shows the screen image the export made
        from its print pixels (:attr:`screen_png`) rather than being drawn again."""
        if self.screen_png is not None and not self.figure.stale:
            return self.screen_png, {"alt": self.alt_text}
        image = io.BytesIO()
        self.figure.savefig(image, format="png", bbox_inches="tight")
        return image.getvalue(), {"alt": self.alt_text}


def blank_figure(size: str) -> Figure:
    """Return an empty figure of the house size with constrained layout.

    The figure is not registered with pyplot: a notebook shows it once, where it is
    displayed, and a script drawing many charts does not keep them all open.
    """
    return Figure(figsize=SIZES[size], layout="constrained")


def new_figure(size: str, **subplot_kw: object) -> tuple[Figure, Axes | np.ndarray]:
    """Return a :func:`blank_figure` and its axes (``subplot_kw`` as for ``subplots``)."""
    figure = blank_figure(size)
    return figure, figure.subplots(**subplot_kw)


def source_text(data: pd.DataFrame, options: ChartOptions, lang: str) -> str:
    """Return the publications a chart cites, in ``lang``: one path for every chart.

    ``options.source`` when given (organisations cited by their acronym, such as KAS and
    UCCK, get the acronym readers of ``lang`` know: ASK, QKUK, UKCK); otherwise built from
    the rows the chart draws (:meth:`ChartOptions.cite_rows`).

    Raises
    ------
    ParameterError
        When neither names a publication: no figure leaves without its source.
    """
    source = options.source
    if source is not None:
        names = [source] if isinstance(source, str) else list(source)
        names = [n.strip() for n in names if n and n.strip()]
        cited = "; ".join(institution_name(n, lang) for n in dict.fromkeys(names))
    elif {"source", "cited_as"} & set(data.columns):
        cited = options.cite_rows(data, lang)
    else:
        cited = ""
    if not cited:
        raise ParameterError("a chart needs a source: pass source=... or a 'source' column")
    return cited


def wrap_to_width(text: str, width_in: float, font_size: float, *, bold: bool = False) -> str:
    """Break ``text`` into lines no wider than ``width_in`` inches in the house font.

    Widths are measured on the font's glyphs, so Albanian and Serbian text, often longer
    than English, is wrapped where it really reaches the edge. Each line takes as many
    words as fit, at least one.
    """
    font = FontProperties(family=FONT_FAMILY, size=font_size, weight="bold" if bold else "normal")
    limit = width_in * _POINTS_PER_INCH

    def fits(words: Sequence[str]) -> bool:
        line = " ".join(words)
        return _TEXT_TO_PATH.get_text_width_height_descent(line, font, ismath=False)[0] <= limit

    words = text.split()
    lines: list[str] = []
    while words:
        guess = _words_within(words, limit / (font_size * _AVERAGE_ADVANCE_EM))
        count = _words_on_line(words, guess, fits)
        lines.append(" ".join(words[:count]))
        words = words[count:]
    return "\n".join(lines)


#: A rough width of a character in the house font, in ems: where measuring a line starts.
_AVERAGE_ADVANCE_EM = 0.55


def _words_within(words: Sequence[str], characters: float) -> int:
    """How many of ``words``, joined by spaces, make at most ``characters`` (at least 1)."""
    count, length = 1, len(words[0])
    while count < len(words) and length + 1 + len(words[count]) <= characters:
        length += 1 + len(words[count])
        count += 1
    return count


def _words_on_line(words: Sequence[str], guess: int, fits: Callable[[Sequence[str]], bool]) -> int:
    """The most of ``words`` that ``fits`` on one line (at least one), searched from
    ``guess``: shaping text is slow, so a line is measured two or three times rather
    than once per word. A line never narrows when a word is added to it."""
    count = guess
    if count > 1 and not fits(words[:count]):
        count -= 1
        while count > 1 and not fits(words[:count]):
            count -= 1
        return count
    while count < len(words) and fits(words[: count + 1]):
        count += 1
    return count


@dataclass(frozen=True)
class ChartOptions:
    """How a chart is published: the publications it cites, an extra note and its size."""

    #: Publications cited; by default built from the data's rows (``cited_as`` or
    #: ``source``, with their years where they differ).
    source: str | Sequence[str] | None = None
    #: Extra note, in the chart's language; the chart's own notes (on suppression, a
    #: model's band, campaigns) come before it.
    note: str = ""
    #: One of :data:`caretrends.figures.style.SIZES`.
    size: str = "page"

    def cite_rows(self, data: pd.DataFrame, lang: str) -> str:
        """The sources of ``data``'s rows (:func:`~caretrends.figures.captions.cited_sources`)."""
        return cited_sources(data, lang)


@dataclass(frozen=True)
class SeriesOptions(ChartOptions):
    """How a series over time is charted: :class:`ChartOptions` and what its values are."""

    #: ``"count"`` or ``"rate"``: counts of 1–4 are suppressed; rates are withheld or
    #: flagged by ``numerator``.
    kind: str = "count"
    #: Column of events behind a rate.
    numerator: str | None = None
    #: Decimals shown for values in the alt text.
    decimals: int = 0
    #: Name of the time column of the data and of the model's table: the name the model
    #: was given (``fit_rate_trend(..., time="year")``).
    time: str = "year"
    #: Column of a rate's denominator (e.g. ``births``), its producers in
    #: ``<denominator>_source``: cited after the numerator's, and a year whose count is
    #: known but whose denominator is not is a gap saying so.
    denominator: str | None = None

    def cite_rows(self, data: pd.DataFrame, lang: str) -> str:
        """The sources of ``data``'s rows, with their years and the denominator's."""
        return cited_sources(data, lang, time=self.time, denominator=self.denominator)


#: Sources from the data, no extra note, at page size.
PAGE = ChartOptions()
#: A series of counts over the years, charted with :data:`PAGE`'s options.
COUNTS = SeriesOptions()
#: A series of rates over the years, charted with :data:`PAGE`'s options.
RATES = SeriesOptions(kind="rate")


@dataclass(frozen=True)
class ChartText:
    """The texts around a chart as it is drawn: its title, settled source, note, language, size."""

    #: The key message, in ``lang``.
    title: str
    #: The publications cited, as :func:`source_text` settled them.
    source: str
    #: The caller's extra note, in ``lang`` (may be empty).
    note: str
    #: Language of every text.
    lang: str
    #: One of :data:`caretrends.figures.style.SIZES`.
    size: str
    #: The chart at screen resolution, made by :func:`caretrends.figures.export_figure`
    #: from the pixels it printed; None until then.
    screen_png: bytes | None = field(default=None, repr=False, compare=False)

    @classmethod
    def cite(cls, data: pd.DataFrame, title: str, lang: str, options: ChartOptions) -> ChartText:
        """Return the texts with the source settled from ``options.source`` or ``data``
        (:func:`source_text`).

        Called before drawing, so that a chart without a source is refused at once.
        """
        return cls(title, source_text(data, options, lang), options.note, lang, options.size)


def publish(
    figure: Figure,
    data: pd.DataFrame,
    texts: ChartText,
    *,
    described: str,
    findings: Iterable[str] = (),
    notes: Iterable[str] = (),
    protected: pd.DataFrame | None = None,
) -> Chart:
    """Return the Chart of a drawn figure, with its alt text, title, source and note lines.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The drawing.
    data : DataFrame
        The plotted values as published (see :func:`published_table`).
    texts : ChartText
        Title, source, the caller's note, language and size.
    described : str
        The alt text's first sentence: what kind of chart shows what (see
        :func:`series_sentence`).
    findings : iterable of str
        Alt-text sentences after the title; empty ones are left out.
    notes : iterable of str
        The chart's own notes, after those on disclosure and before the caller's note.
    protected : DataFrame, optional
        The values as :func:`protect` returned them: hidden and unreliable values are
        explained in the notes and counted in the alt text.

    Returns
    -------
    Chart
    """
    disclosed = disclosure_notes(protected, texts.lang) if protected is not None else []
    hidden = hidden_sentence(protected, texts.lang) if protected is not None else ""
    alt_text = join_sentences(described, texts.title, *findings, hidden)
    note = " ".join(n for n in (*disclosed, *notes, texts.note) if n)
    _draw_texts(figure, texts, note)
    return Chart(
        figure=figure,
        data=data.reset_index(drop=True),
        title=texts.title,
        source=texts.source,
        note=note,
        alt_text=alt_text,
        lang=texts.lang,
        size=texts.size,
    )


def _draw_texts(figure: Figure, texts: ChartText, note: str) -> None:
    """Draw the title, source line and note line on the figure.

    The title is the chart's key message, left-aligned above everything; source and note
    lines are wrapped to the figure's width below it, and the layout leaves them room.
    """
    with style_context(texts.size):
        width, height = figure.get_size_inches()
        base = FONT_SIZES[texts.size]
        usable = width * 0.9  # hinting makes glyphs wider at some resolutions
        heading = wrap_to_width(texts.title, usable, base * 1.25, bold=True)
        figure.suptitle(heading, x=0.01, ha="left", color=TEXT_COLOUR)
        footer = "\n".join(
            wrap_to_width(line, usable, base * 0.8)
            for line in (
                label("source_line", texts.lang, sources=texts.source),
                label("note_line", texts.lang, note=note) if note else "",
            )
            if line
        )
        lines = footer.count("\n") + 1
        footer_height = (lines * base * 0.8 * _LINE_SPACING + base) / (height * _POINTS_PER_INCH)
        figure.text(
            0.01, 0.01, footer, ha="left", va="bottom", fontsize=base * 0.8, color=MUTED_TEXT
        )
        figure.get_layout_engine().set(rect=(0, footer_height, 1, 1 - footer_height))


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise :class:`DataValidationError` naming the table and every missing column."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataValidationError(
            [f"{what}: column {name!r}: missing (has {list(frame.columns)})" for name in missing]
        )
