"""Facts about ScienceWorld that cost a JVM round trip to learn, kept on disk once learnt.

Two kinds: each task's train/dev/test variation lists (learning them loads the task) and gold
action sequences (generating one makes the simulator solve the variation, up to tens of
seconds). Both are keyed by the installed ``scienceworld`` version, live under
``$PROTEGE_CACHE/scienceworld`` (``~/.cache/protege/scienceworld`` by default) and are written
atomically (a temporary file renamed into place), so concurrent processes may share them.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

TASK_NAMES: tuple[str, ...] = (
    "boil",
    "melt",
    "freeze",
    "change-the-state-of-matter-of",
    "use-thermometer",
    "measure-melting-point-known-substance",
    "measure-melting-point-unknown-substance",
    "power-component",
    "power-component-renewable-vs-nonrenewable-energy",
    "test-conductivity",
    "test-conductivity-of-unknown-substances",
    "find-living-thing",
    "find-non-living-thing",
    "find-plant",
    "find-animal",
    "grow-plant",
    "grow-fruit",
    "chemistry-mix",
    "chemistry-mix-paint-secondary-color",
    "chemistry-mix-paint-tertiary-color",
    "lifespan-longest-lived",
    "lifespan-shortest-lived",
    "lifespan-longest-lived-then-shortest-lived",
    "identify-life-stages-1",
    "identify-life-stages-2",
    "inclined-plane-determine-angle",
    "inclined-plane-friction-named-surfaces",
    "inclined-plane-friction-unnamed-surfaces",
    "mendelian-genetics-known-plant",
    "mendelian-genetics-unknown-plant",
)
"""ScienceWorld's 30 tasks in its own order (topics 1-1 … 10-2); the env's task types."""

SPLIT_LISTS: dict[str, str] = {"train": "train", "valid_seen": "dev", "valid_unseen": "test"}
"""protege split -> ScienceWorld variation list: train -> train, valid_seen -> dev,
valid_unseen -> test. ScienceWorld's dev and test variations are both held out from train; dev
is the one tuned on, so it plays the part of ``valid_seen``."""


def default_cache_dir() -> Path:
    """``$PROTEGE_CACHE/scienceworld``, by default ``~/.cache/protege/scienceworld``."""
    root = os.environ.get("PROTEGE_CACHE") or os.path.join(Path.home(), ".cache", "protege")
    return Path(root) / "scienceworld"


class ScienceWorldCache:
    """Variation lists and gold paths of one ``scienceworld`` version, on disk."""

    def __init__(self, root: Path | str | None, version: str) -> None:
        base = Path(root) if root is not None else default_cache_dir()
        self.root = base / f"scienceworld-{version or 'unknown'}"

    def variations(self, task: str) -> dict[str, list[int]] | None:
        """``{"train": [...], "dev": [...], "test": [...]}`` for ``task``, if known."""
        return _read_json(self.root / "variations" / f"{task}.json")

    def store_variations(self, task: str, lists: dict[str, list[int]]) -> None:
        _write_json(self.root / "variations" / f"{task}.json", lists)

    def gold_path(self, task: str, variation: int, simplifications: str) -> list[str] | None:
        """The gold action sequence of a variation, if it was generated before."""
        return _read_json(self._gold_file(task, variation, simplifications))

    def store_gold_path(
        self, task: str, variation: int, simplifications: str, actions: list[str]
    ) -> None:
        _write_json(self._gold_file(task, variation, simplifications), actions)

    def _gold_file(self, task: str, variation: int, simplifications: str) -> Path:
        tag = simplifications.replace(",", "+") or "none"
        return self.root / "gold" / tag / f"{task}-{variation}.json"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "w") as out:
            json.dump(data, out)
        os.replace(scratch, path)
    except OSError:  # a read-only cache only costs time
        pass
