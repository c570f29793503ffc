"""Simulation results: trajectories per cell type, with xarray, pandas and Parquet views."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

META_KEY = b"oncoresist"
CONC_PREFIX = "conc:"


@dataclass
class SimulationResult:
    """Counts (and concentrations) of every replicate at the recorded times.

    Attributes
    ----------
    times
        Recorded times (days), ``[time]``.
    counts
        Cells per type, ``[replicate, time, cell_type]``.
    concentrations
        Central concentration of each drug, ``[replicate, time, drug]``.
    final
        Counts at the end of the run, ``[replicate, cell_type]``.
    cell_types, drugs
        Labels.
    engine
        ``"ssa"``, ``"tau"`` or ``"ode"``.
    seed
        Root entropy, spawn key and replicate ids: enough to regenerate the run.
    scenario, provenance
        The scenario (as JSON-ready data) and the provenance record.
    """

    times: np.ndarray
    counts: np.ndarray
    concentrations: np.ndarray
    final: np.ndarray
    cell_types: tuple[str, ...]
    drugs: tuple[str, ...]
    engine: str
    seed: dict[str, Any]
    scenario: dict[str, Any] = field(repr=False)
    provenance: dict[str, Any] = field(repr=False)

    @property
    def n_replicates(self) -> int:
        return int(self.counts.shape[0])

    @property
    def total(self) -> np.ndarray:
        """Total burden ``[replicate, time]``."""
        return self.counts.sum(axis=2)

    def metadata(self) -> dict[str, Any]:
        """What the Parquet schema metadata stores."""
        from oncoresist._version import __version__

        return {
            "oncoresist_version": __version__,
            "engine": self.engine,
            "seed": self.seed,
            "scenario": self.scenario,
            "provenance": self.provenance,
            "cell_types": list(self.cell_types),
            "drugs": list(self.drugs),
            "final": self.final.tolist(),
        }

    def to_xarray(self) -> Any:
        """An :class:`xarray.Dataset` with ``counts``, ``concentration`` and ``final``."""
        import xarray as xr

        reps = np.arange(self.n_replicates)
        return xr.Dataset(
            {
                "counts": (("replicate", "time", "cell_type"), self.counts),
                "concentration": (("replicate", "time", "drug"), self.concentrations),
                "final": (("replicate", "cell_type"), self.final),
            },
            coords={
                "replicate": reps,
                "time": self.times,
                "cell_type": list(self.cell_types),
                "drug": list(self.drugs),
            },
            attrs={
                "engine": self.engine,
                "seed": json.dumps(self.seed),
                "oncoresist_version": self.metadata()["oncoresist_version"],
                "scenario": json.dumps(self.scenario),
            },
        )

    def to_dataframe(self) -> Any:
        """Long table: one row per replicate, time and cell type (columns ``count``, ...)."""
        import pandas as pd

        r, t, c = self.counts.shape
        return pd.DataFrame(
            {
                "replicate": np.repeat(np.arange(r), t * c),
                "time": np.tile(np.repeat(self.times, c), r),
                "cell_type": pd.Categorical(
                    np.tile(np.array(self.cell_types, dtype=object), r * t), categories=list(self.cell_types)
                ),
                "count": self.counts.reshape(-1),
            }
        )

    def _wide_table(self) -> Any:
        import pyarrow as pa

        r, t, _ = self.counts.shape
        cols: dict[str, Any] = {
            "replicate": np.repeat(np.arange(r, dtype=np.int64), t),
            "time": np.tile(self.times, r),
        }
        for i, name in enumerate(self.cell_types):
            cols[name] = self.counts[:, :, i].reshape(-1)
        for j, name in enumerate(self.drugs):
            cols[CONC_PREFIX + name] = self.concentrations[:, :, j].reshape(-1)
        table = pa.table(cols)
        return table.replace_schema_metadata({META_KEY: json.dumps(self.metadata()).encode()})

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write a wide table (replicate, time, one column per type, ``conc:`` per drug).

        Scenario, seed, engine and version go in the schema metadata. The file is
        written to a temporary file in the same folder and renamed into place, so
        an interruption never leaves a half-written output.
        """
        import pyarrow.parquet as pq

        path = Path(path)
        table = self._wide_table()
        from oncoresist._io import atomic_path

        with atomic_path(path) as tmp:
            pq.write_table(table, tmp)
        return path


def read_result(path: str | os.PathLike[str]) -> SimulationResult:
    """Read a result written by :meth:`SimulationResult.to_parquet`."""
    import pyarrow.parquet as pq

    from oncoresist.errors import OncoresistError

    table = pq.read_table(path)
    raw = (table.schema.metadata or {}).get(META_KEY)
    if raw is None:
        raise OncoresistError(f"{path}: not an oncoresist simulation result (no metadata)")
    meta = json.loads(raw)
    types, drugs = tuple(meta["cell_types"]), tuple(meta["drugs"])
    rep = table.column("replicate").to_numpy()
    r = int(rep.max()) + 1 if rep.size else 0
    t = len(rep) // max(r, 1)
    times = table.column("time").to_numpy()[:t]
    counts = np.stack([table.column(n).to_numpy().reshape(r, t) for n in types], axis=2)
    conc = (
        np.stack([table.column(CONC_PREFIX + n).to_numpy().reshape(r, t) for n in drugs], axis=2)
        if drugs
        else np.zeros((r, t, 0))
    )
    return SimulationResult(
        times=times,
        counts=counts,
        concentrations=conc,
        final=np.asarray(meta["final"], dtype=counts.dtype),
        cell_types=types,
        drugs=drugs,
        engine=meta["engine"],
        seed=meta["seed"],
        scenario=meta["scenario"],
        provenance=meta["provenance"],
    )
