"""Bad input never leaks, never lies (issue 17).

Case exports with identifiers scattered into every column and delimiter position never
put an identifier into an exception, warning, reject, report or command output. Every
bad public-data file makes ``validate`` and ``prepare`` exit 1 naming the file and where,
and leaves ``data/processed`` byte-identical. Configuration files are checked by schema.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caretrends import provenance
from caretrends.cases.clean import clean_case_file
from caretrends.cases.pseudonymise import SALT_ENV
from caretrends.cli import main
from caretrends.errors import CaretrendsError
from caretrends.pipeline.reconcile import ReconcileRules
from caretrends.schemas.configs import ConfigError, TransmoneeFetchFile, read_config
from tests._cases_helpers import TEST_SALT
from tests.conftest import figure_row, register, write_figures

REPO = Path(__file__).resolve().parents[1]

HEADER = (
    "ID deteta;Emri;JMBG;Gjinia;Data e lindjes;Data e vendosjes;Data e daljes;"
    "Arsyeja e hyrjes;Lloji i vendosjes;Arsyeja e daljes;Shënime"
)
GOOD = [
    "KS-1",
    "Valbona Gashiqeni",
    "0101990715123",
    "femër",
    "01.01.2018",
    "02.01.2018",
    "",
    "braktisur",
    "rezidencial",
    "",
    "Nëna",
]
NAMES = ["Valbona Gashiqeni", "Đorđe Čačić", "Arbër Krasniqi", "Qëndresa Berisha"]


def _leaked(text: str, identifiers: list[str]) -> list[str]:
    folded = text.casefold()
    return [i for i in identifiers if i.strip() and i.casefold() in folded]


def _clean_texts(path: Path) -> str:
    """Everything cleaning ``path`` says: error, warnings, rejects, report and data."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = clean_case_file(path, salt=TEST_SALT)
        except CaretrendsError as exc:
            return str(exc) + "\n".join(str(w.message) for w in caught)
    frames = (result.rejects, result.report, result.data)
    return "\n".join([*(str(w.message) for w in caught), *(f.to_csv() for f in frames)])


# -- case exports -------------------------------------------------------------------------


