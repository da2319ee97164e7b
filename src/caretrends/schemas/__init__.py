"""Every schema of the project: the tidy tables' (pandera, :mod:`.tables`: Observations
with their domain rules, rejects) and the configuration files' (pydantic, :mod:`.configs`).
The run configuration's own schema is :mod:`caretrends.report.config`'s."""

from caretrends.schemas.tables import (
    AGE_CODE_PATTERN,
    COUNT_UNITS,
    DOMAIN_RULES,
    ESTIMATE_STATUS,
    FIRST_YEAR,
    IMPOSSIBLE,
    NAMED_AGE_CODES,
    OBSERVATION_COLUMNS,
    OBSERVATION_KEY,
    OBSERVATION_LAYOUT,
    OBSERVATIONS,
    REJECT_COLUMNS,
    SOURCE_FIRST_YEARS,
    WHOLE_UNITS,
    empty_rejects,
    impossible_problems,
    refuse_impossible,
    unit_range,
    validate_table,
    without_unique,
)

__all__ = [
    "AGE_CODE_PATTERN",
    "COUNT_UNITS",
    "DOMAIN_RULES",
    "ESTIMATE_STATUS",
    "FIRST_YEAR",
    "IMPOSSIBLE",
    "NAMED_AGE_CODES",
    "OBSERVATIONS",
    "OBSERVATION_COLUMNS",
    "OBSERVATION_KEY",
    "OBSERVATION_LAYOUT",
    "REJECT_COLUMNS",
    "SOURCE_FIRST_YEARS",
    "WHOLE_UNITS",
    "empty_rejects",
    "impossible_problems",
    "refuse_impossible",
    "unit_range",
    "validate_table",
    "without_unique",
]
