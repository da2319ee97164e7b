"""Simulated case histories: children entering care 2008-2025, about fifty infants abandoned
or relinquished a year around 2010 falling towards twenty in the 2020s (as the public
Kosovo figures show), older children entering for abuse, neglect, a parent's illness or
death, or the parents' inability to care; one to three placements each; exits to
reunification, adoption (faster in later years, after the infant's legal status is
resolved), guardianship or long-term foster care with medians of months to a few years;
ageing out at 18; and censoring at the extract date. Counselling at the maternity ward
runs from the *Care for Me!* campaign (May 2013), with outcomes depending on year and risk
factors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from caretrends.cases.catalog import value_codes

#: Records are simulated up to this date (the extract date of the demo set).
EXTRACT_DATE = pd.Timestamp("2025-12-31")


FIRST_YEAR, LAST_YEAR = 2008, 2025


#: The maternity-ward counselling programme starts with the *Care for Me!* campaign.
COUNSELLING_START = pd.Timestamp("2013-05-15")


DAYS_PER_MONTH = 365.25 / 12


INFANT_GROUPS = ("abandoned_at_birth", "relinquished", "abandoned_later")


# Expected entries a year at scale 1: infants abandoned or relinquished follow the public
# Kosovo trend; the other reasons are steady.
_OTHER_ENTRIES = {
    "abandoned_later": 4.0,
    "abuse_neglect": 8.0,
    "parental_illness_death": 2.5,
    "parental_inability": 4.0,
    "other": 1.0,
}


# Destiny of a child by age class: probability and median months from entry.
_DESTINIES = {
    "infant": {
        "reunified": (0.25, 3.0),
        "adopted": (0.45, None),  # median falls over the years, see _adoption_median
        "long_term_foster": (0.13, 18.0),
        "guardianship": (0.12, 20.0),
        "other_exit": (0.05, 12.0),
    },
    "older": {
        "reunified": (0.40, 9.0),
        "adopted": (0.05, 20.0),
        "long_term_foster": (0.22, 14.0),
        "guardianship": (0.23, 16.0),
        "other_exit": (0.10, 12.0),
    },
}


_FIRST_PLACEMENT = {
    "infant": {"residential": 0.40, "non_kin_foster": 0.35, "sos_family": 0.25},
    "older": {
        "sos_family": 0.35,
        "kinship_foster": 0.25,
        "residential": 0.2,
        "non_kin_foster": 0.2,
    },
}


_LATER_PLACEMENTS = np.array(["sos_family", "non_kin_foster", "kinship_foster", "residential"])


_RISKS = {
    "single_mother": 0.45,
    "poverty": 0.5,
    "no_family_support": 0.35,
    "unplanned_pregnancy": 0.4,
    "child_disability": 0.08,
    "maternal_health": 0.1,
    "domestic_violence": 0.1,
    "other": 0.05,
}


def _days(values: np.ndarray) -> pd.TimedeltaIndex:
    return pd.to_timedelta(np.round(values), unit="D")


def _choice(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    names = np.array(list(weights))
    p = np.array(list(weights.values()))
    return names[rng.choice(len(names), size=size, p=p / p.sum())]


def _adoption_median(year: np.ndarray) -> np.ndarray:
    """Median months to adoption: about 20 in 2008, falling to about 11 by 2025."""
    return 20.0 - 0.5 * (year - FIRST_YEAR)


def simulate_children(rng: np.random.Generator, *, scale: float = 1.0) -> pd.DataFrame:
    """Simulate one row per child: entry, birth, sex, and the destiny of the care path.

    Parameters
    ----------
    rng : numpy Generator
    scale : float
        Multiplies the expected number of entries a year.

    Returns
    -------
    DataFrame
        ``child``, ``entry_reason``, ``age_class``, ``entry``, ``birth``, ``sex``,
        ``destiny``, ``exit_date`` (the end of the care path, possibly after the
        extract date).
    """
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    infants = scale * (20 + 32 * np.exp(-0.15 * (years - 2010)))
    expected = {"abandoned_at_birth": 0.75 * infants, "relinquished": 0.25 * infants}
    expected |= {
        reason: np.full(len(years), scale * rate) for reason, rate in _OTHER_ENTRIES.items()
    }
    counts = {reason: rng.poisson(lam) for reason, lam in expected.items()}
    reason = np.concatenate([np.repeat(r, c.sum()) for r, c in counts.items()])
    year = np.concatenate([np.repeat(years, c) for c in counts.values()])
    n = len(reason)
    entry = pd.to_datetime(pd.Series(year).astype(str) + "-01-01") + _days(rng.uniform(0, 364, n))
    age_days = np.select(
        [reason == "abandoned_at_birth", reason == "relinquished", reason == "abandoned_later"],
        [rng.integers(0, 3, n), rng.integers(0, 30, n), rng.integers(30, 900, n)],
        np.minimum(rng.gamma(1.5, 900, n), 17 * 365),
    )
    age_class = np.where(np.isin(reason, INFANT_GROUPS), "infant", "older")
    destiny = np.empty(n, dtype=object)
    months = np.empty(n)
    for klass, table in _DESTINIES.items():
        mine = age_class == klass
        destiny[mine] = _choice(rng, {k: p for k, (p, _) in table.items()}, int(mine.sum()))
        medians = np.array([table[d][1] or np.nan for d in destiny[mine]])
        medians = np.where(np.isnan(medians), _adoption_median(year[mine]), medians)
        months[mine] = medians * np.exp(rng.normal(0, 0.7, int(mine.sum())))
    to_adulthood = 18 * 365.25 - age_days
    aged_out = months * DAYS_PER_MONTH > to_adulthood
    destiny[aged_out] = "aged_out"
    days_in_care = np.where(aged_out, to_adulthood, months * DAYS_PER_MONTH)
    other = destiny == "other_exit"
    destiny[other] = np.where(rng.random(int(other.sum())) < 0.15, "died", "other")
    return pd.DataFrame(
        {
            "child": np.arange(n),
            "entry_reason": reason,
            "age_class": age_class,
            "entry": entry,
            "birth": entry - _days(age_days),
            "sex": np.where(rng.random(n) < 0.52, "F", "M"),
            "destiny": destiny.astype(str),
            "exit_date": entry + _days(np.maximum(days_in_care, 1)),
        }
    )


def simulate_episodes(rng: np.random.Generator, *, scale: float = 1.0) -> pd.DataFrame:
    """Simulate episodes (canonical codes, full dates) of children entering 2008-2025.

    Each child has one to three placements; all but the last end in a transfer, the last
    in the child's destiny. Legal status is resolved for infants after months (sooner in
    later years; before any adoption), and recorded on each episode as known at its end.
    Anything after :data:`EXTRACT_DATE` is cut off (open episodes, pending status).

    Returns
    -------
    DataFrame
        ``child``, ``sex``, ``birth_date``, ``episode_start``, ``episode_end``,
        ``entry_reason``, ``placement_type``, ``exit_reason``, ``legal_status``,
        ``legal_status_date``.
    """
    children = simulate_children(rng, scale=scale)
    n = len(children)
    duration = (children["exit_date"] - children["entry"]).dt.days.to_numpy()
    n_episodes = np.where(duration < 60, 1, 1 + rng.binomial(2, 0.3, n))
    cuts = np.sort(rng.uniform(0.1, 0.9, (n, 2)), axis=1)
    cuts[:, 1] = np.maximum(cuts[:, 1], cuts[:, 0] + 0.05)  # no two placements on one day
    child = np.repeat(np.arange(n), n_episodes)
    number = np.arange(len(child)) - np.repeat(np.cumsum(n_episodes) - n_episodes, n_episodes)
    last = number == n_episodes[child] - 1
    start_share = np.where(number == 0, 0.0, cuts[child, np.maximum(number - 1, 0)])
    end_share = np.where(last, 1.0, cuts[child, np.minimum(number, 1)])
    entry = children["entry"].to_numpy()[child]
    start = pd.Series(entry + _days(start_share * duration[child]).to_numpy())
    end = pd.Series(entry + _days(end_share * duration[child]).to_numpy())
    placement = _placements(rng, children, child, number)
    exit_reason = np.where(last, children["destiny"].to_numpy()[child], "transferred")
    status, status_date = _legal_status(rng, children)
    known_at = end.where(end <= EXTRACT_DATE, EXTRACT_DATE)
    resolved = status_date.to_numpy()[child] <= known_at.to_numpy()
    recorded = status.notna().to_numpy()[child]
    episodes = pd.DataFrame(
        {
            "child": child,
            "sex": children["sex"].to_numpy()[child],
            "birth_date": children["birth"].to_numpy()[child],
            "episode_start": start,
            "episode_end": end.where(end <= EXTRACT_DATE),
            "entry_reason": children["entry_reason"].to_numpy()[child],
            "placement_type": placement,
            "exit_reason": pd.Series(exit_reason).where(end <= EXTRACT_DATE),
            "legal_status": np.where(resolved, status.to_numpy()[child], "pending"),
            "legal_status_date": status_date.to_numpy()[child],
        }
    )
    episodes.loc[~resolved, "legal_status_date"] = pd.NaT
    episodes.loc[~recorded, "legal_status"] = None
    return episodes[episodes["episode_start"] <= EXTRACT_DATE].reset_index(drop=True)


def _placements(
    rng: np.random.Generator, children: pd.DataFrame, child: np.ndarray, number: np.ndarray
) -> np.ndarray:
    """First placement by age class; later ones family-based, never the same twice running."""
    first = np.empty(len(children), dtype=object)
    for klass, weights in _FIRST_PLACEMENT.items():
        mine = (children["age_class"] == klass).to_numpy()
        first[mine] = _choice(rng, weights, int(mine.sum()))
    placement = first[child].astype(object)
    shift = rng.integers(1, len(_LATER_PLACEMENTS), len(child))
    position = pd.Index(_LATER_PLACEMENTS)
    for k in (1, 2):
        later = np.flatnonzero(number == k)
        previous = position.get_indexer(placement[later - 1])
        placement[later] = _LATER_PLACEMENTS[(previous + shift[later]) % len(_LATER_PLACEMENTS)]
    return placement.astype(str)


def _legal_status(rng: np.random.Generator, children: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Resolved legal status and its date per child (None/NaT where never recorded)."""
    n = len(children)
    entry, exit_date = children["entry"], children["exit_date"]
    destiny = children["destiny"].to_numpy()
    infant = (children["age_class"] == "infant").to_numpy()
    median = 9.0 - 0.3 * (entry.dt.year.to_numpy() - FIRST_YEAR)
    months = median * np.exp(rng.normal(0, 0.6, n))
    in_care = (exit_date - entry).dt.days.to_numpy()
    days = np.where(
        destiny == "adopted",
        np.minimum(months * DAYS_PER_MONTH, 0.7 * in_care),
        months * DAYS_PER_MONTH,
    )
    infant_status = np.where(
        (destiny == "reunified") & (days >= in_care),
        "parental_rights_retained",
        np.where(
            (destiny == "adopted") | (rng.random(n) < 0.4),
            "free_for_adoption",
            "without_parental_care",
        ),
    )
    infant_date = np.where(infant_status == "parental_rights_retained", in_care, days)
    older_status = np.where(
        destiny == "guardianship",
        "under_guardianship",
        np.where(rng.random(n) < 0.7, "parental_rights_retained", None),
    )
    older_date = np.where(destiny == "guardianship", in_care, rng.integers(0, 60, n))
    status = pd.Series(np.where(infant, infant_status, older_status))
    date = entry + _days(np.where(infant, infant_date, older_date))
    return status, date.where(status.notna())


