"""The gettext catalogs: current with the English, compiled, checked, and a translator's
edit reaching a figure (caretrends.labels.po, ``caretrends translations``)."""

from __future__ import annotations

import shutil

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from caretrends import paths
from caretrends.cli import main
from caretrends.labels import po, terms
from caretrends.labels.terms import CATALOG_FOLDERS, Entry, catalog_file, label
from tests._standard_figures import build

TRANSLATED = tuple(CATALOG_FOLDERS)


def keys_of(catalog) -> list[tuple[str, object]]:
    return [(m.context, m.id) for m in catalog if m.id]


@pytest.fixture
def catalogs_copy(tmp_path, monkeypatch):
    """The committed catalogs copied to a folder the test may change, and read from it."""
    copy = tmp_path / "locale"
    shutil.copytree(paths.locale_dir(), copy)
    monkeypatch.setattr(paths, "locale_dir", lambda: copy)
    for cached in (terms.translations, terms.catalog, terms.review_notes):
        cached.cache_clear()
    yield copy
    for cached in (terms.translations, terms.catalog, terms.review_notes):
        cached.cache_clear()


@pytest.mark.parametrize("domain", po.DOMAINS)
def test_the_committed_template_is_current_with_the_english(domain: str) -> None:
    committed = po.read_catalog(po.template_file(domain))
    assert keys_of(committed) == keys_of(po.templates()[domain]), (
        "run `caretrends translations export` and commit the catalogs"
    )


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("domain", po.DOMAINS)
def test_the_compiled_catalogs_match_their_po_files(lang: str, domain: str) -> None:
    compiled = po.mo_bytes(po.read_catalog(catalog_file(lang, domain)))
    assert catalog_file(lang, domain, "mo").read_bytes() == compiled


@pytest.mark.parametrize("lang", TRANSLATED)
def test_nothing_is_untranslated_or_inconsistent_with_the_glossary(lang: str) -> None:
    report = po.check(lang)
    assert report.untranslated == [] and report.inconsistent == []
    assert not report.failed() and report.failed(strict=True) == bool(report.fuzzy)


def test_serbian_has_three_plural_forms_and_albanian_two() -> None:
    assert [label("model.its.points_before", "sr", n=n) for n in (1, 2, 5)] == [
        "1 tačka pre nje",
        "2 tačke pre nje",
        "5 tačaka pre nje",
    ]
    assert label("model.joinpoint.found", "sr", n=2, where="2014, 2019", chosen_by="x").startswith(
        "2 tačke preloma"
    )
    assert [label("model.its.points_after", "sq", n=n) for n in (1, 2, 5)] == [
        "1 pikë pas saj",
        "2 pika pas saj",
        "5 pika pas saj",
    ]
    assert label("model.its.points_after", "en", n=1) == "1 point after it"
    # a count formatted for the reader (a thousands separator) still chooses the form
    assert label("model.its.points_before", "sr", n="1\u00a0002") == "1\u00a0002 tačke pre nje"


def test_a_translators_edit_reaches_a_figure_title(catalogs_copy) -> None:
    path = catalog_file("sq", po.LABELS_DOMAIN)
    catalog = po.read_catalog(path)
    catalog.get(
        "Abandoned children per 1,000 live births in Kosovo", context="brief.per_births_title"
    ).string = "Titull i rishikuar nga përkthyesi"
    path.write_bytes(po.po_bytes(catalog))
    written = po.export()
    assert catalog_file("sq", po.LABELS_DOMAIN, "mo") in written
    assert path not in written  # the reviewed file goes back in unchanged
    chart = build("kosovo_abandoned_per_births", "sq", "brief_half")
    FigureCanvasAgg(chart.figure).draw()
    texts = [t.get_text() for t in chart.figure.findobj(Text)]
    assert any("Titull i rishikuar nga përkthyesi" in text for text in texts)


def test_export_marks_new_and_changed_english_fuzzy_and_check_reports_them(
    catalogs_copy, monkeypatch, capsys
) -> None:
    english = dict(terms.english())
    english["year"] = Entry(text="Calendar year")
    english["brand_new"] = Entry(text="A new text for {sources}")
    monkeypatch.setattr(po, "english", lambda: english)
    po.export()
    catalog = po.read_catalog(catalog_file("sr"))
    changed = catalog.get("Calendar year", context="year")
    assert changed.fuzzy and changed.string == "Godina"
    # the previous English for the PO editor's diff (Babel writes it but does not read it)
    previous = '#| msgid "Year"\nmsgctxt "year"\nmsgid "Calendar year"'
    assert previous in catalog_file("sr").read_text(encoding="utf-8")
    new = catalog.get("A new text for {sources}", context="brand_new")
    assert new.fuzzy and not new.string
    assert any(c.startswith("Sample: A new text for KAS") for c in new.auto_comments)
    report = po.check("sr")
    assert report.untranslated == ["messages: brand_new"]
    assert ("messages: year", "new or changed English") in report.fuzzy
    assert main(["translations", "check", "--language", "sr"]) == 1
    out = capsys.readouterr().out
    assert "sr: 1 untranslated" in out and "untranslated  messages: brand_new" in out


def test_a_new_source_description_takes_no_other_descriptions_translation(
    catalogs_copy, monkeypatch
) -> None:
    sources = po.templates()[terms.SOURCES_DOMAIN]
    sources.add("A description added to the registry")
    monkeypatch.setattr(po, "templates", lambda: {terms.SOURCES_DOMAIN: sources})
    po.export()
    added = po.read_catalog(catalog_file("sq", terms.SOURCES_DOMAIN)).get(
        "A description added to the registry"
    )
    assert added.fuzzy and not added.string


def test_check_fails_only_strictly_on_fuzzy_entries(capsys) -> None:
    assert main(["translations", "check"]) == 0
    assert main(["translations", "check", "--strict"]) == 1
    out = capsys.readouterr().out
    assert "fuzzy         messages: no_data: project wording" in out


def test_a_glossary_term_the_translation_drops_is_reported(catalogs_copy) -> None:
    path = catalog_file("sq")
    catalog = po.read_catalog(path)
    catalog.get("Reunited with parents", context="outcome.reunited").string = "Kthyer në shtëpi"
    path.write_bytes(po.po_bytes(catalog))
    assert po.glossary_problems("sq") == [
        "outcome.reunited: 'Kthyer në shtëpi' does not use the glossary term "
        "'ribashkim familjar' (reunification)"
    ]


def test_export_of_the_committed_catalogs_changes_nothing(catalogs_copy) -> None:
    assert po.export() == []
