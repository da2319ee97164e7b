"""Checks of a parameter's meaning owned by the modules that know it, found by name.

What a value must mean beyond its type is often a fact of the domain: a code of the code
lists, a campaign of the vocabulary, a year inside the Kosovo series. The module owning
that fact owns its check; the runner only knows where to find it. :data:`CHECKS` maps a
parameter name to ``"module:function"``, imported when a notebook of the run declares that
parameter, so that loading the runner imports no domain package and a configuration error
is told before pandas or the models load. A check takes the value (already of its declared
type) and returns what is wrong with it (``must be ...``), or None.
"""

from __future__ import annotations

import importlib

from caretrends.rules import Check

#: A check says what is wrong with a value (``must be ...``), or returns None when it is right.

#: Where the check of each parameter that has one lives.
CHECKS: dict[str, str] = {
    "campaigns": "caretrends.analysis.parameters:campaigns_problem",
    "primary_analysis": "caretrends.analysis.parameters:primary_analysis_problem",
    "ref_areas": "caretrends.codelists:ref_areas_problem",
    "coverage_indicators": "caretrends.codelists:coverage_indicators_problem",
    "case_source": "caretrends.cases.source_choice:case_source_problem",
    "brief_config": "caretrends.brief.config:brief_config_problem",
}


def registered_check(name: str) -> Check | None:
    """Return the check registered for parameter ``name`` (importing its module), if any.

    Examples
    --------
    >>> registered_check("case_source")("real")
    "must be a case source, found 'real' (known: auto, private, bundled)"
    >>> registered_check("title") is None
    True
    """
    target = CHECKS.get(name)
    if target is None:
        return None
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(module), function)
