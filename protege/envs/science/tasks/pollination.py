"""Topics 5 and 10, plants that need bees: grow fruit; Mendelian genetics (tasks 5-2, 10-1, 10-2).

Both need two plants of a species in the reproducing stage and the greenhouse's bee hive open
(:func:`~protege.envs.science.biology.pollination_tick`).
``grow-fruit``: three seeds of a species in a seed jar; subgoals: two planted, two seedlings, two
reproducing, the hive open, a fruit grown, focus on the fruit.
``mendelian-genetics-*``: two parent seeds, one pure-breeding for each value of a trait; their
offspring shows the dominant value once grown. Subgoals: parents planted, parents reproducing,
the hive open, an offspring seed, it planted, it grown (its trait shows on ``look at``), focus
on the box for dominant or recessive. As in ScienceWorld, the right answer completes the task at
any time and the wrong box fails it.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from protege.envs.science.biology import (
    PLANT_SPECIES,
    fruit_name,
    make_plant,
    pollination_tick,
    soil_and_water,
)
from protege.envs.science.tasks.base import (
    Family,
    Task,
    add_boxes,
    box_colors,
    focused_is,
    pick,
    spot,
)
from protege.envs.science.world import Thing, World

SEED_ROOMS: tuple[str, ...] = ("kitchen", "bedroom", "greenhouse")
PEA_TRAITS: tuple[tuple[str, str, str], ...] = (
    ("plant height", "tall", "short"),
    ("seed shape", "round", "wrinkly"),
    ("seed color", "yellow", "green"),
    ("flower color", "purple", "white"),
)
"""Pea traits: (trait, dominant value, recessive value), Mendel's."""
UNKNOWN_TRAITS: tuple[tuple[str, str, str], ...] = (
    ("plant height", "tall", "short"),
    ("seed color", "blue", "orange"),
    ("flower color", "red", "white"),
    ("leaf shape", "linear", "elliptical"),
)
"""Traits of the unknown plants; which value dominates is the variation's."""
UNKNOWN_PLANTS: tuple[str, ...] = ("unknown A", "unknown B", "unknown C", "unknown E")


def variations(task_type: str) -> list[dict[str, Any]]:
    """grow-fruit: species x seed room (21); genetics: trait x asked value x layout (24),
    unknown plant x trait x which value dominates (32)."""
    if task_type == "grow-fruit":
        return [{"species": s, "room": r} for s, r in product(PLANT_SPECIES, SEED_ROOMS)]
    if task_type == "mendelian-genetics-known-plant":
        return [
            {"species": "pea", "trait": t, "asked_dominant": d, "layout": k}
            for t, d, k in product(range(len(PEA_TRAITS)), (True, False), range(3))
        ]
    return [
        {"species": s, "trait": t, "asked_dominant": d, "layout": 0}
        for s, t, d in product(UNKNOWN_PLANTS, range(len(UNKNOWN_TRAITS)), (True, False))
    ]


