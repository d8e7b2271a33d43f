"""Many recordings at once: ``rehearse batch``.

- :mod:`rehearse.batch.inputs` finds the recordings that files, folders and glob patterns name;
- :mod:`rehearse.batch.work` analyses one recording in whatever process runs it, loading the
  speech model once per process, and runs a batch on local processes or a Dask cluster;
- :mod:`rehearse.batch.summary` gathers every session's key figures for ``summary.csv``,
  ``summary.json`` and the coach's ``cohort.html``.
"""

from __future__ import annotations

from rehearse.errors import RehearseError


class BatchError(RehearseError):
    """The batch cannot start: an input names nothing, or the cluster cannot be reached."""
