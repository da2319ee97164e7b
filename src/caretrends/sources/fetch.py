"""Fetch current data from the live services into ``data/raw``, with provenance.

``caretrends fetch transmonee`` asks UNICEF's SDMX REST API for the TransMonEE indicators
the notebooks use (Kosovo included, which the bundled 2020 edition lacks) as SDMX-CSV;
``caretrends fetch kas`` asks the Kosovo Agency of Statistics' PxWeb service (ASKdata)
for configured tables as JSON-stat 2. Each answer is written exactly as received and
registered in ``data/raw/sources.yaml`` (URL with its query, time, sha256, command), so
``caretrends prepare`` takes it through the same readers as the bundled files.

Behaviour a user can rely on:

- every request has a timeout and is retried a few times with exponential backoff on
  connection errors, timeouts and the statuses in :data:`RETRY_STATUSES`;
- a failure is one line naming the URL (:class:`FetchError`);
- an answer is written to a temporary file beside its target, checked, and only then
  moved over the previous version, so a truncated or malformed answer never replaces
  good data;
- an answer whose bytes equal a registered file's (same sha256) is not written again.

SDMX is spoken as plain HTTP with ``format=csv``: the file kept must be the service's
own bytes, which a client library such as ``sdmx1`` would parse into objects instead.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import shlex
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
import yaml
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from caretrends import __version__, paths
from caretrends.errors import CaretrendsError, DataValidationError, ParameterError
from caretrends.sources import kas
from caretrends.sources.registry import SourceRecord, load_registry, record_source

#: HTTP statuses worth another try: rate limiting and passing server trouble.
RETRY_STATUSES: tuple[int, ...] = (429, 500, 502, 503, 504)

#: Columns an SDMX-CSV answer must have to be kept.
SDMX_REQUIRED_COLUMNS: tuple[str, ...] = ("REF_AREA", "INDICATOR", "TIME_PERIOD", "OBS_VALUE")

#: Configuration of ``fetch transmonee`` inside ``config/``.
TRANSMONEE_CONFIG_NAME = "transmonee_fetch.yaml"

#: Where fetched files go, relative to ``data/raw``.
TRANSMONEE_DIR = "transmonee/live"
KAS_DIR = "kas"

# Errors that mean "no answer in time" wherever they sit in a requests/urllib3 chain
# (not urllib3's ConnectTimeoutError: a refused connection is one of its subclasses).
_TIMEOUTS = (requests.exceptions.Timeout, ReadTimeoutError, TimeoutError)

# A code that may stand in an SDMX key: no '.', '+' or '/' that would change the query.
_SDMX_CODE = re.compile(r"^[A-Za-z0-9_@$-]+$")


class FetchError(CaretrendsError):
    """A service could not be reached, answered with an error, or sent unusable data.

    The message is one line naming the URL. ``status`` is the HTTP status when there was
    one; ``stored`` lists what was stored before a later request of the same run failed.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(" ".join(message.split()))
        self.status = status
        self.stored: list[Stored] = []


@dataclass(frozen=True)
class HttpSettings:
    """Patience with a service.

    Attributes
    ----------
    timeout : float
        Seconds to wait for a connection, and again for each read.
    retries : int
        Further tries after a connection error, a timeout or a :data:`RETRY_STATUSES`
        answer.
    backoff : float
        Backoff factor: urllib3 waits ``backoff * 2 ** (n - 1)`` seconds before the n-th
        retry after the first (capped at two minutes), or what ``Retry-After`` asks.
    """

    timeout: float = 60.0
    retries: int = 3
    backoff: float = 2.0


@dataclass(frozen=True)
class Stored:
    """The outcome of storing one answer.

    Attributes
    ----------
    relative : str
        Path relative to ``data/raw`` of the file holding these bytes.
    sha256 : str
        Their checksum.
    written : bool
        False when a registered file already held exactly these bytes.
    """

    relative: str
    sha256: str
    written: bool

    def describe(self) -> str:
        """One line for the user."""
        if self.written:
            return f"wrote {self.relative} (sha256 {self.sha256[:12]})"
        return f"unchanged: {self.relative} already holds these data (sha256 {self.sha256[:12]})"


