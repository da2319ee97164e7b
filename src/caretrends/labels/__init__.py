"""Labels and number formats in English, Albanian and Serbian (Latin).

Every word a figure or a table shows comes from the English catalog ``en.yaml`` and
its translations, the gettext catalogs under ``locale/`` (``sq`` and ``sr_Latn``: the
key as message context, the English as msgid, plural forms for a text that carries a
count), so that a brief reads the same in all three languages and a translator works in
any PO editor (:mod:`caretrends.labels.po`, ``caretrends translations export|check``).
Albanian and Serbian entries either cite the row of the project glossary
``glossary.csv`` (in this folder: each term with the public page and the quote it was
found in) where the term was found in a Kosovo source (``# glossary: key``) or are fuzzy
with the reason (``# provisional: why``), for a native speaker to review.

Numbers and dates are formatted by Babel for the locale of each language: Kosovo's
Albanian (``sq_XK``: ``1 234,5``) and Serbian Latin (``sr_Latn_XK``: ``1.234,5``), and
British English (``en_GB``: ``1,234.5``).

Examples
--------
>>> label("year", "sq")
'Viti'
>>> format_number(1234.5, "sr", decimals=1)
'1.234,5'
>>> format_percent(0.125, "en", decimals=1)
'12.5%'
"""

from caretrends.labels.institutions import (
    INSTITUTIONS_PATH,
    Institution,
    institution_name,
    institutions,
    source_text,
)
from caretrends.labels.sentences import (
    case_source,
    case_title,
    cited_text,
    count_text,
    median_sentence,
    model_term,
    model_withheld_sentence,
    origin_note,
    reject_reason,
    withheld_text,
)
from caretrends.labels.terms import (
    CODE_GROUPS,
    GLOSSARY_PATH,
    LANGUAGES,
    Catalog,
    Entry,
    catalog,
    country_name,
    format_date,
    format_interval,
    format_number,
    format_percent,
    has_label,
    label,
    label_key,
    locale_of,
    text_or_label,
)

__all__ = [
    "CODE_GROUPS",
    "GLOSSARY_PATH",
    "INSTITUTIONS_PATH",
    "Institution",
    "Catalog",
    "Entry",
    "LANGUAGES",
    "case_source",
    "case_title",
    "catalog",
    "cited_text",
    "count_text",
    "country_name",
    "format_date",
    "format_interval",
    "format_number",
    "format_percent",
    "has_label",
    "institution_name",
    "institutions",
    "label",
    "label_key",
    "locale_of",
    "median_sentence",
    "model_term",
    "model_withheld_sentence",
    "origin_note",
    "reject_reason",
    "source_text",
    "text_or_label",
    "withheld_text",
]
