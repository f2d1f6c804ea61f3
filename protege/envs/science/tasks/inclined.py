"""Topic 9, forces: compare two inclined planes by timing a block sliding down (tasks 9-1 to 9-3).

The workshop holds two inclined planes, a block and a stopwatch. A block slides down a steeper
or slicker plane in fewer ticks (:mod:`~protege.envs.science.forces`). Subgoals: be in the
workshop; the block has slid down one plane; down both; focus on the plane the task asks for
(focusing on the other fails the task). ``inclined-plane-determine-angle`` varies the slopes of
planes named by letters; the friction tasks vary the surfaces at one slope, named
(``inclined plane with a cloth surface``) or unknown (``... a unknown material C surface``).
"""

from __future__ import annotations

from itertools import combinations, product
from typing import Any

import numpy as np

from protege.envs.science.forces import slide_tick, ticks_to_bottom
from protege.envs.science.tasks.base import Family, Task, focused_is, pick, spot
from protege.envs.science.world import Thing, World

ANGLES: dict[str, float] = {"A": 18, "B": 24, "C": 30, "D": 36, "E": 44, "F": 52}
"""determine-angle: the slope (degrees) of each lettered plane; friction 0.2."""
SURFACES: dict[str, float] = {
    "steel": 0.08,
    "glass": 0.25,
    "plastic": 0.38,
    "wood": 0.5,
    "paper": 0.6,
    "cloth": 0.7,
    "carpet": 0.78,
    "rubber": 0.85,
}
"""friction-named-surfaces: each surface's friction coefficient."""
UNKNOWN: dict[str, float] = {"C": 0.1, "D": 0.3, "F": 0.45, "H": 0.6, "J": 0.72, "K": 0.82}
"""friction-unnamed-surfaces: the friction of each unknown material. Every two planes of a task
take a different number of ticks, so the stopwatch always tells them apart."""
FRICTION_ANGLE = 45.0
ANGLE_FRICTION = 0.2


def variations(task_type: str) -> list[dict[str, Any]]:
    """Pairs of planes x which extreme is asked (30, 56, 30)."""
    if task_type == "inclined-plane-determine-angle":
        names: tuple[str, ...] = tuple(ANGLES)
        words = ("steepest", "shallowest")
    else:
        names = tuple(SURFACES if task_type.endswith("-named-surfaces") else UNKNOWN)
        words = ("most", "least")
    return [
        {"pair": list(pair), "word": word} for pair, word in product(combinations(names, 2), words)
    ]


def _plane(task_type: str, name: str) -> Thing:
    if task_type == "inclined-plane-determine-angle":
        return Thing(
            f"inclined plane {name}",
            kind="device",
            movable=False,
            container=True,
            angle=ANGLES[name],
            friction=ANGLE_FRICTION,
        )
    named = task_type.endswith("-named-surfaces")
    surface = name if named else f"unknown material {name}"
    return Thing(
        f"inclined plane with a {surface} surface",
        kind="device",
        movable=False,
        container=True,
        angle=FRICTION_ANGLE,
        friction=(SURFACES if named else UNKNOWN)[name],
    )


def build(
    world: World, task_type: str, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    """Two planes in the workshop (in a random order), the block and the stopwatch."""
    pair = list(params["pair"])
    order = [pair[int(i)] for i in rng.permutation(2)]
    planes = [world.add(_plane(task_type, name), "workshop") for name in order]
    bench = spot(world, "workshop")
    world.add(Thing("block"), bench)
    world.add(Thing("stopwatch", activatable=True), bench)
    world.agent_room = pick(rng, ("hallway", "kitchen", "living room", "bedroom"))
    word = params["word"]
    # slower down the plane = shallower or more friction
    slow_first = word in ("shallowest", "most")
    answer = max(planes, key=ticks_to_bottom) if slow_first else min(planes, key=ticks_to_bottom)
    quality = "angle" if task_type == "inclined-plane-determine-angle" else "friction"
    listed = (
        order
        if task_type != "inclined-plane-friction-unnamed-surfaces"
        else [f"unknown material {name}" for name in order]
    )
    goal = (
        f"Your task is to determine which of the two inclined planes ({', '.join(listed)}) has the "
        f"{word} {quality}. After completing your experiment, focus on the inclined plane with "
        f"the {word} {quality}."
    )
    return Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=[lambda thing: thing is answer],
        subgoals=[
            lambda world, task: world.agent_room == "workshop",
            lambda world, task: bool(world.slid),
            lambda world, task: all(plane.uid in world.slid for plane in planes),
            focused_is(0),
        ],
        points=(10, 30, 50, 100),
        data={"planes": planes, "answer": answer},
        tick=_slide,
    )


def _slide(world: World, task: Task) -> None:
    slide_tick(world, task.data["planes"])


FAMILY = Family(
    (
        "inclined-plane-determine-angle",
        "inclined-plane-friction-named-surfaces",
        "inclined-plane-friction-unnamed-surfaces",
    ),
    variations,
    build,
)
