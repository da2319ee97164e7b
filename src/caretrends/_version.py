"""The installed version of caretrends, recorded in every manifest and exported file."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__: str = version("caretrends")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
