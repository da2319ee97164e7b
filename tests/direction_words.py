"""Words of direction in en, sq and sr, and a scan for sentences that use one without an
interval that excludes no change.

The analysis plan: "fell" or "rose" only where the interval excludes no change; otherwise
the range the data are compatible with. A sentence may therefore use a word of direction
when

- it names both ways (a range from a fall to a rise, or what a design could have detected
  either way), or
- it carries an interval whose two bounds lie on one side of no change: unsigned bounds
  (how the wording function writes the size of a fall or a rise) or bounds of one sign.

Anything else (a direction with no interval, or with one that spans no change) is
reported.
"""

from __future__ import annotations

import re

#: Words that say a number went down, per language (whole words, case-insensitive).
DOWN: dict[str, tuple[str, ...]] = {
    "en": (
        "fell", "fall", "falls", "falling", "fallen", "decline", "declined", "declines",
        "declining", "decrease", "decreased", "decreases", "decreasing", "drop", "drops",
        "reduction", "downward",
    ),
    "sq": (
        "ra", "ranë", "bie", "bien", "rënie", "rënia", "rënien", "rënies", "ulje", "ulja", "uljen",
        "uljes", "ulur",
        "zvogëlim", "zvogëlimi", "zvogëlimin", "zvogëlua", "pakësim", "pakësimi",
    ),
    "sr": (
        "pad", "pada", "padom", "pao", "pala", "palo", "opao", "opala", "opalo", "opada",
        "opadanje", "opadanja", "opadao", "smanjenje", "smanjenja", "smanjio", "smanjila",
        "smanjilo", "smanjuje",
    ),
}  # fmt: skip

#: Words that say a number went up, per language.
UP: dict[str, tuple[str, ...]] = {
    "en": (
        "rose", "rise", "rises", "rising", "risen", "increase", "increased", "increases",
        "increasing", "grew", "growth", "upward",
    ),
    "sq": ("rritje", "rritja", "rritjen", "rritjes", "rrit", "rritur", "shtim", "shtimi"),
    "sr": (
        "porast", "porasta", "porastom", "porastao", "porasla", "poraslo", "povećanje",
        "povećanja", "povećao", "povećala", "povećalo", "rast", "rasta", "rastao", "raste",
    ),
}  # fmt: skip

_NUMBER = r"[+\u2212-]?\d[\d.,\u00a0\u202f ]*%?"
#: ``low to high`` in each language, as :func:`caretrends.models.text.interval` writes it.
_INTERVAL = {
    "en": re.compile(rf"({_NUMBER})\s+to\s+({_NUMBER})"),
    "sq": re.compile(rf"({_NUMBER})\s+deri në\s+({_NUMBER})"),
    "sr": re.compile(rf"({_NUMBER})\s+do\s+({_NUMBER})"),
}
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+(?=[A-ZÇËŠŽĆČĐ(])|\n\s*\n")


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)


def _sign(bound: str) -> int:
    """-1, +1, or 0 for an unsigned bound (a size, as "fell by 5% (95% CI 3% to 7%)")."""
    bound = bound.strip()
    if bound.startswith(("-", "\u2212")):
        return -1
    return 1 if bound.startswith("+") else 0


def one_sided(low: str, high: str) -> bool:
    """Whether an interval's written bounds lie on one side of no change.

    >>> one_sided("5.3%", "9.7%"), one_sided("\u221221.6%", "+2.3%"), one_sided("-3%", "-1%")
    (True, False, True)
    """
    signs = {_sign(low), _sign(high)}
    return len(signs) == 1


def unsupported(text: str, lang: str) -> list[str]:
    """The sentences of ``text`` that use a word of direction without the support above."""
    down, up = _words(DOWN[lang]), _words(UP[lang])
    found = []
    for sentence in _SENTENCE_END.split(text):
        has_down, has_up = bool(down.search(sentence)), bool(up.search(sentence))
        if not (has_down or has_up) or (has_down and has_up):
            continue
        intervals = _INTERVAL[lang].findall(sentence)
        if not intervals or not all(one_sided(low, high) for low, high in intervals):
            found.append(sentence.strip())
    return found