def make_session(settings: HttpSettings) -> requests.Session:
    """Return a session that retries with backoff as ``settings`` say (GET and POST)."""
    retry = Retry(
        total=settings.retries,
        connect=settings.retries,
        read=settings.retries,
        status=settings.retries,
        backoff_factor=settings.backoff,
        status_forcelist=RETRY_STATUSES,
        # PxWeb reads data with POST; the query changes nothing, so it is safe to repeat.
        allowed_methods=frozenset({"GET", "POST"}),
        # Hand back the last answer instead of raising, so its error text can be shown.
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.headers["User-Agent"] = f"caretrends/{__version__}"
    return session


def download(
    session: requests.Session,
    url: str,
    settings: HttpSettings,
    *,
    json_body: Mapping[str, Any] | None = None,
) -> bytes:
    """GET ``url`` (POST ``json_body`` when given) and return the answer's bytes.

    Raises
    ------
    FetchError
        One line naming the URL: offline or unreachable, no answer in time, the answer
        broke off, or an HTTP error status with the service's own message.
    """
    method = "GET" if json_body is None else "POST"
    try:
        response = session.request(
            method, url, json=json_body, timeout=(settings.timeout, settings.timeout)
        )
    except requests.exceptions.RequestException as exc:
        raise _network_error(url, settings, exc) from exc
    if response.status_code >= 400:
        raise FetchError(
            f"{url}: HTTP {response.status_code} {response.reason or ''}: "
            f"{service_message(response)}",
            status=response.status_code,
        )
    return response.content


def _network_error(
    url: str, settings: HttpSettings, exc: requests.exceptions.RequestException
) -> FetchError:
    """Name what went wrong below HTTP: no answer in time, no connection, or a broken answer."""
    chain = _causes(exc)
    root = type(chain[-1]).__name__
    # After its retries urllib3 reports a read timeout as a connection error: look inside.
    if any(isinstance(e, _TIMEOUTS) for e in chain):
        return FetchError(
            f"{url}: no answer within {settings.timeout:g} s ({settings.retries} retries): {root}"
        )
    if isinstance(exc, requests.exceptions.ConnectionError):
        return FetchError(f"{url}: cannot connect (offline, or the service is down): {root}")
    return FetchError(f"{url}: the answer broke off or was unreadable: {root}")


def service_message(response: requests.Response) -> str:
    """The service's own explanation of an error answer, on one short line.

    PxWeb and SDMX services answer errors as JSON (``error``, ``message``, ``title`` or
    ``detail``), plain text or an HTML page; the first meaningful text is taken.
    """
    text = response.text.strip()
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, list) and body and isinstance(body[0], dict):
        body = body[0]
    if isinstance(body, dict):
        for key in ("error", "message", "title", "detail", "errorMessage"):
            if body.get(key):
                value = body[key]
                text = value if isinstance(value, str) else json.dumps(value)
                break
    elif text.startswith("<"):
        title = re.search(r"<title>(.*?)</title>", text, flags=re.IGNORECASE | re.DOTALL)
        text = title.group(1) if title else re.sub(r"<[^>]+>", " ", text)
    line = " ".join(text.split())
    return (line[:200] + "…") if len(line) > 200 else (line or "no message")


def _causes(exc: BaseException) -> list[BaseException]:
    """The chain of a requests/urllib3 error down to its innermost cause (e.g. a
    NameResolutionError, or the socket's TimeoutError), outermost first."""
    chain: list[BaseException] = [exc]
    while True:
        current = chain[-1]
        inner = getattr(current, "reason", None) or current.__cause__ or current.__context__
        if inner is None and current.args and isinstance(current.args[0], BaseException):
            inner = current.args[0]
        if not isinstance(inner, BaseException) or any(inner is e for e in chain):
            return chain
        chain.append(inner)


