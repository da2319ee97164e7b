"""Write a chart as PNG, SVG and PDF with embedded metadata, alt text and its data.

Every export writes, beside the images, the text alternative the UK Government Analysis
Function asks for with every chart: a ``.txt`` with the alt text (and title, source and
note) and a ``.csv`` with the plotted data. The images carry the title, the source, the
alt text, the run id and the SHA-256 of that CSV, so a figure found in a brief can be
traced to the run and the exact numbers it shows.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
import matplotlib.image
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from caretrends import paths
from caretrends._version import __version__
from caretrends.errors import ParameterError
from caretrends.figures.chart import Chart
from caretrends.figures.fonts import house_font_family
from caretrends.figures.style import style_context
from caretrends.labels import CODE_GROUPS, country_name, has_label, label

FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
#: CSVs are written with a byte-order mark so that Excel shows ë, č, š ... correctly.
CSV_ENCODING = "utf-8-sig"


@dataclass(frozen=True)
class ExportedFigure:
    """What :func:`export_figure` wrote."""

    #: File stem (name and language).
    name: str
    #: Written files by kind: ``png``, ``svg``, ``pdf``, ``alt`` (.txt), ``data`` (.csv).
    files: dict[str, Path] = field(repr=False)
    #: The title, as embedded in every file.
    title: str
    #: The alt text, as embedded in every file.
    alt_text: str
    #: Checksum of the data CSV's bytes.
    data_sha256: str
    #: The run that made it.
    run_id: str

    def summary(self) -> str:
        """Return one line for a report or an issue note: name, files and checksum."""
        kinds = ", ".join(path.name for path in self.files.values())
        return f"{self.name}: {kinds} (data sha256 {self.data_sha256[:12]}, run {self.run_id})"


def column_header(column: str, lang: str) -> str:
    """The header of a figure CSV's column: ``column.<name>``, a chart label, or the name.

    Examples
    --------
    >>> column_header("cumulative_incidence", "sq"), column_header("obs_status", "en")
    ('Incidenca kumulative', 'Observation status (SDMX code)')
    """
    for key in (f"column.{column}", f"figure_csv.column.{column}", column):
        if has_label(key, lang):
            return label(key, lang)
    return column


def value_name(value: object, column: str, lang: str) -> object:
    """The name of a code in the figure's language (the value itself when it has none).

    Examples
    --------
    >>> value_name("placed_by_csw", "outcome", "sr"), value_name("total", "outcome", "sq")
    ('Smešteno preko Centra za socijalni rad', 'Gjithsej')
    """
    if not isinstance(value, str) or not value:
        return value
    for key in (f"{CODE_GROUPS[column]}.{value}", f"column.{value}", f"figure_csv.value.{value}"):
        if has_label(key, lang):
            return label(key, lang)
    return value


def data_table(chart: Chart) -> pd.DataFrame:
    """Return the chart's data with headers and category names in the chart's language.

    A column of codes (an outcome, a type of care, a country) shows their names; its codes
    stay beside it in a column headed "<header> (code)", so the file can still be joined.
    Countries are named once: a chart's ``country`` names beside its ``ref_area`` codes.
    """
    lang, data = chart.lang, chart.data
    table: dict[str, pd.Series] = {}
    for column in data.columns:
        header = column_header(column, lang)
        if column == "ref_area":
            if "country" not in data:
                table[header] = data[column].map(lambda code: country_name(code, lang))
            table[label("figure_csv.code", lang, column=header)] = data[column]
        elif column in CODE_GROUPS:
            names = data[column].map(lambda v, c=column: value_name(v, c, lang))
            table[header] = names
            if not names.equals(data[column]):
                table[label("figure_csv.code", lang, column=header)] = data[column]
        else:
            table[header] = published_precision(data[column])
    return pd.DataFrame(table, index=data.index)


def published_precision(values: pd.Series) -> pd.Series:
    """A numeric column as a figure's data file publishes it: whole numbers (years, counts)
    as integers, shares and other fractions to 3 decimals, numbers below 100 to 2, larger
    ones to 1 (a model's raw floats say more than the data can); text (a ``c`` among the
    numbers) as it is.

    Examples
    --------
    >>> published_precision(pd.Series([2018.0, 2019.0])).tolist()
    [2018, 2019]
    >>> published_precision(pd.Series([153.54222900285566, 1.75093952, 0.51282])).tolist()
    [153.5, 1.8, 0.5]
    >>> published_precision(pd.Series([0.51282051, float("nan")])).tolist()
    [0.513, nan]
    >>> published_precision(pd.Series([62.60115430421107, "c", None], dtype=object)).tolist()
    [62.6, 'c', None]
    """
    if pd.api.types.is_bool_dtype(values):
        return values
    numbers = pd.to_numeric(values, errors="coerce")
    known = numbers.dropna()
    if known.empty or not pd.api.types.is_float_dtype(numbers):
        return values
    if (known == known.round()).all():
        rounded = numbers.astype("Int64")
    else:
        largest = known.abs().max()
        rounded = numbers.round(3 if largest <= 1 else 2 if largest < 100 else 1)
    if pd.api.types.is_float_dtype(values):
        return rounded
    # A column mixing numbers and markers keeps its markers and missing cells as they are.
    return values.where(numbers.isna(), rounded.astype(object))


def csv_bytes(table: pd.DataFrame) -> bytes:
    """Return the exact bytes written for a table (the checksum is taken over them)."""
    return table.to_csv(index=False, lineterminator="\n").encode(CSV_ENCODING)


def export_figure(
    chart: Chart,
    name: str,
    *,
    formats: Sequence[str] = FORMATS,
    dpi: int = 300,
    directory: Path | None = None,
    run_id: str = "interactive",
) -> ExportedFigure:
    """Write ``chart`` in each format with metadata, plus its alt text and data table.

    Parameters
    ----------
    chart : Chart
        From one of the chart builders.
    name : str
        File stem; the language is appended (``abandonment-sq.png``).
    formats : sequence of {"png", "svg", "pdf"}
        Image formats to write.
    dpi : int
        Resolution of the PNG (300 for print).
    directory : Path, optional
        Where to write; default ``reports/figures``.
    run_id : str
        Identifier of the report run, embedded in every file.

    Returns
    -------
    ExportedFigure
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ParameterError(f"unknown figure formats {unknown}; choose from {list(FORMATS)}")
    folder = directory if directory is not None else paths.reports_dir() / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{chart.lang}"
    table_bytes = csv_bytes(data_table(chart))
    checksum = hashlib.sha256(table_bytes).hexdigest()
    files = {"data": folder / f"{stem}.csv", "alt": folder / f"{stem}.txt"}
    files["data"].write_bytes(table_bytes)
    files["alt"].write_text(_alt_document(chart, checksum, run_id), encoding="utf-8")
    source_line = label("source_line", chart.lang, sources=chart.source)
    images = {kind: folder / f"{stem}.{kind}" for kind in formats}
    _write_images(
        chart, images, dpi, lambda kind: _metadata(kind, chart, source_line, checksum, run_id)
    )
    files.update(images)
    if "svg" in files:
        _add_svg_description(files["svg"], chart.alt_text)
    return ExportedFigure(
        name=stem,
        files=files,
        title=chart.title,
        alt_text=chart.alt_text,
        data_sha256=checksum,
        run_id=run_id,
    )


