"""The Science task types, their variations and their train / valid_seen / valid_unseen splits.

Splits follow ScienceWorld's ``PythonInterface.getSets``: a task type's variations
``0..N-1`` are cut into four equal quarters; ``train`` is the first two, ``valid_seen`` the third
and ``valid_unseen`` the fourth with the remainder. Variations are enumerated object-major, so
the held-out quarters hold objects (substances, components, animals) that train never shows.
A variation's world is built from a numpy generator seeded by fixed integers (the task type's
CRC-32 and the variation number), so it is identical in every process.
"""

from __future__ import annotations

import zlib
from functools import cache
from typing import Any

import numpy as np

from protege.envs.science.house import build_house
from protege.envs.science.tasks import (
    chemistry,
    classification,
    electric,
    inclined,
    life,
    matter,
    measurement,
    pollination,
)
from protege.envs.science.tasks.base import Family, Task
from protege.envs.science.world import Thing, World

FAMILIES: tuple[Family, ...] = (
    matter.FAMILY,
    measurement.FAMILY,
    electric.FAMILY,
    classification.FAMILY,
    chemistry.FAMILY,
    life.FAMILY,
    pollination.FAMILY,
    inclined.FAMILY,
)
FAMILY_OF: dict[str, Family] = {name: family for family in FAMILIES for name in family.task_types}
TASK_TYPES: tuple[str, ...] = tuple(FAMILY_OF)
SEED = 20_241_106
"""Root of every variation's generator."""


@cache
def variations(task_type: str) -> tuple[dict[str, Any], ...]:
    """The parameters of every variation of a task type."""
    return tuple(FAMILY_OF[task_type].variations(task_type))


def split_range(count: int, split: str) -> range:
    """The variation numbers of a split, cut as ScienceWorld cuts them."""
    if count <= 4:  # too few to quarter: all but the last train, the last in both valid splits
        return range(max(count - 1, 1)) if split == "train" else range(count - 1, count)
    quarter = count // 4
    bounds = {
        "train": (0, 2 * quarter),
        "valid_seen": (2 * quarter, 3 * quarter),
        "valid_unseen": (3 * quarter, count),
    }
    return range(*bounds[split])


@cache
def task_ids(split: str) -> tuple[str, ...]:
    """Every task id (``<task type>-<variation>``) of a split, task type by task type."""
    return tuple(
        f"{task_type}-{number}"
        for task_type in TASK_TYPES
        for number in split_range(len(variations(task_type)), split)
    )


def parse_task_id(task_id: str) -> tuple[str, int]:
    """``"boil-3"`` -> ``("boil", 3)``."""
    task_type, _, number = task_id.rpartition("-")
    return task_type, int(number)


def make_task(task_id: str) -> tuple[World, Task]:
    """Build the world and the task of a task id, deterministically."""
    task_type, number = parse_task_id(task_id)
    params = variations(task_type)[number]
    rng = np.random.default_rng([SEED, zlib.crc32(task_type.encode()), number])
    world = build_house()
    task = FAMILY_OF[task_type].build(world, task_type, number, params, rng)
    world.protected = {
        value.uid for value in task.data.values() if isinstance(value, Thing) and value.uid
    }
    return world, task


__all__ = ["FAMILIES", "TASK_TYPES", "Task", "make_task", "split_range", "task_ids", "variations"]
