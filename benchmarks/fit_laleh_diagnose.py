"""Where the resistance model loses to a classical law on the Laleh hold-out benchmark (a reading aid).

Reads the two CSVs that ``benchmarks/fit_laleh.py --out E.csv --out-resistance R.csv`` writes and lists the
lesions with the largest excess held-out error of the resistance model over ``--law`` (default classic
Bertalanffy), with the arm, the number of fitted points, the posterior medians, the forecast and the truth,
and a class for each:

- ``bad chain``: worst-parameter R-hat above 1.05;
- ``over-extrapolated growth``: the forecast of the last held-out point lies above the last fitted volume
  and above the truth (regrowth carried on too steeply);
- ``over-extrapolated shrinkage``: the forecast lies below the last fitted volume and below the truth;
- ``missed regrowth``: the truth rose above the last fitted volume and the forecast stayed below it;
- ``missed shrinkage``: the truth fell below the last fitted volume and the forecast stayed above it;
- ``plug-in better``: the noise-free posterior median (a plug-in forecast) would have erred less than the
  posterior-predictive median that is scored.

Usage::

    PYTHONPATH=src python benchmarks/fit_laleh_diagnose.py E.csv R.csv [--law classic_bertalanffy] [--top 15]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd


def classify(row: pd.Series) -> list[str]:
    """The failure classes of one lesion's resistance-model forecast (see the module docstring)."""
    out = []
    last_fit, pred, obs = row["last_fit_volume"], row["pred_volume_3"], row["obs_volume_3"]
    if row["rhat_max"] > 1.05:
        out.append("bad chain")
    if pred > last_fit and pred > obs:
        out.append("over-extrapolated growth")
    if pred < last_fit and pred < obs:
        out.append("over-extrapolated shrinkage")
    if obs > last_fit and pred <= last_fit:
        out.append("missed regrowth")
    if obs < last_fit and pred >= last_fit:
        out.append("missed shrinkage")
    if row["plugin_mae"] < row["heldout_mae"]:
        out.append("plug-in better")
    return out


def excess_table(errors: pd.DataFrame, res: pd.DataFrame, *, law: str = "classic_bertalanffy") -> pd.DataFrame:
    """Per lesion: resistance-model diagnostics joined with the excess MAE over ``law``, largest first."""
    wide = errors.pivot(index="lesion_id", columns="law", values="heldout_mae")
    merged = res.set_index("lesion_id").join(wide[[law, "constant"]].rename(columns={law: "law_mae"}))
    merged["excess"] = merged["heldout_mae"] - merged["law_mae"]
    merged["classes"] = [", ".join(classify(r)) for _, r in merged.iterrows()]
    return merged.sort_values("excess", ascending=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("errors", type=Path)
    ap.add_argument("resistance", type=Path)
    ap.add_argument("--law", default="classic_bertalanffy")
    ap.add_argument("--top", type=int, default=15)
    a = ap.parse_args(argv)
    errors = pd.read_csv(a.errors, dtype={"lesion_id": str})
    res = pd.read_csv(a.resistance, dtype={"lesion_id": str})
    tab = excess_table(errors, res, law=a.law)
    total = tab["excess"].sum()
    pos = tab["excess"].clip(lower=0).sum()
    top = tab.head(a.top)
    print(f"{len(tab)} lesions; summed excess MAE over {a.law}: {total:.4f} (positive part {pos:.4f}); "
          f"top {a.top} hold {top['excess'].sum():.4f}")
    cols = ["arm", "n_fit", "excess", "heldout_mae", "law_mae", "constant", "rhat_max", "median_log10_rho",
            "median_kill", "median_growth", "median_decel", "median_noise_cv", "last_fit_volume",
            "pred_volume_3", "obs_volume_3", "classes"]
    pd.set_option("display.width", 250)
    pd.set_option("display.max_colwidth", 60)
    print(top[[c for c in cols if c in top.columns]].to_string(float_format=lambda x: f"{x:.3g}"))
    counts: dict[str, int] = {}
    for c in top["classes"]:
        for k in filter(None, c.split(", ")):
            counts[k] = counts.get(k, 0) + 1
    print("classes among the top:", counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
