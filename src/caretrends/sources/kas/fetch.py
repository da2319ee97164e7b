"""``caretrends fetch kas``: tables of the Kosovo Agency of Statistics' ASKdata (PxWeb).

Configured tables (``config/kas_tables.yaml``) are asked for as JSON-stat 2 and kept as
received in ``data/raw/kas``; :mod:`caretrends.sources.kas.mapping` reads them.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from pathlib import Path

import requests

from caretrends.errors import ParameterError
from caretrends.sources.http import (
    FetchRequest,
    HttpSettings,
    Stored,
    download,
    fetch_each,
    make_session,
    pending_record,
    short_digest,
)
from caretrends.sources.kas import mapping

KAS_DIR = "kas"


def fetch_kas(
    tables: Sequence[str],
    *,
    raw_dir: Path | None = None,
    settings: HttpSettings | None = None,
    session: requests.Session | None = None,
    config: mapping.KasConfig | None = None,
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
        Defaults to :func:`caretrends.sources.mapping.load_kas_config`.

    Raises
    ------
    ParameterError
        Before any request, when a table is not configured or has no known path.
    FetchError
        After trying every table, when any failed.
    """
    config = config or mapping.load_kas_config()
    chosen = [config.table(name) for name in tables]
    _require_paths(chosen, config)
    settings = settings or HttpSettings()
    session = session or make_session(settings)
    requests_ = []
    for table in chosen:
        url = config.url(str(table.path))
        body = mapping.pxweb_query(table)
        query_text = json.dumps(body, ensure_ascii=False, sort_keys=True)
        record = pending_record(
            f"{KAS_DIR}/{table.key}-{short_digest(url, query_text)}.json",
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
        requests_.append(FetchRequest(record, _kas_facts, body=body))
    return fetch_each(requests_, session, settings, raw_dir)


def _require_paths(tables: Sequence[mapping.KasTable], config: mapping.KasConfig) -> None:
    unknown = [t for t in tables if not t.path]
    if unknown:
        raise ParameterError(
            "; ".join(
                f"KAS table {t.key!r} has no path yet in {mapping.KAS_CONFIG_NAME}: find it with "
                f"`caretrends fetch kas --list {shlex.quote(t.folder or '')}` and set 'path'"
                for t in unknown
            )
        )


def _kas_facts(path: Path) -> dict[str, str]:
    dataset = mapping.check_kas_jsonstat(path)
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
    config: mapping.KasConfig | None = None,
) -> list[str]:
    """Describe an ASKdata table (``table=True``: its variables and values) or list a
    folder, for checking and writing mappings. ``what`` is a configured table key, a
    table path or a folder path (``""`` is the service's root)."""
    config = config or mapping.load_kas_config()
    settings = settings or HttpSettings()
    session = session or make_session(settings)
    if table:
        configured = config.tables.get(what)
        if configured is not None:
            _require_paths([configured], config)
            what = str(configured.path)
        url = config.url(what)
        return mapping.describe_table(download(session, url, settings), url)
    url = config.url(what) if what else config.base_url
    return mapping.describe_folder(download(session, url, settings), url)
