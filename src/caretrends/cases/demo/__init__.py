"""Synthetic case records: seeded, shaped like the real thing, written as messy exports.

* :mod:`.simulate`: case histories and counselling (:func:`simulate_episodes`,
  :func:`simulate_counselling`);
* :mod:`.export`: each office's messy export of them (:func:`messy_export`);
* :mod:`.files`: the demonstration set on disk (:func:`write_export`,
  :func:`write_demo_set`).

Every row carries ``synthetic`` = true (in the file's language), every file name
contains ``synthetic``, and :func:`write_demo_set` registers each file with
``synthetic: true``. The same seed gives the same bytes.
"""

#: Seed of the bundled demo set (here rather than in :mod:`.files`, so that the command
#: line's default needs no data stack).
DEMO_SEED = 20251231
