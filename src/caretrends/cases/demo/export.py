"""Messy exports of simulated records: each office writes its own file, in its language
(synonyms from the package catalogs, random case), encoding, delimiter and date style
(with a few cells in another style), with direct identifiers (invented names, personal
numbers, addresses, phones, notes), and with a few exact and conflicting duplicates and
impossible rows whose expected rejects are returned."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from caretrends.cases.catalog import load_catalog, value_codes
from caretrends.cases.dates import EXCEL_EPOCH


@dataclass(frozen=True)
class Office:
    """How one office exports its records."""

    #: Used in the file name.
    name: str
    #: Language of column names and values: ``"en"``, ``"sq"`` or ``"sr"``.
    language: str
    #: Python codec of the CSV, or ``"xlsx"`` for a workbook.
    encoding: str
    #: CSV delimiter.
    delimiter: str
    #: ``strftime`` format of dates, or ``"excel"`` for serial day numbers.
    date_format: str
    #: Share of the records this office holds.
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
    """One office's file as it will be written, with the rejects it should produce."""

    office: Office
    kind: str
    #: The cells (text; Excel serial dates as integers).
    frame: pd.DataFrame
    #: Reason (or its start, for reasons naming a row) -> number of rows it rejects.
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
