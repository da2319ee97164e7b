"""The bundled public test datasets are the files their README describes, byte for byte."""

from __future__ import annotations

import hashlib
import re

from tests._data import TEST_DATA


def test_every_test_dataset_is_described_with_its_checksum() -> None:
    readme = (TEST_DATA / "README.md").read_text(encoding="utf-8")
    described = dict(re.findall(r"^\| `([^`]+)` \|.*`([0-9a-f]{64})` \|$", readme, flags=re.M))
    files = {p.relative_to(TEST_DATA).as_posix() for p in TEST_DATA.rglob("*.csv")}
    assert files == set(described)
    for name, checksum in described.items():
        assert hashlib.sha256((TEST_DATA / name).read_bytes()).hexdigest() == checksum, name
