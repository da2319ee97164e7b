"""The synthetic generator: deterministic, shaped like the public figures, messy on purpose."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from caretrends import paths
from caretrends.cases import clean_case_file
from caretrends.cases.cli import synth_command
from caretrends.cases.demo.files import DEMO_SEED, demo_exports, write_demo_set
from caretrends.cases.demo.simulate import simulate_counselling, simulate_episodes
from caretrends.provenance import load_registry, sha256_file


@pytest.fixture(scope="module")
def exports():
    return demo_exports(seed=DEMO_SEED)


def test_the_bundled_demo_set_is_what_its_registered_command_writes(tmp_path: Path) -> None:
    bundled = [r for r in load_registry() if r.kind in {"episodes", "counselling"}]
    assert len(bundled) == 6 and all(r.synthetic for r in bundled)
    command = synth_command(DEMO_SEED, 1.0, paths.raw_dir() / "cases")
    assert {r.produced_by for r in bundled} == {command}
    written = {p.name: p for p in write_demo_set(tmp_path, seed=DEMO_SEED)}
    for record in bundled:
        path = paths.raw_dir() / record.path
        assert "synthetic" in path.name
        assert sha256_file(path) == record.sha256 == sha256_file(written[path.name])
    total = sum(p.stat().st_size for p in written.values())
    assert total < 1_000_000


def test_every_injected_fault_is_rejected_exactly(exports, tmp_path: Path) -> None:
    from caretrends.cases.demo.files import write_export

    for export in exports:
        result = clean_case_file(write_export(export, tmp_path), kind=export.kind, synthetic=True)
        assert result.report["synthetic"].iloc[0] and result.data["synthetic"].all()
        first_reason = result.rejects.drop_duplicates("source_row")["reason"]
        found = {
            key: int(first_reason.str.startswith(key).sum()) for key in export.expected_rejects
        }
        assert found == export.expected_rejects, export.file_name
        assert result.report["rows_rejected"].iloc[0] == sum(found.values())


def test_the_exports_mix_languages_encodings_and_date_styles(exports) -> None:
    languages = {e.office.language for e in exports}
    encodings = {e.office.encoding for e in exports}
    assert languages == {"en", "sq", "sr"}
    assert {"cp1250", "cp1252", "utf_8_sig", "utf_8", "xlsx"} <= encodings
    assert {e.office.date_format for e in exports} >= {"%d.%m.%Y", "%Y-%m-%d", "excel"}


def test_infant_entries_follow_the_public_kosovo_trend() -> None:
    episodes = simulate_episodes(np.random.default_rng(7), scale=4.0)
    first = episodes.groupby("child").first()
    infants = first[first["entry_reason"].isin(["abandoned_at_birth", "relinquished"])]
    per_year = infants["episode_start"].dt.year.value_counts() / 4.0
    assert 42 <= per_year.loc[2009:2011].mean() <= 62  # about fifty around 2010
    assert 17 <= per_year.loc[2021:2024].mean() <= 30  # towards twenty in the 2020s


def test_paths_exits_and_censoring_look_like_care_records() -> None:
    episodes = simulate_episodes(np.random.default_rng(3), scale=2.0)
    last = episodes.groupby("child").last()
    exits = last["exit_reason"].value_counts(normalize=True)
    for kind in ("reunified", "adopted", "guardianship", "long_term_foster"):
        assert exits[kind] > 0.08
    assert 0.03 < last["episode_end"].isna().mean() < 0.3  # some still in care
    assert episodes.groupby("child").size().max() <= 3
    assert (episodes["birth_date"] <= episodes["episode_start"]).all()


def test_counselling_outcomes_improve_over_the_years() -> None:
    records = simulate_counselling(np.random.default_rng(5), scale=5.0)
    year = records["counselling_date"].dt.year
    stayed = records["outcome"].eq("stayed_with_family").groupby(year).mean()
    assert records["counselling_date"].min().year == 2013
    assert stayed.loc[2022:2025].mean() > stayed.loc[2013:2016].mean() + 0.05