def simulate_counselling(rng: np.random.Generator, *, scale: float = 1.0) -> pd.DataFrame:
    """Simulate maternity-ward counselling records, May 2013 to the extract date.

    The share of children staying with the mother or family rises over the years and
    falls with the mother's risk factors (no family support, disability, poverty).

    Returns
    -------
    DataFrame
        ``case``, ``counselling_date``, ``mother_age``, ``risk_factors`` (codes joined by
        ``;``), ``outcome``, ``follow_up_date``.
    """
    years = np.arange(COUNSELLING_START.year, LAST_YEAR + 1)
    counts = rng.poisson(scale * (35 + 3 * (years - years[0])))
    year = np.repeat(years, counts)
    n = len(year)
    first_day = pd.to_datetime(pd.Series(year).astype(str) + "-01-01")
    first_day = first_day.where(year > years[0], COUNSELLING_START)
    span = (pd.to_datetime(pd.Series(year).astype(str) + "-12-31") - first_day).dt.days
    date = first_day + _days(rng.uniform(0, 1, n) * span.to_numpy())
    age = np.clip(np.round(rng.normal(26, 6, n)), 14, 45).astype(int)
    risks = {name: rng.random(n) < p for name, p in _RISKS.items()}
    risks = {"adolescent_mother": age < 18, **risks}
    trend = year - years[0]
    scores = np.column_stack(
        [
            0.6
            + 0.09 * trend
            - 0.7 * risks["no_family_support"]
            - 0.4 * risks["single_mother"]
            - 0.6 * risks["child_disability"]
            - 0.3 * risks["poverty"],
            -1.0 + 0.4 * risks["no_family_support"] + 0.6 * risks["child_disability"],
            -1.4 + 0.4 * risks["single_mother"] + 0.3 * risks["adolescent_mother"],
            np.full(n, -1.6),
        ]
    )
    p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    outcomes = np.array(value_codes("outcome"))
    outcome = outcomes[(rng.random((n, 1)) > np.cumsum(p, axis=1)).sum(axis=1)]
    follow_up = date + _days(rng.integers(30, 180, n))
    follow_up = follow_up.where((outcome != "lost_to_follow_up") & (follow_up <= EXTRACT_DATE))
    flags = pd.DataFrame(risks)
    listed = flags.apply(lambda row: ";".join(row.index[row.to_numpy()]), axis=1)
    return pd.DataFrame(
        {
            "case": np.arange(n),
            "counselling_date": date,
            "mother_age": age,
            "risk_factors": listed.replace("", None),
            "outcome": outcome,
            "follow_up_date": follow_up,
        }
    )
