"""Case-record exports read as they come: CSV in any Windows office encoding, or XLSX.

Every cell is read as text; parsing and checking are the cleaner's job
(:mod:`caretrends.cases.clean`). The encoding of a CSV is detected with
``charset-normalizer``, restricted to the encodings Kosovo offices export in (UTF-8 with
or without BOM, Windows-1250 for Serbian, Windows-1252 for Albanian); the delimiter is the one
of :data:`DELIMITERS` found most often in the header line.

A workbook is read in bounds: its zip members may unpack to at most
:data:`WORKBOOK_MAX_BYTES` (``$CARETRENDS_WORKBOOK_MAX_BYTES``), checked from the zip's
directory before anything is unpacked, and its first sheet is read for at most
:data:`WORKBOOK_MAX_CELLS` cells (``$CARETRENDS_WORKBOOK_MAX_CELLS``), records times
columns. The header is read alone, and checked, before any record is. A CSV is parsed in
blocks of :data:`RECORD_MAX_BYTES` (``$CARETRENDS_RECORD_MAX_BYTES``), which must hold
whole records: a larger record (a document pasted into a cell) is refused naming its line
and its largest cell's column.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from charset_normalizer import from_bytes
from pyarrow import csv as pa_csv

from caretrends.errors import DataValidationError

#: Encodings a CSV may be in (Python codec names as charset-normalizer reports them).
CSV_ENCODINGS: list[str] = ["utf_8", "cp1250", "cp1252"]

#: Delimiters a CSV may use (Windows exports in the region often use ";").
DELIMITERS: tuple[str, ...] = (",", ";", "\t")

#: File suffixes the reader accepts.
SUFFIXES: frozenset[str] = frozenset({".csv", ".txt", ".xlsx"})

#: Environment variable overriding :data:`WORKBOOK_MAX_BYTES`.
WORKBOOK_BYTES_ENV = "CARETRENDS_WORKBOOK_MAX_BYTES"

#: Largest total size, in bytes, a workbook's zip members may unpack to.
WORKBOOK_MAX_BYTES = 200 * 1024 * 1024

#: Environment variable overriding :data:`WORKBOOK_MAX_CELLS`.
WORKBOOK_CELLS_ENV = "CARETRENDS_WORKBOOK_MAX_CELLS"

#: Most cells (records times the header's columns) read from a workbook's sheet.
WORKBOOK_MAX_CELLS = 2_000_000

#: Environment variable overriding :data:`RECORD_MAX_BYTES`.
RECORD_BYTES_ENV = "CARETRENDS_RECORD_MAX_BYTES"

#: Largest CSV record, in bytes: the block pyarrow parses at a time holds whole records.
RECORD_MAX_BYTES = 1024 * 1024

#: A UTF-8 byte-order mark.
_BOM = b"\xef\xbb\xbf"

_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_SAMPLE_LINES = 400
_HEAD_BYTES = 4096


@dataclass(frozen=True)
class Export:
    """An opened export: its header and encoding, ready to read the columns wanted."""

    path: Path
    #: The name quoted in errors.
    source_file: str
    #: Column names as in the file.
    header: list[str]
    #: The detected encoding (``"xlsx"`` for workbooks), reported with the file.
    encoding: str
    delimiter: str = ","
    payload: bytes = field(default=b"", repr=False)  # CSV bytes, re-encoded as UTF-8

    def read(self, columns: list[str]) -> pd.DataFrame:
        """Read only ``columns`` (names from :attr:`header`), every cell as text or NA.

        Columns not asked for are never parsed into memory: direct identifiers are left
        in the file.
        """
        if self.encoding == "xlsx":
            frame = _read_records(self)
            return frame.set_axis(self.header, axis="columns")[columns]
        wanted = set(columns)
        positions = [str(i) for i, name in enumerate(self.header) if name in wanted]
        max_record = _limit(RECORD_BYTES_ENV, RECORD_MAX_BYTES)
        try:
            table = pa_csv.read_csv(
                pa.BufferReader(self.payload),  # zero-copy, unlike a Python file object
                read_options=pa_csv.ReadOptions(
                    column_names=[str(i) for i in range(len(self.header))],
                    skip_rows=1,
                    block_size=max_record,  # a record larger than a block is an error
                ),
                parse_options=pa_csv.ParseOptions(delimiter=self.delimiter),
                convert_options=pa_csv.ConvertOptions(
                    include_columns=positions,
                    column_types=dict.fromkeys(positions, pa.string()),
                    strings_can_be_null=True,
                ),
            )
        except pa.ArrowInvalid:
            # pyarrow's message quotes the whole offending row: never pass it on
            problem = misaligned_line(self.payload, self.delimiter, len(self.header), max_record)
            raise DataValidationError([f"{self.source_file}: {problem}"]) from None
        frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=np.nan)}.get)
        return frame.set_axis([self.header[int(p)] for p in positions], axis="columns")


def misaligned_line(
    payload: bytes, delimiter: str, n_fields: int, max_record: int = RECORD_MAX_BYTES
) -> str:
    """Describe the first record that does not fit, by line and column only: its fields do
    not line up with the header, or it holds more than ``max_record`` bytes.

    Called only when the fast parser has failed, to say where and why without quoting
    any cell (a case row holds names and personal numbers).

    Examples
    --------
    >>> misaligned_line(b"a;b\\n1;2\\n3;4;5\\n", ";", 2)
    "line 3: 3 fields where the header has 2 (an unquoted ';' inside a cell, or a field missing?)"
    >>> misaligned_line(b'a;b\\n1;"22222"\\n', ";", 2, max_record=4)[:56]
    'line 2, column 2: a cell of 5 bytes, over the limit of 4'
    """
    text = payload.decode("utf-8", errors="replace").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    # the csv module's own limit (128 KiB) would stop at a long cell without naming it
    previous_limit = csv.field_size_limit(max(len(text), csv.field_size_limit()))
    line = 1  # where the record starts: a quoted cell may hold line breaks
    try:
        for record in reader:
            sizes = [len(cell.encode("utf-8")) for cell in record]
            if sum(sizes) > max_record:
                column = sizes.index(max(sizes)) + 1
                return (
                    f"line {line}, column {column}: a cell of {max(sizes)} bytes, "
                    f"over the limit of {max_record} bytes a record may hold (set "
                    f"{RECORD_BYTES_ENV} to raise it)"
                )
            if record and len(record) != n_fields:
                return (
                    f"line {line}: {len(record)} fields where the header has "
                    f"{n_fields} (an unquoted {delimiter!r} inside a cell, or a field missing?)"
                )
            line = reader.line_num + 1
    except csv.Error:
        return f"line {reader.line_num}: a quoted cell is not closed (a quote cut short?)"
    finally:
        csv.field_size_limit(previous_limit)
    return "CSV cannot be parsed (its fields do not line up with the header)"


def _read_workbook(path: Path, source_file: str, **options: object) -> pd.DataFrame:
    """Read the first sheet of a workbook (``pd.read_excel`` ``options``); refuse a file that
    is not a workbook, in one line."""
    try:
        return pd.read_excel(path, sheet_name=0, engine="openpyxl", **options)
    except Exception as exc:  # zipfile, openpyxl and lxml each have their own errors
        raise DataValidationError(
            [f"{source_file}: cannot be read as an XLSX workbook ({type(exc).__name__})"]
        ) from None


def _read_records(export: Export) -> pd.DataFrame:
    """A workbook's records as text, at most :data:`WORKBOOK_MAX_CELLS` cells: ``read_excel``
    stops one row past the limit (it reads a sheet row by row), and a sheet that reaches
    it is refused in one line naming the file and the limit."""
    max_cells = _limit(WORKBOOK_CELLS_ENV, WORKBOOK_MAX_CELLS)
    max_rows = max_cells // max(len(export.header), 1)
    frame = _read_workbook(export.path, export.source_file, dtype=str, nrows=max_rows + 1)
    if len(frame) > max_rows:
        raise DataValidationError(
            [
                f"{export.source_file}: more than {max_rows} records of "
                f"{len(export.header)} columns, over the limit of {max_cells} cells "
                f"(set {WORKBOOK_CELLS_ENV} to raise it)"
            ]
        )
    return frame


def _check_unpacked_size(path: Path, *, source_file: str) -> None:
    """Refuse a workbook whose zip members unpack to more than the byte limit.

    Only the zip's directory is read, so a small file that would unpack to gigabytes is
    refused at once. A file that is no zip at all is left for the workbook reader to refuse.

    Raises
    ------
    DataValidationError
        Naming the file, its unpacked size and the limit.
    """
    limit = _limit(WORKBOOK_BYTES_ENV, WORKBOOK_MAX_BYTES)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        return
    if unpacked > limit:
        raise DataValidationError(
            [
                f"{source_file}: unpacks to {unpacked} bytes, more than the limit of {limit} "
                f"(set {WORKBOOK_BYTES_ENV} to raise it)"
            ]
        )


def _limit(variable: str, default: int) -> int:
    """The positive whole number ``$variable`` holds, or ``default`` when it is unset.

    Examples
    --------
    >>> _limit("UNSET_IN_THIS_EXAMPLE", 7)
    7
    """
    given = os.environ.get(variable)
    if not given:
        return default
    if not given.isdigit() or int(given) == 0:
        raise DataValidationError([f"{variable}={given}: not a positive whole number"])
    return int(given)


def detect_encoding(data: bytes, *, source_file: str = "<bytes>") -> str:
    """Return the codec name of CSV bytes: ``utf_8``, ``utf_8_sig``, ``cp1250`` or ``cp1252``.

    charset-normalizer sees the file's first bytes (for a byte-order mark) and the lines
    that hold non-ASCII bytes, which are the only lines where encodings differ.

    Raises
    ------
    DataValidationError
        When the bytes fit none of :data:`CSV_ENCODINGS`.

    Examples
    --------
    >>> detect_encoding("Datum rođenja;Pol\\n01.02.2010;Ž\\n".encode("cp1250"))
    'cp1250'
    >>> detect_encoding("\\ufeffID,Emri\\n1,Drita\\n".encode("utf-8"))
    'utf_8_sig'
    """
    if data.isascii():
        return "utf_8"
    if data.startswith(_BOM):
        _check_utf8(data, source_file)
        return "utf_8_sig"
    found = _lines_with_high_bytes(data)
    lines = [line for _, line in itertools.islice(found, _SAMPLE_LINES)]
    best = from_bytes(b"\n".join([data[:_HEAD_BYTES], *lines]), cp_isolation=CSV_ENCODINGS).best()
    if best is None:
        raise DataValidationError(
            [f"{source_file}: encoding not recognised (expected one of {CSV_ENCODINGS})"]
        )
    return "utf_8_sig" if best.encoding == "utf_8" and best.bom else best.encoding


def _lines_with_high_bytes(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Each line holding a non-ASCII byte, with where it starts, in one pass over ``data``.

    A pattern for the whole line (``[^\\n]*[\\x80-\\xff]``) would be tried from every
    byte of a long ASCII line: minutes for a 2 MB cell.

    Examples
    --------
    >>> list(_lines_with_high_bytes(b"a\\nb\\xe9c\\nd\\xe9"))
    [(2, b'b\\xe9c'), (6, b'd\\xe9')]
    """
    position = 0
    while (high := _HIGH_BYTE.search(data, position)) is not None:
        start = data.rfind(b"\n", 0, high.start()) + 1
        end = data.find(b"\n", high.start())
        end = len(data) if end < 0 else end
        yield start, data[start:end]
        position = end


