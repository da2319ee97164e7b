"""Brief-ready figures: house style, chart builders, export with sources and alt text.

Use it as ``ct.figures``::

    from caretrends import figures
    chart = figures.trend_chart(data, title=..., measure=..., lang="sq",
                                fit=fit, campaigns=analysis.campaign_table(campaigns))
    figures.export_figure(chart, "abandonment", run_id=run_id)

Every builder takes plain tidy tables (the column names are in its docstring), a title and
a language, and how it is published (:class:`ChartOptions`: sources, note, size; for a
series over time :class:`SeriesOptions`, which adds counts or rates and the time column);
it applies disclosure control (:mod:`caretrends.disclosure`) before drawing, and returns
a :class:`Chart` carrying the figure, the plotted data, title, source, note and alt text.
"""

from caretrends.figures.axes import decimal_year
from caretrends.figures.captions import cited_sources
from caretrends.figures.care import composition_chart, country_comparison_chart
from caretrends.figures.chart import COUNTS, PAGE, RATES, Chart, ChartOptions, SeriesOptions
from caretrends.figures.coverage import coverage_chart
from caretrends.figures.export import ExportedFigure, export_figure
from caretrends.figures.key_numbers import key_numbers, key_numbers_table
from caretrends.figures.prevention import prevention_chart
from caretrends.figures.style import PALETTE, SIZES, contrast_ratio, use_style
from caretrends.figures.survival import survival_chart, withheld_notes
from caretrends.figures.trends import its_chart, joinpoint_chart, trend_chart

__all__ = [
    "COUNTS",
    "PAGE",
    "PALETTE",
    "RATES",
    "SIZES",
    "Chart",
    "ChartOptions",
    "ExportedFigure",
    "SeriesOptions",
    "cited_sources",
    "composition_chart",
    "contrast_ratio",
    "country_comparison_chart",
    "coverage_chart",
    "decimal_year",
    "export_figure",
    "its_chart",
    "joinpoint_chart",
    "key_numbers",
    "key_numbers_table",
    "prevention_chart",
    "survival_chart",
    "withheld_notes",
    "trend_chart",
    "use_style",
]
