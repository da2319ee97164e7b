"""The brief reads the tables a run declared and fits no model; a missing table is one line."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import shutil

import pytest

import caretrends
import caretrends.models
from caretrends.brief import build_brief
from caretrends.errors import CaretrendsError
from caretrends.report.layout import published_paths

#: Functions of caretrends.models that estimate something from data.
FITTING = ("fit_", "kaplan_meier", "cumulative_incidence", "logrank_test", "simulated_power")


def _fitting_functions() -> list[tuple[object, str]]:
    """Every (module, name) of caretrends.models whose function fits or estimates."""
    found = []
    modules = [caretrends.models] + [
        importlib.import_module(f"caretrends.models.{info.name}")
        for info in pkgutil.iter_modules(caretrends.models.__path__)
    ]
    for module in modules:
        for name in dir(module):
            if name.startswith(FITTING) and callable(getattr(module, name)):
                found.append((module, name))
    return found


@pytest.fixture
def run_copy(small_report, tmp_path):
    """A copy of a small English run, whose brief the test may overwrite."""
    folder = tmp_path / "run"
    shutil.copytree(small_report("en"), folder)
    return published_paths(folder)


@pytest.fixture(scope="module")
def reconciled():
    return caretrends.load_observations("reconciled")


def test_the_brief_is_built_with_every_fitting_function_refusing(
    run_copy, reconciled, monkeypatch
) -> None:
    patched = _fitting_functions()
    assert len(patched) >= 8  # fit_rate_trend, fit_its, fit_joinpoint, fit_cox, kaplan_meier …

    def refuse(*_args, **_kwargs):
        raise AssertionError("the brief fitted a model")

    for module, name in patched:
        monkeypatch.setattr(module, name, refuse)
    for document in run_copy.brief.glob("*-en.*"):
        document.unlink()
    brief = build_brief(
        run_copy, run_id="test", commit="abc", date=dt.date(2026, 1, 5), reconciled=reconciled
    )
    assert set(brief.documents) == {"pdf", "docx", "annex_pdf", "annex_docx"}
    assert all(path.is_file() for path in brief.documents.values())
    assert "no clear change" in brief.rows["estimate_text"].iloc[0]


def test_a_missing_declared_table_is_named(run_copy, reconciled) -> None:
    (run_copy.data / "kosovo_headline.csv").unlink()
    with pytest.raises(CaretrendsError, match=r"kosovo_headline\.csv: table 'kosovo_headline'"):
        build_brief(
            run_copy, run_id="test", commit="abc", date=dt.date(2026, 1, 5), reconciled=reconciled
        )