def _write_images(
    chart: Chart, images: dict[str, Path], dpi: int, metadata: Callable[[str], dict]
) -> None:
    """Draw the chart into each image file, laid out once for all of them.

    The PNG is compressed in a thread while the vector formats are drawn: zlib runs
    without Python's lock, and no two threads ever touch the figure.
    """
    figure = chart.figure
    engine, canvas = figure.get_layout_engine(), figure.canvas
    with style_context(chart.size), ThreadPoolExecutor(max_workers=1) as compressor:
        png_written: Future[None] | None = None
        screen: Future[bytes | None] | None = None
        try:
            if not isinstance(canvas, FigureCanvasAgg):
                # Laid out and drawn on one canvas, text measured for the layout is not
                # measured again for the PNG (matplotlib keeps measures per renderer).
                FigureCanvasAgg(figure)
            _lay_out(figure, dpi)
            for kind, path in images.items():
                if kind == "png":
                    pixels = _rgba_pixels(figure, dpi)
                    png_written = compressor.submit(_write_png, pixels, path, dpi, metadata(kind))
                    screen = compressor.submit(_screen_png, pixels, dpi / figure.dpi)
                else:
                    with house_font() if kind == "pdf" else nullcontext():
                        figure.savefig(path, format=kind, dpi=dpi, metadata=metadata(kind))
        finally:
            figure.set_layout_engine(engine)
            figure.set_canvas(canvas)
        if png_written is not None and screen is not None:
            png_written.result()
            chart.screen_png = screen.result()
            # Giving the figure back its engine and canvas changed nothing drawn: the
            # screen image stands for it until an artist changes (which makes it stale).
            figure.stale = False


def _lay_out(figure: Figure, dpi: int) -> None:
    """Lay the figure out as matplotlib does before printing it at ``dpi``, then take its
    layout engine away: each format is then drawn once, without the dry-run draw
    matplotlib makes before printing a figure that has an engine (even "none"'s
    placeholder), and all formats share one layout."""
    engine = figure.get_layout_engine()
    if engine is not None:
        screen_dpi = figure.dpi
        figure.dpi = dpi  # text is measured at the resolution the PNG is drawn at
        try:
            engine.execute(figure)
        finally:
            figure.dpi = screen_dpi
    with mpl.rc_context(_NO_AUTOMATIC_LAYOUT):
        figure.set_layout_engine(None)


