"""The finite sets that split Household into seen and unseen: room layouts and goal pairs.

A **layout** is a room kind with a number of instances of each receptacle type (e.g. a kitchen
with 6 cabinets, 2 countertops, ...). Each room kind has :data:`LAYOUTS_PER_ROOM` distinct
layouts, drawn once from fixed integer seeds; every fifth one is held out for ``valid_unseen``.

A **goal pair** is the (object type, receptacle type) a task names, e.g. ``("apple",
"countertop")`` (look-at-in-light tasks pair the object with ``desklamp``). A fixed
:data:`UNSEEN_PAIR_FRACTION` of all pairs, chosen by a fixed-seed permutation, is held out for
``valid_unseen``.

``train`` and ``valid_seen`` draw only from the seen layouts and pairs; ``valid_unseen`` only
from the unseen ones. Both sets are enumerable, so their disjointness is checked exactly.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import numpy as np

from protege.envs.household.catalog import (
    LAYOUT_COUNTS,
    LAYOUT_SIZE,
    ROOM_KINDS,
    TASK_TYPES,
    VALID_ROOMS,
    goal_objects,
    goal_receptacles,
)

Group = Literal["seen", "unseen"]
Layout = tuple[str, tuple[tuple[str, int], ...]]
"""``(room kind, ((receptacle type, count), ...))`` with types sorted and counts >= 1."""
Pair = tuple[str, str]
"""``(object type, receptacle type or "desklamp")``."""

LAYOUT_SEED = 4_0001
PAIR_SEED = 4_0002
LAYOUTS_PER_ROOM = 60
UNSEEN_EVERY = 5
"""Layout ``i`` of a room kind is unseen when ``i % UNSEEN_EVERY == UNSEEN_EVERY - 1``."""
UNSEEN_PAIR_FRACTION = 0.25


def group_of_split(split: str) -> Group:
    """``valid_unseen`` draws from the unseen group; ``train`` and ``valid_seen`` from seen."""
    return "unseen" if split == "valid_unseen" else "seen"


def _sample_layout(rng: np.random.Generator, room: str) -> Layout:
    low, high = LAYOUT_SIZE[room]
    while True:
        counts = [
            (receptacle, int(rng.integers(least, most + 1)))
            for receptacle, (least, most) in sorted(LAYOUT_COUNTS[room].items())
        ]
        total = sum(count for _, count in counts)
        if low <= total <= high:
            return room, tuple((receptacle, count) for receptacle, count in counts if count > 0)


@cache
def all_layouts(room: str) -> tuple[Layout, ...]:
    """The :data:`LAYOUTS_PER_ROOM` distinct layouts of ``room``, in a fixed order."""
    rng = np.random.default_rng([LAYOUT_SEED, ROOM_KINDS.index(room)])  # type: ignore[arg-type]
    layouts: list[Layout] = []
    while len(layouts) < LAYOUTS_PER_ROOM:
        layout = _sample_layout(rng, room)
        if layout not in layouts:
            layouts.append(layout)
    return tuple(layouts)


@cache
def layouts(room: str, group: Group) -> tuple[Layout, ...]:
    """The layouts of ``room`` in ``group``; seen and unseen never share a layout."""
    unseen = [index % UNSEEN_EVERY == UNSEEN_EVERY - 1 for index in range(len(all_layouts(room)))]
    return tuple(
        layout
        for layout, is_unseen in zip(all_layouts(room), unseen, strict=True)
        if is_unseen == (group == "unseen")
    )


@cache
def all_pairs() -> tuple[Pair, ...]:
    """Every goal pair any task type may name in any room kind, sorted."""
    pairs = set()
    for task_type in TASK_TYPES:
        for room in VALID_ROOMS[task_type]:
            for obj in goal_objects(task_type, room):
                pairs.update((obj, target) for target in goal_receptacles(task_type, room, obj))
    return tuple(sorted(pairs))


@cache
def pairs(group: Group) -> frozenset[Pair]:
    """The goal pairs of ``group``; seen and unseen never share a pair."""
    every = all_pairs()
    order = np.random.default_rng(PAIR_SEED).permutation(len(every))
    held_out = {every[int(index)] for index in order[: round(UNSEEN_PAIR_FRACTION * len(every))]}
    return frozenset(held_out if group == "unseen" else set(every) - held_out)


def layout_receptacle_types(layout: Layout) -> frozenset[str]:
    """The receptacle types present in ``layout``."""
    return frozenset(receptacle for receptacle, _ in layout[1])
