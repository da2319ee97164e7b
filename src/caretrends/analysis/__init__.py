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
- :mod:`.cases`: competing exits and counselling from the NGO's records.
"""

from caretrends.analysis import contested, detectable, headline, sensitivity
from caretrends.analysis.campaigns import (
    CAMPAIGN_COLUMNS,
    campaign_table,
    first_full_year,
)
from caretrends.analysis.cases import (
    COUNSELLING_LABELS,
    EXIT_LABELS,
    SYNTHETIC_RECORDS,
    counselling_by_risk,
    counselling_outcomes,
    exit_incidence,
    mark_case_table,
    milestones,
    permanency_covariates,
    permanency_incidence,
    permanency_within,
    published_by_risk,
    published_outcomes,
)
from caretrends.analysis.hospital import (
    HOSPITAL_LEFT,
    HOSPITAL_PLACED,
    HOSPITAL_REUNITED,
    PUBLISHED_HOSPITAL_COLUMNS,
    hospital_outcomes_long,
    hospital_series,
    published_hospital,
)
from caretrends.analysis.kosovo import (
    ABANDONED,
    ABANDONED_PER_BIRTHS,
    LIVE_BIRTHS,
    abandonment_findings,
    abandonment_rates,
    abandonment_series,
    annual_series,
    rates_with_counts,
    with_publishers,
)
from caretrends.analysis.region import (
    RESIDENTIAL_EXITS,
    care_composition,
    latest_by_country,
    latest_indicator_by_country,
    published_adoptions,
    published_country_counts,
    published_country_rates,
    published_parts,
    residential_exits,
    young_adoptions,
)
from caretrends.codelists import KOSOVO

__all__ = [
    "contested",
    "detectable",
    "headline",
    "sensitivity",
    "ABANDONED",
    "ABANDONED_PER_BIRTHS",
    "CAMPAIGN_COLUMNS",
    "COUNSELLING_LABELS",
    "EXIT_LABELS",
    "HOSPITAL_LEFT",
    "HOSPITAL_PLACED",
    "HOSPITAL_REUNITED",
    "KOSOVO",
    "LIVE_BIRTHS",
    "PUBLISHED_HOSPITAL_COLUMNS",
    "RESIDENTIAL_EXITS",
    "SYNTHETIC_RECORDS",
    "abandonment_findings",
    "abandonment_rates",
    "abandonment_series",
    "annual_series",
    "rates_with_counts",
    "with_publishers",
    "campaign_table",
    "care_composition",
    "counselling_by_risk",
    "counselling_outcomes",
    "exit_incidence",
    "first_full_year",
    "hospital_outcomes_long",
    "hospital_series",
    "latest_by_country",
    "latest_indicator_by_country",
    "mark_case_table",
    "milestones",
    "permanency_covariates",
    "permanency_incidence",
    "permanency_within",
    "published_adoptions",
    "published_by_risk",
    "published_country_counts",
    "published_country_rates",
    "published_hospital",
    "published_outcomes",
    "published_parts",
    "residential_exits",
    "young_adoptions",
]