def _rgba_pixels(figure: Figure, dpi: int) -> np.ndarray:
    """Draw ``figure``, on its Agg canvas, at ``dpi`` as matplotlib draws a PNG, and return
    the canvas's own pixels (not a copy: nothing draws on it again during the export)."""
    figure.savefig(os.devnull, format="rgba", dpi=dpi)
    return np.asarray(figure.canvas.buffer_rgba())


def _screen_png(pixels: np.ndarray, factor: float) -> bytes | None:
    """The printed pixels shrunk ``factor`` times (the print's dpi over the screen's) by
    averaging each square of pixels, as a PNG: how a notebook shows the chart without
    drawing it again. None when ``factor`` is not a whole number."""
    if factor < 1 or not float(factor).is_integer():
        return None
    step = int(factor)
    height, width = (pixels.shape[0] // step) * step, (pixels.shape[1] // step) * step
    blocks = pixels[:height, :width].reshape(height // step, step, width // step, step, 4)
    shrunk = blocks.sum(axis=(1, 3), dtype=np.uint32) // (step * step)
    image = io.BytesIO()
    mpl.image.imsave(image, _bytes_view(shrunk.astype(np.uint8)), format="png", origin="upper")
    return image.getvalue()


def screen_png_of(path: Path, dpi: int = 300) -> bytes:
    """A PNG :func:`export_figure` wrote at ``dpi``, at the screen's resolution
    (matplotlib's ``figure.dpi``), shrunk as the export shrinks its pixels for a notebook;
    the file as it is when ``dpi`` is not a whole multiple of the screen's."""
    pixels = np.round(mpl.image.imread(path) * 255).astype(np.uint8)  # 8-bit RGBA, exactly
    screen = _screen_png(pixels, dpi / mpl.rcParams["figure.dpi"])
    return screen if screen is not None else path.read_bytes()


def _write_png(pixels: np.ndarray, path: Path, dpi: int, metadata: dict[str, str]) -> None:
    """Write pixels as matplotlib writes a PNG: same encoder, text chunks and resolution."""
    mpl.image.imsave(
        path, _bytes_view(pixels), format="png", origin="upper", dpi=dpi, metadata=metadata
    )


def _bytes_view(pixels: np.ndarray) -> memoryview:
    """RGBA bytes as the Agg canvas hands them to ``imsave``: a memoryview, which it writes
    as it is, where an array goes through a colour mapping first (more than a tenth of a
    second for a 300 dpi figure, for the same pixels)."""
    return memoryview(np.ascontiguousarray(pixels, dtype=np.uint8))


#: With these, ``Figure.set_layout_engine(None)`` removes the engine.
_NO_AUTOMATIC_LAYOUT = {"figure.autolayout": False, "figure.constrained_layout.use": False}


@contextmanager
def house_font() -> Iterator[None]:
    """Draw sans-serif text in the house font inside the block: the same glyphs as
    DejaVu Sans, which a PDF embeds in a fraction of the time (:mod:`.fonts`)."""
    with mpl.rc_context(
        {"font.sans-serif": [house_font_family(), *mpl.rcParams["font.sans-serif"]]}
    ):
        yield


def _alt_document(chart: Chart, checksum: str, run_id: str) -> str:
    lines = [
        chart.title,
        "",
        chart.alt_text,
        "",
        label("source_line", chart.lang, sources=chart.source),
    ]
    if chart.note:
        lines.append(label("note_line", chart.lang, note=chart.note))
    lines += ["", f"run: {run_id}", f"data sha256: {checksum}"]
    return "\n".join(lines) + "\n"


def _metadata(kind: str, chart: Chart, source_line: str, checksum: str, run_id: str) -> dict:
    """Return the metadata matplotlib embeds: PNG text chunks, PDF info, SVG Dublin Core."""
    software = f"caretrends {__version__}"
    trace = f"run_id: {run_id}; data_sha256: {checksum}; lang: {chart.lang}"
    if kind == "png":
        return {
            "Title": chart.title,
            "Description": chart.alt_text,
            "Source": source_line,
            "Comment": chart.note,
            "Run ID": run_id,
            "Data SHA-256": checksum,
            "Language": chart.lang,
            "Software": software,
        }
    if kind == "pdf":
        return {
            "Title": chart.title,
            "Subject": chart.alt_text,
            "Keywords": f"{source_line}; {trace}",
            "Creator": software,
            "CreationDate": None,
        }
    return {
        "Title": chart.title,
        "Description": chart.alt_text,
        "Source": source_line,
        "Identifier": trace,
        "Language": chart.lang,
        "Creator": software,
        "Date": None,
    }


def _add_svg_description(path: Path, alt_text: str) -> None:
    """Give the SVG a ``<desc>`` and ``role="img"``: what screen readers announce."""
    from xml.sax.saxutils import escape

    text = path.read_text(encoding="utf-8")
    text = text.replace("<svg ", '<svg role="img" ', 1)
    text = text.replace("</title>", f"</title>\n <desc>{escape(alt_text)}</desc>", 1)
    path.write_text(text, encoding="utf-8")
