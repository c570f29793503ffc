"""Fitting a patient's own measurements: longitudinal series, growth laws, resistance-aware fits, forecasts.

Layer 4 (imports ``engine``, ``model``, ``monitor`` and below). See ``docs/fit.md``.

Public API
----------
- :class:`Series`, :class:`Measurement`, :class:`MeasurementKind`, :class:`TreatmentPeriod`,
  :class:`SeriesError` — the longitudinal record (``oncoresist.fit.series``);
- :func:`read_laleh_table`, :func:`read_laleh` — the Laleh et al. 2022 lesion table (``oncoresist.fit.laleh``);
- :data:`LAWS`, :data:`CLASSICAL_LAWS`, :func:`fit_lesion`, :func:`fit_laws`, :class:`LawFit` — classical growth
  laws and the bi-exponential sensitive + resistant law, least squares (``oncoresist.fit.laws``);
- :func:`read_series`, :func:`write_series_csv` — long CSV / JSON / YAML (``oncoresist.fit.io``);
- :class:`ResistanceFitter`, :class:`Priors` — the resistance-aware Bayesian fit (``oncoresist.fit.bayes``);
- :func:`fit_series` — series → JSON-ready result, what ``oncoresist fit`` prints (``oncoresist.fit.api``);
- ``oncoresist.fit.plateau`` (empirical-Bayes prior factor on the resistant plateau) and
  ``oncoresist.fit.calibration`` (the forecast discrepancy from leave-last-out forecasts), used to make the
  shipped ``fit/data/laleh_plateau.yaml`` and ``fit/data/laleh_discrepancy.yaml``.
"""

from __future__ import annotations

from oncoresist.fit.api import fit_series
from oncoresist.fit.bayes import Priors, ResistanceFitter
from oncoresist.fit.io import read_series, write_series_csv
from oncoresist.fit.laleh import read_laleh, read_laleh_table
from oncoresist.fit.laws import CLASSICAL_LAWS, LAWS, LawFit, fit_laws, fit_lesion
from oncoresist.fit.series import Measurement, MeasurementKind, Series, SeriesError, TreatmentPeriod

__all__ = [
    "CLASSICAL_LAWS",
    "LAWS",
    "LawFit",
    "Measurement",
    "MeasurementKind",
    "Priors",
    "ResistanceFitter",
    "Series",
    "SeriesError",
    "TreatmentPeriod",
    "fit_laws",
    "fit_lesion",
    "fit_series",
    "read_laleh",
    "read_laleh_table",
    "read_series",
    "write_series_csv",
]
