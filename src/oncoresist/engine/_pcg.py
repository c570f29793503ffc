"""Private: NumPy's PCG64 streams as plain ``uint64`` arrays, seeded and drawn inside numba.

May change at any time. The ``leap`` kernel gets each replicate's dynamics stream as one row
``[state_hi, state_lo, inc_hi, inc_lo]`` of a ``uint64[R, 4]`` array instead of a
:class:`numpy.random.Generator`, which numba unboxes at a cost of ~10 µs per generator and reaches
through a function pointer per draw. The streams are *the same* as NumPy's: the rows are built
from the replicates' :class:`~numpy.random.SeedSequence` by NumPy's own algorithms (its
``SeedSequence`` hash — M. O'Neill's ``seed_seq`` design as NumPy implements it, ``bit_generator.pyx``
— then ``PCG64``'s seeding ``pcg_setseq_128_srandom_r``), and :func:`random` / :func:`standard_normal`
draw exactly what ``Generator(PCG64(seq)).random()`` / ``.standard_normal()`` draw (PCG XSL-RR 128/64,
O'Neill 2014, HMC-CS-2014-0905; NumPy's 256-layer ziggurat with numba's copy of NumPy's tables).
``tests/engine/test_pcg.py`` checks the states and streams against NumPy draw for draw.

:func:`random` and :func:`standard_normal` also accept a ``Generator`` (compiled or in Python), so the
samplers of :mod:`oncoresist.engine._samplers` run on either.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core.extending import intrinsic, overload
from numba.np.random._constants import fi_double, ki_double, wi_double, ziggurat_nor_inv_r, ziggurat_nor_r

_OPTS = {"cache": True, "nogil": True, "error_model": "numpy"}

_MUL_HI = np.uint64(2549297995355413924)  # PCG_DEFAULT_MULTIPLIER_128, high and low words
_MUL_LO = np.uint64(4865540595714422341)
_M32 = np.uint64(0xFFFFFFFF)
_INIT_A = np.uint32(0x43B0D7E5)  # SeedSequence hash constants (numpy/random/bit_generator.pyx)
_MULT_A = np.uint32(0x931E8875)
_INIT_B = np.uint32(0x8B51F9DD)
_MULT_B = np.uint32(0x58F38DED)
_MIX_MULT_L = np.uint32(0xCA01F9DD)
_MIX_MULT_R = np.uint32(0x4973F715)
_XSHIFT = np.uint32(16)
_WI = np.asarray(wi_double, dtype=np.float64)
_KI = np.asarray(ki_double, dtype=np.uint64)
_FI = np.asarray(fi_double, dtype=np.float64)
_NOR_R = float(ziggurat_nor_r)
_NOR_INV_R = float(ziggurat_nor_inv_r)


@intrinsic
def _umulhi(typingctx, a, b):
    """High 64 bits of the 128-bit product of two ``uint64`` (one machine multiply)."""
    if a != types.uint64 or b != types.uint64:
        return None
    sig = types.uint64(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        i128 = ir.IntType(128)
        prod = builder.mul(builder.zext(args[0], i128), builder.zext(args[1], i128))
        return builder.trunc(builder.lshr(prod, ir.Constant(i128, 64)), ir.IntType(64))

    return sig, codegen


@njit(**_OPTS, inline="always")
def _step(st):
    """``state = state · M + inc`` (mod 2^128), in place."""
    sh = st[0]
    sl = st[1]
    lo = sl * _MUL_LO
    hi = _umulhi(sl, _MUL_LO) + sh * _MUL_LO + sl * _MUL_HI  # type: ignore[call-arg]
    lo2 = lo + st[3]
    hi = hi + st[2] + (np.uint64(1) if lo2 < lo else np.uint64(0))
    st[0] = hi
    st[1] = lo2


@njit(**_OPTS, inline="always")
def next_uint64(st):
    """NumPy's ``pcg64_next64``: step, then the XSL-RR output of the new state."""
    _step(st)
    x = st[0] ^ st[1]
    rot = st[0] >> np.uint64(58)
    return (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))


