"""Check that imports inside ``src/oncoresist`` follow the DESIGN layer order and form no circles.

Layers (docs/architecture.md; DESIGN.md "Layers (imports only point down)"):

    1 base       errors, random, _io, units, _version, provenance, the alteration grammar
    2            knowledge, model
    3            profile, engine, monitor, strategy
    4            annotate, trial, fit
    5            twin, report
    6            cli, server, demo, __main__, and the package's own ``__init__`` (the public façade)

Every ``import oncoresist…`` / ``from oncoresist… import …`` is read from the syntax tree,
at module level AND inside functions (a function-local import still ties the modules together;
it only hides the tie from import time). Imports under ``if TYPE_CHECKING:`` are skipped: they
never run. Reported:

* ``upward``: a module imports a module of a higher layer;
* ``cycle``: a strongly connected group of modules (each reaches every other through imports).

Run ``python tools/check_layers.py`` (exit 1 when anything is found) or use :func:`violations`.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "oncoresist"
LAYERS: dict[str, int] = {
    "errors": 1, "random": 1, "_io": 1, "units": 1, "_version": 1, "provenance": 1,
    "alteration": 1, "grammar": 1, "vocabulary": 1, "suggest": 1,
    "knowledge": 2, "model": 2,
    "profile": 3, "engine": 3, "monitor": 3, "strategy": 3,
    "annotate": 4, "trial": 4, "fit": 4,
    "twin": 5, "report": 5,
    "cli": 6, "server": 6, "demo": 6, "__main__": 6, "": 6,
}
"""Top-level name under ``oncoresist`` → layer (``""``: the package ``__init__`` itself)."""


@dataclass(frozen=True, order=True)
class Violation:
    kind: str  # "upward" or "cycle"
    detail: str  # "a -> b" or "a <-> b <-> c" (sorted)

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


def _module_name(path: Path, src: Path) -> str:
    rel = path.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules(src: Path) -> dict[str, Path]:
    """Every module of the package: dotted name → file."""
    root = src / PACKAGE
    return {_module_name(p, src): p for p in sorted(root.rglob("*.py")) if "__pycache__" not in p.parts}


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else ""
    return LAYERS.get(top)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, here: str, is_pkg: bool) -> Iterator[tuple[str, list[str]]]:
    """``(module, names)`` for every runtime import statement in ``tree``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".") if is_pkg else here.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join([*base, *([node.module] if node.module else [])])
            else:
                mod = node.module or ""
            yield mod, [a.name for a in node.names]
        stack.extend(ast.iter_child_nodes(node))


def graph(src: Path) -> dict[str, set[str]]:
    """Module → the package modules it imports (a ``from pkg import sub`` counts as ``pkg.sub``)."""
    mods = modules(src)
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for mod, names in _imports(tree, name, path.name == "__init__.py"):
            if mod != PACKAGE and not mod.startswith(PACKAGE + "."):
                continue
            targets = [f"{mod}.{n}" for n in names if f"{mod}.{n}" in mods] or [mod]
            if len(targets) < len(names) and mod in mods:
                targets.append(mod)  # some names come from the module itself
            for t in targets:
                while t not in mods and "." in t:  # oncoresist.a.b.Name -> oncoresist.a.b
                    t = t.rsplit(".", 1)[0]
                if t in mods and t != name:
                    edges[name].add(t)
    return edges


def _sccs(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def violations(src: str | Path = "src") -> list[Violation]:
    """Upward imports and import circles in ``src/oncoresist``, sorted."""
    edges = graph(Path(src))
    found: set[Violation] = set()
    for a, targets in edges.items():
        la = layer_of(a)
        for b in targets:
            lb = layer_of(b)
            if la is not None and lb is not None and lb > la:
                found.add(Violation("upward", f"{a} -> {b}"))
    for comp in _sccs(edges):
        found.add(Violation("cycle", " <-> ".join(comp)))
    unknown = sorted({m.split(".")[1] for m in edges if layer_of(m) is None})
    for top in unknown:
        found.add(Violation("unlayered", f"{PACKAGE}.{top} has no layer in tools/check_layers.py LAYERS"))
    return sorted(found)


def main(argv: Iterable[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    found = violations(args[0] if args else Path(__file__).resolve().parents[1] / "src")
    for v in found:
        print(v)
    print(f"{len(found)} violation(s)")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
