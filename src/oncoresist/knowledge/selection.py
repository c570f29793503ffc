"""Which knowledge a load uses: named versions, their layers, and how the choice was made.

A *knowledge version* is the curated layer (the YAML under ``knowledge/data/`` and the
OncoTree) plus zero or more *layers* of imported facts:

- ``default``: curated + the CIViC and CGI snapshots shipped in ``knowledge/bundled/``
  (pinned; see ``bundled/manifest.json``);
- ``curated``: the curated layer alone;
- ``NAME``: a version made by ``oncoresist kb import`` / ``kb update`` under
  ``<data dir>/versions/NAME/`` (its ``version.json`` names its layers; versions are never
  changed after they are written);
- a folder path: a version folder anywhere, or a folder of import JSON files (``*.json``,
  each one layer, on top of the curated layer).

The selection comes from, in order: the ``selection`` argument (``--knowledge``), the
environment variable ``ONCORESIST_KNOWLEDGE``, the ``knowledge = "..."`` key of the config
file (``$ONCORESIST_CONFIG``, else ``config.toml`` in the per-user config directory), else
``default``. Nothing else (no file that an import leaves behind) changes what is loaded.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oncoresist.errors import InvalidArgument, KnowledgeError, UnknownNameError
from oncoresist.knowledge.oncotree import BUNDLE_DIR

SELECT_ENV = "ONCORESIST_KNOWLEDGE"
DATA_ENV = "ONCORESIST_DATA_DIR"
CONFIG_ENV = "ONCORESIST_CONFIG"
BUNDLE_MANIFEST = BUNDLE_DIR / "manifest.json"
VERSION_FILE = "version.json"
RESERVED = ("default", "curated")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def data_root() -> Path:
    """The per-user data folder: ``$ONCORESIST_DATA_DIR`` or the platformdirs user data dir."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("oncoresist", appauthor=False))


def versions_root() -> Path:
    """Where ``kb import`` / ``kb update`` write named versions: ``<data dir>/versions``."""
    return data_root() / "versions"


