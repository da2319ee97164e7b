"""What every chart shares: the :class:`Chart` result, its frame and its small helpers.

A chart is a matplotlib figure plus everything a brief needs to publish it: the title
(the key message), the source line naming the publications, the note line, the alt text
and the plotted data as a small table (hidden counts written ``c``). A builder settles
the options every chart takes (:class:`ChartText`), protects and draws what is its own,
and hands figure and table to :func:`publish`, which adds the rest.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FuncFormatter, MaxNLocator

from caretrends import disclosure
from caretrends.errors import DataValidationError, ParameterError
from caretrends.figures.style import (
    FONT_FAMILY,
    FONT_SIZES,
    MUTED_TEXT,
    SIZES,
    TEXT_COLOUR,
    style_context,
)
from caretrends.labels import format_number, format_percent, has_label, label

_TEXT_TO_PATH = TextToPath()
_LINE_SPACING = 1.3
_POINTS_PER_INCH = 72.0


@dataclass
class Chart:
    """A finished chart, ready for :func:`caretrends.figures.export_figure`.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The drawing, with title, source line and note line on it.
    data : DataFrame
        The plotted values as published (hidden counts written ``c``), code columns.
    title, source, note : str
        The texts drawn on the figure (source and note without their prefixes).
    alt_text : str
        A text alternative describing the chart and its message.
    lang : str
        Language of every text.
    size : str
        One of :data:`caretrends.figures.style.SIZES`.
    """

    figure: Figure
    data: pd.DataFrame
    title: str
    source: str
    note: str
    alt_text: str
    lang: str
    size: str

    def _repr_png_(self) -> bytes:
        """Show the chart where a notebook displays it (the figure is not in pyplot)."""
        image = io.BytesIO()
        self.figure.savefig(image, format="png", bbox_inches="tight")
        return image.getvalue()


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


def source_text(data: pd.DataFrame, source: str | Sequence[str] | None) -> str:
    """Return the publications a chart cites: ``source`` or the data's ``source`` column.

    Raises
    ------
    ParameterError
        When neither names a publication: no figure leaves without its source.
    """
    if isinstance(source, str):
        names = [source]
    elif source is not None:
        names = list(source)
    elif "source" in data.columns:
        names = [str(s) for s in pd.unique(data["source"].dropna())]
    else:
        names = []
    names = [n.strip() for n in names if n and n.strip()]
    if not names:
        raise ParameterError("a chart needs a source: pass source=... or a 'source' column")
    return "; ".join(dict.fromkeys(names))


def wrap_to_width(text: str, width_in: float, font_size: float, *, bold: bool = False) -> str:
    """Break ``text`` into lines no wider than ``width_in`` inches in the house font.

    Widths are measured on the font's glyphs, so Albanian and Serbian text, often longer
    than English, is wrapped where it really reaches the edge.
    """
    font = FontProperties(family=FONT_FAMILY, size=font_size, weight="bold" if bold else "normal")
    limit = width_in * _POINTS_PER_INCH

    def width(candidate: str) -> float:
        return _TEXT_TO_PATH.get_text_width_height_descent(candidate, font, ismath=False)[0]

    lines: list[str] = []
    for word in text.split():
        if lines and width(f"{lines[-1]} {word}") <= limit:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def axis_label(ax: Axes, text: str, size: str, *, axis: str = "y", share: float = 0.65) -> None:
    """Label an axis, wrapping long (often Albanian or Serbian) labels to ``share`` of the
    figure's height (y) or width (x) so they never run past the plot."""
    width, height = SIZES[size]
    length = (height if axis == "y" else width) * share
    wrapped = wrap_to_width(text, length, FONT_SIZES[size])
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(wrapped)


@dataclass(frozen=True)
class ChartText:
    """The options every builder takes alike: the texts around the chart, language, size.

    Parameters
    ----------
    title : str
        The key message, in ``lang``.
    source : str
        The publications cited, as :func:`source_text` settled them.
    note : str
        The caller's extra note, in ``lang`` (may be empty).
    lang : str
        Language of every text.
    size : str
        One of :data:`caretrends.figures.style.SIZES`.
    """

    title: str
    source: str
    note: str
    lang: str
    size: str

    @classmethod
    def cite(
        cls,
        data: pd.DataFrame,
        *,
        title: str,
        source: str | Sequence[str] | None,
        note: str,
        lang: str,
        size: str,
    ) -> ChartText:
        """Return the options with the source settled from ``source`` or ``data``.

        Called before drawing, so that a chart without a source is refused at once.
        """
        return cls(title, source_text(data, source), note, lang, size)


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


