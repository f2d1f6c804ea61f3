"""Topic 2, measurement: measure an object's temperature and sort it by a threshold (task 2-1).

Ordered subgoals: focus on the thermometer; focus on the object; read the object's temperature
with the thermometer (``use thermometer on X``); put the object in the box for its temperature.
The box is judged by the last reading the agent took (the object's actual temperature if it
never measured it); the wrong box fails the task.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from protege.envs.science.tasks.base import (
    Family,
    Task,
    add_boxes,
    box_colors,
    focused_is,
    furniture_in,
    inside,
    pick,
    spot,
    wrong_box_rule,
)
from protege.envs.science.world import Thing, World

OBJECTS: tuple[str, ...] = (
    "metal fork",
    "ceramic plate",
    "rubber ball",
    "wooden block",
    "glass marble",
    "plastic spoon",
    "iron nail",
    "clay pot",
)
PLACES: tuple[tuple[str, str, float], ...] = (
    ("kitchen", "fridge", 4.0),
    ("kitchen", "freezer", -20.0),
    ("room", "", 20.0),
)
THRESHOLDS: tuple[float, ...] = (-10.0, 0.0, 10.0, 30.0, 50.0)
BOX_ROOMS: tuple[str, ...] = ("kitchen", "living room", "workshop", "bedroom")
OBJECT_ROOMS: tuple[str, ...] = ("kitchen", "living room", "workshop", "art studio")


def variations(task_type: str) -> list[dict[str, Any]]:
    """Object x starting place (cold fridge, freezer or a room): 24 variations."""
    return [
        {"object": name, "place": place} for name, place in product(OBJECTS, range(len(PLACES)))
    ]


def answer_box(world: World, task: Task) -> Thing:
    """The box for the object's last measured (else actual) temperature."""
    sample = task.data["sample"]
    temperature = world.readings.get(sample.uid, sample.temperature)
    return (
        task.data["above_box"] if temperature > task.data["threshold"] else task.data["below_box"]
    )


def build(
    world: World, task_type: str, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    """Place the object, the thermometer and two boxes; pick a threshold 10+ degrees away."""
    room, furniture, temperature = PLACES[params["place"]]
    if room == "room":
        room = pick(rng, OBJECT_ROOMS)
        holder = spot(world, room)
    else:
        holder = furniture_in(world, room, furniture)
    sample = world.add(Thing(params["object"], temperature=temperature), holder)
    thermometer_room = pick(rng, ("kitchen", "workshop"))
    thermometer = world.add(Thing("thermometer"), spot(world, thermometer_room))
    far = [value for value in THRESHOLDS if abs(value - temperature) >= 10]
    threshold = pick(rng, far)
    above_color, below_color = box_colors(rng, 2)
    box_room = pick(rng, BOX_ROOMS)
    above_box, below_box = add_boxes(world, box_room, (above_color, below_color))
    world.agent_room = pick(rng, ("hallway", "kitchen", "workshop"))
    name = sample.name
    goal = (
        f"Your task is to measure the temperature of {name}, which is located around the {room}. "
        f"First, focus on the thermometer. Next, focus on the {name}. If the {name} temperature "
        f"is above {threshold:.1f} degrees celsius, place it in the {above_box.name}. If the "
        f"{name} temperature is below {threshold:.1f} degrees celsius, place it in the "
        f"{below_box.name}. The boxes are located around the {box_room}."
    )
    task = Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=[lambda thing: thing is thermometer, lambda thing: thing is sample],
        subgoals=[
            focused_is(0),
            focused_is(1),
            lambda world, task: sample.uid in world.readings,
            lambda world, task: inside(sample, answer_box(world, task)),
        ],
        data={
            "sample": sample,
            "thermometer": thermometer,
            "threshold": threshold,
            "above_box": above_box,
            "below_box": below_box,
            "boxes": [above_box, below_box],
        },
    )
    task.fail_rule = wrong_box_rule("sample", "boxes", answer_box)
    return task


FAMILY = Family(("use-thermometer",), variations, build)
