"""``caretrends fetch transmonee``: current TransMonEE data from UNICEF's SDMX REST API.

The indicators the notebooks use (Kosovo included, which the bundled 2020 edition lacks)
are asked for as SDMX-CSV and kept as received in ``data/raw/transmonee/live``, so
``caretrends prepare`` reads them with the same reader as the bundled extract. SDMX is
spoken as plain HTTP with ``format=csv``: the file kept must be the service's own bytes,
which a client library such as ``sdmx1`` would parse into objects instead.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import requests

from caretrends import paths
from caretrends.errors import DataValidationError, ParameterError
from caretrends.schemas.configs import TransmoneeFetchFile, read_config
from caretrends.sources.http import (
    FetchRequest,
    HttpSettings,
    Stored,
    fetch_each,
    make_session,
    pending_record,
    short_digest,
)
from caretrends.sources.settings import TRANSMONEE_CONFIG_NAME

#: Columns an SDMX-CSV answer must have to be kept.
SDMX_REQUIRED_COLUMNS: tuple[str, ...] = ("REF_AREA", "INDICATOR", "TIME_PERIOD", "OBS_VALUE")


#: Where fetched files go, relative to ``data/raw``.
TRANSMONEE_DIR = "transmonee/live"


# A code that may stand in an SDMX key: no '.', '+' or '/' that would change the query.
_SDMX_CODE = re.compile(r"^[A-Za-z0-9_@$-]+$")


@dataclass(frozen=True)
class TransmoneeConfig:
    """What ``fetch transmonee`` asks for by default (``config/transmonee_fetch.yaml``)."""

    base_url: str
    dataflow: str
    key_order: tuple[str, ...]
    ref_areas: tuple[str, ...]
    start_period: int | None
    groups: Mapping[str, tuple[str, ...]]
    source: str
    title: str
    producer: str
    licence: str


def load_transmonee_config(path: Path | None = None) -> TransmoneeConfig:
    """Read ``config/transmonee_fetch.yaml``, checked by its schema (:mod:`caretrends.configs`)."""
    path = path or paths.config_dir() / TRANSMONEE_CONFIG_NAME
    document = read_config(path, TransmoneeFetchFile).model_dump()
    return TransmoneeConfig(
        base_url=str(document["base_url"]),
        dataflow=str(document["dataflow"]),
        key_order=tuple(document["key_order"]),
        ref_areas=tuple(document["ref_areas"]),
        start_period=document.get("start_period"),
        groups={str(k): tuple(v) for k, v in document["groups"].items()},
        source=str(document["source"]),
        title=str(document["title"]),
        producer=str(document["producer"]),
        licence=str(document["licence"]),
    )


def sdmx_data_url(
    config: TransmoneeConfig,
    ref_areas: Sequence[str],
    indicators: Sequence[str],
    start: int | None = None,
    end: int | None = None,
) -> str:
    """Return the SDMX REST data URL for these areas and indicators, answered as CSV
    with a label column beside each code column.

    Raises
    ------
    ParameterError
        When a code holds a character that would change the key (``.``, ``+``, ``/`` …).

    Examples
    --------
    >>> config = TransmoneeConfig("https://x/rest/data/", "ECARO,TRANSMONEE,1.0",
    ...     ("REF_AREA", "INDICATOR", "SEX", "AGE", "RESIDENCE", "WEALTH_QUINTILE"),
    ...     (), None, {}, "", "", "", "")
    >>> sdmx_data_url(config, ["XKX", "ALB"], ["PT_CHLD_INRESIDENTIAL"], start=2010)
    'https://x/rest/data/ECARO,TRANSMONEE,1.0/XKX+ALB.PT_CHLD_INRESIDENTIAL....?format=csv&labels=both&startPeriod=2010'
    """
    bad = [code for code in [*ref_areas, *indicators] if not _SDMX_CODE.match(code)]
    if bad:
        raise ParameterError(f"not an SDMX code: {', '.join(map(repr, bad))}")
    chosen = {"REF_AREA": ref_areas, "INDICATOR": indicators}
    key = ".".join("+".join(chosen.get(dimension, ())) for dimension in config.key_order)
    params: dict[str, str | int] = {"format": "csv", "labels": "both"}
    if start is not None:
        params["startPeriod"] = start
    if end is not None:
        params["endPeriod"] = end
    return f"{config.base_url.rstrip('/')}/{config.dataflow}/{key}?{urlencode(params)}"


def check_sdmx_csv(path: Path) -> dict[str, str]:
    """A light structural check of an SDMX-CSV answer before it is kept.

    Checks that it is UTF-8 CSV with the columns :data:`SDMX_REQUIRED_COLUMNS`, at least
    one data row, and as many fields in every row as in the header (a row cut short by a
    truncated answer fails). Reading the content is the SDMX-CSV reader's job.

    Returns
    -------
    dict
        ``{"rows": "<number of data rows>"}`` for the provenance record.

    Raises
    ------
    DataValidationError
        Naming the file, and the row where the problem is.
    """
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataValidationError([f"{path}: not UTF-8 text ({exc})"]) from exc
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, [])
    missing = [c for c in SDMX_REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DataValidationError(
            [f"{path}: not SDMX-CSV: columns {missing} missing (header: {header[:8]})"]
        )
    count = 0
    for line, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise DataValidationError(
                [f"{path}: row {line}: {len(row)} fields, header has {len(header)} (truncated?)"]
            )
        count += 1
    if count == 0:
        raise DataValidationError([f"{path}: empty result: the answer has no data rows"])
    return {"rows": str(count)}


def fetch_transmonee(
    *,
    ref_areas: Sequence[str] | None = None,
    indicators: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    start: int | None = None,
    end: int | None = None,
    raw_dir: Path | None = None,
    settings: HttpSettings | None = None,
    session: requests.Session | None = None,
    config: TransmoneeConfig | None = None,
    command: str = "caretrends fetch transmonee",
) -> list[Stored]:
    """Fetch TransMonEE data from UNICEF's SDMX API into ``data/raw/transmonee/live``.

    One request per indicator group of the configuration (or one for ``indicators``
    when given); each answer goes to its own file, named after the group and a digest of
    the URL, so fetching the same query again replaces (or, unchanged, keeps) the same
    file.

    Parameters
    ----------
    ref_areas, indicators : sequence of str, optional
        Codes to ask for; default the configuration's areas and all its groups.
    groups : sequence of str, optional
        Configured groups to fetch (ignored when ``indicators`` is given).
    start, end : int, optional
        First and last year; ``start`` defaults to the configuration's.
    raw_dir : Path, optional
        Defaults to ``data/raw``.
    settings : HttpSettings, optional
        Timeout and retries.
    session : requests.Session, optional
        Defaults to :func:`make_session` with ``settings``.
    config : TransmoneeConfig, optional
        Defaults to :func:`load_transmonee_config`.
    command : str
        The command line recorded as ``produced_by``.

    Returns
    -------
    list of Stored

    Raises
    ------
    FetchError
        After trying every group, when any failed; one line naming each failed URL.
        An answer without data (HTTP 404, or no rows) is such a failure.
    """
    config = config or load_transmonee_config()
    settings = settings or HttpSettings()
    session = session or make_session(settings)
    areas = list(ref_areas or config.ref_areas)
    start = config.start_period if start is None else start
    queries = _transmonee_queries(config, indicators, groups)
    requests_ = []
    for group, codes in queries.items():
        url = sdmx_data_url(config, areas, codes, start, end)
        record = pending_record(
            f"{TRANSMONEE_DIR}/transmonee-{group}-{short_digest(url)}.csv",
            "observations-sdmx-csv",
            f"{config.title}: {group} indicators, {' '.join(areas)}",
            url,
            {
                "source": config.source,
                "dataflow": config.dataflow,
                "http_method": "GET",
                "group": group,
            },
            producer=config.producer,
            licence=config.licence,
            command=command,
        )
        # SDMX REST services answer 404 when nothing matches the query.
        requests_.append(FetchRequest(record, check_sdmx_csv, empty_statuses=frozenset({404})))
    return fetch_each(requests_, session, settings, raw_dir)


def _transmonee_queries(
    config: TransmoneeConfig, indicators: Sequence[str] | None, groups: Sequence[str] | None
) -> dict[str, tuple[str, ...]]:
    if indicators:
        return {"custom": tuple(indicators)}
    unknown = sorted(set(groups or ()) - set(config.groups))
    if unknown:
        raise ParameterError(
            f"unknown TransMonEE group(s) {unknown}; configured: {', '.join(config.groups)}"
        )
    return {g: config.groups[g] for g in (groups or config.groups)}
