"""Tumour-name readings from several threads at once (the server answers requests in threads).

The fallback readings (British spelling, "<adjective> cancer") are guarded against re-entry while one runs. The
guard is per thread: while one thread is inside a fallback reading, another thread's reading still tries its
fallbacks. With a guard held on the shared knowledge (session 5) the second thread's "ovarian" named nothing.
"""

from __future__ import annotations

import threading

from oncoresist.knowledge import load_knowledge


def test_a_fallback_reading_in_one_thread_does_not_switch_off_another_threads_fallbacks() -> None:
    kb = load_knowledge(include_imports=False)
    inside, done = threading.Event(), threading.Event()
    direct = kb._tumor_candidates_direct

    def slow_direct(token: str) -> tuple[str | None, list[str]]:
        if token == "colorectal cancer":  # thread A is inside its fallback reading: hold it there
            inside.set()
            done.wait(10)
        return direct(token)

    kb._tumor_candidates_direct = slow_direct  # type: ignore[method-assign]
    got: dict[str, str | None] = {}
    a = threading.Thread(target=lambda: got.__setitem__("a", kb.tumor_candidates("colorectal")[0]))
    a.start()
    assert inside.wait(10)
    b = threading.Thread(target=lambda: got.__setitem__("b", kb.tumor_candidates("ovarian")[0]))
    b.start()
    b.join(10)
    done.set()
    a.join(10)
    assert got == {"a": "COADREAD", "b": "OVT"}


def test_many_threads_read_the_same_qualified_names_alike() -> None:
    kb = load_knowledge(include_imports=False)
    names = ["KRAS G12C-mutated NSCLC", "HR+/HER2- MBC", "relapsed or refractory acute myeloid leukaemia", "ovarian"]
    want = {n: kb.tumor_candidates(n)[0] for n in names}
    assert None not in want.values()
    out: list[dict[str, str | None]] = []
    barrier = threading.Barrier(8)

    def read() -> None:
        barrier.wait(10)
        out.append({n: kb.tumor_candidates(n)[0] for n in names * 5})

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert out == [want] * 8
