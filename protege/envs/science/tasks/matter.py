"""Topic 1, matter: boil, melt, freeze or change the state of a substance (tasks 1-1 to 1-4).

Ordered subgoals: focus on the substance; heat (or cool) it by at least 10 degrees (melting
water: freeze it); bring it to the target state (for ``change-the-state-of-matter-of``, any
state other than the first). As in ScienceWorld, the thermometer lies in the kitchen, water is
fetched from a sink in a container (the metal pot in the kitchen cupboard), and the expert
reads the temperature while it waits for the change.
Variations are substance x starting place, substance-major, so the held-out
quarter of the variations (``valid_unseen``) holds substances never seen in ``train``.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from protege.envs.science.physics import MATERIALS, make_substance
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
"""Materials per task type; melt uses the frozen form of the juices; water always comes from a
sink."""
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
    return task_type == "melt" and material in ("orange juice", "apple juice")


def sample_of(task: Task) -> Thing | None:
    """The substance the task is about: the one focused on, else the one placed at the start
    (None while the water has still to be fetched from a sink)."""
    return task.focused[0] if task.focused else task.data["sample"]


def build(
    world: World, task_type: str, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    """Lay the thermometer in the kitchen and the substance where the real task has it (water
    comes from a sink, as in ScienceWorld), and state the goal.

    Water starts liquid in every task, so melting it means freezing it first, as the real gold
    path does: its subgoals are focus, frozen, melted.
    """
    material = params["material"]
    world.add(Thing("thermometer"), spot(world, "kitchen"))
    sample: Thing | None = None
    if material == "water":
        start_state = "liquid"
    else:
        vessel = Thing(VESSELS[params["place"] % len(VESSELS)], kind="container", container=True)
        if _starts_frozen(task_type, material):
            world.add(vessel, furniture_in(world, "kitchen", "freezer"))
            sample = world.add(make_substance(material, -20.0), vessel)
        else:
            room = ROOM_PLACES[(params["place"] + variation) % len(ROOM_PLACES)]
            world.add(vessel, spot(world, room))
            sample = world.add(make_substance(material), vessel)
        start_state = sample.state or "solid"
    world.agent_room = pick(rng, ("hallway", "kitchen", "workshop", "living room"))
    name = MATERIALS[material].name(start_state)
    goal = (
        f"Your task is to {VERB.get(task_type, task_type)} {name}."
        + (COMBUSTION if task_type == "boil" else "")
        + " First, focus on the substance. Then, take actions that will cause it to change its "
        "state of matter."
    )
    sign = -1.0 if task_type == "freeze" else 1.0
    freeze_first = task_type == "melt" and start_state == "liquid"
    target = TARGET_STATE.get(task_type, "liquid" if start_state == "solid" else "gas")

    def changed(world: World, task: Task) -> bool:
        state = sample_of(task).state  # type: ignore[union-attr]
        return state == target if task_type in TARGET_STATE else state != start_state

    def warmed(world: World, task: Task) -> bool:
        thing = sample_of(task)
        assert thing is not None
        start = task.data.setdefault("start", thing.temperature)  # its temperature at focus
        if task_type in TARGET_STATE:
            return sign * (thing.temperature - start) >= 10
        return abs(thing.temperature - start) >= 10

    def frozen(world: World, task: Task) -> bool:
        return sample_of(task).state == "solid"  # type: ignore[union-attr]

    def is_sample(thing: Thing) -> bool:
        if sample is not None:
            return thing is sample
        return thing.kind == "substance" and thing.material == material

    return Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=[is_sample],
        subgoals=[focused_is(0), frozen if freeze_first else warmed, changed],
        points=POINTS[task_type],
        data={
            "sample": sample,
            "material": material,
            "thermometer": world.find("thermometer"),
            "target_state": target,
            "direction": VERB_ING.get(task_type, "heat"),
            "freeze_first": freeze_first,
        },
    )


FAMILY = Family(("boil", "melt", "freeze", "change-the-state-of-matter-of"), variations, build)