def text_or_label(value: str, group: str, lang: str) -> str:
    """Return the catalog label ``group.value`` when there is one, else ``value`` itself.

    Codes in the data (``residential``, ``reunited``, ``care_for_me``) become words in the
    chosen language; free text passes through.
    """
    key = f"{group}.{value}"
    return label(key, lang) if has_label(key, lang) else value


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise :class:`DataValidationError` naming the table and every missing column."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataValidationError(
            [f"{what}: column {name!r}: missing (has {list(frame.columns)})" for name in missing]
        )


def protect(
    data: pd.DataFrame,
    *,
    kind: str,
    dims: Sequence[str] = (),
    totals_over: Sequence[str] = (),
    numerator: str | None = None,
) -> pd.DataFrame:
    """Apply disclosure control to plotted values unless the table already went through it.

    Parameters
    ----------
    data : DataFrame
        With a ``value`` column.
    kind : {"count", "rate"}
        Counts are suppressed; rates are withheld or flagged by their ``numerator``.
    dims, totals_over : sequence of str
        Passed to :func:`caretrends.disclosure.suppress` for counts.
    numerator : str, optional
        Column with the events behind a rate.

    Returns
    -------
    DataFrame
        ``data`` with ``value`` NaN where hidden, a boolean ``hidden`` column and a
        boolean ``unreliable`` column.
    """
    if kind not in ("count", "rate"):
        raise ParameterError(f"kind must be 'count' or 'rate', not {kind!r}")
    if "suppression" in data.columns:
        protected = data.copy()
    elif kind == "count":
        protected = disclosure.suppress(data, dims=dims, totals_over=totals_over)
    elif numerator is not None:
        protected = disclosure.suppress(data, count=numerator, rates=["value"])
    else:
        protected = data.assign(suppression="")
    protected["hidden"] = protected["suppression"].ne("") | protected.get(
        "value_flag", pd.Series("", index=protected.index)
    ).eq(disclosure.SUPPRESSED)
    protected["unreliable"] = protected.get("value_flag", pd.Series("", index=protected.index)).eq(
        disclosure.UNRELIABLE
    )
    protected["value"] = pd.to_numeric(protected["value"], errors="coerce").where(
        ~protected["hidden"]
    )
    return protected


def published_values(protected: pd.DataFrame) -> pd.Series:
    """Return ``value`` as published: numbers, ``c`` where hidden."""
    return pd.Series(
        [
            disclosure.SUPPRESSED if hidden else value
            for value, hidden in zip(protected["value"], protected["hidden"], strict=True)
        ],
        index=protected.index,
        dtype=object,
    )


def status_column(protected: pd.DataFrame) -> pd.Series:
    """Return each value's published status: ``c`` hidden, ``u`` unreliable, ``""``."""
    return pd.Series(
        np.select(
            [protected["hidden"], protected["unreliable"]],
            [disclosure.SUPPRESSED, disclosure.UNRELIABLE],
            default="",
        ),
        index=protected.index,
    )


def published_table(
    protected: pd.DataFrame, keys: Sequence[str], **columns: object
) -> pd.DataFrame:
    """Return the data table of protected values.

    Parameters
    ----------
    protected : DataFrame
        As :func:`protect` returns it.
    keys : sequence of str
        The columns that say what each value is (``year``, ``ref_area`` ...), first.
    **columns
        Further columns, placed between ``value`` (``c`` where hidden) and ``status``.

    Returns
    -------
    DataFrame
        ``keys``, ``value``, ``columns`` and ``status`` (see :func:`status_column`).
    """
    return protected[list(keys)].assign(
        value=published_values(protected), **columns, status=status_column(protected)
    )


def mark_hidden(ax: Axes, positions: Iterable[float], *, axis: str = "x") -> None:
    """Write ``c`` at each position along the axis where a value is hidden (never 0)."""
    for position in positions:
        if axis == "x":
            where = {"xy": (position, 0), "xycoords": ("data", "axes fraction")}
            offset, alignment = (0, 3), {"ha": "center", "va": "bottom"}
        else:
            where = {"xy": (0, position), "xycoords": ("axes fraction", "data")}
            offset, alignment = (3, 0), {"ha": "left", "va": "center"}
        ax.annotate(
            disclosure.SUPPRESSED,
            **where,
            xytext=offset,
            textcoords="offset points",
            fontweight="bold",
            color=TEXT_COLOUR,
            **alignment,
        )


