"""Synthetic case records: seeded, shaped like the real thing, written as messy exports.

The generator has two halves:

* **simulation** (:func:`simulate_episodes`, :func:`simulate_counselling`): children
  entering care 2008-2025, about fifty infants abandoned or relinquished a year around
  2010 falling towards twenty in the 2020s (as the public Kosovo figures show), older
  children entering for abuse, neglect, a parent's illness or death, or the parents'
  inability to care; one to three placements each; exits to reunification, adoption
  (faster in later years, after the infant's legal status is resolved), guardianship or
  long-term foster care with medians of months to a few years; ageing out at 18; and
  censoring at the extract date. Counselling at the maternity ward runs from the
  *Care for Me!* campaign (May 2013), with outcomes depending on year and risk factors.
* **export** (:func:`messy_export`, :func:`write_export`): each office writes its own
  file, in its language (synonyms from the package catalogs, random case), encoding,
  delimiter and date style (with a few cells in another style), with direct identifiers
  (invented names, personal numbers, addresses, phones, notes), and with a few exact and
  conflicting duplicates and impossible rows whose expected rejects are returned.

Every row carries ``synthetic`` = true (in the file's language), every file name
contains ``synthetic``, and :func:`write_demo_set` registers each file with
``synthetic: true``. The same seed gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.writer.excel import ExcelWriter

from caretrends import paths
from caretrends.cases.catalog import load_catalog, value_codes
from caretrends.cases.dates import EXCEL_EPOCH
from caretrends.sources.registry import SourceRecord, record_source, sha256_file

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


@dataclass(frozen=True)
class Office:
    """How one office exports its records.

    Attributes
    ----------
    name : str
        Used in the file name.
    language : {"en", "sq", "sr"}
        Language of column names and values.
    encoding : str
        Python codec of the CSV, or ``"xlsx"`` for a workbook.
    delimiter : str
        CSV delimiter.
    date_format : str
        ``strftime`` format of dates, or ``"excel"`` for serial day numbers.
    share : float
        Share of the records this office holds.
    """

    name: str
    language: str
    encoding: str
    delimiter: str
    date_format: str
    share: float


EPISODE_OFFICES: tuple[Office, ...] = (
    Office("prishtina_sq", "sq", "cp1252", ";", "%d.%m.%Y", 0.45),
    Office("gjakova_sq", "sq", "xlsx", "", "excel", 0.15),
    Office("gracanica_sr", "sr", "cp1250", ";", "%d.%m.%Y.", 0.15),
    Office("national_en", "en", "utf_8_sig", ",", "%Y-%m-%d", 0.25),
)
COUNSELLING_OFFICES: tuple[Office, ...] = (
    Office("maternity_prishtina_sq", "sq", "cp1252", ";", "%d/%m/%Y", 0.75),
    Office("maternity_mitrovica_sr", "sr", "utf_8", ",", "%d.%m.%Y.", 0.25),
)

_NAMES = {
    "sq": (
        ["Drita", "Besa", "Arta", "Blerta", "Fjolla", "Lirije", "Vjosa", "Qëndresa", "Dafina"],
        ["Arbër", "Besnik", "Driton", "Ermal", "Gëzim", "Liridon", "Valon", "Çlirim", "Ilir"],
        ["Krasniqi", "Gashi", "Berisha", "Morina", "Hoxha", "Shala", "Bytyçi", "Kelmendi"],
        ["Prishtinë", "Gjakovë", "Ferizaj", "Pejë", "Prizren"],
        ["Rr. ", "Rruga "],
        ["Nëna u largua nga materniteti", "Vizitë nga punëtori social", "Kontakt me gjyshen"],
    ),
    "sr": (
        ["Milica", "Jelena", "Ljubica", "Dragana", "Snežana", "Jovana", "Đurđa"],
        ["Jovan", "Nikola", "Đorđe", "Miloš", "Dušan", "Stefan", "Lazar"],
        ["Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović"],
        ["Gračanica", "Mitrovica", "Štrpce", "Zvečan"],
        ["Ulica ", "Ul. "],
        ["Majka napustila porodilište", "Poseta socijalnog radnika", "Kontakt sa bakom"],
    ),
}
_NAMES["en"] = tuple(a + b for a, b in zip(_NAMES["sq"], _NAMES["sr"], strict=True))[:5] + (
    ["Mother left the maternity ward", "Social worker visit", "Contact with grandmother"],
)
_IDENTIFIER_HEADERS = {
    "sq": ["Emri", "Mbiemri", "Numri personal", "Adresa", "Telefoni", "Shënime"],
    "sr": ["Ime", "Prezime", "JMBG", "Adresa", "Telefon", "Napomena"],
    "en": ["First name", "Last name", "Personal number", "Address", "Phone", "Notes"],
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


# --------------------------------------------------------------------------- exports

#: Share of rows receiving each injected fault (at least one row per file each).
FAULT_RATE = 0.004
#: Share of date cells written in another office's style.
MIXED_DATE_RATE = 0.05
_OTHER_DATE_FORMATS = ["%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d"]
_UNKNOWN_WORDS = {"en": "fostr care", "sq": "rezidencjal", "sr": "hranitelstvo"}
_DATE_COLUMNS = {
    "episodes": ["birth_date", "episode_start", "episode_end", "legal_status_date"],
    "counselling": ["counselling_date", "follow_up_date"],
}
_CATEGORY_COLUMNS = {
    "episodes": ["sex", "entry_reason", "placement_type", "exit_reason", "legal_status"],
    "counselling": ["outcome"],
}


@dataclass(frozen=True)
class Export:
    """One office's file as it will be written, with the rejects it should produce.

    Attributes
    ----------
    office : Office
    kind : str
    frame : DataFrame
        The cells (text; Excel serial dates as integers).
    expected_rejects : dict
        Reason (or its start, for reasons naming a row) -> number of rows it rejects.
    """

    office: Office
    kind: str
    frame: pd.DataFrame
    expected_rejects: dict[str, int]

    @property
    def file_name(self) -> str:
        """``<kind>_synthetic_<office>.<csv|xlsx>``."""
        suffix = "xlsx" if self.office.encoding == "xlsx" else "csv"
        return f"{self.kind}_synthetic_{self.office.name}.{suffix}"


def _header(kind: str, column: str, language: str) -> str:
    return str(load_catalog("columns.yaml")[kind][column][language][0]).capitalize()


def _words(rng: np.random.Generator, codes: pd.Series, column: str, language: str) -> pd.Series:
    """Write codes as an office would: mostly the first synonym, sometimes another, random case."""
    out = pd.Series(None, index=codes.index, dtype=object)
    for code, languages in load_catalog("values.yaml")[column].items():
        rows = np.flatnonzero((codes == str(code)).to_numpy())
        synonyms = np.array([str(s) for s in languages[language]], dtype=object)
        pick = np.where(rng.random(len(rows)) < 0.75, 0, rng.integers(0, len(synonyms), len(rows)))
        out.iloc[rows] = synonyms[pick]
    shout = (rng.random(len(out)) < 0.1) & out.notna().to_numpy()
    out[shout] = out[shout].str.upper()
    return out


def _dates(rng: np.random.Generator, dates: pd.Series, office: Office) -> pd.Series:
    """Format dates in the office's style, a few cells in another office's."""
    if office.date_format == "excel":
        own = (dates - pd.Timestamp(EXCEL_EPOCH)).dt.days.astype("Int64").astype(object)
    else:
        own = dates.dt.strftime(office.date_format).astype(object)
    other = rng.choice(_OTHER_DATE_FORMATS, len(dates))
    mixed = np.flatnonzero((rng.random(len(dates)) < MIXED_DATE_RATE) & dates.notna().to_numpy())
    for style in _OTHER_DATE_FORMATS:
        rows = mixed[other[mixed] == style]
        own.iloc[rows] = dates.iloc[rows].dt.strftime(style).to_numpy()
    return own.where(dates.notna(), None)


def _identifiers(
    rng: np.random.Generator, person: np.ndarray, language: str, *, mothers: bool
) -> dict[str, np.ndarray]:
    """Invented names, personal numbers, addresses, phones and notes, stable per person."""
    firsts_f, firsts_m, lasts, towns, streets, notes = _NAMES[language]
    people = int(person.max()) + 1 if len(person) else 0
    firsts = firsts_f if mothers else firsts_f + firsts_m
    first = np.array(firsts)[rng.integers(0, len(firsts), people)]
    last = np.array(lasts)[rng.integers(0, len(lasts), people)]
    number = rng.integers(1_000_000_000, 9_999_999_999, people).astype(str)
    address = (
        np.array(streets)[rng.integers(0, len(streets), people)].astype(object)
        + np.array(lasts)[rng.integers(0, len(lasts), people)]
        + " "
        + rng.integers(1, 200, people).astype(str)
        + ", "
        + np.array(towns)[rng.integers(0, len(towns), people)]
    )
    phone = "+383 4" + rng.integers(10_000_000, 99_999_999, people).astype(str).astype(object)
    note = np.array(notes, dtype=object)[rng.integers(0, len(notes), len(person))]
    note = np.where(rng.random(len(person)) < 0.6, None, note + " (" + first[person] + ")")
    values = [first[person], last[person], number[person], address[person], phone[person], note]
    return dict(zip(_IDENTIFIER_HEADERS[language], values, strict=True))


def _fault_rows(rng: np.random.Generator, eligible: np.ndarray, taken: set[int]) -> np.ndarray:
    """Pick rows for one fault among ``eligible`` ones not yet given another fault."""
    free = np.setdiff1d(np.flatnonzero(eligible), np.fromiter(taken, dtype=int, count=len(taken)))
    size = min(len(free), max(1, round(FAULT_RATE * len(eligible))))
    rows = np.sort(rng.choice(free, size, replace=False)) if size else free
    taken.update(rows.tolist())
    return rows


def _inject_episode_faults(
    rng: np.random.Generator, records: pd.DataFrame, taken: set[int]
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Break a few episodes the way real exports are broken; return the expected rejects."""
    records = records.copy()
    same_child = np.r_[False, records["child"].to_numpy()[1:] == records["child"].to_numpy()[:-1]]
    # an overlap needs a clean predecessor: reserve both rows
    overlap = _fault_rows(
        rng, same_child & records["episode_end"].shift().notna().to_numpy(), taken
    )
    taken.update((overlap - 1).tolist())
    start, previous_end = records["episode_start"], records["episode_end"].shift()
    previous_start = start.shift()
    half = ((previous_end - previous_start) / 2).dt.floor("D").clip(lower=pd.Timedelta(days=1))
    records.loc[overlap, "episode_start"] = (previous_end - half).iloc[overlap].to_numpy()
    ended = records["episode_end"].notna().to_numpy()
    backwards = _fault_rows(rng, ended, taken)
    records.loc[backwards, "episode_end"] = start.iloc[backwards] - pd.Timedelta(days=10)
    future = _fault_rows(rng, ended, taken)
    records.loc[future, "episode_end"] = pd.Timestamp("2099-01-15")
    unborn = _fault_rows(rng, np.ones(len(records), dtype=bool), taken)
    records.loc[unborn, "birth_date"] = start.iloc[unborn] + pd.Timedelta(days=45)
    expected = {
        "overlaps the episode": len(overlap),
        "episode ends before it starts": len(backwards),
        "date in the future": len(future),
        "entry before birth": len(unborn),
    }
    return records, expected


