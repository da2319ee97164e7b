"""The advocacy brief: key numbers, the standard figures and their brief-size drawings, and
the PDF and Word documents.

:mod:`~caretrends.brief.numbers` (the key numbers and the standard figures a run
exported), :mod:`~caretrends.brief.figures` (the standard charts a page and the brief
share, and the brief's own drawings with their message titles),
:mod:`~caretrends.brief.assemble` (the brief's document from its parts),
:mod:`~caretrends.brief.build` (the whole brief from a run's declared tables) and
:mod:`~caretrends.brief.document` (its PDF and Word files). The runner
(:mod:`caretrends.report`) knows nothing of any of it: notebook 04 builds the brief.
"""

from __future__ import annotations

import lazy_loader

# Names load from their module on first use: the PDF and Word writers cost a second.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "assemble": ["brief_document"],
        "build": ["BuiltBrief", "build_brief"],
        "document": ["render_brief"],
        "figures": [
            "brief_figures",
            "count_chart",
            "hospital_chart",
            "per_births_chart",
            "region_chart",
        ],
        "numbers": ["STANDARD_FIGURES", "key_number_rows", "standard_figures"],
    },
)
