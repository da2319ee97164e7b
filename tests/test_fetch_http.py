"""HTTP behaviour, atomic writes and de-duplication of fetched files (no network)."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest
import requests
import responses

from caretrends.errors import DataValidationError
from caretrends.paths import write_atomically
from caretrends.provenance import SourceRecord, load_registry, sha256_file
from caretrends.sources.http import (
    RETRY_STATUSES,
    FetchError,
    HttpSettings,
    download,
    make_session,
    store,
)
from tests._fetch_helpers import FAST

URL = "https://service.example/api/table"


def _record(path: str = "kas/table.json") -> SourceRecord:
    return SourceRecord(
        path=path,
        kind="kas-jsonstat",
        title="t",
        producer="p",
        url=URL,
        obtained="2026-01-01T00:00:00+00:00",
        licence="l",
        produced_by="caretrends fetch kas --table t",
        sha256="",
        extra={"query": "{}"},
    )


def _accept(path: Path) -> dict[str, str]:
    return {"size": str(path.stat().st_size)}


def _reject(path: Path) -> dict[str, str]:
    raise DataValidationError([f"{path}: broken"])


def test_session_retries_get_and_post_with_backoff_on_passing_errors() -> None:
    retry = make_session(FAST).get_adapter(URL).max_retries
    assert retry.total == FAST.retries
    assert retry.connect == retry.read == retry.status == FAST.retries
    assert {"GET", "POST"} <= set(retry.allowed_methods)
    assert set(RETRY_STATUSES) <= set(retry.status_forcelist)
    assert retry.backoff_factor == FAST.backoff
    assert retry.raise_on_status is False


@responses.activate
def test_a_passing_server_error_is_retried_then_succeeds() -> None:
    responses.add(responses.GET, URL, status=503, body="busy")
    responses.add(responses.GET, URL, status=200, body=b"data")
    assert download(make_session(FAST), URL, FAST) == b"data"
    assert len(responses.calls) == 2


@responses.activate
def test_an_error_that_persists_names_url_status_and_service_message() -> None:
    for _ in range(FAST.retries + 1):
        responses.add(responses.GET, URL, status=500, json={"error": "Database offline"})
    with pytest.raises(FetchError) as caught:
        download(make_session(FAST), URL, FAST)
    message = str(caught.value)
    assert URL in message and "HTTP 500" in message and "Database offline" in message
    assert "\n" not in message
    assert caught.value.status == 500
    assert len(responses.calls) == FAST.retries + 1


@responses.activate
def test_a_client_error_is_not_retried() -> None:
    responses.add(responses.POST, URL, status=400, body="Parameter error")
    with pytest.raises(FetchError, match="HTTP 400.*Parameter error"):
        download(make_session(FAST), URL, FAST, json_body={"query": []})
    assert len(responses.calls) == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<html><head><title>404 - Not Found</title></head><body>x</body></html>", "404 - Not"),
        ('{"title": "Too many cells selected", "status": 403}', "Too many cells selected"),
        ("Line one\nline two", "Line one line two"),
        ("", "no message"),
    ],
)
@responses.activate
def test_service_messages_are_one_short_line(body: str, expected: str) -> None:
    responses.add(responses.GET, URL, status=403, body=body)
    with pytest.raises(FetchError) as caught:
        download(make_session(FAST), URL, FAST)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("exception", "expected"),
    [
        (requests.exceptions.ReadTimeout("read timed out"), "no answer within 5 s"),
        (requests.exceptions.ConnectTimeout("connect timed out"), "no answer within 5 s"),
        (requests.exceptions.ConnectionError("Name or service not known"), "cannot connect"),
        (requests.exceptions.ChunkedEncodingError("IncompleteRead"), "broke off"),
    ],
)
@responses.activate
def test_timeouts_and_network_failures_name_the_url(exception, expected) -> None:
    responses.add(responses.GET, URL, body=exception)
    with pytest.raises(FetchError) as caught:
        download(make_session(FAST), URL, FAST)
    assert str(caught.value).startswith(URL)
    assert expected in str(caught.value)
    assert caught.value.status is None


def test_write_atomically_moves_only_a_validated_file(tmp_path: Path) -> None:
    target = tmp_path / "file.csv"
    target.write_bytes(b"good")
    with pytest.raises(DataValidationError):
        write_atomically(target, lambda path: path.write_bytes(b"bad"), _reject)
    assert target.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["file.csv"]  # no temporary left
    facts = write_atomically(target, lambda path: path.write_bytes(b"better"), _accept)
    assert target.read_bytes() == b"better"
    assert facts == {"size": "6"}
    assert [p.name for p in tmp_path.iterdir()] == ["file.csv"]


def test_store_writes_registers_and_keeps_the_checksum(tmp_path: Path) -> None:
    outcome = store(b"payload", _record(), _accept, raw_dir=tmp_path)
    assert outcome.written and outcome.relative == "kas/table.json"
    (entry,) = load_registry(tmp_path)
    assert entry.sha256 == sha256_file(tmp_path / "kas/table.json") == outcome.sha256
    assert entry.extra == {"query": "{}", "size": "7"}
    assert entry.url == URL and entry.produced_by.startswith("caretrends fetch kas")


def test_store_does_not_write_unchanged_bytes_again(tmp_path: Path) -> None:
    first = store(b"payload", _record(), _accept, raw_dir=tmp_path)
    again = store(b"payload", _record("kas/other-name.json"), _accept, raw_dir=tmp_path)
    assert not again.written
    assert again.relative == first.relative and again.sha256 == first.sha256
    assert "unchanged" in again.describe()
    assert sorted(p.name for p in (tmp_path / "kas").iterdir()) == ["table.json"]
    assert len(load_registry(tmp_path)) == 1


def test_store_replaces_a_changed_version_and_notes_what_it_replaced(tmp_path: Path) -> None:
    first = store(b"version 1", _record(), _accept, raw_dir=tmp_path)
    second = store(b"version 2", _record(), _accept, raw_dir=tmp_path)
    assert second.written and second.sha256 != first.sha256
    (entry,) = load_registry(tmp_path)
    assert entry.sha256 == second.sha256
    assert entry.extra["replaces_sha256"] == first.sha256
    assert (tmp_path / "kas/table.json").read_bytes() == b"version 2"


def test_store_leaves_good_data_and_register_alone_when_validation_fails(tmp_path: Path) -> None:
    store(b"good", _record(), _accept, raw_dir=tmp_path)
    before = (tmp_path / "sources.yaml").read_text()
    with pytest.raises(DataValidationError):
        store(b"truncat", _record(), _reject, raw_dir=tmp_path)
    assert (tmp_path / "kas/table.json").read_bytes() == b"good"
    assert (tmp_path / "sources.yaml").read_text() == before


class _LocalService(http.server.BaseHTTPRequestHandler):
    """A service on the loopback interface: /flaky fails once, /slow answers too late."""

    hits: ClassVar[dict[str, int]] = {}

    def do_GET(self) -> None:  # the name http.server calls
        count = self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.path == "/slow":
            time.sleep(0.6)
        status = 503 if self.path == "/flaky" and count == 1 else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def local_service():
    _LocalService.hits = {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _LocalService)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_urllib3_itself_retries_errors_and_timeouts(local_service: str) -> None:
    """Without mocks: the retry policy as urllib3 applies it to a real socket."""
    quick = HttpSettings(timeout=0.2, retries=1, backoff=0.0)
    session = make_session(quick)
    assert download(session, f"{local_service}/flaky", quick) == b"ok"
    assert _LocalService.hits["/flaky"] == 2
    with pytest.raises(FetchError, match=r"/slow: no answer within 0\.2 s"):
        download(session, f"{local_service}/slow", quick)
    assert _LocalService.hits["/slow"] == 2


def test_a_closed_port_reads_as_cannot_connect() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/data"
    with pytest.raises(FetchError, match="cannot connect") as caught:
        download(make_session(FAST), url, FAST)
    assert str(caught.value).startswith(url)
