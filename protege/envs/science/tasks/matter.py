"""Topic 1, matter: boil, melt or freeze a substance (ScienceWorld tasks 1-1, 1-2, 1-3).

Ordered subgoals: focus on the substance; heat (or cool) it by at least 10 degrees; bring it to
the target state. Variations are substance x starting place, substance-major, so the held-out
quarter of the variations (``valid_unseen``) holds substances never seen in ``train``.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from protege.envs.science.physics import make_substance
from protege.envs.science.tasks.base import Family, Task, focused_is, furniture_in, pick, spot
from protege.envs.science.world import Thing, World

SUBSTANCES: dict[str, tuple[str, ...]] = {
    "boil": (
        "water",
        "orange juice",
        "apple juice",
        "milk",
        "lead",
        "wax",
        "lemonade",
        "mercury",
    ),
    "melt": (
        "water",
        "chocolate",
        "butter",
        "orange juice",
        "lead",
        "tin",
        "apple juice",
        "gallium",
        "wax",
    ),
    "freeze": ("water", "orange juice", "milk", "apple juice", "lemonade"),
}
"""Materials per task type; melt uses the frozen form of juices and water."""
ROOM_PLACES: tuple[str, ...] = ("kitchen", "living room", "workshop", "art studio")
VESSELS: tuple[str, ...] = ("ceramic cup", "tin cup", "glass bowl")
TARGET_STATE = {"boil": "gas", "melt": "liquid", "freeze": "solid"}
VERB_ING = {"boil": "heat", "melt": "heat", "freeze": "cool"}


def variations(task_type: str) -> list[dict[str, Any]]:
    """Substance x place: 3 places for boil and melt (24, 27), 4 for freeze (20)."""
    places = 4 if task_type == "freeze" else 3
    return [
        {"material": material, "place": place}
        for material, place in product(SUBSTANCES[task_type], range(places))
    ]


def _starts_frozen(task_type: str, material: str) -> bool:
    return task_type == "melt" and material in ("water", "orange juice", "apple juice")


def build(
    world: World, task_type: str, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    """Put the substance in a vessel somewhere in the house and state the goal."""
    material = params["material"]
    vessel = Thing(VESSELS[params["place"] % len(VESSELS)], kind="container", container=True)
    if _starts_frozen(task_type, material):
        world.add(vessel, furniture_in(world, "kitchen", "freezer"))
        sample = world.add(make_substance(material, -20.0), vessel)
    else:
        room = ROOM_PLACES[(params["place"] + variation) % len(ROOM_PLACES)]
        world.add(vessel, spot(world, room))
        sample = world.add(make_substance(material), vessel)
    world.agent_room = pick(rng, ("hallway", "kitchen", "workshop", "living room"))
    name = sample.name
    goal = (
        f"Your task is to {task_type} {name}. First, focus on the substance. Then, take actions "
        "that will cause it to change its state of matter."
    )
    start = sample.temperature
    sign = -1.0 if task_type == "freeze" else 1.0
    target = TARGET_STATE[task_type]
    return Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=[lambda thing: thing is sample],
        subgoals=[
            focused_is(0),
            lambda world, task: sign * (sample.temperature - start) >= 10,
            lambda world, task: sample.state == target,
        ],
        data={"sample": sample, "target_state": target, "direction": VERB_ING[task_type]},
    )


FAMILY = Family(("boil", "melt", "freeze"), variations, build)