def write_atomically(
    data: bytes, target: Path, validate: Callable[[Path], Mapping[str, str]]
) -> Mapping[str, str]:
    """Write ``data`` to ``target`` only if ``validate`` accepts it.

    The bytes go to a temporary file in ``target``'s folder, ``validate`` checks that
    file (raising on a problem), and ``os.replace`` then moves it over ``target`` in one
    step; on any failure the temporary file is removed and ``target`` is untouched.

    Returns
    -------
    Mapping
        What ``validate`` returned (facts about the file for its provenance record).
    """
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        facts = validate(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return facts


def store(
    data: bytes,
    record: SourceRecord,
    validate: Callable[[Path], Mapping[str, str]],
    raw_dir: Path | None = None,
) -> Stored:
    """Store an answer at ``record.path`` (relative to ``raw_dir``) and register it.

    When a registered file already holds exactly these bytes, nothing is written. A new
    version of the file replaces the old one (git keeps the history) and its record
    notes the sha256 it replaces.

    Parameters
    ----------
    data : bytes
        The answer as received.
    record : SourceRecord
        Its provenance; ``sha256`` is filled in here and ``extra`` completed with what
        ``validate`` returns.
    validate : callable
        Checks the written file (see :func:`write_atomically`).
    raw_dir : Path, optional
        Defaults to ``data/raw``.
    """
    root = raw_dir or paths.raw_dir()
    digest = hashlib.sha256(data).hexdigest()
    registered = load_registry(root)
    for existing in registered:
        if existing.sha256 == digest and (root / existing.path).is_file():
            return Stored(existing.path, digest, written=False)
    target = root / record.path
    target.parent.mkdir(parents=True, exist_ok=True)
    facts = write_atomically(data, target, validate)
    extra = {**record.extra, **facts}
    previous = next((r for r in registered if r.path == record.path), None)
    if previous is not None:
        extra["replaces_sha256"] = previous.sha256
    record_source(replace(record, sha256=digest, extra=extra), root)
    return Stored(record.path, digest, written=True)


#: What a fetched file of each kind is, for its provenance record.
_NOTES = {
    "observations-sdmx-csv": "Answer of UNICEF's SDMX REST API as received: SDMX-CSV, a "
    "label column beside each code column.",
    "kas-jsonstat": "Answer of ASKdata (PxWeb API v1) as received, JSON-stat 2.0; the POST "
    "body is in extra.query.",
}


def _pending_record(
    path: str,
    kind: str,
    title: str,
    url: str,
    extra: dict[str, str],
    *,
    producer: str,
    licence: str,
    command: str,
) -> SourceRecord:
    """The provenance of an answer still to be fetched (time and sha256 come when stored)."""
    return SourceRecord(
        path=path,
        kind=kind,
        title=title,
        producer=producer,
        url=url,
        obtained="",
        licence=licence,
        produced_by=command,
        sha256="",
        notes=_NOTES[kind],
        extra=extra,
    )


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _short_digest(*parts: str) -> str:
    """A short, stable name part for a query: the same query always gives the same file."""
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:10]


