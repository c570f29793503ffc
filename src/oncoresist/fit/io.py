"""Reading and writing a :class:`~oncoresist.fit.series.Series`: long-format CSV, JSON and YAML.

Long CSV (one row per measurement or treatment period; header required; column order free)::

    patient_id,time_days,kind,value,target,depth,below_detection,drug,stop_days,dose,dose_unit
    P1,0,sum_of_diameters,62,,,,,,,
    P1,0,ctdna_vaf,0.081,EGFR L858R,2400,,,,,
    P1,0,treatment,,,,,osimertinib,,80,mg

``time_days``, ``kind`` and (for measurements) ``value`` are required; for a ``treatment`` row
``time_days`` is the start day and ``drug`` is required. Empty cells are missing values.
JSON/YAML hold the :class:`Series` fields directly (``oncoresist schema series`` prints the schema).
Every error names the file, the row (CSV, counting the header as row 1) or the field path, and the field.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from oncoresist._io import write_text_atomic
from oncoresist.fit.series import Measurement, MeasurementKind, Series, SeriesError, TreatmentPeriod

CSV_COLUMNS = ("patient_id", "time_days", "kind", "value", "target", "depth", "below_detection",
               "drug", "stop_days", "dose", "dose_unit")
TREATMENT = "treatment"
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"", "0", "false", "no", "n", "f"}


def _first_error(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors()[0]
    loc = ".".join(str(x) for x in err["loc"]) or "(record)"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return loc, msg


def _number(path: Path, row: int, field: str, text: str, *, integer: bool = False) -> float | int | None:
    text = text.strip()
    if text == "":
        return None
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        kind = "an integer" if integer else "a number"
        raise SeriesError(f"{path}: row {row}, field {field}: {text!r} is not {kind}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise SeriesError(f"{path}: row {row}, field {field}: {text!r} is not a finite number")
    return value


def read_series_csv(path: str | Path) -> Series:
    """Read one patient's long-format CSV (see the module docstring)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    if not text.strip():
        raise SeriesError(f"{path}: the file is empty; expected a header and at least one measurement row")
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise SeriesError(f"{path}: row 1: unknown column(s) {', '.join(unknown)}; allowed: {', '.join(CSV_COLUMNS)}")
    for need in ("time_days", "kind"):
        if need not in header:
            raise SeriesError(f"{path}: row 1: missing required column {need}")
    kinds = {k.value for k in MeasurementKind}
    measurements: list[Measurement] = []
    treatments: list[TreatmentPeriod] = []
    patient: str | None = None
    last_time: dict[tuple[str, str | None], float] = {}
    for i, raw in enumerate(reader, start=2):
        rec = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(rec.values()):
            continue
        pid = rec.get("patient_id") or None
        if pid is not None:
            if patient is not None and pid != patient:
                raise SeriesError(f"{path}: row {i}, field patient_id: {pid!r} differs from {patient!r}; "
                                  "one file holds one patient")
            patient = pid
        kind = rec.get("kind", "")
        t = _number(path, i, "time_days", rec.get("time_days", ""))
        if t is None:
            raise SeriesError(f"{path}: row {i}, field time_days: missing")
        try:
            if kind == TREATMENT:
                if not rec.get("drug"):
                    raise SeriesError(f"{path}: row {i}, field drug: a treatment row needs a drug")
                treatments.append(TreatmentPeriod(
                    drug=rec["drug"], start_days=float(t),
                    stop_days=_number(path, i, "stop_days", rec.get("stop_days", "")),
                    dose=_number(path, i, "dose", rec.get("dose", "")), dose_unit=rec.get("dose_unit") or None))
                continue
            if kind not in kinds:
                raise SeriesError(f"{path}: row {i}, field kind: unknown measurement kind {kind!r}; "
                                  f"choose one of {', '.join(sorted(kinds))} or {TREATMENT}")
            value = _number(path, i, "value", rec.get("value", ""))
            if value is None:
                raise SeriesError(f"{path}: row {i}, field value: missing")
            bd = rec.get("below_detection", "").lower()
            if bd not in _TRUE | _FALSE:
                raise SeriesError(f"{path}: row {i}, field below_detection: {bd!r} is not true/false")
            m = Measurement(time_days=float(t), kind=MeasurementKind(kind), value=float(value),
                            target=rec.get("target") or None,
                            depth=_number(path, i, "depth", rec.get("depth", ""), integer=True),
                            below_detection=bd in _TRUE)
        except ValidationError as exc:
            loc, msg = _first_error(exc)
            raise SeriesError(f"{path}: row {i}, field {loc}: {msg}") from None
        key = (m.kind.value, m.target)
        if key in last_time and m.time_days < last_time[key]:
            raise SeriesError(f"{path}: row {i}, field time_days: {m.time_days:g} is before the previous "
                              f"{kind}{' ' + m.target if m.target else ''} at {last_time[key]:g}; sort rows by time")
        last_time[key] = m.time_days
        measurements.append(m)
    if not measurements:
        raise SeriesError(f"{path}: no measurement rows (only a header or treatment rows)")
    try:
        return Series(patient_id=patient or path.stem, measurements=measurements, treatments=treatments,
                      source=str(path))
    except ValidationError as exc:
        loc, msg = _first_error(exc)
        raise SeriesError(f"{path}: field {loc}: {msg}") from None


def read_series_mapping(data: Any, *, origin: str = "<series>") -> Series:
    """A :class:`Series` from a parsed JSON/YAML mapping; errors name the field path."""
    if not isinstance(data, dict):
        raise SeriesError(f"{origin}: expected a mapping with patient_id and measurements, got {type(data).__name__}")
    try:
        return Series.model_validate(data)
    except ValidationError as exc:
        loc, msg = _first_error(exc)
        raise SeriesError(f"{origin}: field {loc}: {msg}") from None


def read_series(path: str | Path) -> Series:
    """Read a series from ``.csv``, ``.json``, ``.yaml`` or ``.yml`` (chosen by the suffix)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_series_csv(path)
    if suffix not in {".json", ".yaml", ".yml"}:
        raise SeriesError(f"{path}: unknown series format {suffix!r}; use .csv, .json, .yaml or .yml")
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise SeriesError(f"{path}: the file is empty")
    try:
        data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise SeriesError(f"{path}: not valid {suffix[1:].upper()}: {' '.join(str(exc).split())}") from None
    return read_series_mapping(data, origin=str(path))


def series_to_csv_text(series: Series) -> str:
    """The long-format CSV text of ``series`` (measurements, then treatment rows)."""
    rows = [",".join(CSV_COLUMNS)]

    def fmt(x: object) -> str:
        if x is None:
            return ""
        s = str(x)
        return f'"{s}"' if "," in s else s

    for m in series.measurements:
        rows.append(",".join(fmt(x) for x in (series.patient_id, m.time_days, m.kind.value, m.value, m.target,
                                              m.depth, "true" if m.below_detection else "", None, None, None, None)))
    for tp in series.treatments:
        rows.append(",".join(fmt(x) for x in (series.patient_id, tp.start_days, TREATMENT, None, None, None, None,
                                              tp.drug, tp.stop_days, tp.dose, tp.dose_unit)))
    return "\n".join(rows) + "\n"


def write_series_csv(series: Series, path: str | Path) -> None:
    """Write ``series`` as long-format CSV (atomically)."""
    write_text_atomic(path, series_to_csv_text(series))
