"""Checks that a published CSV file is whole and readable before any reader parses it.

A file that is empty, binary, not UTF-8, cut short (its last line incomplete), holds a
header but no rows, or has a record whose fields do not line up with the header is
refused with one line per problem naming the file, the line and the reason. Readers call
:func:`check_csv_file` first, so that such a file never turns into a traceback, nor into
numbers silently read from a half-written last line.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from charset_normalizer import from_bytes

from caretrends.errors import DataValidationError

#: How many misaligned records are listed before the rest are only counted.
MAX_LISTED = 10


def check_csv_file(path: Path, *, name: str | None = None, delimiter: str = ",") -> None:
    """Refuse a CSV file that is not whole, UTF-8 text with records matching its header.

    Parameters
    ----------
    path : Path
        The file.
    name : str, optional
        How the file is named in messages; default ``str(path)``.
    delimiter : str
        The field delimiter.

    Raises
    ------
    DataValidationError
        One line per problem, each naming the file (and the line where there is one).
    """
    shown = name or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataValidationError([f"{shown}: cannot be read: {exc.strerror}"]) from None
    problems = [f"{shown}: {problem}" for problem in text_problems(data, delimiter)]
    if problems:
        raise DataValidationError(problems)


def text_problems(data: bytes, delimiter: str = ",") -> list[str]:
    """Return what is wrong with the bytes of a CSV file (empty when nothing is).

    Examples
    --------
    >>> text_problems(b"a,b\\n1,2\\n")
    []
    >>> text_problems(b"a,b\\n1,2\\n3,14")
    ['does not end with a complete line: cut short? (the last line has no line end)']
    >>> text_problems(b"a,b\\n1,2,3\\n")
    ['line 2: 3 fields where the header has 2']
    """
    if not data.strip():
        return ["the file is empty"]
    if b"\x00" in data:
        return ["NUL bytes: a binary file, or UTF-16 text, not a UTF-8 CSV"]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [f"not UTF-8 (byte {exc.start}; {_guess_encoding(data)}): save it as UTF-8"]
    if not text.endswith(("\n", "\r")):
        return ["does not end with a complete line: cut short? (the last line has no line end)"]
    return _record_problems(text, delimiter)


def _guess_encoding(data: bytes) -> str:
    """Name the encoding the bytes look like, for the message."""
    best = from_bytes(data[:65536]).best()
    return f"looks like {best.encoding}" if best is not None else "encoding not recognised"


def _record_problems(text: str, delimiter: str) -> list[str]:
    """Check that every record has as many fields as the header, and that there is one."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[str] = []
    misaligned = 0
    try:
        header = next(reader)
        records = 0
        for record in reader:
            if not record:
                continue
            records += 1
            if len(record) != len(header):
                misaligned += 1
                if misaligned <= MAX_LISTED:
                    problems.append(
                        f"line {reader.line_num}: {len(record)} fields where the header has "
                        f"{len(header)}"
                    )
    except csv.Error:
        return [*problems, f"line {reader.line_num}: a quoted cell is not closed (cut short?)"]
    if misaligned > MAX_LISTED:
        problems.append(f"... and {misaligned - MAX_LISTED} more lines with the wrong fields")
    if not records and not problems:
        problems.append("a header but no rows")
    return problems