def test_an_unquoted_delimiter_names_the_line_not_the_row(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(HEADER + "\n" + ";".join([*GOOD[:-1], "Nëna; tel 044"]) + "\n")
    with pytest.raises(CaretrendsError) as caught:
        clean_case_file(path, salt=TEST_SALT)
    message = str(caught.value)
    assert message == (
        "x.csv: line 2: 12 fields where the header has 11 "
        "(an unquoted ';' inside a cell, or a field missing?)"
    )
    short = tmp_path / "y.csv"
    short.write_text(HEADER + "\n" + ";".join(GOOD[:-2]) + "\n")
    with pytest.raises(CaretrendsError, match="line 2: 9 fields where the header has 11"):
        clean_case_file(short, salt=TEST_SALT)


def test_a_name_in_a_kept_column_is_withheld(tmp_path: Path) -> None:
    row = [*GOOD]
    row[3] = "Valbona Gashiqeni 044 123 456"  # typed into the sex column
    row[4] = "0101990715123"  # a personal number in the birth date
    path = tmp_path / "x.csv"
    path.write_text(HEADER + "\n" + ";".join(row) + "\n")
    result = clean_case_file(path, salt=TEST_SALT)
    shown = dict(zip(result.rejects["column"], result.rejects["value"], strict=True))
    assert shown == {"sex": "(withheld)", "birth_date": "ddddddddddddd"}
    assert not _leaked(_clean_texts(path), ["Valbona", "044 123", "0101990715123"])


@st.composite
def _messy_export(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """An export whose rows carry names and 13-digit numbers in random columns, some
    with a delimiter, quote or line end inserted at a random place."""
    lines, identifiers = [HEADER], []
    for number in range(draw(st.integers(1, 4))):
        row = [*GOOD]
        row[0] = f"KS-{number}"
        for column in draw(st.sets(st.integers(0, len(row) - 1), max_size=4)):
            planted = draw(
                st.one_of(st.sampled_from(NAMES), st.integers(10**12, 10**13 - 1).map(str))
            )
            row[column] = planted
            identifiers.append(planted)
        line = ";".join(row)
        if draw(st.booleans()):
            at = draw(st.integers(0, len(line)))
            line = line[:at] + draw(st.sampled_from([";", '"', "\n", ";;"])) + line[at:]
        lines.append(line)
    encoding = draw(st.sampled_from(["utf-8", "cp1250", "utf-8-sig"]))
    text = "\n".join(lines) + "\n"
    return text.encode(encoding, errors="replace"), [*identifiers, *NAMES, "0101990715123"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_messy_export())
def test_no_identifier_escapes_from_any_messy_export(export: tuple[bytes, list[str]]) -> None:
    data, identifiers = export
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_bytes(data)
        said = _clean_texts(path)
    assert _leaked(said, identifiers) == []


def test_validate_and_its_output_never_quote_a_private_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "data" / "raw").mkdir(parents=True)
    private = tmp_path / "data" / "private" / "cases" / "episodes"
    private.mkdir(parents=True)
    (private / "bad.csv").write_text(HEADER + "\n" + ";".join([*GOOD[:-1], "Nëna; 044"]) + "\n")
    named = [*GOOD]
    named[3] = "Valbona Gashiqeni"
    (private / "named.csv").write_text(HEADER + "\n" + ";".join(named) + "\n")
    monkeypatch.setenv("CARETRENDS_ROOT", str(tmp_path))
    monkeypatch.setenv(SALT_ENV, TEST_SALT)
    assert main(["validate"]) == 1
    out = capsys.readouterr()
    assert "bad.csv: line 2: 12 fields" in out.out and "(withheld)" in out.out
    assert _leaked(out.out + out.err, ["Valbona", "Gashiqeni", "0101990715123", "044"]) == []


# -- public data --------------------------------------------------------------------------

SDMX = (
    "REF_AREA,Geographic area,INDICATOR,Indicator,SEX,Sex,AGE,Current age,UNIT_MEASURE,"
    "Unit of measure,TIME_PERIOD,OBS_VALUE,OBS_STATUS,Observation Status,OBS_FOOTNOTE,"
    "SOURCE_TABLE,Source table\n"
    + "".join(
        f"ALB,Albania,PT_CHLD_INRESIDENTIAL,,_T,Total,_T,Total,NUMBER,Number,{year},{value},"
        "A,Normal value,,4.1.1,Children in residential care\n"
        for year, value in [(2015, 700), (2016, 650), (2017, 1496)]
    )
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root with two registered public files, prepared once."""
    shutil.copytree(REPO / "config", tmp_path / "config")
    raw = tmp_path / "data" / "raw"
    write_figures(
        raw / "kosovo" / "figures.csv",
        [
            figure_row(period=str(year), value=str(value))
            for year, value in [(2018, 50), (2019, 47)]
        ],
    )
    register(raw, "kosovo/figures.csv")
    (raw / "transmonee").mkdir()
    (raw / "transmonee" / "tm.csv").write_text(SDMX, encoding="utf-8")
    register(raw, "transmonee/tm.csv", "observations-sdmx-csv", {"source": "UNICEF TransMonEE"})
    monkeypatch.setenv("CARETRENDS_ROOT", str(tmp_path))
    assert main(["prepare"]) == 0
    return tmp_path


def _figures(rows: list[dict[str, object]]) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return write_figures(Path(folder) / "f.csv", rows).read_bytes()


GOOD_FIGURES = [figure_row(period="2018", value="50"), figure_row(period="2019", value="47")]
BAD_FILES = {
    "negative count": (
        "kosovo/figures.csv",
        _figures([GOOD_FIGURES[0], figure_row(period="2019", value="-61")]),
        ["row 3", "column value", "a count below zero", "-61"],
    ),
    "year to come": (
        "kosovo/figures.csv",
        _figures([*GOOD_FIGURES, figure_row(period="2099", value="3")]),
        ["row 4", "column year", "after this year"],
    ),
    "TransMonEE cut inside its last value": (
        "transmonee/tm.csv",
        SDMX.encode()[: SDMX.encode().rindex(b"1496") + 1],
        ["tm.csv", "does not end with a complete line"],
    ),
    "Kosovo cut to one partial row": (
        "kosovo/figures.csv",
        _figures(GOOD_FIGURES).splitlines(keepends=True)[0] + b"PT_CHLD_NO_PAR",
        ["figures.csv", "does not end with a complete line"],
    ),
    "Latin-1": (
        "kosovo/figures.csv",
        _figures([*GOOD_FIGURES[:1], figure_row(period="2019", note="Prishtinë")])
        .decode()
        .encode("latin-1"),
        ["figures.csv", "not UTF-8", "looks like"],
    ),
    "empty": ("transmonee/tm.csv", b"", ["tm.csv", "the file is empty"]),
    "header only": ("transmonee/tm.csv", SDMX.encode().splitlines(True)[0], ["a header but no"]),
    "binary": ("transmonee/tm.csv", b"PK\x03\x04\x00\x00binary\n", ["tm.csv", "NUL bytes"]),
    "quote cut short": (
        "transmonee/tm.csv",
        SDMX.replace(",A,Normal value,,4.1.1", ',A,"Normal value,,4.1.1', 1).encode(),
        ["tm.csv", "quoted cell is not closed"],
    ),
    "extra field": (
        "transmonee/tm.csv",
        SDMX.replace(",650,", ",6,50,").encode(),
        ["tm.csv", "line 3: 18 fields where the header has 17"],
    ),
}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
@pytest.mark.parametrize("registered", [True, False], ids=["checksum-registered", "changed"])
def test_every_bad_public_file_fails_in_one_line_and_keeps_the_tables(
    project: Path, case: str, registered: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    relative, data, expected = BAD_FILES[case]
    raw, processed = project / "data" / "raw", project / "data" / "processed"
    before = _snapshot(processed)
    (raw / relative).write_bytes(data)
    if registered:
        register(
            raw,
            relative,
            *(
                ("observations-sdmx-csv", {"source": "UNICEF TransMonEE"})
                if relative.startswith("transmonee")
                else ()
            ),
        )
    capsys.readouterr()
    assert main(["validate"]) == 1
    said = capsys.readouterr()
    assert "Traceback" not in said.err
    if registered:
        assert all(part in said.out for part in expected), said.out
    else:
        assert f"{relative}: sha256 differs" in said.out
    assert main(["prepare"]) == 1
    said = capsys.readouterr()
    assert said.err.startswith("caretrends prepare: error: ") and "Traceback" not in said.err
    assert _snapshot(processed) == before


def test_prepare_will_not_lose_a_source_without_force(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw, processed = project / "data" / "raw", project / "data" / "processed"
    before = _snapshot(processed)
    (raw / "transmonee" / "tm.csv").unlink()
    kept = [r for r in provenance.load_registry(raw) if r.path != "transmonee/tm.csv"]
    provenance.save_registry(kept, raw)
    capsys.readouterr()
    assert main(["prepare"]) == 1
    err = capsys.readouterr().err
    assert "transmonee/tm.csv: 3 observations -> 0 (the whole source)" in err
    assert "--force" in err and _snapshot(processed) == before
    assert main(["prepare", "--force"]) == 0


def test_a_missing_root_or_an_empty_one_fails_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CARETRENDS_ROOT", str(tmp_path / "nowhere"))
    assert main(["validate"]) == 1
    assert "no such folder" in capsys.readouterr().err
    (tmp_path / "data" / "raw").mkdir(parents=True)
    monkeypatch.setenv("CARETRENDS_ROOT", str(tmp_path))
    assert main(["validate"]) == 1
    assert "no registered file to check" in capsys.readouterr().out
    assert main(["prepare"]) == 1
    assert "no registered file of observations to read" in capsys.readouterr().err


def test_debug_before_or_after_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CARETRENDS_ROOT", str(tmp_path))
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "sources.yaml").write_bytes(b"\x00\x01")
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    for argv in (["--debug", "validate"], ["validate", "--debug"]):
        assert main(argv) == 1
        assert capsys.readouterr().err.startswith("Traceback")


# -- configuration files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("priority: KAS\n", "key priority: Input should be a valid list, found 'KAS'"),
        ("priority: [KAS]\ntolerence: 0.1\n", "key tolerence: unknown key"),
        ("tolerance: 0.1\n", "key priority: missing"),
        ("priority: [KAS]\ntolerance: lots\n", "key tolerance: Input should be a valid number"),
        ("priority: [KAS\n", "not valid YAML at line 2"),
        ("- KAS\n", "expected a mapping of keys"),
    ],
)
def test_a_bad_source_priority_is_refused_with_file_and_key(
    tmp_path: Path, text: str, complaint: str
) -> None:
    path = tmp_path / "source_priority.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        ReconcileRules.from_yaml(path)
    assert str(caught.value).startswith(f"{path}: ") and complaint in str(caught.value)


def test_unreadable_configs_are_refused_in_one_line(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("priority: [Prishtinë]\n".encode("latin-1"))
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\x00\x89PNG")
    with pytest.raises(ConfigError, match="latin.yaml: not UTF-8 text"):
        ReconcileRules.from_yaml(latin)
    with pytest.raises(ConfigError, match="binary.yaml: a binary file"):
        ReconcileRules.from_yaml(binary)
    fetch = tmp_path / "transmonee_fetch.yaml"
    shutil.copy(REPO / "config" / "transmonee_fetch.yaml", fetch)
    fetch.write_text(fetch.read_text().replace("dataflow:", "data_flow:"))
    with pytest.raises(ConfigError) as caught:
        read_config(fetch, TransmoneeFetchFile)
    assert caught.value.problems == [
        f"{fetch}: key dataflow: missing",
        f"{fetch}: key data_flow: unknown key (allowed: base_url, dataflow, key_order, "
        "start_period, source, title, producer, licence, ref_areas, groups)",
    ]
