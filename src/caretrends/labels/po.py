"""The translator's loop: gettext catalogs written from the English, and checked.

English is the source. :func:`templates` builds the two templates a translator works
from, ``messages.pot`` (every label of ``en.yaml``: the key as message context, the
English text as msgid, a plural for a text that carries a count) and ``narrative.pot``
(every Markdown cell of the report notebooks, keyed ``notebook/cell-id``), each entry
with a comment saying where it appears and a sample. :func:`export` merges them into
``<folder>/LC_MESSAGES/<domain>.po`` of each language (a new string is marked fuzzy with
an empty translation, a changed English fuzzy with the old translation and the previous
English) and compiles the ``.mo`` files a run reads. :func:`check` reports untranslated,
fuzzy and glossary-inconsistent entries. A native reviewer edits the ``.po`` in any PO
editor (Poedit, Weblate) and the reviewed file goes back in unchanged.

Review notes live as translator comments: ``glossary: <row>`` names the
:data:`~caretrends.labels.terms.GLOSSARY_PATH` row a term was taken from (the glossary is
the translation memory :func:`glossary_problems` checks against), ``provisional: <why>``
says why a fuzzy entry awaits review.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from caretrends import paths
from caretrends.labels.terms import (
    CATALOG_FOLDERS,
    GLOSSARY_NOTE,
    GLOSSARY_PATH,
    LABELS_DOMAIN,
    PROVISIONAL_NOTE,
    SOURCES_DOMAIN,
    Entry,
    catalog_file,
    english,
    read_catalog,
    review_note,
)
from caretrends.provenance import load_registry
from caretrends.report.narrative import NARRATIVE_DOMAIN

#: The domains, in the order they are written and checked.
DOMAINS: tuple[str, ...] = (LABELS_DOMAIN, NARRATIVE_DOMAIN, SOURCES_DOMAIN)

#: The raw file whose ``publication`` column describes where each figure was published.
PUBLISHED_FIGURES = Path("kosovo") / "kosovo_figures.csv"

#: Glossary column of each translated language.
GLOSSARY_COLUMNS: dict[str, str] = {"sq": "sq", "sr": "sr_latn"}

#: Values shown in a template comment's sample for the placeholders that recur.
SAMPLE_VALUES: dict[str, str] = {
    "n": "3",
    "sources": "KAS",
    "source": "KAS",
    "year": "2019",
    "start": "2012",
    "end": "2023",
    "first": "1",
    "last": "6",
    "low": "12",
    "high": "20",
    "value": "1,234",
    "minimum": "5",
    "total": "8",
}

#: A quoted text that may be a catalog key (``"no_data"``, ``"model.its.details"``).
_QUOTED_KEY = re.compile(r"""["']([\w.]+)["']""")
_PLACEHOLDER = re.compile(r"{(\w+)}")


def template_file(domain: str) -> Path:
    """Return the template of ``domain`` (``messages.pot``, ``narrative.pot``)."""
    return paths.locale_dir() / f"{domain}.pot"


def _uses() -> dict[str, list[tuple[str, int]]]:
    """Where each quoted catalog key appears in the package and the notebooks."""
    root = paths.project_root()
    files = [*paths.PACKAGE_DIR.rglob("*.py"), *paths.notebooks_dir().glob("0*.ipynb")]
    keys = english()
    found: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(files):
        where = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for key in _QUOTED_KEY.findall(line):
                if key in keys:
                    found.setdefault(key, []).append((where, number))
    return found


def sample(text: str, **values: str) -> str:
    """Return ``text`` with its placeholders filled from ``values``, :data:`SAMPLE_VALUES`
    or as ``‹name›``.

    Examples
    --------
    >>> sample("Source: {sources} ({what})")
    'Source: KAS (‹what›)'
    >>> sample("{n} point", n="1")
    '1 point'
    """
    known = SAMPLE_VALUES | values
    return _PLACEHOLDER.sub(lambda m: known.get(m[1], f"‹{m[1]}›"), text)


def _label_message(key: str, entry: Entry, uses: list[tuple[str, int]]) -> Message:
    group = key.rsplit(".", 1)[0] if "." in key else None
    where = (
        []
        if uses
        else [f"Looked up by its code in the group '{group}' (tables, figures, pages)."]
        if group
        else ["Looked up by a key built in code."]
    )
    if entry.plural is None:
        samples = [f"Sample: {sample(entry.text)}"] if "{" in entry.text else []
        return Message(entry.text, context=key, locations=uses, auto_comments=where + samples)
    samples = [
        f"Sample ({entry.count} = 1): {sample(entry.text, **{entry.count: '1'})}",
        f"Sample ({entry.count} = 3): {sample(entry.plural, **{entry.count: '3'})}",
    ]
    return Message(
        (entry.text, entry.plural), context=key, locations=uses, auto_comments=where + samples
    )


def markdown_cells(notebooks: list[Path]) -> list[tuple[str, str, Path]]:
    """Return ``(context, English text, notebook)`` of every Markdown cell of ``notebooks``."""
    cells = []
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                cells.append((f"{path.stem}/{cell.get('id')}", cell.source.strip(), path))
    return cells


def report_notebooks() -> list[Path]:
    """Return the report notebooks whose narrative the catalogs translate."""
    return sorted(paths.notebooks_dir().glob("0*.ipynb"))


def templates() -> dict[str, Catalog]:
    """Return the template of each domain, built from ``en.yaml`` and the notebooks."""
    uses = _uses()
    labels = Catalog(project="caretrends", domain=LABELS_DOMAIN, fuzzy=False)
    for key, entry in english().items():
        message = _label_message(key, entry, uses.get(key, []))
        labels[message.id] = message
    narrative = Catalog(project="caretrends", domain=NARRATIVE_DOMAIN, fuzzy=False)
    for context, text, path in markdown_cells(report_notebooks()):
        notebook, cell_id = context.split("/", 1)
        narrative[text] = Message(
            text,
            context=context,
            locations=[(f"notebooks/{path.name}", 0)],
            auto_comments=[f"Markdown cell {cell_id} of the notebook {notebook}."],
        )
    return {
        LABELS_DOMAIN: labels,
        NARRATIVE_DOMAIN: narrative,
        SOURCES_DOMAIN: _source_descriptions(),
    }


def _source_descriptions() -> Catalog:
    """The source descriptions of the raw data: each publication (with the rows citing
    it), each registered file's producer, licence, title and (when it is words, not an
    address) where it was found. The raw files stay as they are; a third party's title is
    translated as itself, since a publication's title stays as published."""
    descriptions = Catalog(project="caretrends", domain=SOURCES_DOMAIN, fuzzy=False)
    rows: dict[str, list[int]] = {}
    with (paths.raw_dir() / PUBLISHED_FIGURES).open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), 2):
            if text := (row.get("publication") or "").strip():
                rows.setdefault(text, []).append(number)
    where = f"data/raw/{PUBLISHED_FIGURES.as_posix()}"
    for text, numbers in rows.items():
        lines = ", ".join(map(str, numbers))
        descriptions.add(text, auto_comments=[f"Publication of rows {lines} of {where}."])
    for record in load_registry():
        for name in ("producer", "licence", "title", "url"):
            text = getattr(record, name)
            if name == "url" and text.startswith("http"):
                continue  # an address, not words
            if text and text not in descriptions:
                comment = f"The {name} of data/raw/{record.path} (data/raw/sources.yaml)."
                descriptions.add(text, auto_comments=[comment])
    return descriptions


