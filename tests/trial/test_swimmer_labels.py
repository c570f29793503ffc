"""Swimmer row labels: wrapped at word or strategy:drug boundaries, never cut inside a word."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd

from oncoresist.trial.plots import arm_label, plot_swimmer


def test_long_arm_names_wrap_whole_words() -> None:
    """Before: 'osimertini #0' (arm[:10])."""
    assert arm_label("osimertinib", 0) == "osimertinib #0"
    assert arm_label("continuous:osimertinib", 3) == "continuous:\nosimertinib #3"
    assert arm_label("switch at progression", 1) == "switch at\nprogression #1"
    assert arm_label("adaptive", 2) == "adaptive #2"


def test_swimmer_tick_labels_keep_every_word_of_the_arm() -> None:
    import matplotlib.pyplot as plt

    rows = [{"arm": arm, "patient_id": i, "os_time": 300.0, "pfs_time": 200.0, "pfs_event": True,
             "os_event": False, "response_time": float("nan"), "first_switch_time": float("nan")}
            for arm in ("osimertinib", "switch at progression") for i in range(2)]
    ax = plot_swimmer(pd.DataFrame(rows), per_arm=2)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    plt.close(ax.figure)
    assert labels[0] == "osimertinib #0"
    words = " ".join(labels).split()
    assert "osimertini" not in words and "progression" in words
