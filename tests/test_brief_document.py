"""The brief as PDF (Typst) and Word: pages, fonts, language, text kept whole and literal."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import docx
import matplotlib
import pandas as pd
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from caretrends.brief.document import (
    WORD_LANGUAGE,
    BriefBox,
    BriefDocument,
    BriefFigure,
    render_brief,
    render_docx,
    render_pdf,
)
from caretrends.errors import CaretrendsError, DataValidationError

matplotlib.use("Agg")
import matplotlib.pyplot as plt

A4_POINTS = (595.28, 841.89)
SYNTHETIC_NOTE = {
    "en": "SYNTHETIC DATA: these rows describe no real child and demonstrate the method only",
    "sq": "TË DHËNA SINTETIKE: këto rreshta nuk përshkruajnë asnjë fëmijë të vërtetë",
    "sr": "SINTETIČKI PODACI: ovi redovi ne opisuju nijedno stvarno dete, samo metod",
}
HEADINGS = {
    "en": {
        "key_messages": "Key messages",
        "key_numbers": "Key numbers",
        "figure": "Figure",
        "sources_and_caveats": "Sources and caveats",
        "methods": "Methods",
        "references": "References",
        "publisher": "Published by",
        "page": "Page",
        "date": "Date",
    },
    "sq": {
        "key_messages": "Mesazhet kryesore",
        "key_numbers": "Numrat kryesorë",
        "figure": "Figura",
        "sources_and_caveats": "Burimet dhe kufizimet",
        "methods": "Metodat",
        "references": "Referencat",
        "publisher": "Botuar nga",
        "page": "Faqja",
        "date": "Data",
    },
    "sr": {
        "key_messages": "Ključne poruke",
        "key_numbers": "Ključni brojevi",
        "figure": "Slika",
        "sources_and_caveats": "Izvori i ograničenja",
        "methods": "Metode",
        "references": "Reference",
        "publisher": "Izdavač",
        "page": "Strana",
        "date": "Datum",
    },
}
MESSAGES = {
    "en": [
        "1\xa0234 children were abandoned in 2024: more than three every day.",
        "Most children aged 0–2 in residential care live in Prishtina; family care must grow.",
        "Prevention works: supported families keep their children more often.",
    ],
    "sq": [
        "Numri i fëmijëve të braktisur mbetet i lartë: 1\xa0234 në vitin 2024.",
        "Shumica e fëmijëve 0–2 vjeç në kujdes rezidencial janë në Prishtinë.",
        "Parandalimi funksionon: familjet e mbështetura i mbajnë fëmijët më shpesh.",
    ],
    "sr": [
        "Broj napuštene dece ostaje visok: 1\xa0234 u 2024. godini, više od troje dnevno.",
        "Većina dece rođene posle 2022. u rezidencijalnom smeštaju živi u Prištini.",
        "Prevencija deluje: podržane porodice češće zadržavaju svoju decu.",
    ],
}


def _key_numbers(lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Measure": ["Abandoned children", "Per 1 000 births", "Neonatal ward", "Permanency"],
            "Period": ["2024", "2024", "2024", "2019–2024"],
            "Value": ["1\xa0234", "4.1", "c", "38%"],
            "Change": ["+34 (+2.8%) vs 2023", "−0.2 vs 2023", None, ""],
            "Estimate": ["APC −3.1% (−5.2% to −1.0%)", "", "", "38.0% (31.2% to 45.1%)"],
            "Source": ["KAS", "KAS, MoH", "UCCK", "Synthetic case records"],
            "Note": ["", "", "c = small count, hidden", SYNTHETIC_NOTE[lang]],
        }
    )


def _save_chart(path: Path, width_inches: float) -> Path:
    figure, axes = plt.subplots(figsize=(width_inches, 2.2))
    axes.plot([2019, 2020, 2021, 2022, 2023, 2024], [30, 28, 25, 27, 22, 20], marker="o")
    axes.set_ylabel("children")
    figure.savefig(path, dpi=300, bbox_inches="tight")
    plt.close(figure)
    return path


@pytest.fixture(scope="module")
def charts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("charts")
    return _save_chart(folder / "trend.png", 3.2), _save_chart(folder / "exits.png", 6.6)


def _brief(lang: str, charts: tuple[Path, Path]) -> BriefDocument:
    return BriefDocument(
        lang=lang,
        title={"en": "Child abandonment", "sq": "Braktisja e fëmijëve", "sr": "Napuštanje dece"}[
            lang
        ],
        subtitle="Kosovo, 2015–2024",
        date="29.11.2026",
        key_messages=MESSAGES[lang],
        key_numbers=_key_numbers(lang),
        figures=[
            BriefFigure(charts[0], "Abandoned children per year", "Line chart, falling", "half"),
            BriefFigure(charts[1], f"Exits from care ({SYNTHETIC_NOTE[lang]})", "Curves", "full"),
        ],
        sources_and_caveats=[
            "KAS: births and abandoned children, 2015–2024.",
            "Counts below 5 are hidden (c).",
            SYNTHETIC_NOTE[lang],
        ],
        methods=[
            "Trend: log-linear Poisson regression, annual percent change (APC).",
            "Intervals: 95%; Wilson for proportions.",
            "Exits: cumulative incidence with competing risks.",
            "Comparison: interrupted time series.",
            "Disclosure: cells below 5 shown as c.",
        ],
        run_id=f"2026-11-29-{lang}-r1",
        commit="9410849",
        headings=HEADINGS[lang],
        asks=BriefBox(
            "What the NGO asks", ["Fund counselling in maternity wards."], "Its position."
        ),
        publisher=["SOS Children's Villages Kosovo", "Website: http://soskosova.org/"],
        references=[
            f"KAS. Birth statistics {year}. http://ask.rks-gov.net/{year}" for year in (2023, 2024)
        ],
        footer="SOS Children's Villages Kosovo · 29.11.2026",
    )


def _pdf_text(path: Path) -> str:
    """The PDF's text, as a reader's copy-and-paste gets it, with whitespace collapsed."""
    text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    return text.replace("\xa0", " ").split()


@pytest.fixture(scope="module")
def rendered(
    charts: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("briefs")
    return {lang: render_brief(_brief(lang, charts), folder / lang) for lang in HEADINGS}


@pytest.mark.parametrize("lang", list(HEADINGS))
def test_render_brief_writes_both_files_named_by_language(rendered, lang) -> None:
    files = rendered[lang]
    assert files["pdf"].name == f"brief-{lang}.pdf"
    assert files["docx"].name == f"brief-{lang}.docx"
    assert files["pdf"].read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("lang", list(HEADINGS))
def test_pdf_is_two_to_four_a4_pages_with_embedded_fonts_in_its_language(rendered, lang) -> None:
    data = rendered[lang]["pdf"].read_bytes()
    assert 2 <= len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) <= 4
    boxes = re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)
    assert boxes
    for box in boxes:
        width, height = (float(v) for v in box.split()[2:])
        assert (width, height) == pytest.approx(A4_POINTS, abs=0.1)
    assert re.search(rb"/FontFile\d?", data)
    assert f"/Lang({lang})".encode() in data


@pytest.mark.parametrize("lang", list(HEADINGS))
def test_pdf_text_keeps_numbers_letters_and_synthetic_notes_whole(rendered, lang) -> None:
    text = _pdf_text(rendered[lang]["pdf"])
    for word in ["1 234", "−3.1%", "2019–2024", "http://ask.rks-gov.net/2024"]:
        assert word in text.replace("\xa0", " ")
    for key, heading in HEADINGS[lang].items():
        assert heading in text or key == "date"  # the date is the footer's, unheaded
    # The run and the code version are the file's, not the reader's: in its properties.
    keywords = PdfReader(rendered[lang]["pdf"]).metadata["/Keywords"]
    assert "9410849" in keywords and f"2026-11-29-{lang}-r1" in keywords
    assert PdfReader(rendered[lang]["pdf"]).metadata["/Author"] == "SOS Children's Villages Kosovo"
    # Table cells and captions wrap but are never cut: every word is printed.
    assert set(_words(SYNTHETIC_NOTE[lang])) <= set(_words(text))
    assert text.count(_words(SYNTHETIC_NOTE[lang])[-1]) >= 3


def test_pdf_text_keeps_albanian_and_serbian_latin_letters(rendered) -> None:
    assert "Numrat kryesorë" in _pdf_text(rendered["sq"]["pdf"])
    assert "mbështetura" in _pdf_text(rendered["sq"]["pdf"])
    serbian = _pdf_text(rendered["sr"]["pdf"])
    for word in ["Ključni", "SINTETIČKI", "rođene", "smeštaju", "Većina", "češće", "zadržavaju"]:
        assert word in serbian


def test_pdf_prints_typst_markup_characters_literally(charts, tmp_path) -> None:
    tricky = r"#pagebreak() $x^2$ *bold* _it_ <label> @ref \ [link] {code} // not a comment"
    base = _brief("en", charts)
    doc = replace(
        base,
        title=tricky,
        key_messages=[tricky],
        key_numbers=base.key_numbers.assign(Note=tricky),
        figures=[replace(base.figures[0], caption=tricky)],
        methods=[tricky],
    )
    text = _pdf_text(render_pdf(doc, tmp_path / "tricky.pdf"))
    assert text.count(tricky) >= 4


def test_pdf_takes_a_vector_figure_when_there_is_one(charts, tmp_path) -> None:
    svg = tmp_path / "trend.svg"
    figure, axes = plt.subplots(figsize=(3.2, 2.2))
    axes.plot([1, 2, 3], [3, 1, 2])
    figure.savefig(svg)
    plt.close(figure)
    base = _brief("en", charts)
    doc = replace(base, figures=[replace(base.figures[0], path_vector=svg)])
    assert render_pdf(doc, tmp_path / "vector.pdf").stat().st_size > 0


@pytest.mark.parametrize("lang", list(HEADINGS))
def test_docx_has_the_same_content_and_the_brief_language(rendered, lang) -> None:
    document = docx.Document(str(rendered[lang]["docx"]))
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    table = _key_numbers(lang)
    for value in table.fillna("").to_numpy().ravel():
        assert any(value in c for c in cells)
    assert set(table.columns) <= cells
    body = "\n".join(c for c in cells) + "\n".join(p.text for p in document.paragraphs)
    for message in MESSAGES[lang]:
        assert message in body
    assert document.core_properties.language == WORD_LANGUAGE[lang]
    normal = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert normal.get(qn("w:val")) == WORD_LANGUAGE[lang]
    footer = document.sections[0].footer.paragraphs[0].text
    assert (
        "SOS Children's Villages Kosovo · 29.11.2026" in footer and HEADINGS[lang]["page"] in footer
    )
    # Word lists the sections in its navigation pane: every box is a real heading.
    headed = {p.text for p in document.paragraphs if p.style.name == "Heading 1"}
    for key in ("key_numbers", "sources_and_caveats", "methods", "references", "publisher"):
        assert HEADINGS[lang][key] in headed
    assert {"What the NGO asks", HEADINGS[lang]["key_messages"]} <= headed
    assert document.core_properties.title == document.paragraphs[0].text
    assert document.core_properties.author == "SOS Children's Villages Kosovo"


def test_docx_embeds_the_figures_at_their_printed_width_with_descriptions(rendered) -> None:
    document = docx.Document(str(rendered["sq"]["docx"]))
    shapes = document.inline_shapes
    assert [round(s.width.mm) for s in shapes] == [82, 170]
    assert [s._inline.docPr.get("descr") for s in shapes] == ["Line chart, falling", "Curves"]
    key_numbers = next(t for t in document.tables if len(t.columns) == 7)
    assert all(r.bold for c in key_numbers.rows[0].cells for r in c.paragraphs[0].runs)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("Figura 2: Exits from care") for c in captions)


def test_brief_rejects_an_unknown_language_missing_heading_and_bad_figure(charts) -> None:
    base = _brief("en", charts)
    headings = {k: v for k, v in HEADINGS["en"].items() if k != "methods"}
    figure = replace(base.figures[0], width="third")
    with pytest.raises(DataValidationError) as caught:
        replace(base, lang="de", headings=headings, figures=[figure])
    assert len(caught.value.problems) == 3


def test_missing_figure_file_is_named(charts, tmp_path) -> None:
    base = _brief("en", charts)
    doc = replace(base, figures=[replace(base.figures[0], path_png=tmp_path / "gone.png")])
    with pytest.raises(CaretrendsError, match="gone.png"):
        render_pdf(doc, tmp_path / "x.pdf")
    with pytest.raises(CaretrendsError, match="gone.png"):
        render_docx(doc, tmp_path / "x.docx")


def test_pdf_is_the_same_bytes_for_the_same_brief(charts, tmp_path) -> None:
    doc = _brief("sq", charts)
    first = render_pdf(doc, tmp_path / "first.pdf").read_bytes()
    assert render_pdf(doc, tmp_path / "second.pdf").read_bytes() == first
