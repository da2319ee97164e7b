"""caretrends: evidence on child abandonment (ages 0-3) and alternative-care outcomes.

Use it in a notebook as ``import caretrends as ct``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__: str = version("caretrends")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
