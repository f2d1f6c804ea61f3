"""Topic 2, measurement: use a thermometer (tasks 2-1, 2-2 and 2-3).

``use-thermometer``: focus on the thermometer; focus on the object; read the object's
temperature (``use thermometer on X``); put the object in the box for its temperature. The box
is judged by the last reading the agent took (the object's actual temperature if it never
measured it); the wrong box fails the task.
``measure-melting-point-known-substance``: focus on the thermometer; focus on the substance;
read its temperature once it has melted; focus on the box that answers whether its melting
point is above or below a threshold (focusing on the other box fails the task).
``measure-melting-point-unknown-substance``: the same with an unknown substance (``solid unknown
substance C``) whose melting point only the thermometer tells.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from protege.envs.science.physics import MATERIALS, make_substance
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


MELTING_SUBSTANCES: tuple[str, ...] = (
    "chocolate",
    "butter",
    "tin",
    "wax",
    "gallium",
    "lead",
    "caesium",
)
MELTING_OFFSETS: tuple[float, ...] = (-40.0, 30.0, -20.0)
"""Threshold minus melting point, per variation of a substance."""
UNKNOWN_SUBSTANCES: tuple[str, ...] = tuple(f"unknown substance {c}" for c in "BCDEFGHIJKLM")
UNKNOWN_OFFSETS: tuple[float, ...] = (-30.0, 25.0)
POINTS = {
    "use-thermometer": (40, 80, 90, 100),
    "measure-melting-point-known-substance": (40, 75, 80, 100),
    "measure-melting-point-unknown-substance": (40, 75, 80, 100),
}
"""Raw score after each subgoal, as the real tasks award them along their gold paths (focus on
the thermometer ~40, on the sample ~75-80, a reading ~80-90, the answer 100)."""


def variations(task_type: str) -> list[dict[str, Any]]:
    """Object x starting place (fridge, freezer, a room): 24; melting point: substance x 3."""
    if task_type == "measure-melting-point-known-substance":
        return [
            {"substance": name, "offset": offset}
            for name, offset in product(MELTING_SUBSTANCES, MELTING_OFFSETS)
        ]
    if task_type == "measure-melting-point-unknown-substance":
        return [
            {"substance": name, "offset": offset}
            for name, offset in product(UNKNOWN_SUBSTANCES, UNKNOWN_OFFSETS)
        ]
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
    if task_type.startswith("measure-melting-point"):
        return _build_melting_point(world, task_type, variation, params, rng)
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
        points=POINTS[task_type],
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


def _build_melting_point(
    world: World, task_type: str, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    material = params["substance"]
    room = pick(rng, OBJECT_ROOMS)
    vessel = world.add(Thing("tin cup", kind="container", container=True), spot(world, room))
    sample = world.add(make_substance(material), vessel)
    thermometer = world.add(Thing("thermometer"), spot(world, pick(rng, ("kitchen", "workshop"))))
    melting_point = MATERIALS[material].melting_point
    threshold = melting_point + params["offset"]
    above, below = add_boxes(world, pick(rng, BOX_ROOMS), box_colors(rng, 2))
    box_room = world.room_of(above)
    right = above if melting_point > threshold else below
    world.agent_room = pick(rng, ("hallway", "kitchen", "workshop"))
    name = sample.name
    goal = (
        f"Your task is to measure the melting point of {name}, which is located around the "
        f"{room}. First, focus on the thermometer. Next, focus on the {name}. If the melting "
        f"point of {name} is above {threshold:.1f} degrees celsius, focus on the {above.name}. "
        f"If the melting point of {name} is below {threshold:.1f} degrees celsius, focus on the "
        f"{below.name}. The boxes are located around the {box_room}."
    )
    return Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=[
            lambda thing: thing is thermometer,
            lambda thing: thing is sample,
            lambda thing: thing is right,
        ],
        subgoals=[
            focused_is(0),
            focused_is(1),
            lambda world, task: world.read_states.get(sample.uid) == "liquid",
            focused_is(2),
        ],
        points=POINTS[task_type],
        data={"sample": sample, "thermometer": thermometer, "right_box": right},
    )


FAMILY = Family(
    (
        "use-thermometer",
        "measure-melting-point-known-substance",
        "measure-melting-point-unknown-substance",
    ),
    variations,
    build,
)
