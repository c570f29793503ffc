"""The seed helper: normalisation, pure child streams, a seed record that round-trips."""

from __future__ import annotations

import json

import numpy as np
import pytest

from oncoresist.errors import InvalidArgument, OncoresistError
from oncoresist.random import (
    as_generator,
    as_seed_sequence,
    child_seed,
    child_seeds,
    same_seed,
    seed_from_record,
    seed_record,
)


def _draw(ss: np.random.SeedSequence) -> np.ndarray:
    return np.random.Generator(np.random.PCG64(ss)).random(4)


@pytest.mark.parametrize("seed", [7, np.random.SeedSequence(7), np.random.SeedSequence(7).spawn(3)[2],
                                  np.random.SeedSequence([1, 2, 3]), np.random.default_rng(7), None])
def test_record_round_trips_through_json(seed: object) -> None:
    ss = as_seed_sequence(seed)  # type: ignore[arg-type]
    back = seed_from_record(json.loads(json.dumps(seed_record(ss))))
    assert same_seed(ss, back)
    np.testing.assert_array_equal(_draw(ss), _draw(back))


def test_child_seed_equals_numpy_spawn_and_is_pure() -> None:
    root = np.random.SeedSequence(11)
    first = child_seed(root, 2, 1)
    assert root.n_children_spawned == 0
    expected = np.random.SeedSequence(11).spawn(3)[2].spawn(2)[1]
    np.testing.assert_array_equal(_draw(first), _draw(expected))
    np.testing.assert_array_equal(_draw(child_seed(root, 2, 1)), _draw(first))
    kids = child_seeds(root, 3, prefix=(5,))
    assert [k.spawn_key for k in kids] == [(5, 0), (5, 1), (5, 2)]


def test_generator_seed_advances_caller_stream_and_is_reproducible() -> None:
    g = np.random.default_rng(7)
    a, b = as_seed_sequence(g), as_seed_sequence(g)
    assert not same_seed(a, b)
    assert same_seed(as_seed_sequence(np.random.default_rng(7)), a)
    assert isinstance(a.entropy, list)


def test_generator_passes_through_as_generator() -> None:
    g = np.random.default_rng(1)
    assert as_generator(g) is g


@pytest.mark.parametrize("bad", [-1, 1.5, "7", True])
def test_bad_seed_is_invalid_argument_naming_param(bad: object) -> None:
    with pytest.raises(InvalidArgument, match=r"^rng_seed: "):
        as_seed_sequence(bad, param="rng_seed")  # type: ignore[arg-type]
    assert issubclass(InvalidArgument, OncoresistError)


def test_old_int_records_still_read() -> None:
    assert same_seed(seed_from_record({"entropy": 7, "spawn_key": []}), np.random.SeedSequence(7))
    with pytest.raises(InvalidArgument):
        seed_from_record({"spawn_key": []})


def test_seed_text_is_what_seed_takes_plus_only_what_it_cannot_carry() -> None:
    from oncoresist.random import seed_text

    assert seed_text(seed_record(as_seed_sequence(1))) == "1"
    assert seed_text({"entropy": "12345", "spawn_key": [], "pool_size": 4}) == "12345"
    assert seed_text(seed_record(child_seed(as_seed_sequence(7), 2, 0))) == "7 (spawn key [2, 0])"
    assert seed_text({"entropy": ["1", "2"], "spawn_key": [], "pool_size": 8}) == "1, 2 (pool size 8)"
    assert seed_text(7) == "7"