def _inject_counselling_faults(
    rng: np.random.Generator, records: pd.DataFrame, taken: set[int]
) -> tuple[pd.DataFrame, dict[str, int]]:
    records = records.copy()
    followed = records["follow_up_date"].notna().to_numpy()
    early = _fault_rows(rng, followed, taken)
    records.loc[early, "follow_up_date"] = records["counselling_date"].iloc[early] - pd.Timedelta(
        days=20
    )
    future = _fault_rows(rng, followed, taken)
    records.loc[future, "follow_up_date"] = pd.Timestamp("2099-03-01")
    return records, {"follow-up before counselling": len(early), "date in the future": len(future)}


def messy_export(
    rng: np.random.Generator, records: pd.DataFrame, kind: str, office: Office
) -> Export:
    """Write simulated records as one office exports them, faults included.

    Parameters
    ----------
    rng : numpy Generator
    records : DataFrame
        Output of :func:`simulate_episodes` or :func:`simulate_counselling` for this office.
    kind : {"episodes", "counselling"}
    office : Office

    Returns
    -------
    Export
    """
    language = office.language
    person_column = "child" if kind == "episodes" else "case"
    records = records.reset_index(drop=True)
    taken: set[int] = set()
    inject = _inject_episode_faults if kind == "episodes" else _inject_counselling_faults
    records, expected = inject(rng, records, taken)
    person = pd.factorize(records[person_column])[0]
    prefix = office.name[:3].upper()
    cells: dict[str, object] = {}
    identifier_cells = _identifiers(rng, person, language, mothers=kind == "counselling")
    id_column = "child_id" if kind == "episodes" else "case_id"
    cells[_header(kind, id_column, language)] = [
        f"{prefix}-{p:06d}" for p in records[person_column]
    ]
    names = list(identifier_cells)
    cells |= {name: identifier_cells[name] for name in names[:2]}
    for column in load_catalog("columns.yaml")[kind]:
        if column in (id_column, "synthetic"):
            continue
        header = _header(kind, column, language)
        if column in _DATE_COLUMNS[kind]:
            cells[header] = _dates(rng, records[column], office)
        elif column in _CATEGORY_COLUMNS[kind]:
            cells[header] = _words(rng, records[column], column, language)
        elif column == "risk_factors":
            cells[header] = _risk_words(rng, records[column], language)
        else:  # mother's age: Albanian offices write years, the others a band
            cells[header] = _age_words(rng, records["mother_age"], language)
    cells |= {name: identifier_cells[name] for name in names[2:]}
    flag = str(load_catalog("values.yaml")["synthetic"]["true"][language][0])
    cells[_header(kind, "synthetic", language)] = flag
    frame = pd.DataFrame(cells)
    category = records["placement_type" if kind == "episodes" else "outcome"]
    frame, text_expected = _inject_text_faults(rng, frame, category, kind, office, taken)
    return Export(office, kind, frame, expected | text_expected)


