"""The one YAML loader of the knowledge layer: libyaml's C safe loader where present (about ten times faster)."""

from __future__ import annotations

from typing import Any

import yaml

YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
