"""Topic 6, chemistry: mix substances by a recipe; mix paints (tasks 6-1, 6-2, 6-3).

``chemistry-mix``: a recipe (``read recipe``) and the ingredients lie around one room; water
comes from a sink. Subgoals: the ingredients share a container; the product exists; focus on it.
``chemistry-mix-paint-secondary-color``: two primaries share a container; the secondary paint
exists; focus on it. ``chemistry-mix-paint-tertiary-color``: make and focus on the secondary
paint, then mix it with a primary and focus on the tertiary paint. Focusing on anything else
fails the task. The art studio has two cups of each primary, so one spoiled mixture does not
make the task unsolvable.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from protege.envs.science.mixing import RECIPES, ingredient
from protege.envs.science.physics import make_substance
from protege.envs.science.tasks.base import Family, Task, focused_is, furniture_in, pick, spot
from protege.envs.science.world import Thing, World

SECONDARY: dict[str, tuple[str, str]] = {
    "orange paint": ("red paint", "yellow paint"),
    "green paint": ("blue paint", "yellow paint"),
    "violet paint": ("red paint", "blue paint"),
}
TERTIARY: dict[str, tuple[str, str]] = {
    "red-orange paint": ("orange paint", "red paint"),
    "yellow-orange paint": ("orange paint", "yellow paint"),
    "yellow-green paint": ("green paint", "yellow paint"),
    "green-blue paint": ("green paint", "blue paint"),
    "blue-violet paint": ("violet paint", "blue paint"),
    "red-violet paint": ("violet paint", "red paint"),
}
"""A tertiary paint: (the secondary paint it starts from, the primary added to it)."""
PRIMARIES: tuple[str, ...] = ("red paint", "blue paint", "yellow paint")
RECIPE_ROOMS: tuple[str, ...] = ("kitchen", "workshop", "living room", "art studio")


def variations(task_type: str) -> list[dict[str, Any]]:
    """Paints: target x layout (24 secondary, 36 tertiary); recipes: product x room (32)."""
    if task_type == "chemistry-mix":
        return [{"target": t, "room": r} for t, r in product(RECIPES, RECIPE_ROOMS)]
    targets = TERTIARY if task_type == "chemistry-mix-paint-tertiary-color" else SECONDARY
    layouts = 6 if targets is TERTIARY else 8
    return [{"target": t, "layout": k} for t, k in product(targets, range(layouts))]


def build(
    world: World, task_type: str, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    """Lay out the ingredients and state the goal."""
    if task_type == "chemistry-mix":
        return _build_recipe(world, variation, params, rng)
    return _build_paint(world, task_type, variation, params, rng)


def together(first: str, second: str):
    """Subgoal: some container holds both ingredients (or the product was made)."""

    def check(world: World, task: Task) -> bool:
        for thing in world.things:
            if thing.container:
                keys = {ingredient(item) for item in thing.contents}
                if first in keys and second in keys:
                    return True
        return False

    return check


def exists(material: str):
    """Subgoal: a substance of this material (or name) exists."""
    return lambda world, task: any(ingredient(thing) == material for thing in world.things)


def _build_paint(
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
    if task_type == "chemistry-mix-paint-secondary-color":
        first, second = SECONDARY[target]
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
                lambda world, task: (
                    exists(target)(world, task) or together(first, second)(world, task)
                ),
                exists(target),
                focused_is(0),
            ],
            points=(40, 50, 100),
            data={"steps": [(target, (first, second))]},
        )
    secondary, primary = TERTIARY[target]
    first, second = SECONDARY[secondary]
    # ScienceWorld's text names the secondary paint in its last sentence; we keep its words.
    goal = (
        f"Your task is to use chemistry to create {target}. When you are part-way done, focus on "
        "the intermediate (secondary color) paint you created.  When you are completely done, "
        f"focus on the {secondary}."
    )
    return Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=[
            lambda thing: thing.material == secondary,
            lambda thing: thing.material == target,
        ],
        subgoals=[
            lambda world, task: bool(task.focused) or together(first, second)(world, task),
            lambda world, task: bool(task.focused) or exists(secondary)(world, task),
            focused_is(0),
            lambda world, task: (
                exists(target)(world, task) or together(secondary, primary)(world, task)
            ),
            exists(target),
            focused_is(1),
        ],
        points=(20, 30, 75, 80, 85, 100),
        data={"steps": [(secondary, (first, second)), (target, (secondary, primary))]},
    )


def _build_recipe(
    world: World, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    """The recipe, the dry ingredients and an empty cup around a room; water from its sink."""
    target = params["target"]
    room = params["room"]
    parts, _ = RECIPES[target]
    holder = spot(world, room)
    recipe = (
        f"A recipe for {target}. Mix the following ingredients in a container: "
        + ", ".join(parts)
        + "."
    )
    world.add(Thing("recipe", readable=recipe), holder)
    world.add(Thing("ceramic cup", kind="container", container=True), holder)
    for part in parts:
        if part == "water":
            continue
        if part.endswith("paint"):
            cup = world.add(Thing("wood cup", kind="container", container=True), holder)
            world.add(make_substance(part), cup)
        else:
            world.add(Thing(part), holder)
    world.agent_room = pick(rng, ("hallway", "kitchen", "bedroom", "workshop"))
    goal = (
        f"Your task is to use chemistry to create the substance '{target}'. A recipe and some of "
        f"the ingredients might be found near the {room}. When you are done, focus on the "
        f"{target}."
    )

    def all_together(world: World, task: Task) -> bool:
        if exists(target)(world, task):
            return True
        return any(
            thing.container and set(parts) <= {ingredient(item) for item in thing.contents}
            for thing in world.things
        )

    return Task(
        task_type="chemistry-mix",
        variation=variation,
        goal=goal,
        focus_rules=[lambda thing: thing.name == target],
        subgoals=[all_together, exists(target), focused_is(0)],
        points=(40, 50, 100),
        data={"target": target, "parts": parts, "room": room},
    )


FAMILY = Family(
    ("chemistry-mix", "chemistry-mix-paint-secondary-color", "chemistry-mix-paint-tertiary-color"),
    variations,
    build,
)