def _risk_words(rng: np.random.Generator, listed: pd.Series, language: str) -> pd.Series:
    exploded = listed.str.split(";").explode()
    words = _words(rng, exploded, "risk_factors", language)
    return words.groupby(level=0).agg(lambda w: ", ".join(w.dropna())).replace("", None)


def _age_words(rng: np.random.Generator, ages: pd.Series, language: str) -> pd.Series:
    if language == "sq":
        return ages.astype(str).astype(object)
    bands = pd.cut(ages, [0, 17, 24, 34, 120], labels=value_codes("mother_age_band"))
    return _words(rng, bands.astype(str), "mother_age_band", language)


def _inject_text_faults(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    own_codes: pd.Series,
    kind: str,
    office: Office,
    taken: set[int],
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Impossible and ambiguous dates, unknown and missing values, exact and conflicting copies."""
    language = office.language
    everyone = np.ones(len(frame), dtype=bool)
    date_column = _header(kind, _DATE_COLUMNS[kind][1 if kind == "episodes" else 0], language)
    category = "placement_type" if kind == "episodes" else "outcome"
    category_column = _header(kind, category, language)
    required = _header(kind, "sex" if kind == "episodes" else "outcome", language)
    impossible = _fault_rows(rng, everyone, taken)
    frame.loc[impossible, date_column] = [f"30.02.{2010 + r % 15}" for r in impossible]
    ambiguous = _fault_rows(rng, everyone, taken)
    frame.loc[ambiguous, date_column] = [f"0{1 + r % 9}.0{1 + r % 8}.1{r % 10}" for r in ambiguous]
    unknown = _fault_rows(rng, everyone, taken)
    frame.loc[unknown, category_column] = _UNKNOWN_WORDS[language]
    missing = _fault_rows(rng, everyone, taken)
    frame.loc[missing, required] = None
    copies = _fault_rows(rng, everyone, taken)
    clashes = _fault_rows(rng, everyone, taken)
    clashing = frame.loc[clashes].copy()
    codes = value_codes(category)
    changed = [codes[(codes.index(c) + 1) % len(codes)] for c in own_codes.iloc[clashes]]
    synonyms = load_catalog("values.yaml")[category]
    clashing[category_column] = [str(synonyms[c][language][0]) for c in changed]
    extra = pd.concat([frame.loc[copies], clashing])
    position = np.r_[np.arange(len(frame)), extra.index.to_numpy() + 0.5]
    frame = (
        pd.concat([frame, extra]).iloc[np.argsort(position, kind="stable")].reset_index(drop=True)
    )
    expected = {
        "impossible date": len(impossible),
        "ambiguous date: two-digit year": len(ambiguous),
        "unknown value": len(unknown),
        "missing value": len(missing),
        "exact duplicate of row": len(copies),
        "conflicting duplicate key": 2 * len(clashes),
    }
    return frame, expected


# --------------------------------------------------------------------------- files

#: Seed of the bundled demo set.
DEMO_SEED = 20251231
#: Fixed timestamp written into workbooks so that the same seed gives the same bytes.
_WORKBOOK_TIME = (2025, 12, 31, 0, 0, 0)


def write_export(export: Export, folder: Path) -> Path:
    """Write an export as its office would (CSV in its encoding, or XLSX); return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / export.file_name
    office = export.office
    if office.encoding == "xlsx":
        path.write_bytes(_workbook_bytes(export.frame))
    else:
        export.frame.to_csv(
            path, sep=office.delimiter, index=False, encoding=office.encoding, lineterminator="\r\n"
        )
    return path


def _workbook_bytes(frame: pd.DataFrame) -> bytes:
    """Return an XLSX of ``frame`` whose bytes depend on its cells only (no save time)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        sheet.append(list(row))
    stamp = pd.Timestamp(*_WORKBOOK_TIME).to_pydatetime()
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in source.infolist():  # zip entries carry the time they were written
            out.writestr(
                zipfile.ZipInfo(item.filename, _WORKBOOK_TIME),
                source.read(item.filename),
                zipfile.ZIP_DEFLATED,
            )
    return fixed.getvalue()


def _split(
    rng: np.random.Generator, records: pd.DataFrame, column: str, offices: tuple[Office, ...]
) -> list[pd.DataFrame]:
    """Give each person (child or case) to one office, by the offices' shares."""
    people = records[column].unique()
    shares = np.array([o.share for o in offices])
    office_of = pd.Series(
        rng.choice(len(offices), len(people), p=shares / shares.sum()), index=people
    )
    owner = office_of.loc[records[column]].to_numpy()
    return [records[owner == k] for k in range(len(offices))]


def demo_exports(*, seed: int = DEMO_SEED, scale: float = 1.0) -> list[Export]:
    """Simulate the demo records and return every office's export (nothing written)."""
    rng = np.random.default_rng(seed)
    episodes = simulate_episodes(rng, scale=scale)
    counselling = simulate_counselling(rng, scale=scale)
    exports = []
    for kind, records, column, offices in (
        ("episodes", episodes, "child", EPISODE_OFFICES),
        ("counselling", counselling, "case", COUNSELLING_OFFICES),
    ):
        for office, part in zip(offices, _split(rng, records, column, offices), strict=True):
            exports.append(messy_export(rng, part, kind, office))
    return exports


def write_demo_set(
    output: Path, *, seed: int = DEMO_SEED, scale: float = 1.0, produced_by: str | None = None
) -> list[Path]:
    """Write the synthetic exports into ``output``; register them when ``produced_by`` is given.

    Parameters
    ----------
    output : Path
        Folder to write into; must be inside ``data/raw`` to be registered.
    seed, scale : int, float
        The generator's seed and size (1 = the bundled demo set, about a thousand
        children and seven hundred counselling records).
    produced_by : str, optional
        The exact command that produced the files, recorded in ``data/raw/sources.yaml``.

    Returns
    -------
    list of Path
    """
    written = [write_export(export, output) for export in demo_exports(seed=seed, scale=scale)]
    if produced_by is not None:
        for path in written:
            _register(path, produced_by)
    return written


def _register(path: Path, produced_by: str) -> None:
    raw = paths.raw_dir()
    kind = path.name.split("_synthetic_")[0]
    record_source(
        SourceRecord(
            path=path.resolve().relative_to(raw.resolve()).as_posix(),
            kind=kind,
            title=f"Synthetic {kind} records ({path.stem.split('_synthetic_')[1]} export style)",
            producer="caretrends synthetic generator (not real children)",
            url="",
            obtained=EXTRACT_DATE.date().isoformat(),
            licence="MIT (generated data)",
            produced_by=produced_by,
            sha256=sha256_file(path),
            synthetic=True,
            notes=(
                "Demonstration records generated by caretrends.cases.synth, shaped like "
                "the NGO's exports, with deliberate faults; results on them are a demonstration."
            ),
        )
    )
