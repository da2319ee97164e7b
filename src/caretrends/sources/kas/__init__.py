"""The Kosovo Agency of Statistics' ASKdata (PxWeb): table mappings and the JSON-stat reader
(:mod:`.mapping`), and fetching configured tables (:mod:`.fetch`)."""