def config_file() -> Path:
    """``$ONCORESIST_CONFIG``, else ``config.toml`` in the per-user config folder."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("oncoresist", appauthor=False)) / "config.toml"


def check_version_name(name: str) -> str:
    """Return ``name`` if it can name a new version.

    Raises
    ------
    InvalidArgument
        Not 1-64 letters, digits, ``.``, ``_``, ``-`` (starting with a letter or digit), or reserved
        (the message starts with the parameter, ``name: ...``).
    """
    if not NAME_RE.match(name):
        raise InvalidArgument(
            f"name: {name!r} cannot name a knowledge version: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (or leave it out for the default name)", param="name"
        )
    if name in RESERVED:
        raise InvalidArgument(
            f"name: {name!r} is reserved ({', '.join(RESERVED)}); choose another knowledge version name", param="name"
        )
    return name


@dataclass(frozen=True)
class Layer:
    """One file of imported facts in a knowledge version."""

    source: str
    path: Path
    #: the version label of the layer, e.g. ``civic-2026-05-26.6228a090.imp2.94928dd3``
    label: str
    #: the sha256 the file must have (bundled and version layers); None: not pinned
    sha256: str | None = None
    bundled: bool = False
    release_date: str | None = None
    source_sha256: str | None = None
    #: the importer version that compiled the file (:data:`~oncoresist.knowledge.importer_version.IMPORTER_VERSION`)
    importer_version: str | None = None


@dataclass(frozen=True)
class Selection:
    """A resolved knowledge selection."""

    name: str
    #: how it was chosen: ``argument``, ``$ONCORESIST_KNOWLEDGE``, ``config <file>`` or ``default``
    how: str
    layers: tuple[Layer, ...] = ()
    #: the curated digest the layers were checked against when written (skip the re-check when equal)
    validated_with: str | None = None
    path: Path | None = None


def layer_label(
    source: str,
    sha256: str,
    release: str | None,
    *,
    compiled_sha256: str | None = None,
    importer_version: str | None = None,
) -> str:
    """The version label of one imported layer: what was read, and what read it.

    ``<source>-<release>.<sha8 of the source table>`` (``<source>.<sha8>`` without a release
    date), then ``.imp<importer version>`` when the manifest records it, then
    ``.<sha8 of the compiled file>`` when it differs from the table's: e.g.
    ``civic-2026-05-26.6228a090.imp2.d6253a22``. The same table compiled by another importer
    (new mapping rules, new document schema) therefore gives another label.
    """
    label = f"{source}-{release}.{sha256[:8]}" if release else f"{source}.{sha256[:8]}"
    if importer_version:
        label += f".imp{importer_version}"
    if compiled_sha256 and compiled_sha256[:8] != sha256[:8]:
        label += f".{compiled_sha256[:8]}"
    return label


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise KnowledgeError(f"{path}: cannot read the {what} ({exc})") from None
    if not isinstance(doc, dict):
        raise KnowledgeError(f"{path}: the {what} must be a JSON object")
    return doc


def bundle_manifest(path: Path = BUNDLE_MANIFEST) -> dict[str, Any]:
    """The manifest of the shipped snapshots (release dates, sha256, row counts, licences)."""
    if not path.is_file():
        raise KnowledgeError(
            f"{path}: the bundled knowledge is missing; rebuild it with 'python -m oncoresist.knowledge.bundle "
            "../shared/data' or select --knowledge curated"
        )
    return _read_json(path, "bundle manifest")


def _manifest_layers(doc: dict[str, Any], folder: Path, *, bundled: bool, label: str) -> tuple[Layer, ...]:
    out: list[Layer] = []
    for i, item in enumerate(doc.get("layers") or []):
        try:
            source, sha = str(item["source"]), str(item["sha256"])
            where = BUNDLE_DIR if item.get("bundled") else folder
            out.append(
                Layer(
                    source=source,
                    path=where / str(item["file"]),
                    label=layer_label(
                        source,
                        str(item.get("source_sha256") or sha),
                        item.get("release_date"),
                        compiled_sha256=sha,
                        importer_version=item.get("importer_version"),
                    ),
                    sha256=sha,
                    bundled=bundled or bool(item.get("bundled")),
                    release_date=item.get("release_date"),
                    source_sha256=item.get("source_sha256"),
                    importer_version=item.get("importer_version"),
                )
            )
        except (KeyError, TypeError):
            raise KnowledgeError(f"{label}: layers[{i}] needs source, file and sha256") from None
    return tuple(out)


def default_selection(how: str = "default") -> Selection:
    doc = bundle_manifest()
    return Selection(
        name="default",
        how=how,
        layers=_manifest_layers(doc, BUNDLE_DIR, bundled=True, label=str(BUNDLE_MANIFEST)),
        validated_with=doc.get("validated_with"),
        path=BUNDLE_DIR,
    )


def folder_selection(folder: Path, name: str, how: str) -> Selection:
    """A version folder (with ``version.json``) or a folder of import JSON files."""
    manifest = folder / VERSION_FILE
    if manifest.is_file():
        doc = _read_json(manifest, "version manifest")
        return Selection(
            name=name,
            how=how,
            layers=_manifest_layers(doc, folder, bundled=False, label=str(manifest)),
            validated_with=doc.get("validated_with"),
            path=folder,
        )
    files = sorted([*folder.glob("*.json"), *folder.glob("*.json.gz")])
    layers = tuple(Layer(source=p.name.split(".")[0], path=p, label="") for p in files)
    return Selection(name=name, how=how, layers=layers, path=folder)


def version_names() -> list[str]:
    """Names of the versions under :func:`versions_root`, sorted."""
    root = versions_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / VERSION_FILE).is_file())


def _configured() -> tuple[str, str] | None:
    path = config_file()
    if not path.is_file():
        return None
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise KnowledgeError(f"{path}: cannot read the config file ({exc})") from None
    value = doc.get("knowledge")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(f"{path}: 'knowledge' must be a version name or a folder path (a string)")
    return value.strip(), f"config {path}"


def resolve_selection(selection: str | Path | None = None) -> Selection:
    """The knowledge version to load: ``selection``, else ``$ONCORESIST_KNOWLEDGE``, else the config file, else default.

    Raises
    ------
    UnknownNameError
        A name that is neither ``default``, ``curated``, a version under :func:`versions_root`
        nor an existing folder (the closest version names are suggested).
    """
    if selection is not None and str(selection).strip():
        token, how = str(selection).strip(), "argument"
    elif os.environ.get(SELECT_ENV, "").strip():
        token, how = os.environ[SELECT_ENV].strip(), f"${SELECT_ENV}"
    else:
        token, how = _configured() or ("default", "default")
    if token == "default":
        return default_selection(how)
    if token == "curated":
        return Selection(name="curated", how=how)
    looks_like_path = isinstance(selection, Path) or "/" in token or token.startswith((".", "~"))
    if not looks_like_path and NAME_RE.match(token):
        folder = versions_root() / token
        if (folder / VERSION_FILE).is_file():
            return folder_selection(folder, token, how)
    path = Path(token).expanduser()
    if path.is_dir():
        return folder_selection(path, f"path:{path}", how)
    from oncoresist.suggest import closest

    names = [*RESERVED, *version_names()]
    raise UnknownNameError(
        f"knowledge version (from {how}; see 'oncoresist kb versions')",
        token,
        closest(token, names, n=3),
    )
