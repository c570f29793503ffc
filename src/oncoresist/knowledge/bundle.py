"""Compile the pinned default knowledge: the CIViC and CGI snapshots, through the importers, into ``bundled/``.

Usage (from the repository root)::

    python -m oncoresist.knowledge.bundle ../shared/data          # rebuild bundled/
    python -m oncoresist.knowledge.bundle ../shared/data --check  # exit 1 if bundled/ differs

Reads ``civic/AcceptedClinicalEvidenceSummaries.tsv``, ``cgi/cgi_biomarkers_per_variant.tsv``
and ``oncotree/oncotree_2025_10_03.json`` below the given folder; imports both tables
against the curated layer; checks the result with every cross-reference; and writes
``civic.json.gz``, ``cgi.json.gz`` (reproducible gzip of the import documents), a copy of the
OncoTree release and ``manifest.json`` (each snapshot's release date, source sha256, row
counts, licence, the compiled files' sha256, the curated digest they were checked against,
the oncoresist version that compiled them, and each layer's importer version, which with the
compiled file's sha256 is part of the layer's knowledge-version label: an importer change
changes the knowledge version). It also writes ``curated.json.gz``, the
curated YAML compiled, which the loader uses instead of parsing the YAML while the YAML's
digest is the one recorded (a speed-up only). The same inputs give byte-identical files.

Rebuild after editing the curated layer (names, targets and pathways change what the
imports resolve to); the loader re-checks the bundle against a curated layer it was not
checked against, and ``tests/knowledge/test_bundle.py`` fails until it is rebuilt.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from oncoresist._version import __version__
from oncoresist.errors import OncoresistError
from oncoresist.knowledge.importer_version import IMPORTER_VERSION
from oncoresist.knowledge.importers.cgi import import_cgi
from oncoresist.knowledge.importers.civic import import_civic
from oncoresist.knowledge.importers.result import ImportResult
from oncoresist.knowledge.importers.store import gzip_json, payload, write_bytes_atomic
from oncoresist.knowledge.loader import CURATED_SNAPSHOT, curated_digest, curated_snapshot, load_knowledge
from oncoresist.knowledge.oncotree import (
    BUNDLE_DIR,
    ONCOTREE_ATTRIBUTION,
    ONCOTREE_FILE,
    ONCOTREE_LICENCE,
    ONCOTREE_RELEASE,
    read_oncotree,
)

CIVIC_FILE = "civic/AcceptedClinicalEvidenceSummaries.tsv"
CGI_FILE = "cgi/cgi_biomarkers_per_variant.tsv"
ONCOTREE_SOURCE = f"oncotree/{ONCOTREE_FILE.name}"
MANIFEST = "manifest.json"
CC0 = "CC0 1.0 Universal (public domain dedication)"

SNAPSHOTS: dict[str, dict[str, Any]] = {
    "civic": {
        "source_file": CIVIC_FILE,
        "name": "CIViC accepted clinical evidence summaries (nightly ClinicalEvidenceSummaries format)",
        "url": "https://civicdb.org/downloads/nightly/nightly-AcceptedClinicalEvidenceSummaries.tsv",
        "release_note": "the latest last_review_date among the items",
        "licence": CC0,
        "notice": "CIViC content is released under CC0 1.0 by the CIViC project (https://civicdb.org).",
    },
    "cgi": {
        "source_file": CGI_FILE,
        "name": "Cancer Genome Interpreter Cancer Biomarkers database, per-variant table",
        "url": "https://www.cancergenomeinterpreter.org/biomarkers",
        "release_note": "the table carries no date; ../shared/data/README.md describes it as a 2017-era release",
        "licence": CC0,
        "notice": "The Cancer Biomarkers database content of the Cancer Genome Interpreter is released under CC0 1.0.",
    },
}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compile_layers(shared: Path) -> list[ImportResult]:
    """Import both snapshots below ``shared`` against the curated layer (paths recorded relative to ``shared``)."""
    kb = load_knowledge("curated")
    out = []
    for source, importer in (("civic", import_civic), ("cgi", import_cgi)):
        rel = SNAPSHOTS[source]["source_file"]
        path = shared / rel
        if not path.is_file():
            raise OncoresistError(f"{path}: snapshot not found; give the folder that holds {rel}")
        result = importer(path, kb)
        result.path = rel
        out.append(result)
    return out


def build_bundle(shared: Path, out: Path = BUNDLE_DIR) -> dict[str, Any]:
    """Compile the snapshots below ``shared`` into ``out``; return the manifest.

    Raises
    ------
    OncoresistError
        A snapshot is missing or malformed, or the compiled knowledge fails validation
        (nothing in ``out`` is changed then).
    """
    onco_src = shared / ONCOTREE_SOURCE
    if not onco_src.is_file():
        raise OncoresistError(f"{onco_src}: OncoTree release not found; give the folder that holds {ONCOTREE_SOURCE}")
    onco_bytes = onco_src.read_bytes()
    if _sha256(onco_bytes) != _sha256(ONCOTREE_FILE.read_bytes()):
        raise OncoresistError(
            f"{onco_src} differs from the shipped {ONCOTREE_FILE.name}; copy it there first (the curated layer "
            "reads it)"
        )
    results = compile_layers(shared)
    files = {f"{r.source}.json.gz": gzip_json(payload(r, stamp=False)) for r in results}
    curated = gzip_json(curated_snapshot())
    with tempfile.TemporaryDirectory(prefix="oncoresist-bundle-") as tmp:
        for name, data in files.items():
            (Path(tmp) / name).write_bytes(data)
        load_knowledge(Path(tmp))  # every cross-reference checked; raises KnowledgeError
    layers = []
    for r in results:
        name = f"{r.source}.json.gz"
        meta = SNAPSHOTS[r.source]
        layers.append(
            {
                "source": r.source,
                "file": name,
                "sha256": _sha256(files[name]),
                "name": meta["name"],
                "source_file": meta["source_file"],
                "source_sha256": r.sha256,
                "release_date": r.release_date,
                "release_note": meta["release_note"],
                "importer_version": IMPORTER_VERSION,
                "rows": r.rows,
                "rows_imported": r.rows_imported,
                "facts": len(r.facts),
                "diseases": {k: v for k, v in r.disease_summary().items() if k != "unmapped_diseases"},
                "licence": meta["licence"],
                "notice": meta["notice"],
                "url": meta["url"],
            }
        )
    manifest = {
        "format": 1,
        "description": "The pinned default knowledge of oncoresist: the curated layer plus these compiled snapshots.",
        "compiled_by": f"oncoresist {__version__}",
        "build_command": "python -m oncoresist.knowledge.bundle ../shared/data",
        "validated_with": curated_digest(),
        "curated_snapshot": {
            "file": CURATED_SNAPSHOT.name,
            "sha256": _sha256(curated),
            "note": "the curated YAML compiled; used only while the YAML's digest equals validated_with",
        },
        "layers": layers,
        "oncotree": {
            "file": ONCOTREE_FILE.name,
            "sha256": _sha256(onco_bytes),
            "release": ONCOTREE_RELEASE,
            "nodes": len(read_oncotree().nodes),
            "licence": ONCOTREE_LICENCE,
            "attribution": ONCOTREE_ATTRIBUTION,
            "url": "https://oncotree.mskcc.org",
        },
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        write_bytes_atomic(out / name, data)
    write_bytes_atomic(out / CURATED_SNAPSHOT.name, curated)
    if out.resolve() != ONCOTREE_FILE.parent.resolve():
        shutil.copyfile(onco_src, out / ONCOTREE_FILE.name)
    write_bytes_atomic(out / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return manifest


def differences(a: Path, b: Path) -> list[str]:
    """Files of two bundle folders that differ (the manifest compared without ``compiled_by``)."""
    out = []
    ma = json.loads((a / MANIFEST).read_text(encoding="utf-8"))
    mb = json.loads((b / MANIFEST).read_text(encoding="utf-8"))
    for m in (ma, mb):
        m.pop("compiled_by", None)
    if ma != mb:
        out.append(MANIFEST)
    for name in [CURATED_SNAPSHOT.name, *(layer["file"] for layer in ma.get("layers", []))]:
        if not (b / name).is_file() or (a / name).read_bytes() != (b / name).read_bytes():
            out.append(name)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m oncoresist.knowledge.bundle", description=__doc__.splitlines()[0])
    ap.add_argument("shared", type=Path, help="folder holding civic/, cgi/ and oncotree/ (e.g. ../shared/data)")
    ap.add_argument("--out", type=Path, default=BUNDLE_DIR, help="where to write (default: the package's bundled/)")
    ap.add_argument("--check", action="store_true", help="rebuild into a temporary folder; exit 1 if --out differs")
    args = ap.parse_args(argv)
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                build_bundle(args.shared, Path(tmp))
                diff = differences(Path(tmp), args.out)
            if diff:
                print(f"bundle differs from a rebuild: {', '.join(diff)}", file=sys.stderr)
                return 1
            print("bundle is identical to a rebuild")
            return 0
        manifest = build_bundle(args.shared, args.out)
    except OncoresistError as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    for layer in manifest["layers"]:
        print(f"{layer['file']}: {layer['facts']} facts from {layer['rows']} rows (release {layer['release_date']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
