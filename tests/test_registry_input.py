"""A bad ``data/raw/sources.yaml`` or case file outside its folder is refused in one line."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from caretrends import paths, provenance
from caretrends.cases.load import load_cases, private_case_files
from caretrends.errors import DataValidationError
from caretrends.yamlfile import ConfigError

ENTRY = (
    "- path: kosovo/figures.csv\n  kind: observations-figures\n  title: t\n  producer: p\n"
    "  url: u\n  obtained: '2026-01-01'\n  licence: l\n  produced_by: b\n  sha256: s\n"
)


def _refusal(raw: Path, content: str | bytes) -> str:
    """Write ``content`` as the register of ``raw``; return the one line refusing it."""
    registry = provenance.registry_path(raw)
    if isinstance(content, bytes):
        registry.write_bytes(content)
    else:
        registry.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        provenance.load_registry(raw)
    assert len(caught.value.problems) == 1, caught.value.problems
    (line,) = caught.value.problems
    assert line.startswith(f"{registry}: ") and "\n" not in line
    return line


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (b"\x81\xfe\x93random\xff", "not UTF-8 text (offset 0)"),
        (b"\x00\x89PNG", "a binary file"),
        ("- path: [unclosed\n", "not valid YAML at line 2"),
        ("path: a.csv\n", "expected a list of entries, found {'path': 'a.csv'}"),
        (
            "- kosovo/figures.csv\n",
            "entry 1: expected a mapping of keys, found 'kosovo/figures.csv'",
        ),
        (ENTRY.replace("  sha256: s\n", ""), "entry 1 (kosovo/figures.csv): key sha256: missing"),
        (ENTRY + "  colour: red\n", "entry 1 (kosovo/figures.csv): key colour: unknown key"),
        (ENTRY + "  synthetic: maybe\n", "entry 1 (kosovo/figures.csv): key synthetic: "),
        (ENTRY.replace("title: t", "title: [a, b]"), "entry 1 (kosovo/figures.csv): key title: "),
    ],
)
def test_a_malformed_register_is_refused_in_one_line(
    raw_dir: Path, content: str | bytes, complaint: str
) -> None:
    assert complaint in _refusal(raw_dir, content)


@pytest.mark.parametrize("seed", range(20))
def test_random_bytes_as_the_register_are_refused_in_one_line(raw_dir: Path, seed: int) -> None:
    _refusal(raw_dir, random.Random(seed).randbytes(200))


def test_the_unknown_key_line_lists_the_keys_allowed(raw_dir: Path) -> None:
    line = _refusal(raw_dir, ENTRY + "  colour: red\n")
    assert line.endswith("(allowed: path, kind, title, producer, url, obtained, licence, "
                         "produced_by, sha256, synthetic, notes, extra)")  # fmt: skip


@pytest.mark.parametrize("given", ["../../outside/k2.csv", "/etc/hostname"])
def test_a_registered_path_outside_the_raw_folder_is_refused_by_name(
    raw_dir: Path, given: str
) -> None:
    line = _refusal(raw_dir, ENTRY.replace("kosovo/figures.csv", given))
    assert line.endswith(f"entry 1 ({given}): key path: resolves outside {raw_dir}")


def test_a_registered_symlink_out_of_the_raw_folder_is_refused_before_it_is_read(
    raw_dir: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("secret\n")
    (raw_dir / "kosovo" / "link.csv").symlink_to(outside)
    line = _refusal(raw_dir, ENTRY.replace("kosovo/figures.csv", "kosovo/link.csv"))
    assert "(kosovo/link.csv): key path: resolves outside" in line


def test_the_bundled_register_still_loads() -> None:
    assert provenance.load_registry(paths.raw_dir())


def test_a_private_case_file_linking_outside_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data" / "private" / "cases" / "episodes").mkdir(parents=True)
    monkeypatch.setenv("CARETRENDS_ROOT", str(tmp_path))
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("child_id;birth_date\n1;2020-01-01\n")
    link = paths.private_dir() / "cases" / "episodes" / "k2.csv"
    link.symlink_to(elsewhere)
    with pytest.raises(DataValidationError) as caught:
        private_case_files("episodes")
    assert caught.value.problems == [f"{link}: resolves outside {paths.private_dir()}"]
    with pytest.raises(DataValidationError, match="k2.csv: resolves outside"):
        load_cases("episodes", source="private")


def test_a_private_case_file_inside_the_folder_is_listed(tmp_path: Path) -> None:
    folder = tmp_path / "cases" / "counselling"
    folder.mkdir(parents=True)
    (folder / "real.csv").write_text("a\n1\n")
    (folder / "alias.csv").symlink_to(folder / "real.csv")
    assert private_case_files("counselling", tmp_path) == [
        folder / "alias.csv",
        folder / "real.csv",
    ]