def po_bytes(catalog: Catalog) -> bytes:
    """Return ``catalog`` as PO text, as :func:`export` writes it."""
    out = io.BytesIO()
    # locations without line numbers: moving code must not rewrite every catalog
    write_po(out, catalog, ignore_obsolete=True, include_previous=True, include_lineno=False)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    """Return ``catalog`` compiled, fuzzy entries included (they await review, not English)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=True)
    return out.getvalue()


def new_catalog(lang: str, domain: str) -> Catalog:
    """Return an empty catalog of ``lang`` in ``domain``, its header saying what it is."""
    return Catalog(
        locale=CATALOG_FOLDERS[lang],
        domain=domain,
        project="caretrends",
        header_comment=(
            f"# {domain} of caretrends in {CATALOG_FOLDERS[lang]}: edit in a PO editor;\n"
            "# `caretrends translations export` merges new English, `check` reports."
        ),
        fuzzy=False,
    )


def translated(message: Message) -> bool:
    """Whether every form of ``message`` has a translation."""
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return bool(message.string) and all(strings)


def merge(po: Catalog, template: Catalog) -> None:
    """Bring ``po`` up to ``template``: a new text fuzzy, a changed English fuzzy.

    Babel's :meth:`~babel.messages.catalog.Catalog.update` keeps every translation whose
    key and English are unchanged; a key whose English changed keeps its old translation
    here, marked fuzzy with the previous English, rather than Babel's guess from similar
    texts under other keys. The previous English is written as ``#| msgid`` for the PO
    editor's diff; Babel's reader does not read it back (python-babel/babel#206), so the
    next export drops it while the entry stays fuzzy.
    """
    # Only a keyed entry carries its translation over: without a key (the sources
    # catalog) the English is the entry, and changed English is another entry.
    before = {
        message.context: message
        for message in po
        if message.id and message.context is not None and translated(message)
    }
    # a copy: Babel adds the template's own Message objects, which the next language shares
    po.update(copy.deepcopy(template), no_fuzzy_matching=True, update_creation_date=False)
    for message in po:
        if not message.id or translated(message):
            continue
        message.flags.add("fuzzy")
        old = before.get(message.context)
        if old is None:
            continue
        strings = old.string if isinstance(old.string, tuple | list) else (old.string,)
        forms = po.num_plurals if message.pluralizable else 1
        padded = [*strings, *[strings[-1]] * forms][:forms]
        message.string = tuple(padded) if message.pluralizable else padded[0]
        message.previous_id = list(old.id) if isinstance(old.id, tuple | list) else [old.id]


def export() -> list[Path]:
    """Write both templates, merge them into each language's catalogs, compile the ``.mo``.

    Returns
    -------
    list of Path
        The files written (a file whose content did not change is left alone).
    """
    written = []
    for domain, template in templates().items():
        pot = template_file(domain)
        if pot.exists():  # an unchanged template keeps its date, so nothing is rewritten
            template.creation_date = read_catalog(pot).creation_date
            if pot.read_bytes() != po_bytes(template):
                template.creation_date = dt.datetime.now(dt.UTC)
        written += _write_if_changed(pot, po_bytes(template))
        for lang in CATALOG_FOLDERS:
            path = catalog_file(lang, domain)
            po = read_catalog(path) if path.exists() else new_catalog(lang, domain)
            merge(po, template)
            written += _write_if_changed(path, po_bytes(po))
            written += _write_if_changed(catalog_file(lang, domain, "mo"), mo_bytes(po))
    return written


def _write_if_changed(path: Path, content: bytes) -> list[Path]:
    if path.exists() and path.read_bytes() == content:
        return []
    path.parent.mkdir(parents=True, exist_ok=True)
    paths.write_atomically(path, lambda part: part.write_bytes(content))
    return [path]


@dataclass
class CheckReport:
    """What :func:`check` found in the catalogs of one language."""

    language: str
    #: ``domain: key`` of every text without a translation.
    untranslated: list[str] = field(default_factory=list)
    #: ``(domain: key, why)`` of every translation awaiting review.
    fuzzy: list[tuple[str, str]] = field(default_factory=list)
    #: ``key: why`` of every translation that does not use its glossary term.
    inconsistent: list[str] = field(default_factory=list)

    def failed(self, *, strict: bool = False) -> bool:
        """Whether the language fails: anything untranslated or inconsistent (or fuzzy)."""
        return bool(self.untranslated or self.inconsistent or (strict and self.fuzzy))


def check(lang: str) -> CheckReport:
    """Check the catalogs of ``lang`` against the current templates and the glossary."""
    report = CheckReport(language=lang)
    for domain, template in templates().items():
        path = catalog_file(lang, domain)
        po = read_catalog(path) if path.exists() else Catalog(domain=domain)
        for wanted in template:
            if not wanted.id:
                continue
            message = po.get(wanted.id, context=wanted.context)
            where = f"{domain}: {wanted.context}"
            if message is None or not translated(message):
                report.untranslated.append(where)
            elif message.fuzzy:
                why = review_note(message, PROVISIONAL_NOTE) or "new or changed English"
                report.fuzzy.append((where, why))
    report.inconsistent = glossary_problems(lang)
    return report


def glossary_terms(lang: str) -> dict[str, list[str]]:
    """Return each glossary row's accepted forms in ``lang``.

    A cell reads ``term (pl. plural)``, ``term (indef. form)``, ``term (law: wording)`` or
    ``term / other``: each is an accepted form. Another bracket is an optional part or
    another name (``Qendra për Punë Sociale (QPS)``): the term without it, with it, and
    the bracket alone are accepted.

    Examples
    --------
    >>> glossary_terms("sq")["abandoned_child"]
    ['fëmijë i braktisur', 'fëmijë të braktisur']
    >>> glossary_terms("sr")["permanent_family"]
    ['trajno zbrinjavanje', 'trajno porodično zbrinjavanje', 'porodično']
    """
    with GLOSSARY_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    terms = {}
    for row in rows:
        cell = row[GLOSSARY_COLUMNS[lang]]
        named = re.findall(r"\((?:pl\.|indef\.|law:|CLDR:)\s*([^)]*)\)", cell)
        cell = re.sub(r"\((?:pl\.|indef\.|law:|CLDR:)[^)]*\)", " ", cell)
        other = re.findall(r"\(([^)]*)\)", cell)
        forms = [
            *re.sub(r"\([^)]*\)", " ", cell).split("/"),
            *re.sub(r"[()]", " ", cell).split("/"),
            *other,
            *named,
        ]
        terms[row["key"]] = list(
            dict.fromkeys(f for f in (" ".join(f.split()) for f in forms) if f)
        )
    return terms


def _uses_term(text: str, term: str) -> bool:
    """Whether ``text`` holds every word of ``term`` of four letters or more, inflected
    (its last two letters may change: ``fëmijë``/``fëmijëve``, ``deca``/``dece``)."""
    words = [w for w in re.findall(r"\w+", term.lower()) if len(w) >= 4 and not w.isdigit()]
    return all(word[: max(3, len(word) - 2)] in text.lower() for word in words)


def glossary_problems(lang: str) -> list[str]:
    """Every label of ``lang`` citing a glossary row whose term it does not use."""
    terms = glossary_terms(lang)
    problems = []
    for message in read_catalog(catalog_file(lang)):
        row = review_note(message, GLOSSARY_NOTE) if message.id else None
        if row is None:
            continue
        text = " ".join(message.string) if message.pluralizable else message.string
        if row not in terms:
            problems.append(f"{message.context}: cites the glossary row {row!r}, which is absent")
        elif terms[row] and not any(_uses_term(text, form) for form in terms[row]):
            problems.append(
                f"{message.context}: {text!r} does not use the glossary term "
                f"{' / '.join(terms[row])!r} ({row})"
            )
    return problems