def _check_utf8(data: bytes, source_file: str) -> None:
    """Refuse bytes after a UTF-8 byte-order mark that are not UTF-8 (a file saved partly in
    another encoding), naming the first such byte; only lines with non-ASCII bytes are
    decoded."""
    for start, line in _lines_with_high_bytes(data):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataValidationError(
                [
                    f"{source_file}: byte {start + exc.start} is not UTF-8, though the "
                    "file starts with a UTF-8 byte-order mark (saved partly in another "
                    "encoding? save it again as UTF-8)"
                ]
            ) from None


def check_text_bytes(data: bytes, *, source_file: str) -> None:
    """Refuse bytes that cannot be a CSV export: empty, binary, or with no line after the header.

    Raises
    ------
    DataValidationError
        Naming the file and what is wrong with it.

    Examples
    --------
    >>> check_text_bytes(b"a;b\\n1;2\\n", source_file="x.csv")
    >>> check_text_bytes(b"a\\x00b", source_file="x.csv")
    Traceback (most recent call last):
    ...
    caretrends.errors.DataValidationError: x.csv: NUL bytes: a binary file, or UTF-16 ...
    """
    # Looked at in place: an export can be hundreds of megabytes, too many to copy or
    # split into lines only to count two of them.
    text = _NOT_SPACE.search(data)
    if text is None:
        problem = "the file is empty"
    elif b"\x00" in data:
        problem = "NUL bytes: a binary file, or UTF-16 text (save it as UTF-8 CSV)"
    elif data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        problem = "a workbook, not a CSV (save it as .xlsx or export it as CSV)"
    elif not _breaks_line(data, text.start(), _end_of_text(data)):
        problem = "a header but no records"
    else:
        return
    raise DataValidationError([f"{source_file}: {problem}"])


