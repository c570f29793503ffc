"""The ``leap`` kernel's no-arrival shortcut draws exactly what the plain arrival draw draws (no statistics)."""

from __future__ import annotations

import itertools

import numpy as np

from oncoresist.engine import _leap, _pcg


def test_lazy_arrivals_equal_the_plain_draw() -> None:
    """Same arrivals and the same stream position after, for means from 1e-9 to 30 (the shortcut's edge at an
    upper bound near 1 included), ends equal, growing, shrinking and with a zero end; ``a`` is returned."""
    lam_bar, mu_bar = np.array([0.14, 0.3]), np.array([0.17, 0.2])
    states = _pcg.stream_states(2026, 4, [(k,) for k in range(40)])
    ends = [(1e5, 1e5), (1e5, 8.5e4), (10.0, 30.0), (3.0, 0.0), (0.0, 2.0), (1.0, 1.0)]
    coefs = [1e-14, 1e-9, 1.4e-6, 1e-4, 0.3, 0.9, 3.0]
    checked = lazy_zero = 0
    for (n0, n1), coef, h in itertools.product(ends, coefs, (1.0, 3.2)):
        a = _leap._cell_days(n0, n1, h)
        upper = 0.5 * h * (n0 + n1) * (1.0 + 1e-12)
        for row in states:
            st1, st2 = row.copy(), row.copy()
            c1, c2 = np.zeros(2), np.zeros(2)
            got = _leap._arrive_lazy(st1, c1, 1, coef, -1.0, upper, n0, n1, h, lam_bar, mu_bar)
            _leap._arrive(st2, c2, 1, coef * a, n0, n1, h, lam_bar, mu_bar)
            np.testing.assert_array_equal(c1, c2)
            np.testing.assert_array_equal(st1, st2)
            assert got in (-1.0, a)
            lazy_zero += got == -1.0
            checked += 1
    assert checked == 6 * 7 * 2 * 40 and 0 < lazy_zero < checked  # the shortcut both fired and did not