@njit(**_OPTS, inline="always")
def next_double(st):
    """NumPy's ``pcg64_next_double``: the top 53 bits of :func:`next_uint64` times 2^-53."""
    return float(next_uint64(st) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(**_OPTS, inline="always")
def normal_pcg(st):
    """NumPy's ``random_standard_normal`` (256-layer ziggurat) on a PCG64 state row."""
    while True:
        r = next_uint64(st)
        idx = np.intp(r & np.uint64(0xFF))
        r >>= np.uint64(8)
        rabs = (r >> np.uint64(1)) & np.uint64(0x000FFFFFFFFFFFFF)
        x = float(rabs) * _WI[idx]
        if r & np.uint64(1):
            x = -x
        if rabs < _KI[idx]:
            return x
        if idx == 0:
            while True:
                xx = -_NOR_INV_R * np.log1p(-next_double(st))
                yy = -np.log1p(-next_double(st))
                if yy + yy > xx * xx:
                    if (rabs >> np.uint64(8)) & np.uint64(1):
                        return -(_NOR_R + xx)
                    return _NOR_R + xx
        elif (_FI[idx - 1] - _FI[idx]) * next_double(st) + _FI[idx] < np.exp(-0.5 * x * x):
            return x


def random(rng):
    """One uniform on [0, 1) from a PCG64 state row or a ``Generator`` (same draw for the same stream)."""
    if isinstance(rng, np.random.Generator):
        return rng.random()
    return float(next_double(rng))


def standard_normal(rng):
    """One standard normal from a PCG64 state row or a ``Generator`` (same draw for the same stream)."""
    if isinstance(rng, np.random.Generator):
        return rng.standard_normal()
    return float(normal_pcg(rng))


@overload(random, jit_options={"error_model": "numpy"})
def _random_impl(rng):
    if isinstance(rng, types.NumPyRandomGeneratorType):
        return lambda rng: rng.random()
    if isinstance(rng, types.Array) and rng.dtype == types.uint64:
        return lambda rng: next_double(rng)
    return None


@overload(standard_normal, jit_options={"error_model": "numpy"})
def _standard_normal_impl(rng):
    if isinstance(rng, types.NumPyRandomGeneratorType):
        return lambda rng: rng.standard_normal()
    if isinstance(rng, types.Array) and rng.dtype == types.uint64:
        return lambda rng: normal_pcg(rng)
    return None


# -- seeding ------------------------------------------------------------------------------------
@njit(**_OPTS)
def _hashmix(value, hc):
    value = np.uint32(value ^ hc[0])
    hc[0] = np.uint32(hc[0] * _MULT_A)
    value = np.uint32(value * hc[0])
    return np.uint32(value ^ (value >> _XSHIFT))


@njit(**_OPTS)
def _mix(x, y):
    result = np.uint32(np.uint64(_MIX_MULT_L) * np.uint64(x) - np.uint64(_MIX_MULT_R) * np.uint64(y))
    return np.uint32(result ^ (result >> _XSHIFT))


@njit(**_OPTS)
def _seed_rows(words, lengths, pool_size, out):
    """Row q of ``out``: the PCG64 state of ``PCG64(SeedSequence)`` whose assembled entropy words are
    ``words[q, :lengths[q]]`` (``SeedSequence.get_assembled_entropy``): NumPy's ``mix_entropy``,
    ``generate_state(4, uint64)`` and ``pcg_setseq_128_srandom_r``."""
    pool = np.empty(pool_size, np.uint32)
    hc = np.empty(1, np.uint32)
    st = np.empty(4, np.uint64)
    for q in range(words.shape[0]):
        n = lengths[q]
        hc[0] = _INIT_A
        for i in range(pool_size):
            pool[i] = _hashmix(words[q, i] if i < n else np.uint32(0), hc)
        for i_src in range(pool_size):
            for i_dst in range(pool_size):
                if i_src != i_dst:
                    pool[i_dst] = _mix(pool[i_dst], _hashmix(pool[i_src], hc))
        for i_src in range(pool_size, n):
            for i_dst in range(pool_size):
                pool[i_dst] = _mix(pool[i_dst], _hashmix(words[q, i_src], hc))
        # generate_state(4, uint64): 8 words cycling over the pool, pairs read little-endian
        hb = _INIT_B
        val = np.zeros(4, np.uint64)
        for i_dst in range(8):
            d = np.uint32(pool[i_dst % pool_size] ^ hb)
            hb = np.uint32(hb * _MULT_B)
            d = np.uint32(d * hb)
            d = np.uint32(d ^ (d >> _XSHIFT))
            val[i_dst // 2] |= np.uint64(d) << np.uint64(32 * (i_dst % 2))
        # pcg_setseq_128_srandom_r(initstate = val[0]:val[1], initseq = val[2]:val[3])
        st[0] = np.uint64(0)
        st[1] = np.uint64(0)
        st[2] = (val[2] << np.uint64(1)) | (val[3] >> np.uint64(63))
        st[3] = (val[3] << np.uint64(1)) | np.uint64(1)
        _step(st)
        lo = st[1] + val[1]
        st[0] = st[0] + val[0] + (np.uint64(1) if lo < st[1] else np.uint64(0))
        st[1] = lo
        _step(st)
        out[q, :] = st


def _int_words(x: int) -> list[int]:
    """NumPy's ``_int_to_uint32_array``: little-endian 32-bit words of a non-negative int (0 → [0])."""
    if x == 0:
        return [0]
    out = []
    while x > 0:
        out.append(x & 0xFFFFFFFF)
        x >>= 32
    return out


def _entropy_words(entropy: Any) -> list[int] | None:
    """``_coerce_to_uint32_array(entropy)`` for an int or a sequence of ints; ``None`` for anything else."""
    if isinstance(entropy, int | np.integer) and not isinstance(entropy, bool) and int(entropy) >= 0:
        return _int_words(int(entropy))
    if isinstance(entropy, list | tuple) and entropy and all(
            isinstance(e, int | np.integer) and not isinstance(e, bool) and int(e) >= 0 for e in entropy):
        return [w for e in entropy for w in _int_words(int(e))]
    return None


def _numpy_state(seq: np.random.SeedSequence) -> np.ndarray:
    """The row for ``seq`` from NumPy itself (the general path)."""
    s = np.random.PCG64(seq).state["state"]
    m = (1 << 64) - 1
    return np.array([s["state"] >> 64, s["state"] & m, s["inc"] >> 64, s["inc"] & m], dtype=np.uint64)


def stream_states(entropy: Any, pool_size: int, spawn_keys: Sequence[Sequence[int]]) -> np.ndarray:
    """``uint64[len(spawn_keys), 4]``: row q is the PCG64 state of
    ``PCG64(SeedSequence(entropy, spawn_key=spawn_keys[q], pool_size=pool_size))``."""
    r = len(spawn_keys)
    out = np.empty((r, 4), np.uint64)
    base = _entropy_words(entropy)
    if base is None or pool_size < 1:
        for q, key in enumerate(spawn_keys):
            out[q] = _numpy_state(np.random.SeedSequence(entropy, spawn_key=tuple(key), pool_size=pool_size))
        return out
    rows = []
    for key in spawn_keys:
        kw = [w for k in key for w in _int_words(int(k))]
        run = base + [0] * (pool_size - len(base)) if kw and len(base) < pool_size else base
        rows.append(run + kw)
    lengths = np.array([len(w) for w in rows], np.int64)
    words = np.zeros((r, int(lengths.max(initial=1))), np.uint32)
    for q, w in enumerate(rows):
        words[q, :len(w)] = w
    _seed_rows(words, lengths, int(pool_size), out)
    return out


def seed_states(seqs: Sequence[np.random.SeedSequence]) -> np.ndarray:
    """``uint64[len(seqs), 4]``: row q is the PCG64 state of ``PCG64(seqs[q])``."""
    out = np.empty((len(seqs), 4), np.uint64)
    groups: dict[tuple[Any, int], list[int]] = {}
    for q, s in enumerate(seqs):
        ent = s.entropy
        if not isinstance(ent, int | np.integer | list | tuple):
            out[q] = _numpy_state(s)
            continue
        key = (tuple(ent) if isinstance(ent, list | tuple) else ent, int(s.pool_size))
        groups.setdefault(key, []).append(q)
    for (ent, pool), qs in groups.items():
        ent_arg = list(ent) if isinstance(ent, tuple) else ent
        out[qs] = stream_states(ent_arg, pool, [tuple(seqs[q].spawn_key) for q in qs])
    return out


def child_states(seqs: Sequence[np.random.SeedSequence], stream: int) -> np.ndarray:
    """``uint64[len(seqs), 4]``: row q is the PCG64 state of the child ``stream`` of ``seqs[q]``
    (``SeedSequence(entropy, spawn_key=(*spawn_key, stream))``, as :func:`oncoresist.random.child_seed`)."""
    out = np.empty((len(seqs), 4), np.uint64)
    groups: dict[tuple[Any, int], list[int]] = {}
    for q, s in enumerate(seqs):
        ent = s.entropy
        if not isinstance(ent, int | np.integer | list | tuple):
            out[q] = _numpy_state(np.random.SeedSequence(ent, spawn_key=(*s.spawn_key, stream), pool_size=s.pool_size))
            continue
        key = (tuple(ent) if isinstance(ent, list | tuple) else ent, int(s.pool_size))
        groups.setdefault(key, []).append(q)
    for (ent, pool), qs in groups.items():
        ent_arg = list(ent) if isinstance(ent, tuple) else ent
        out[qs] = stream_states(ent_arg, pool, [(*seqs[q].spawn_key, stream) for q in qs])
    return out
