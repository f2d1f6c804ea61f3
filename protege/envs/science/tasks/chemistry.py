"""Topic 6, chemistry: mix two primary paints into a secondary colour (task 6-2).

Ordered subgoals: the two needed primaries share a container; the secondary paint exists; focus
on it (focusing on anything else fails the task). The art studio has two cups of each primary,
so one spoiled mixture does not make the task unsolvable.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from protege.envs.science.physics import make_substance
from protege.envs.science.tasks.base import Family, Task, focused_is, furniture_in, pick
from protege.envs.science.world import Thing, World

RECIPES: dict[str, tuple[str, str]] = {
    "orange paint": ("red paint", "yellow paint"),
    "green paint": ("blue paint", "yellow paint"),
    "violet paint": ("red paint", "blue paint"),
}
PRIMARIES: tuple[str, ...] = ("red paint", "blue paint", "yellow paint")


def variations(task_type: str) -> list[dict[str, Any]]:
    """Target colour x layout: 24 variations."""
    return [{"target": t, "layout": k} for t, k in product(RECIPES, range(8))]


def build(
    world: World, task_type: str, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    """Six wood cups of primary paint (two each) and an empty bowl, in the art studio."""
    target = params["target"]
    layout = params["layout"]
    holder = (
        world.rooms["art studio"] if layout % 4 == 3 else furniture_in(world, "art studio", "table")
    )
    if layout % 4 == 2:
        holder = furniture_in(world, "art studio", "large cupboard")
    paints = list(PRIMARIES) * 2
    for number, index in enumerate(rng.permutation(len(paints)), start=1):
        cup = world.add(Thing(f"wood cup {number}", kind="container", container=True), holder)
        world.add(make_substance(paints[int(index)]), cup)
    world.add(Thing("bowl", kind="container", container=True), holder)
    world.agent_room = pick(rng, ("hallway", "art studio", "kitchen", "bedroom"))
    first, second = RECIPES[target]

    def together(world: World, task: Task) -> bool:
        if any(thing.material == target for thing in world.things):
            return True
        for thing in world.things:
            if thing.container:
                materials = {item.material for item in thing.contents}
                if first in materials and second in materials:
                    return True
        return False

    goal = (
        f"Your task is to use chemistry to create {target}. When you are done, focus on the "
        f"{target}."
    )
    return Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=[lambda thing: thing.material == target],
        subgoals=[
            together,
            lambda world, task: any(thing.material == target for thing in world.things),
            focused_is(0),
        ],
        data={"target": target, "recipe": (first, second)},
    )


FAMILY = Family(("chemistry-mix-paint-secondary-color",), variations, build)
