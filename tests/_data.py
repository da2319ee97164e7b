"""Public datasets bundled for the tests (``tests/data/``; its README names each source)."""

from pathlib import Path

TEST_DATA = Path(__file__).parent / "data"
