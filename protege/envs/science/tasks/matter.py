"""Topic 1, matter: boil, melt, freeze or change the state of a substance (tasks 1-1 to 1-4).

Ordered subgoals: focus on the substance; heat (or cool) it by at least 10 degrees; bring it to
the target state (for ``change-the-state-of-matter-of``, any state other than the first).
Variations are substance x starting place, substance-major, so the held-out
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
    "change-the-state-of-matter-of": (
        "water",
        "chocolate",
        "orange juice",
        "tin",
        "milk",
        "butter",
    ),
}
"""Materials per task type; melt uses the frozen form of juices and water."""
ROOM_PLACES: tuple[str, ...] = ("kitchen", "living room", "workshop", "art studio")
VESSELS: tuple[str, ...] = ("ceramic cup", "tin cup", "glass bowl")
TARGET_STATE = {"boil": "gas", "melt": "liquid", "freeze": "solid"}
VERB_ING = {"boil": "heat", "melt": "heat", "freeze": "cool"}
VERB = {"change-the-state-of-matter-of": "change the state of matter of"}
POINTS = {
    "boil": (70, 75, 100),
    "melt": (40, 70, 100),
    "freeze": (75, 85, 100),
    "change-the-state-of-matter-of": (70, 75, 100),
}
"""Raw score after each subgoal (focus, heated or cooled, changed), as the real gold paths give."""
COMBUSTION = " For compounds without a boiling point, combusting the substance is also acceptable."


def variations(task_type: str) -> list[dict[str, Any]]:
    """Substance x place: 3 places for boil and melt (24, 27), 4 otherwise (20, 24)."""
    places = 3 if task_type in ("boil", "melt") else 4
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
        f"Your task is to {VERB.get(task_type, task_type)} {name}."
        + (COMBUSTION if task_type == "boil" else "")
        + " First, focus on the substance. Then, take actions that will cause it to change its "
        "state of matter."
    )
    start, start_state = sample.temperature, sample.state
    sign = -1.0 if task_type == "freeze" else 1.0
    if task_type in TARGET_STATE:
        target = TARGET_STATE[task_type]

        def changed(world: World, task: Task) -> bool:
            return sample.state == target

        def warmed(world: World, task: Task) -> bool:
            return sign * (sample.temperature - start) >= 10
    else:  # any change of state, by heating or cooling
        target = "liquid" if start_state == "solid" else "gas"

        def changed(world: World, task: Task) -> bool:
            return sample.state != start_state

        def warmed(world: World, task: Task) -> bool:
            return abs(sample.temperature - start) >= 10

    return Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=[lambda thing: thing is sample],
        subgoals=[focused_is(0), warmed, changed],
        points=POINTS[task_type],
        data={
            "sample": sample,
            "target_state": target,
            "direction": VERB_ING.get(task_type, "heat"),
        },
    )


FAMILY = Family(("boil", "melt", "freeze", "change-the-state-of-matter-of"), variations, build)
