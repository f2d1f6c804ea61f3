"""Topic 3, electricity: power a component; test whether a thing conducts (tasks 3-1 to 3-4).

``power-component``: focus on the component, then power it from any source.
``power-component-renewable-vs-nonrenewable-energy``: power it from the named kind of source
(a solar panel, which only works outside, is renewable; a battery is not).
``test-conductivity``: focus on the object, wire it in series with a battery and a light bulb,
then put it in the box for conductive or nonconductive things (the wrong box fails the task).
``test-conductivity-of-unknown-substances``: the same with ``unknown substance B``..., whose
conductivity only the circuit tells.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from protege.envs.science import electricity
from protege.envs.science.electricity import PART_TERMINALS, SOURCE_TERMINALS
from protege.envs.science.tasks.base import (
    Family,
    Task,
    add_boxes,
    box_colors,
    focused_is,
    inside,
    pick,
    spot,
    wrong_box_rule,
)
from protege.envs.science.world import Thing, World

COMPONENTS: tuple[str, ...] = (
    "red light bulb",
    "green light bulb",
    "blue light bulb",
    "electric motor",
    "electric buzzer",
)
MATERIALS: tuple[tuple[str, bool], ...] = (
    ("metal fork", True),
    ("wooden spoon", False),
    ("iron nail", True),
    ("rubber band", False),
    ("aluminum foil", True),
    ("plastic cup", False),
    ("copper coin", True),
    ("glass rod", False),
    ("steel key", True),
    ("ceramic tile", False),
)
"""Objects of the conductivity test and whether they conduct electricity."""
UNKNOWN_MATERIALS: tuple[tuple[str, bool], ...] = tuple(
    (f"unknown substance {letter}", conducts)
    for letter, conducts in zip(
        "BCDEFGHIJK", (True, False, False, True, True, False, True, False, False, True), strict=True
    )
)
"""The unknown substances of task 3-4 and whether they conduct."""
WIRE_COLORS: tuple[str, ...] = ("red", "black", "blue", "orange", "yellow")
POINTS = {
    "power-component": (65, 100),
    "power-component-renewable-vs-nonrenewable-energy": (65, 100),
    "test-conductivity": (60, 85, 100),
    "test-conductivity-of-unknown-substances": (60, 85, 100),
}
"""Raw score after each subgoal, as the real gold paths award them (the focus is worth ~60)."""


def part(name: str, **flags: Any) -> Thing:
    """An electrical component with two terminals."""
    return Thing(name, terminals=PART_TERMINALS, **{"conductive": True, **flags})


def battery() -> Thing:
    """A battery: a nonrenewable source."""
    return Thing("battery", terminals=SOURCE_TERMINALS, power_source="nonrenewable")


def solar_panel() -> Thing:
    """A solar panel: a renewable source that works in sunlight."""
    return Thing("solar panel", terminals=SOURCE_TERMINALS, power_source="renewable")


def add_wires(world: World, rng: np.random.Generator, holder: Thing, count: int = 3) -> None:
    """Wires of distinct colours."""
    for index in rng.permutation(len(WIRE_COLORS))[:count]:
        world.add(part(f"{WIRE_COLORS[int(index)]} wire"), holder)


def variations(task_type: str) -> list[dict[str, Any]]:
    """Component x layout (20 each); for conductivity, object x box colours (30)."""
    if task_type == "test-conductivity":
        return [{"object": i, "boxes": b} for i, b in product(range(len(MATERIALS)), range(3))]
    if task_type == "test-conductivity-of-unknown-substances":
        return [
            {"object": i, "boxes": b, "unknown": True}
            for i, b in product(range(len(UNKNOWN_MATERIALS)), range(3))
        ]
    if task_type == "power-component":
        return [{"component": c, "layout": k} for c, k in product(COMPONENTS, range(4))]
    return [
        {"component": c, "source": s, "layout": k}
        for c, s, k in product(COMPONENTS, ("renewable", "nonrenewable"), range(2))
    ]


def build(
    world: World, task_type: str, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    """Lay out the workshop's electrical parts and state the goal."""
    bench = spot(world, "workshop")
    if task_type.startswith("test-conductivity"):
        return _build_conductivity(world, task_type, variation, params, rng, bench)
    component = world.add(part(params["component"], load=True), bench)
    world.add(battery(), bench)
    panel_room = "outside" if params["layout"] % 2 else "workshop"
    world.add(solar_panel(), spot(world, panel_room))
    add_wires(world, rng, bench)
    world.agent_room = pick(rng, ("hallway", "workshop", "kitchen"))
    name = component.name
    source = params.get("source")
    if source is None:
        goal = (
            f"Your task is to turn on the {name}. First, focus on the {name}. Then, create an "
            "electrical circuit that powers it on."
        )

        def powered(world: World, task: Task) -> bool:
            return component.uid in electricity.powered_loads(world)
    else:
        goal = (
            f"Your task is to turn on the {name} by powering it using a {source} power source. "
            f"First, focus on the {name}. Then, create an electrical circuit that powers it on."
        )

        def powered(world: World, task: Task) -> bool:
            return source in electricity.powered_by(world, component)

    return Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=[lambda thing: thing is component],
        subgoals=[focused_is(0), powered],
        points=POINTS[task_type],
        data={"component": component, "source": source or "nonrenewable"},
    )


def _build_conductivity(
    world: World,
    task_type: str,
    variation: int,
    params: dict[str, Any],
    rng: np.random.Generator,
    bench: Thing,
) -> Task:
    table = UNKNOWN_MATERIALS if params.get("unknown") else MATERIALS
    name, conducts = table[params["object"]]
    room = pick(rng, ("kitchen", "living room", "workshop", "art studio"))
    sample = world.add(part(name, conductive=conducts), spot(world, room))
    world.add(battery(), bench)
    bulb = world.add(part("light bulb", load=True), bench)
    add_wires(world, rng, bench)
    colors = box_colors(rng, 2)
    yes_box, no_box = add_boxes(world, "workshop", colors)
    world.agent_room = pick(rng, ("hallway", "workshop", "kitchen"))
    goal = (
        f"Your task is to determine if {name} is electrically conductive. The {name} is located "
        f"around the {room}. First, focus on the {name}. If it is electrically conductive, place "
        f"it in the {yes_box.name}. If it is electrically nonconductive, place it in the "
        f"{no_box.name}."
    )
    right_box = yes_box if conducts else no_box
    task = Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=[lambda thing: thing is sample],
        subgoals=[
            focused_is(0),
            lambda world, task: electricity.tests_conductivity(world, sample),
            lambda world, task: inside(sample, right_box),
        ],
        points=POINTS[task_type],
        data={
            "sample": sample,
            "bulb": bulb,
            "boxes": [yes_box, no_box],
            "right_box": right_box,
        },
    )
    task.fail_rule = wrong_box_rule("sample", "boxes", lambda world, task: right_box)
    return task


FAMILY = Family(
    (
        "power-component",
        "power-component-renewable-vs-nonrenewable-energy",
        "test-conductivity",
        "test-conductivity-of-unknown-substances",
    ),
    variations,
    build,
)