#: What ``bytes.strip`` removes, and a pattern for the first byte that it keeps.
_SPACE = b" \t\n\r\x0b\x0c"
_NOT_SPACE = re.compile(b"[^" + re.escape(_SPACE) + b"]")


def _end_of_text(data: bytes) -> int:
    """Where ``data.rstrip()`` would end, found without copying ``data``."""
    end = len(data)
    while end and data[end - 1] in _SPACE:
        end -= 1
    return end


def _breaks_line(data: bytes, start: int, end: int) -> bool:
    """Whether ``data[start:end]`` holds a line break (as ``bytes.splitlines`` splits)."""
    return data.find(b"\n", start, end) >= 0 or data.find(b"\r", start, end) >= 0


def open_export(path: Path, *, source_file: str) -> Export:
    """Open a CSV or XLSX export: detect its encoding and delimiter, read its header.

    Raises
    ------
    DataValidationError
        When the file type is not supported or the bytes cannot be decoded.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataValidationError([f"{source_file}: unsupported file type {suffix!r}"])
    if suffix == ".xlsx":
        _check_unpacked_size(path, source_file=source_file)  # once, before anything is unpacked
        header = _read_workbook(path, source_file, nrows=0).columns
        return Export(path, source_file, [str(c) for c in header], "xlsx")
    data = path.read_bytes()
    check_text_bytes(data, source_file=source_file)
    encoding = detect_encoding(data, source_file=source_file)
    if encoding not in {"utf_8", "utf_8_sig"}:  # pyarrow parses UTF-8 only
        try:
            data = data.decode(encoding).encode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataValidationError(
                [f"{source_file}: byte {exc.start} cannot be decoded as {encoding}"]
            ) from exc
    head = data[:_HEAD_BYTES].decode("utf-8", errors="ignore").removeprefix("\ufeff")
    first_line = head.splitlines()[0] if head else ""
    # the header names columns, rarely holding a delimiter itself: the commonest one wins
    delimiter = max(DELIMITERS, key=first_line.count)
    header = next(csv.reader(io.StringIO(head), delimiter=delimiter), [])
    if data.startswith(_BOM):
        data = data[3:]
    return Export(path, source_file, [h.strip() for h in header], encoding, delimiter, data)
