"""Code lists the package ships: the reference areas (``ref_areas.csv``: ISO3 codes with
English names and the other names sources use)."""

from pathlib import Path

#: Kosovo's reference-area code (UNICEF's and the World Bank's ``XKX``).
KOSOVO = "XKX"

#: The reference areas the readers know, one row per code.
REF_AREAS_PATH = Path(__file__).with_name("ref_areas.csv")