# --- TransMonEE (UNICEF SDMX REST API) -----------------------------------------------


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
    """Read ``config/transmonee_fetch.yaml``."""
    path = path or paths.config_dir() / TRANSMONEE_CONFIG_NAME
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
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
        record = _pending_record(
            f"{TRANSMONEE_DIR}/transmonee-{group}-{_short_digest(url)}.csv",
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
        requests_.append(_Request(record, check_sdmx_csv, empty_statuses=frozenset({404})))
    return _fetch_each(requests_, session, settings, raw_dir)


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


def _as_fetch_error(
    url: str, check: Callable[[Path], Mapping[str, str]]
) -> Callable[[Path], Mapping[str, str]]:
    """Turn a failed check of an answer into a FetchError naming the URL."""

    def validate(path: Path) -> Mapping[str, str]:
        try:
            return check(path)
        except DataValidationError as exc:
            reason = str(exc).replace(str(path), "answer")
            raise FetchError(f"{url}: unusable answer, nothing written: {reason}") from exc

    return validate


@dataclass(frozen=True)
class _Request:
    """One request of a fetch: its provenance record (with the URL), how to check the
    answer, the POST body if any, and the statuses that mean "no data"."""

    record: SourceRecord
    check: Callable[[Path], Mapping[str, str]]
    body: Mapping[str, Any] | None = None
    empty_statuses: frozenset[int] = frozenset()


def _fetch_each(
    requests_: Sequence[_Request],
    session: requests.Session,
    settings: HttpSettings,
    raw_dir: Path | None,
) -> list[Stored]:
    """Download and store each request; raise one FetchError for all failures at the end."""
    stored, failures = [], []
    for request in requests_:
        url = request.record.url
        try:
            data = download(session, url, settings, json_body=request.body)
            record = replace(request.record, obtained=_utc_now())
            stored.append(store(data, record, _as_fetch_error(url, request.check), raw_dir))
        except FetchError as exc:
            empty = exc.status in request.empty_statuses
            failures.append(
                f"{url}: empty result: no data match this query ({exc})" if empty else str(exc)
            )
    if failures:
        summary = f"{len(failures)} of {len(requests_)} requests failed: "
        error = FetchError((summary if len(requests_) > 1 else "") + " | ".join(failures))
        error.stored = stored
        raise error
    return stored


# --- KAS ASKdata (PxWeb API v1) ------------------------------------------------------


def fetch_kas(
    tables: Sequence[str],
    *,
    raw_dir: Path | None = None,
    settings: HttpSettings | None = None,
    session: requests.Session | None = None,
    config: kas.KasConfig | None = None,
    command: str = "caretrends fetch kas",
) -> list[Stored]:
    """Fetch configured ASKdata tables as JSON-stat 2 into ``data/raw/kas``.

    Each table's selection (``config/kas_tables.yaml``) is POSTed to its URL; the answer
    is kept as received, under a name made of the table key and a digest of URL and
    query, and registered with kind ``kas-jsonstat`` and ``extra["kas_table"]`` naming
    the mapping that reads it (:func:`caretrends.sources.kas.read_kas_jsonstat`).

    Parameters
    ----------
    tables : sequence of str
        Table keys (or paths) configured in ``kas_tables.yaml``.
    raw_dir, settings, session, command
        As for :func:`fetch_transmonee`.
    config : KasConfig, optional
        Defaults to :func:`caretrends.sources.kas.load_kas_config`.

    Raises
    ------
    ParameterError
        Before any request, when a table is not configured or has no known path.
    FetchError
        After trying every table, when any failed.
    """
    config = config or kas.load_kas_config()
    chosen = [config.table(name) for name in tables]
    _require_paths(chosen, config)
    settings = settings or HttpSettings()
    session = session or make_session(settings)
    requests_ = []
    for table in chosen:
        url = config.url(str(table.path))
        body = kas.pxweb_query(table)
        query_text = json.dumps(body, ensure_ascii=False, sort_keys=True)
        record = _pending_record(
            f"{KAS_DIR}/{table.key}-{_short_digest(url, query_text)}.json",
            "kas-jsonstat",
            f"{config.producer}: {table.title} (ASKdata {table.path})",
            url,
            {
                "source": config.source,
                "http_method": "POST",
                "query": query_text,
                "kas_table": table.key,
            },
            producer=config.producer,
            licence=config.licence,
            command=command,
        )
        requests_.append(_Request(record, _kas_facts, body=body))
    return _fetch_each(requests_, session, settings, raw_dir)


def _require_paths(tables: Sequence[kas.KasTable], config: kas.KasConfig) -> None:
    unknown = [t for t in tables if not t.path]
    if unknown:
        raise ParameterError(
            "; ".join(
                f"KAS table {t.key!r} has no path yet in {kas.KAS_CONFIG_NAME}: find it with "
                f"`caretrends fetch kas --list {shlex.quote(t.folder or '')}` and set 'path'"
                for t in unknown
            )
        )


def _kas_facts(path: Path) -> dict[str, str]:
    dataset = kas.check_kas_jsonstat(path)
    return {
        "table_title": dataset.label,
        "updated": dataset.updated,
        "cells": str(len(dataset.values)),
    }


def browse_kas(
    what: str,
    *,
    table: bool,
    settings: HttpSettings | None = None,
    session: requests.Session | None = None,
    config: kas.KasConfig | None = None,
) -> list[str]:
    """Describe an ASKdata table (``table=True``: its variables and values) or list a
    folder, for checking and writing mappings. ``what`` is a configured table key, a
    table path or a folder path (``""`` is the service's root)."""
    config = config or kas.load_kas_config()
    settings = settings or HttpSettings()
    session = session or make_session(settings)
    if table:
        configured = config.tables.get(what)
        if configured is not None:
            _require_paths([configured], config)
            what = str(configured.path)
        url = config.url(what)
        return kas.describe_table(download(session, url, settings), url)
    url = config.url(what) if what else config.base_url
    return kas.describe_folder(download(session, url, settings), url)


# --- command line --------------------------------------------------------------------


def add_subcommand(subparsers: Any) -> None:
    """Register ``caretrends fetch transmonee|kas`` on the CLI's subparsers."""
    parser = subparsers.add_parser(
        "fetch",
        help="fetch current data from UNICEF TransMonEE or KAS ASKdata into data/raw",
        description="Fetch current data from the live services into data/raw, with "
        "provenance. Needs internet.",
    )
    services = parser.add_subparsers(dest="service", required=True, metavar="SERVICE")

    transmonee = services.add_parser(
        "transmonee", help="TransMonEE indicators from UNICEF's SDMX API (with Kosovo)"
    )
    transmonee.add_argument("--ref-area", nargs="+", metavar="CODE", help="ISO3 codes")
    transmonee.add_argument("--indicator", nargs="+", metavar="CODE", help="SDMX codes")
    transmonee.add_argument(
        "--group", nargs="+", metavar="NAME", help=f"groups of {TRANSMONEE_CONFIG_NAME}"
    )
    transmonee.add_argument("--start", type=int, metavar="YEAR")
    transmonee.add_argument("--end", type=int, metavar="YEAR")
    _add_common_options(transmonee)
    transmonee.set_defaults(handler=run_fetch_transmonee)

    askdata = services.add_parser("kas", help="KAS tables from ASKdata (PxWeb)")
    what = askdata.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--table", nargs="+", metavar="KEY", help=f"keys or paths in {kas.KAS_CONFIG_NAME}"
    )
    what.add_argument("--all", action="store_true", help="every configured table with a path")
    what.add_argument(
        "--describe", metavar="KEY", help="print a table's variables and values (key or path)"
    )
    what.add_argument(
        "--list", nargs="?", const="", metavar="FOLDER", help="list a folder of ASKdata"
    )
    _add_common_options(askdata)
    askdata.set_defaults(handler=run_fetch_kas)


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    defaults = HttpSettings()
    parser.add_argument(
        "--timeout",
        type=float,
        default=defaults.timeout,
        metavar="SECONDS",
        help=f"wait for connection and each read (default {defaults.timeout:g})",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=defaults.retries,
        metavar="N",
        help=f"retries with backoff on errors and timeouts (default {defaults.retries})",
    )
    parser.add_argument(
        "--raw-dir", type=Path, default=None, metavar="DIR", help="default: data/raw"
    )


