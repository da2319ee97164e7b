"""HTTP for the live services: a session with timeouts and retries, and the store that keeps
each answer exactly as received, checked and registered with its provenance.

Behaviour a user can rely on:

- every request has a timeout and is retried a few times with exponential backoff on
  connection errors, timeouts and the statuses in :data:`RETRY_STATUSES`;
- a failure is one line naming the URL (:class:`FetchError`);
- an answer is written to a temporary file beside its target, checked, and only then
  moved over the previous version (:func:`caretrends.paths.write_atomically`), so a
  truncated or malformed answer never replaces good data;
- an answer whose bytes equal a registered file's (same sha256) is not written again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from caretrends import paths
from caretrends._version import __version__
from caretrends.errors import CaretrendsError, DataValidationError
from caretrends.provenance import SourceRecord, load_registry, record_source
from caretrends.sources.settings import HttpSettings

#: HTTP statuses worth another try: rate limiting and passing server trouble.
RETRY_STATUSES: tuple[int, ...] = (429, 500, 502, 503, 504)


# Errors that mean "no answer in time" wherever they sit in a requests/urllib3 chain
# (not urllib3's ConnectTimeoutError: a refused connection is one of its subclasses).
_TIMEOUTS = (requests.exceptions.Timeout, ReadTimeoutError, TimeoutError)


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
class Stored:
    """The outcome of storing one answer."""

    #: Path relative to ``data/raw`` of the file holding these bytes.
    relative: str
    #: Their checksum.
    sha256: str
    #: False when a registered file already held exactly these bytes.
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
        Checks the written file (see :func:`caretrends.paths.write_atomically`).
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
    facts = paths.write_atomically(target, lambda path: path.write_bytes(data), validate)
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


def pending_record(
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


def short_digest(*parts: str) -> str:
    """A short, stable name part for a query: the same query always gives the same file."""
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:10]


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
class FetchRequest:
    """One request of a fetch: its provenance record (with the URL), how to check the
    answer, the POST body if any, and the statuses that mean "no data"."""

    record: SourceRecord
    check: Callable[[Path], Mapping[str, str]]
    body: Mapping[str, Any] | None = None
    empty_statuses: frozenset[int] = frozenset()


def fetch_each(
    requests_: Sequence[FetchRequest],
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
