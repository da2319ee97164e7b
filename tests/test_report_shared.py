"""Results computed once per run and read by the run's other languages."""

from __future__ import annotations

import stat
import warnings
from pathlib import Path

import pytest

from caretrends import paths
from caretrends.errors import ParameterError
from caretrends.report import computed, run_paths
from caretrends.report.layout import DATA_LANGUAGE_ENV
from caretrends.warnings import SmallNumbersWarning


class Counted:
    """A slow computation that counts its calls and warns as a model fit may."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, values: list[int], *, scale: int = 1) -> dict[str, int]:
        self.calls += 1
        warnings.warn("fitted on 3 values", SmallNumbersWarning, stacklevel=2)
        return {"total": sum(values) * scale}


@pytest.fixture
def in_a_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(DATA_LANGUAGE_ENV, "en")
    monkeypatch.setenv(paths.CASE_CACHE_ENV, str(tmp_path / ".case-cache"))
    return tmp_path


def test_the_data_language_computes_and_the_others_read_with_the_same_warnings(
    in_a_run: Path,
) -> None:
    fit = Counted()
    results = {}
    for lang in ("en", "sq", "sr"):
        with pytest.warns(SmallNumbersWarning, match="fitted on 3 values"):
            results[lang] = computed(run_paths(in_a_run, lang), "total", fit, [1, 2, 3], scale=2)
    assert fit.calls == 1
    assert results == dict.fromkeys(("en", "sq", "sr"), {"total": 12})
    (stored,) = (in_a_run / ".case-cache").glob("result-total.pickle")
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600  # may derive from case records


def test_another_language_computes_itself_when_nothing_was_stored(in_a_run: Path) -> None:
    fit = Counted()
    with pytest.warns(SmallNumbersWarning):
        assert computed(run_paths(in_a_run, "sq"), "total", fit, [4]) == {"total": 4}
    assert fit.calls == 1 and not list(in_a_run.glob(".case-cache/result-*"))


def test_outside_a_run_the_call_is_made_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DATA_LANGUAGE_ENV, raising=False)
    fit = Counted()
    with pytest.warns(SmallNumbersWarning):
        for lang in ("en", "sq"):
            computed(run_paths(tmp_path, lang), "total", fit, [1])
    assert fit.calls == 2


def test_a_call_given_a_language_is_refused(in_a_run: Path) -> None:
    with pytest.raises(ParameterError, match="'lang'"):
        computed(run_paths(in_a_run, "en"), "title", str.upper, "x", lang="sq")