def locale_axis(axis: Axis, lang: str, *, percent: bool = False) -> None:
    """Format an axis's tick labels as numbers (or percentages of fractions) for ``lang``."""

    def decimals(step: float) -> int:
        return max(0, int(-np.floor(np.log10(step)))) if 0 < step < 1 else 0

    def show(value: float, _position: int) -> str:
        ticks = axis.get_majorticklocs()
        step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
        if percent:
            return format_percent(value, lang, decimals=max(0, decimals(step * 100)))
        return format_number(value, lang, decimals=decimals(step))

    axis.set_major_formatter(FuncFormatter(show))


def decimal_year(day: dt.date) -> float:
    """Return a date as a fractional year, to mark it on an axis of years.

    Examples
    --------
    >>> round(decimal_year(dt.date(2013, 7, 2)), 2)
    2013.5
    """
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def year_axis(axis: Axis, *, max_ticks: int | str = "auto") -> None:
    """Show whole years on an axis, without thousands separators."""
    axis.set_major_locator(MaxNLocator(integer=True, nbins=max_ticks, min_n_ticks=2))
    axis.set_major_formatter(FuncFormatter(lambda value, _position: f"{value:.0f}"))


def value_text(value: float, lang: str, *, decimals: int = 0) -> str:
    """Return a value for alt text and labels: a number, or ``c`` where it is hidden."""
    if pd.isna(value):
        return disclosure.SUPPRESSED
    return format_number(value, lang, decimals=decimals)


def series_sentence(chart: str, measure: str, first: object, last: object, lang: str) -> str:
    """Return the alt text's first sentence for a chart over time.

    ``chart`` is a ``chart`` label code (``line``, ``stacked_bar``, ``step``); ``first``
    and ``last`` are the times it spans, as they are to be written.
    """
    return label(
        "alt.series",
        lang,
        chart=label(f"chart.{chart}", lang),
        measure=measure,
        first=first,
        last=last,
    )


def range_sentence(
    at: pd.Series, values: pd.Series, lang: str, *, decimals: int, show_at=str
) -> str:
    """Return the alt-text sentence naming the lowest, highest and latest published values."""
    shown = values.notna()
    if not shown.any():
        return ""
    at, values = at[shown], values[shown]
    low, high = values.idxmin(), values.idxmax()
    last = at.index[-1]
    return label(
        "alt.range",
        lang,
        min=format_number(values[low], lang, decimals=decimals),
        min_at=show_at(at[low]),
        max=format_number(values[high], lang, decimals=decimals),
        max_at=show_at(at[high]),
        last=format_number(values[last], lang, decimals=decimals),
        last_at=show_at(at[last]),
    )


def disclosure_notes(protected: pd.DataFrame, lang: str) -> list[str]:
    """Return the note sentences explaining ``c`` and hollow markers, when used."""
    notes = []
    if protected["hidden"].any():
        notes.append(suppressed_note(lang))
    if protected["unreliable"].any():
        notes.append(unreliable_note(lang))
    return notes


def suppressed_note(lang: str) -> str:
    """Return the note explaining ``c``: the range of counts the rules hide."""
    rules = disclosure.DEFAULT_RULES
    return label("notes.suppressed", lang, low=rules.low, high=rules.high)


def unreliable_note(lang: str) -> str:
    """Return the note explaining hollow markers: values on too few events."""
    return label("notes.unreliable", lang, n=disclosure.DEFAULT_RULES.unreliable_below)


def hidden_sentence(protected: pd.DataFrame, lang: str) -> str:
    """Return the alt-text sentence counting hidden values, when there are any."""
    hidden = int(protected["hidden"].sum())
    return label("alt.suppressed", lang, n=hidden) if hidden else ""


def join_sentences(*sentences: str) -> str:
    """Join the non-empty sentences of an alt text, each ending with a full stop."""
    return " ".join(
        s if s.rstrip().endswith((".", "!", "?")) else f"{s.rstrip()}." for s in sentences if s
    )