def build(
    world: World, task_type: str, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    """A bee hive in the greenhouse, the seeds in a seed jar; state the goal."""
    hive = world.add(
        Thing("bee hive", kind="container", container=True, movable=False, openable=True),
        "greenhouse",
    )
    hive.is_open = False
    for _ in range(2):
        world.add(Thing("adult bee", kind="animal", living=True, species="bee"), hive)
    world.agent_room = pick(rng, ("hallway", "kitchen", "greenhouse", "bedroom"))
    if task_type == "grow-fruit":
        return _grow_fruit(world, variation, params, rng, hive)
    return _genetics(world, task_type, variation, params, rng, hive)


def _planted(seeds: list[Thing], count: int):
    return lambda world, task: sum(soil_and_water(s.parent)[0] is not None for s in seeds) >= count


def _staged(seeds: list[Thing], count: int, stage: int):
    return lambda world, task: sum(s.stage >= stage for s in seeds) >= count


def _grow_fruit(
    world: World, variation: int, params: dict[str, Any], rng: np.random.Generator, hive: Thing
) -> Task:
    species, room = params["species"], params["room"]
    jar = world.add(Thing("seed jar", kind="container", container=True), spot(world, room))
    seeds = [world.add(make_plant(species), jar) for _ in range(3)]
    fruit = fruit_name(species)

    def grown(world: World, task: Task) -> bool:
        return any(thing.name == fruit and thing.kind == "item" for thing in world.things)

    goal = (
        f"Your task is to grow a {fruit}. This will require growing several plants, and them "
        f"being crosspollinated to produce fruit.  Seeds can be found in the {room}. To complete "
        f"the task, focus on the grown {fruit}."
    )
    return Task(
        task_type="grow-fruit",
        variation=variation,
        goal=goal,
        focus_rules=[lambda thing: thing.name == fruit and thing.kind == "item"],
        subgoals=[
            _planted(seeds, 2),
            _staged(seeds, 2, 1),
            _staged(seeds, 2, 3),
            lambda world, task: hive.is_open,
            grown,
            focused_is(0),
        ],
        points=(25, 35, 45, 50, 60, 100),
        data={"seeds": seeds, "hive": hive, "fruit": fruit},
        tick=lambda world, task: pollination_tick(world, _plants(world)),
    )


def _plants(world: World) -> list[Thing]:
    return [thing for thing in world.things if thing.kind == "plant"]


def _genetics(
    world: World,
    task_type: str,
    variation: int,
    params: dict[str, Any],
    rng: np.random.Generator,
    hive: Thing,
) -> Task:
    species = params["species"]
    known = task_type == "mendelian-genetics-known-plant"
    trait, first, second = (PEA_TRAITS if known else UNKNOWN_TRAITS)[params["trait"]]
    asked_dominant = params["asked_dominant"]
    if known:
        dominant, recessive = first, second
        asked = dominant if asked_dominant else recessive
    else:  # the unknown plant's dominance is the variation's: the asked value is `first`
        asked = first
        dominant, recessive = (first, second) if asked_dominant else (second, first)
    jar = world.add(Thing("seed jar", kind="container", container=True), spot(world, "greenhouse"))
    parents = []
    for value in (dominant, recessive):
        seed = make_plant(species)
        seed.trait = f"{value} {trait}"
        parents.append(seed)
    for index in rng.permutation(2):
        world.add(parents[int(index)], jar)
    colors = box_colors(rng, 2)
    yes_box, no_box = add_boxes(world, "greenhouse", colors)
    right = yes_box if asked_dominant else no_box
    name = "pea plant" if known else f"{species} plant"
    goal = (
        f"Your task is to determine whether {asked} {trait} is a dominant or recessive trait in "
        f"the {name}. If the trait is dominant, focus on the {yes_box.name}. If the trait is "
        f"recessive, focus on the {no_box.name}."
    )

    def offspring(world: World) -> list[Thing]:
        return [t for t in _plants(world) if t not in parents]

    def answered(check):
        return lambda world, task: bool(task.focused) or check(world, task)

    return Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=[lambda thing: thing is right],
        subgoals=[
            answered(_planted(parents, 2)),
            answered(_staged(parents, 2, 3)),
            answered(lambda world, task: hive.is_open),
            answered(lambda world, task: bool(offspring(world))),
            answered(lambda world, task: _planted(offspring(world), 1)(world, task)),
            answered(lambda world, task: _staged(offspring(world), 1, 2)(world, task)),
            focused_is(0),
        ],
        points=(15, 20, 25, 30, 35, 40, 100),
        data={
            "seeds": parents,
            "hive": hive,
            "right_box": right,
            "offspring": offspring,
            "dominant": f"{dominant} {trait}",
        },
        tick=lambda world, task: pollination_tick(world, parents, task.data["dominant"]),
    )


FAMILY = Family(
    ("grow-fruit", "mendelian-genetics-known-plant", "mendelian-genetics-unknown-plant"),
    variations,
    build,
)
