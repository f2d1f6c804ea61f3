"""Household tasks: the fixed task lists of each split and the generator that builds one task.

A task id is ``"{split}/{task_type}/{index:04d}"``. Each task is generated from the fixed integer
seed sequence ``(TASK_SEED, split code, task type index, index)`` with numpy's ``Generator``, so
it is the same in every process. Generation draws a room kind valid for the task type, a layout
and a goal pair of the split's group (see :mod:`protege.envs.household.layouts`), a goal
phrasing, and places the goal objects, a desklamp (living rooms and bedrooms) and distractor
objects in receptacles that can contain them. Goal objects never start in a receptacle of the
target type, and a scene is kept only when the expert solves it within
:data:`EXPERT_BUDGET` steps, so every task leaves room for detours within 50 steps.

Split sizes follow ALFWorld: ``valid_seen`` 140 and ``valid_unseen`` 134 with ALFWorld's
per-type counts, and ``train`` 3,553 tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from protege.envs.household.catalog import (
    LAMP,
    LAMP_HOLDERS,
    ROOM_OBJECTS,
    TASK_TYPES,
    VALID_ROOMS,
    can_contain,
    goal_objects,
    goal_receptacles,
    goal_text,
)
from protege.envs.household.expert import expert_action
from protege.envs.household.goal import Goal, Objective
from protege.envs.household.layouts import (
    Layout,
    group_of_split,
    layout_receptacle_types,
    layouts,
    pairs,
)
from protege.envs.household.world import World

TASK_SEED = 4_0003
SPLIT_CODES = {"train": 1, "valid_seen": 2, "valid_unseen": 3}
SPLIT_SIZES: dict[str, dict[str, int]] = {
    "train": dict(zip(TASK_TYPES, (790, 308, 650, 459, 533, 813), strict=True)),
    "valid_seen": dict(zip(TASK_TYPES, (35, 13, 27, 16, 25, 24), strict=True)),
    "valid_unseen": dict(zip(TASK_TYPES, (24, 18, 31, 23, 21, 17), strict=True)),
}
"""Tasks per split and task type (order: put, look, clean, heat, cool, puttwo)."""
EXPERT_BUDGET = 30
"""A generated scene is kept only if the expert solves it from the start in this many steps."""
DISTRACTORS = {"kitchen": (8, 20), "livingroom": (5, 13), "bathroom": (5, 13), "bedroom": (5, 13)}
"""Per room kind, the (min, max) number of distractor objects."""


@dataclass(frozen=True)
class HouseholdTask:
    """One generated task: the room, where everything starts, and the goal."""

    task_id: str
    room: str
    layout: Layout
    goal: Goal
    goal_text: str
    receptacles: tuple[str, ...]
    placements: tuple[tuple[str, str], ...]
    """``(object, receptacle)`` for every object (listings sort them in ALFWorld's order)."""

    @property
    def task_type(self) -> str:
        """One of :data:`~protege.envs.household.catalog.TASK_TYPES`."""
        return self.goal.task_type

    def new_world(self, strict: bool = False) -> World:
        """A fresh world in the task's starting state (``strict``: see :class:`World`)."""
        return World(self.receptacles, self.placements, strict=strict)


@cache
def split_task_ids(split: str, task_type: str | None = None) -> tuple[str, ...]:
    """The ids of ``split``'s tasks (of one type, if given), in a fixed order."""
    return tuple(
        f"{split}/{kind}/{index:04d}"
        for kind, size in SPLIT_SIZES[split].items()
        if task_type in (None, kind)
        for index in range(size)
    )


def parse_task_id(task_id: str) -> tuple[str, str, int] | None:
    """``(split, task_type, index)`` of a valid task id, else None."""
    parts = task_id.split("/") if isinstance(task_id, str) else []
    if len(parts) != 3 or parts[0] not in SPLIT_SIZES or parts[1] not in TASK_TYPES:
        return None
    split, task_type, number = parts
    if not (number.isdigit() and len(number) == 4 and int(number) < SPLIT_SIZES[split][task_type]):
        return None
    return split, task_type, int(number)


@lru_cache(maxsize=8192)
def build_task(task_id: str) -> HouseholdTask:
    """Generate the task ``task_id`` (deterministic; cached per process)."""
    parsed = parse_task_id(task_id)
    if parsed is None:
        raise ValueError(f"not a Household task id: {task_id!r}")
    split, task_type, index = parsed
    rng = np.random.default_rng(
        [TASK_SEED, SPLIT_CODES[split], TASK_TYPES.index(task_type), index]  # type: ignore[arg-type]
    )
    group = group_of_split(split)
    rooms = VALID_ROOMS[task_type]
    for _ in range(1000):
        room = rooms[int(rng.integers(len(rooms)))]
        room_layouts = layouts(room, group)
        layout = room_layouts[int(rng.integers(len(room_layouts)))]
        options = _goal_options(task_type, room, layout, group)
        if not options:
            continue
        object_type, target = options[int(rng.integers(len(options)))]
        goal = Goal(task_type, object_type, target)
        text = goal_text(task_type, int(rng.integers(2)), object_type, target)
        receptacles = tuple(
            f"{kind} {number}" for kind, count in layout[1] for number in range(1, count + 1)
        )
        placements = _populate(rng, room, receptacles, goal)
        task = HouseholdTask(task_id, room, layout, goal, text, receptacles, placements)
        if expert_solution_length(task) <= EXPERT_BUDGET:
            return task
    raise RuntimeError(f"could not generate {task_id!r}; the catalogue tables are inconsistent")


def expert_solution_length(task: HouseholdTask, limit: int = EXPERT_BUDGET) -> int:
    """Steps the expert needs from the task's start; ``limit + 1`` if it needs more."""
    objective = Objective(task.new_world(), task.goal)
    for step in range(limit):
        objective.world.apply(expert_action(objective))
        if objective.won():
            return step + 1
    return limit + 1


def _goal_options(task_type: str, room: str, layout: Layout, group: str) -> list[tuple[str, str]]:
    """Goal pairs of ``group`` that the layout supports, sorted."""
    present = layout_receptacle_types(layout)
    allowed = pairs(group)  # type: ignore[arg-type]
    options = []
    for obj in goal_objects(task_type, room):
        for target in goal_receptacles(task_type, room, obj):
            if (obj, target) not in allowed or (target != LAMP and target not in present):
                continue
            if any(can_contain(kind, obj) and kind != target for kind in present):
                options.append((obj, target))
    return options


def _pick_receptacle(
    rng: np.random.Generator, receptacles: tuple[str, ...], kinds: list[str]
) -> str:
    """A receptacle of one of ``kinds``: the type uniformly first, then the instance."""
    kind = kinds[int(rng.integers(len(kinds)))]
    instances = [name for name in receptacles if name.rpartition(" ")[0] == kind]
    return instances[int(rng.integers(len(instances)))]


def _populate(
    rng: np.random.Generator, room: str, receptacles: tuple[str, ...], goal: Goal
) -> tuple[tuple[str, str], ...]:
    """Place goal objects, a desklamp and distractors; return the placements."""
    present = sorted({name.rpartition(" ")[0] for name in receptacles})
    contents: dict[str, list[str]] = {name: [] for name in receptacles}
    numbers: dict[str, int] = {}

    def place(object_type: str, kinds: list[str]) -> None:
        numbers[object_type] = numbers.get(object_type, 0) + 1
        receptacle = _pick_receptacle(rng, receptacles, kinds)
        contents[receptacle].append(f"{object_type} {numbers[object_type]}")

    goal_kinds = [kind for kind in present if can_contain(kind, goal.object_type)]
    if goal.target != LAMP:
        goal_kinds = [kind for kind in goal_kinds if kind != goal.target]
    low, high = (2, 3) if goal.count == 2 else (1, 3)
    for _ in range(int(rng.integers(low, high + 1))):
        place(goal.object_type, goal_kinds)
    if room in ("livingroom", "bedroom"):
        place(LAMP, [kind for kind in present if kind in LAMP_HOLDERS])
    distractor_types = [
        kind
        for kind in ROOM_OBJECTS[room]
        if kind != goal.object_type and any(can_contain(where, kind) for where in present)
    ]
    least, most = DISTRACTORS[room]
    for _ in range(int(rng.integers(least, most + 1))):
        kind = distractor_types[int(rng.integers(len(distractor_types)))]
        place(kind, [where for where in present if can_contain(where, kind)])
    placements = []
    for receptacle in receptacles:
        items = contents[receptacle]
        placements.extend((items[int(i)], receptacle) for i in rng.permutation(len(items)))
    return tuple(placements)