def _settings(args: argparse.Namespace) -> HttpSettings:
    return HttpSettings(timeout=args.timeout, retries=args.retries)


def run_fetch_transmonee(args: argparse.Namespace) -> int:
    """Handler of ``caretrends fetch transmonee``."""
    config = load_transmonee_config()
    areas = args.ref_area or list(config.ref_areas)
    start = config.start_period if args.start is None else args.start
    command = ["caretrends", "fetch", "transmonee", "--ref-area", *areas]
    if args.indicator:
        command += ["--indicator", *args.indicator]
    elif args.group:
        command += ["--group", *args.group]
    command += [] if start is None else ["--start", str(start)]
    command += [] if args.end is None else ["--end", str(args.end)]
    return _report(
        lambda: fetch_transmonee(
            ref_areas=areas,
            indicators=args.indicator,
            groups=args.group,
            start=start,
            end=args.end,
            raw_dir=args.raw_dir,
            settings=_settings(args),
            config=config,
            command=shlex.join(command),
        )
    )


def run_fetch_kas(args: argparse.Namespace) -> int:
    """Handler of ``caretrends fetch kas``."""
    config = kas.load_kas_config()
    if args.describe is not None or args.list is not None:
        table = args.describe is not None
        lines = browse_kas(
            args.describe if table else args.list,
            table=table,
            settings=_settings(args),
            config=config,
        )
        print("\n".join(lines))
        return 0
    if args.all:
        names = [key for key, t in config.tables.items() if t.path]
        for key, t in config.tables.items():
            if not t.path:
                print(f"skipped {key}: no path yet in {kas.KAS_CONFIG_NAME}")
        command = ["caretrends", "fetch", "kas", "--all"]
    else:
        names = args.table
        command = ["caretrends", "fetch", "kas", "--table", *names]
    return _report(
        lambda: fetch_kas(
            names,
            raw_dir=args.raw_dir,
            settings=_settings(args),
            config=config,
            command=shlex.join(command),
        )
    )


def _report(fetch: Callable[[], list[Stored]]) -> int:
    """Run a fetch, print one line per stored file; failures propagate as FetchError."""
    try:
        stored = fetch()
    except FetchError as exc:
        for outcome in exc.stored:
            print(outcome.describe())
        raise
    for outcome in stored:
        print(outcome.describe())
    return 0
