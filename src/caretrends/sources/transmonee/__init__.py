"""UNICEF TransMonEE: the December 2020 workbook and its bundled extract (:mod:`.workbook`),
and the live SDMX REST API (:mod:`.live`)."""
