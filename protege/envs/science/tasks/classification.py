"""Topic 4, classification: find a living / non-living thing, a plant or an animal (tasks 4-1..4-4).

Ordered subgoals: focus on a thing of the asked category (anything else fails the task); move
that thing into the named box. Variations are box colour x box room (30 per task type).
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from protege.envs.science.biology import PLANT_SPECIES, make_animal, make_plant
from protege.envs.science.tasks.base import (
    BOX_COLORS,
    Family,
    Task,
    add_boxes,
    focused_is,
    inside,
    pick,
)
from protege.envs.science.world import Thing, World

ANIMALS: tuple[str, ...] = ("butterfly", "bee", "chameleon", "snail", "moth", "ant", "toad")
BOX_ROOMS: tuple[str, ...] = ("kitchen", "bathroom", "bedroom", "living room", "workshop")
CATEGORIES = {
    "find-living-thing": "living thing",
    "find-non-living-thing": "non-living thing",
    "find-plant": "plant",
    "find-animal": "animal",
}


def matches(task_type: str, thing: Thing) -> bool:
    """Whether a thing belongs to the task's category (and can be carried to the box)."""
    if not thing.movable or thing.kind in ("box", "substance"):
        return False
    if task_type == "find-living-thing":
        return thing.living
    if task_type == "find-non-living-thing":
        return not thing.living
    if task_type == "find-plant":
        return thing.kind == "plant"
    return thing.kind == "animal"


def variations(task_type: str) -> list[dict[str, Any]]:
    """Box colour x box room: 30 variations."""
    return [{"color": c, "room": r} for r, c in product(BOX_ROOMS, BOX_COLORS)]


def build(
    world: World, task_type: str, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    """Release a few animals outside, pot two plants in the greenhouse and place the box."""
    for index in rng.permutation(len(ANIMALS))[:3]:
        world.add(make_animal(ANIMALS[int(index)]), "outside")
    pots = [
        thing for thing in world.rooms["greenhouse"].contents if thing.name.startswith("flower")
    ]
    for pot, index in zip(pots[:2], rng.permutation(len(PLANT_SPECIES))[:2], strict=False):
        world.add(make_plant(PLANT_SPECIES[int(index)], 2), pot)
    (box,) = add_boxes(world, params["room"], (params["color"],))
    world.agent_room = pick(rng, ("hallway", "kitchen", "bedroom", "workshop"))
    category = CATEGORIES[task_type]
    goal = (
        f"Your task is to find a(n) {category}. First, focus on the thing. Then, move it to "
        f"the {box.name} in the {params['room']}."
    )
    return Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=[lambda thing: matches(task_type, thing)],
        subgoals=[focused_is(0), lambda world, task: inside(task.focused[0], box)],
        points=(67, 100),  # the real focus step brings the score to ~67
        data={"box": box},
    )


FAMILY = Family(tuple(CATEGORIES), variations, build)
