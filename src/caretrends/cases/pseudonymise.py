"""Pseudonyms for case records: keyed hashes of identifiers, birth dates kept to the month.

A child's or case's own identifier becomes ``HMAC-SHA256(salt, identifier)``, written as
the first 16 hex digits (64 bits: collisions are negligible for the hundreds of thousands
of records the project could ever hold). Without the secret salt the pseudonyms cannot be
linked back to the office's identifiers; with the same salt the same child gets the same
pseudonym in every file and every run, so episodes from several offices join up.

The salt comes from the environment variable ``CARETRENDS_SALT`` (or the ``salt``
argument). Real records are refused without one. Synthetic demonstration records may use
the published :data:`DEMO_SALT`, which must never be used for real records.
"""

from __future__ import annotations

import binascii
import hashlib
import os

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from caretrends.cases.catalog import Distinct
from caretrends.errors import CaretrendsError

#: Environment variable holding the secret salt for real records.
SALT_ENV = "CARETRENDS_SALT"

#: Salt for synthetic demonstration records only (published, hence not secret).
DEMO_SALT = "caretrends-synthetic-demo-records-only"

#: Shortest salt accepted for real records.
MIN_SALT_LENGTH = 16

#: Hex digits kept of each keyed hash.
PSEUDONYM_LENGTH = 16

_BLOCK = 64  # SHA-256 block size in bytes, as RFC 2104 needs it


class MissingSaltError(CaretrendsError):
    """Real case records were given to the reader without a usable secret salt."""


def resolve_salt(salt: str | None, *, synthetic: bool, source_file: str) -> str:
    """Return the salt to use for one file, or refuse.

    Parameters
    ----------
    salt : str or None
        An explicit salt; None reads ``$CARETRENDS_SALT``.
    synthetic : bool
        Whether the file holds only synthetic records (these may fall back to
        :data:`DEMO_SALT`).
    source_file : str
        Named in the error.

    Raises
    ------
    MissingSaltError
        For real records without a salt, with fewer than :data:`MIN_SALT_LENGTH`
        characters once spaces are stripped, or with the public demo salt inside it.
        The salt itself is never quoted.

    Examples
    --------
    >>> resolve_salt("  sixteen-chars-ok  ", synthetic=False, source_file="x.csv")
    'sixteen-chars-ok'
    >>> resolve_salt(" " * 16, synthetic=False, source_file="x.csv")
    Traceback (most recent call last):
    ...
    caretrends.cases.pseudonymise.MissingSaltError: x.csv: the salt ... spaces not counted ...
    """
    given = salt if salt is not None else os.environ.get(SALT_ENV)
    chosen = given.strip() if given is not None else None
    if synthetic:
        return chosen or DEMO_SALT
    if not given:
        raise MissingSaltError(
            f"{source_file}: refusing to read real case records without a secret salt: set the "
            f"environment variable {SALT_ENV} (at least {MIN_SALT_LENGTH} characters, kept "
            "outside the repository) so that identifiers can be pseudonymised"
        )
    if salt_problem(chosen or ""):
        raise MissingSaltError(
            f"{source_file}: the salt for real case records must be secret and at least "
            f"{MIN_SALT_LENGTH} characters long, spaces not counted (the demo salt is for "
            "synthetic records only)"
        )
    return chosen


def salt_problem(salt: str) -> bool:
    """Return True when ``salt`` is unfit for real records: too short, or the demo salt in it.

    Examples
    --------
    >>> salt_problem(DEMO_SALT + "-and-more"), salt_problem("a b c d e f g h i j k l m n o p")
    (True, False)
    """
    return len("".join(salt.split())) < MIN_SALT_LENGTH or DEMO_SALT in salt


def keyed_hashes(texts: list[bytes], salt: str) -> list[str]:
    """Return HMAC-SHA256 of each text under ``salt``, as :data:`PSEUDONYM_LENGTH` hex digits.

    Examples
    --------
    >>> import hmac
    >>> keyed_hashes([b"KS-0001"], "a-secret-salt")[0] == hmac.new(
    ...     b"a-secret-salt", b"KS-0001", "sha256").hexdigest()[:16]
    True
    """
    return keyed_hash_array(texts, salt).to_pylist()


def keyed_hash_array(texts: list[bytes], salt: str) -> pa.StringArray:
    """Return :func:`keyed_hashes` as an Arrow string array, without a Python string each.

    The key's inner and outer hash states are computed once and copied for each text
    (RFC 2104), which is several times faster than ``hmac.digest`` per text on large files.
    The loop keeps only the raw digests; they become hex text in one go. (Sharing the
    loop with a forked process saved 0.2 s on a million rows but risks a deadlock when
    Arrow's threads are running, so it stays in one process.)
    """
    key = salt.encode("utf-8")
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key)).copy
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key)).copy
    digests = bytearray()
    keep = PSEUDONYM_LENGTH // 2
    for text in texts:
        state = inner()
        state.update(text)
        final = outer()
        final.update(state.digest())
        digests += final.digest()[:keep]
    offsets = np.arange(len(texts) + 1, dtype=np.int32) * PSEUDONYM_LENGTH
    return pa.StringArray.from_buffers(
        len(texts), pa.py_buffer(offsets), pa.py_buffer(binascii.hexlify(digests))
    )


def pseudonymise_ids(values: pd.Series, salt: str) -> pd.Series:
    """Replace identifiers by their keyed hashes; NA where the identifier is missing.

    Identifiers are compared without surrounding spaces and case (as lower-case UTF-8),
    so ``"ks-0001 "`` and ``"KS-0001"`` are the same child.
    """
    cells = Distinct.of(values)
    identifiers = pc.cast(pc.utf8_lower(cells.array), pa.binary())
    present = identifiers.is_valid()
    hashes = keyed_hash_array(identifiers.drop_null().to_pylist(), salt)
    if not len(hashes):
        return cells.text_series(pa.nulls(len(identifiers), pa.string()), values.index)
    # the k-th present text has the k-th hash; missing texts stay null
    slots = np.maximum(np.cumsum(present.to_numpy(zero_copy_only=False)) - 1, 0)
    per_text = pc.if_else(present, hashes.take(pa.array(slots)), pa.scalar(None, pa.string()))
    return cells.text_series(per_text, values.index)


def month_of(dates: pd.Series) -> pd.Series:
    """Coarsen dates to the first day of their month.

    Examples
    --------
    >>> month_of(pd.Series(pd.to_datetime(["2010-03-17", None]))).tolist()
    [Timestamp('2010-03-01 00:00:00'), NaT]
    """
    months = dates.to_numpy().astype("datetime64[M]")
    return pd.Series(months.astype(dates.dtype), index=dates.index)
