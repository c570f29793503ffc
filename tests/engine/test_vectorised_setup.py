"""The Simulator's vectorised set-up equals the per-replicate definitions it replaced, bit for bit.

References are the per-replicate functions themselves (``_pack.scaled``, ``model.pk.sample_pk`` on a
``Generator`` of the replicate's PK stream, ``_kernels.rates_at`` and ``competition_death`` per
replicate), not the new code's output.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.scenarios import rich_scenario
from oncoresist.engine import ReplicateParameters, Simulator
from oncoresist.engine import _kernels as kern
from oncoresist.engine._pack import pk_params, scale_pk, scaled
from oncoresist.model.pk import sample_pk
from oncoresist.random import child_seed, generator

R = 12


def _params() -> ReplicateParameters:
    g = np.random.default_rng(3)
    return ReplicateParameters(birth=g.uniform(0.8, 1.2, R), death=g.uniform(0.9, 1.1, R),
                               drug_emax=g.uniform(0.5, 1.5, R), drug_ec50=g.uniform(0.5, 2.0, R),
                               transitions=g.uniform(0.5, 2.0, R), switch_rates=g.uniform(0.5, 2.0, R),
                               clearance=g.uniform(0.7, 1.3, R), volume=g.uniform(0.8, 1.2, R))  # fmt: skip


@pytest.mark.parametrize("engine", ["leap", "tau"])
@pytest.mark.parametrize("competition", [False, True])
def test_setup_and_rates_equal_the_per_replicate_definitions(engine: str, competition: bool) -> None:
    root = np.random.SeedSequence(2024)
    sim = Simulator(rich_scenario("bliss", competition), engine=engine, n_replicates=R, seed=root,
                    replicate_params=_params(), times=[0.0, 3.0])  # fmt: skip
    m = sim.model
    for q in range(R):
        ref = scaled(sim._packed, m, sim._mult, q)
        p = sim._packed_for(q)
        for name in ("tp", "pdp", "div_p", "swp"):
            np.testing.assert_array_equal(getattr(p, name), getattr(ref, name))
        pk_rng = generator(child_seed(root, q, 0))
        cl, v = m.clearance.copy(), m.volume.copy()
        for j in range(m.n_drugs):
            cl[j], v[j] = sample_pk(pk_rng, cl[j], v[j], m.cv_clearance[j], m.cv_volume[j])
        np.testing.assert_array_equal(sim._pkp[q], scale_pk(pk_params(m, cl, v), sim._mult, q))
    assert np.unique(sim._pkp[:, 0, 2]).size == R  # the PK draws differ between replicates
    sim.advance(3.0)
    b, d = sim.rates()
    for q in range(R):
        p = scaled(sim._packed, m, sim._mult, q)
        bq, dq = np.empty(m.n_types), np.empty(m.n_types)
        kern.rates_at(sim.concentrations[q], p.tp, p.pdp, p.comb, p.sws, p.swp, bq, dq, np.empty(m.sw_src.size),
                      np.empty(m.n_drugs))  # fmt: skip
        if p.has_comp:
            cd = np.zeros(m.n_types)
            kern.competition_death(sim.state[q].astype(float), p.tp, p.comp, cd)
            dq += cd
        np.testing.assert_array_equal(b[q], bq)
        np.testing.assert_array_equal(d[q], dq)
