"""Reader for the Laleh et al. 2022 tumour-lesion series (the TumorGrowth.jl ``flat_patient_data.csv``).

Source: Laleh N.G. et al. 2022, "Classical mathematical models for prediction of response to
chemotherapy and immunotherapy", PLoS Comput Biol 18:e1009822, DOI:10.1371/journal.pcbi.1009822
(CC BY 4.0), as restructured in the TumorGrowth.jl repository (MIT). One row per measurement of one
target lesion: columns ``Pt_hashID`` (patient-lesion id), ``Study_Arm``, ``Study_id``, ``Arm_id``,
``T_weeks``, ``T_days``, ``Lesion_diam`` (longest diameter, mm), ``Lesion_vol`` (0.52·d³, mm³, the
ellipsoid volume the paper uses), ``Lesion_normvol`` (volume / largest volume of the whole table),
``response`` (the paper's trend class up/down/flux) and ``readings`` (measurements of that lesion).

:func:`read_laleh_table` returns the tidy measurement table; :func:`read_laleh` returns one
:class:`~oncoresist.fit.series.Series` per patient-lesion (kind ``lesion_diameter`` and
``lesion_volume``, target = the lesion id, ``arm`` = ``Study_Arm``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from oncoresist.fit.series import Measurement, MeasurementKind, Series, SeriesError

LALEH_SOURCE = "Laleh et al. 2022, PLoS Comput Biol 18:e1009822, DOI:10.1371/journal.pcbi.1009822 (CC BY 4.0)"
LALEH_COLUMNS = (
    "Pt_hashID", "Study_Arm", "Study_id", "Arm_id", "T_weeks", "T_days",
    "Lesion_diam", "Lesion_vol", "Lesion_normvol", "response", "readings",
)
VOLUME_FACTOR = 0.52
"""Lesion volume = 0.52 · diameter³ (mm³), as in the paper and the table's ``Lesion_vol``."""


def read_laleh_table(path: str | Path) -> pd.DataFrame:
    """The Laleh table as a tidy frame, sorted by lesion and time.

    Columns: ``lesion_id, study, arm, time_days, diameter_mm, volume_mm3, normvol, trend``.

    Raises
    ------
    SeriesError
        A missing column, a non-numeric or negative value (the row and field are named).
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype={"Pt_hashID": str, "Study_Arm": str, "response": str})
    except pd.errors.EmptyDataError:
        raise SeriesError(f"{path}: the file is empty") from None
    missing = [c for c in LALEH_COLUMNS if c not in raw.columns]
    if missing:
        raise SeriesError(f"{path}: missing column(s) {', '.join(missing)} (expected the Laleh flat_patient_data.csv)")
    for col in ("T_days", "Lesion_diam", "Lesion_vol", "Lesion_normvol"):
        values = pd.to_numeric(raw[col], errors="coerce")
        bad = np.flatnonzero(values.isna().to_numpy())
        if bad.size:
            raise SeriesError(f"{path}: row {bad[0] + 2}, field {col}: {raw[col].iloc[bad[0]]!r} is not a number")
        if col != "T_days":
            neg = np.flatnonzero((values < 0).to_numpy())
            if neg.size:
                raise SeriesError(f"{path}: row {neg[0] + 2}, field {col}: negative size {values.iloc[neg[0]]}")
        raw[col] = values
    table = pd.DataFrame({
        "lesion_id": raw["Pt_hashID"],
        "study": raw["Study_id"].astype(str),
        "arm": raw["Study_Arm"],
        "time_days": raw["T_days"].astype(float),
        "diameter_mm": raw["Lesion_diam"].astype(float),
        "volume_mm3": raw["Lesion_vol"].astype(float),
        "normvol": raw["Lesion_normvol"].astype(float),
        "trend": raw["response"],
    })
    return table.sort_values(["lesion_id", "time_days"], kind="stable").reset_index(drop=True)


def read_laleh(path: str | Path, *, min_points: int = 1) -> list[Series]:
    """One :class:`Series` per patient-lesion with at least ``min_points`` measurements.

    Each series has ``patient_id`` = the lesion id, ``arm`` = the study arm, and two tracks
    targeted at the lesion id: ``lesion_diameter`` (mm) and ``lesion_volume`` (mm³).
    """
    table = read_laleh_table(path)
    out: list[Series] = []
    for lesion_id, g in table.groupby("lesion_id", sort=True):
        if len(g) < min_points:
            continue
        lid = str(lesion_id)
        t = g["time_days"].to_numpy()
        diam = [Measurement(time_days=float(ti), kind=MeasurementKind.lesion_diameter, value=float(v), target=lid)
                for ti, v in zip(t, g["diameter_mm"], strict=True)]
        vol = [Measurement(time_days=float(ti), kind=MeasurementKind.lesion_volume, value=float(v), target=lid)
               for ti, v in zip(t, g["volume_mm3"], strict=True)]
        out.append(Series(patient_id=lid, arm=str(g["arm"].iloc[0]), source=LALEH_SOURCE, measurements=diam + vol))
    return out
