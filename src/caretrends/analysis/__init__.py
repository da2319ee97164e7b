"""The analyses the report shows, as tidy tables: each function takes reconciled observations
(:func:`caretrends.pipeline.reconcile.reconcile`), a series built from them or the case
records, and returns a table; notebooks only call and show.

- :mod:`.kosovo`: Kosovo's abandoned children per year, with live births;
- :mod:`.campaigns`: the run's campaigns and the first year counted as after each;
- :mod:`.contested`: the one list of contested years and the choices each allows;
- :mod:`.detectable`: the minimum detectable effect beside each estimate (headline trend,
  campaign ITS level and slope, Cox comparisons);
- :mod:`.headline`: the primary analysis, the variants the contested years allow and
  placebo years;
- :mod:`.sensitivity`: the other methods beside the headline, the campaign ITS's variants
  and the campaign paragraph;
- :mod:`.hospital`: the UCCK neonatology series;
- :mod:`.region`: the regional picture from TransMonEE;
- :mod:`.cases`: competing exits and counselling from the NGO's records;
- :mod:`.parameters`: the checks of the run configuration's values these analyses own.
"""

from __future__ import annotations

import lazy_loader

from caretrends.codelists import KOSOVO

# Loaded from their module on first use, so that a run configuration's checks (which import
# caretrends.analysis.parameters) do not pay for pandas and the models.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submodules=[
        "campaigns",
        "case_curves",
        "cases",
        "contested",
        "detectable",
        "headline",
        "hospital",
        "kosovo",
        "parameters",
        "region",
        "sensitivity",
    ],
    submod_attrs={
        "case_curves": [
            "exit_curves",
            "legal_status",
            "permanency_median",
            "permanency_milestones",
            "permanency_within",
            "placement_curves",
            "protected_medians",
            "protected_milestones",
            "withheld_analyses",
        ],
        "campaigns": ["CAMPAIGN_COLUMNS", "campaign_table", "first_full_year"],
        "cases": [
            "COUNSELLING_LABELS",
            "EXIT_LABELS",
            "counselling_by_risk",
            "counselling_outcomes",
            "exit_incidence",
            "mark_case_table",
            "milestones",
            "permanency_covariates",
            "permanency_incidence",
            "published_by_risk",
            "published_outcomes",
        ],
        "hospital": [
            "HOSPITAL_LEFT",
            "HOSPITAL_PLACED",
            "HOSPITAL_REUNITED",
            "PUBLISHED_HOSPITAL_COLUMNS",
            "hospital_outcomes_long",
            "hospital_series",
            "published_hospital",
        ],
        "kosovo": [
            "ABANDONED",
            "ABANDONED_PER_BIRTHS",
            "LIVE_BIRTHS",
            "abandonment_findings",
            "abandonment_rates",
            "abandonment_series",
            "annual_series",
            "rates_with_counts",
            "with_publishers",
        ],
        "region": [
            "RESIDENTIAL_EXITS",
            "care_composition",
            "latest_by_country",
            "latest_indicator_by_country",
            "published_adoptions",
            "published_country_counts",
            "published_country_rates",
            "published_parts",
            "residential_exits",
            "young_adoptions",
        ],
    },
)
__all__ += ["KOSOVO"]
