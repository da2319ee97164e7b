"""What the command line needs before it fetches anything: the patience with a service
(:class:`HttpSettings`) and the names of the fetch configurations. Kept free of requests,
pandas and YAML so that ``caretrends --help`` starts quickly."""

from __future__ import annotations

from dataclasses import dataclass

#: The KAS mapping file inside ``config/``.
KAS_CONFIG_NAME = "kas_tables.yaml"

#: The TransMonEE fetch configuration inside ``config/``.
TRANSMONEE_CONFIG_NAME = "transmonee_fetch.yaml"


@dataclass(frozen=True)
class HttpSettings:
    """Patience with a service."""

    #: Seconds to wait for a connection, and again for each read.
    timeout: float = 60.0
    #: Further tries after a connection error, a timeout or a
    #: :data:`~caretrends.sources.http.RETRY_STATUSES` answer.
    retries: int = 3
    #: Backoff factor: urllib3 waits ``backoff * 2 ** (n - 1)`` seconds before the n-th
    #: retry after the first (capped at two minutes), or what ``Retry-After`` asks.
    backoff: float = 2.0
