"""The brief's key messages: one sentence each that says which way and how sure.

Each message is worded by the statistics' one wording function
(:func:`caretrends.models.result.change_phrase`: a direction only where the interval
excludes no change, otherwise the range and what could have been detected) or quotes a
value with its interval and, where it rests on fewer events than the disclosure rules
trust, the flag in words. Every number comes from the run's tables; nothing is fitted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from caretrends import analysis
from caretrends.brief.origin import permanency_withheld
from caretrends.codelists import KOSOVO
from caretrends.figures.captions import flagged_value, years_text
from caretrends.labels import (
    country_name,
    format_interval,
    format_number,
    format_percent,
    label,
    withheld_text,
)
from caretrends.models.power import DetectableEffect
from caretrends.models.result import Estimate, change_phrase
from caretrends.models.text import phrase, sentences


@dataclass(frozen=True)
class KeyMessage:
    """One key message: what it is about (``trend``, ``campaigns``, ``hospital``,
    ``region``, ``permanency``) and its sentence in the brief's language."""

    topic: str
    text: str


def campaign_message(
    sensitivity: pd.DataFrame, detectable: pd.DataFrame, lang: str
) -> KeyMessage | None:
    """What the series could and could not show about the campaigns: the level change of
    the campaign model on the published series, with what it could have detected.

    Parameters
    ----------
    sensitivity : DataFrame
        :func:`caretrends.analysis.headline.source_sensitivity`'s table; its first row
        (the published series) holds ``level_change_<year>`` and its interval (a rate
        ratio).
    detectable : DataFrame
        :func:`caretrends.analysis.detectable.detectable_table`, with the row
        ``its_level``.
    lang : str
        Language of the sentence.

    Returns
    -------
    KeyMessage or None
        None when the campaign model was not fitted.
    """
    columns = [c for c in sensitivity.columns if c.startswith("level_change_")]
    published = sensitivity[sensitivity["variant"] == 0]
    if not columns or published.empty or pd.isna(published[columns[0]].iloc[0]):
        return None
    start = columns[0].removeprefix("level_change_")
    row = published.iloc[0]
    ratio = [float(row[f"level_{part}_{start}"]) for part in ("change", "conf_low", "conf_high")]
    change = Estimate(
        "level", 100 * (ratio[0] - 1), np.nan, 100 * (ratio[1] - 1), 100 * (ratio[2] - 1), np.nan
    )
    effect = detectable_effect(detectable, "its_level")
    subject = phrase("brief.campaign_subject", start=start)
    return KeyMessage(
        "campaigns", sentences([change_phrase(subject, change, 0.95, "", effect)], lang)
    )


def detectable_effect(table: pd.DataFrame, effect: str) -> DetectableEffect | None:
    """The row ``effect`` of a :func:`caretrends.analysis.detectable.detectable_table`."""
    rows = table[table["effect"] == effect]
    if rows.empty:
        return None
    row = rows.iloc[0]
    whole = {name: None if pd.isna(row[name]) else int(row[name]) for name in ("n_sim", "seed")}
    return DetectableEffect(
        *(float(row[name]) for name in ("fall", "rise", "power", "alpha")),
        str(row["scale"]),
        str(row["method"]),
        whole["n_sim"],
        whole["seed"],
    )


def hospital_key_message(hospital: pd.DataFrame, lang: str) -> KeyMessage:
    """The babies left at the UCCK neonatology clinic in the latest year a reader may see,
    and the share reunited with their parents with its interval, flagged in words when it
    rests on fewer babies than the disclosure rules trust."""
    published = analysis.published_hospital(hospital)
    shown = published[pd.to_numeric(published["share_reunited"], errors="coerce").notna()]
    latest = shown.sort_values("year").iloc[-1]
    share = flagged_value(
        format_percent(float(latest["share_reunited"]), lang),
        float(latest["reunited"]),
        lang,
        what="babies",
    )
    text = label(
        "brief_message.hospital_key",
        lang,
        year=int(latest["year"]),
        left=format_number(float(latest["left"]), lang),
        share=share,
        interval=format_interval(
            float(latest["conf_low"]), float(latest["conf_high"]), lang, percent=True
        ),
    )
    return KeyMessage("hospital", text + ".")


def region_key_message(rates: pd.DataFrame, lang: str) -> KeyMessage:
    """Where Kosovo stands among its neighbours, or that it publishes no comparable figure,
    and which year the neighbours' figures are from."""
    shown = analysis.published_country_rates(rates)
    known = shown[pd.to_numeric(shown["value"], errors="coerce").notna()]
    known = known.assign(value=known["value"].astype(float)).sort_values("value")
    low, high = known.iloc[0], known.iloc[-1]
    fields = {
        "years": years_text(known["year"].astype(int)),
        "low": format_number(low["value"], lang),
        "low_country": country_name(low["ref_area"], lang),
        "high": format_number(high["value"], lang),
        "high_country": country_name(high["ref_area"], lang),
    }
    kosovo = known[known["ref_area"] == KOSOVO]
    if kosovo.empty:
        return KeyMessage("region", label("brief_message.region_key_no_xkx", lang, **fields) + ".")
    rank = int((known["value"] < kosovo["value"].iloc[0]).sum()) + 1
    text = label(
        "brief_message.region_key",
        lang,
        kosovo=format_number(kosovo["value"].iloc[0], lang),
        rank=rank,
        n=len(known),
        **fields,
    )
    return KeyMessage("region", text + ".")


def permanency_key_message(permanency: pd.DataFrame, lang: str) -> KeyMessage:
    """The share of children in a permanent family within some months of entering care,
    with its interval (quoted only when the case records are real)."""
    row = permanency.iloc[0]
    if withheld := permanency_withheld(permanency):  # too few children: say so, no number
        text = label(
            "brief_message.permanency_withheld",
            lang,
            months=int(row["months"]),
            first=int(row["first_entry_year"]),
            last=int(row["last_entry_year"]),
            withheld=withheld_text(withheld, lang),
        )
        return KeyMessage("permanency", text + ".")
    text = label(
        "brief_message.permanency_key",
        lang,
        share=format_percent(float(row["estimate"]), lang),
        months=int(row["months"]),
        first=int(row["first_entry_year"]),
        last=int(row["last_entry_year"]),
        interval=format_interval(
            float(row["conf_low"]), float(row["conf_high"]), lang, percent=True
        ),
    )
    return KeyMessage("permanency", text + ".")


__all__ = [
    "KeyMessage",
    "campaign_message",
    "detectable_effect",
    "hospital_key_message",
    "permanency_key_message",
    "region_key_message",
]
