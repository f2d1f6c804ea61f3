"""Topics 5, 7 and 8, biology: grow a plant, compare life spans, order life stages.

``grow-plant`` (5-1): focus on a seed of the named plant, plant it in soil, keep it watered until
it reaches the reproducing stage (subgoals: focus, planted, seedling, adult, reproducing).
``lifespan-longest-lived`` / ``lifespan-shortest-lived`` (7-1, 7-2): go where three animals are and
focus on the one with the longest / shortest life span (variations: every triple of ten animals);
``lifespan-longest-lived-then-shortest-lived`` (7-3): the longest, then the shortest.
``identify-life-stages-1`` (8-1): focus on each life stage of an animal, earliest first.
``identify-life-stages-2`` (8-2): grow a plant from seed and focus on it at each of its four
life stages, earliest first (letting it pass a stage unfocused fails the task). ScienceWorld
shows four plants already at the four stages; here one plant grows through them.
"""

from __future__ import annotations

from itertools import combinations, product
from typing import Any

import numpy as np

from protege.envs.science.biology import (
    ANIMAL_STAGES,
    LIFESPANS,
    PLANT_SPECIES,
    PLANT_STAGES,
    make_animal,
    make_plant,
    soil_and_water,
)
from protege.envs.science.tasks.base import Family, Subgoal, Task, focused_is, pick, spot
from protege.envs.science.world import Thing, World, article

SEED_ROOMS: tuple[str, ...] = ("greenhouse", "kitchen", "workshop")
STAGE_ROOMS: tuple[str, ...] = ("outside", "outside", "greenhouse")


def variations(task_type: str) -> list[dict[str, Any]]:
    """Plants: species x seed room (21); life spans: animal triples (120); animal stages: 21."""
    if task_type in ("grow-plant", "identify-life-stages-2"):
        return [{"species": s, "room": r} for s, r in product(PLANT_SPECIES, SEED_ROOMS)]
    if task_type.startswith("lifespan"):
        return [{"animals": list(triple)} for triple in combinations(LIFESPANS, 3)]
    return [{"species": s, "layout": k} for s, k in product(ANIMAL_STAGES, range(3))]


def build(
    world: World, task_type: str, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    """Build one biology task."""
    world.agent_room = pick(rng, ("hallway", "kitchen", "greenhouse"))
    if task_type == "grow-plant":
        return _grow(world, variation, params, rng)
    if task_type == "identify-life-stages-2":
        return _plant_stages(world, variation, params, rng)
    if task_type.startswith("lifespan"):
        return _lifespan(world, task_type, variation, params, rng)
    return _stages(world, task_type, variation, params, rng)


def _seed_jar(world: World, species: str, room: str, rng: np.random.Generator) -> Thing:
    """A seed jar in a room with a seed of the species and one of another; return the first."""
    jar = world.add(Thing("seed jar", kind="container", container=True), spot(world, room))
    others = [s for s in PLANT_SPECIES if s != species]
    seeds = [make_plant(species), make_plant(pick(rng, others))]
    for index in rng.permutation(2):
        world.add(seeds[int(index)], jar)
    return seeds[0]


def _grow(world: World, variation: int, params: dict[str, Any], rng: np.random.Generator) -> Task:
    species = params["species"]
    room = params["room"]
    seed = _seed_jar(world, species, room, rng)

    def planted(world: World, task: Task) -> bool:
        return soil_and_water(seed.parent)[0] is not None

    goal = (
        f"Your task is to grow {article(species)} {species} plant from seed. Seeds can be found "
        f"in the {room}. "
        "First, focus on a seed. Then, make changes to the environment that grow the plant until "
        "it reaches the reproduction life stage."
    )
    return Task(
        task_type="grow-plant",
        variation=variation,
        goal=goal,
        focus_rules=[lambda thing: thing is seed],
        subgoals=[
            focused_is(0),
            planted,
            lambda world, task: seed.stage >= 1,
            lambda world, task: seed.stage >= 2,
            lambda world, task: seed.stage >= 3,
        ],
        points=(37, 40, 63, 88, 100),
        data={"seed": seed},
    )


def _plant_stages(
    world: World, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    species = params["species"]
    seed = _seed_jar(world, species, params["room"], rng)

    def skipped(world: World, task: Task) -> str | None:
        if seed.stage > len(task.focused):
            stage = PLANT_STAGES[len(task.focused)]
            return f"The {species} plant grew past its {stage} stage before you focused on it."
        return None

    goal = (
        f"Your task is to focus on the {len(PLANT_STAGES)} life stages of the {species} plant, "
        f"starting from earliest to latest. A {species} seed can be found in the "
        f"{params['room']}; grow it to see every stage."
    )
    rules = [lambda thing, i=i: thing is seed and seed.stage == i for i in range(4)]
    return Task(
        task_type="identify-life-stages-2",
        variation=variation,
        goal=goal,
        focus_rules=rules,  # type: ignore[arg-type]
        subgoals=[focused_is(i) for i in range(len(PLANT_STAGES))],
        points=(33, 62, 91, 100),
        data={"seed": seed},
        fail_rule=skipped,
    )


def _lifespan(
    world: World, task_type: str, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    names = list(params["animals"])
    animals = [make_animal(name) for name in names]
    for index in rng.permutation(len(animals)):
        world.add(animals[int(index)], "outside")
    longest = animals[names.index(max(names, key=LIFESPANS.__getitem__))]
    shortest = animals[names.index(min(names, key=LIFESPANS.__getitem__))]
    outside: Subgoal = lambda world, task: world.agent_room == "outside"  # noqa: E731
    if task_type == "lifespan-longest-lived-then-shortest-lived":
        goal = (
            "Your task is to find the animal with the longest life span, then the shortest life "
            "span. First, focus on the animal with the longest life span.  Then, focus on the "
            "animal with the shortest life span. The animals are in the 'outside' location."
        )
        return Task(
            task_type=task_type,
            variation=variation,
            goal=goal,
            focus_rules=[lambda thing: thing is longest, lambda thing: thing is shortest],
            subgoals=[outside, focused_is(0), focused_is(1)],
            points=(35, 85, 100),
            data={"answers": [longest, shortest], "room": "outside"},
        )
    word = "longest" if task_type == "lifespan-longest-lived" else "shortest"
    answer = longest if word == "longest" else shortest
    goal = (
        f"Your task is to find the animal with the {word} life span.  The animals are in the "
        f"'outside' location.  Focus on the animal with the {word} life span."
    )
    return Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=[lambda thing: thing is answer],
        subgoals=[outside, focused_is(0)],
        points=(35, 100),
        data={"answers": [answer], "room": "outside"},
    )


def _stages(
    world: World, task_type: str, variation: int, params: dict[str, Any], rng: np.random.Generator
) -> Task:
    species = params["species"]
    stages = ANIMAL_STAGES[species]
    room = STAGE_ROOMS[params["layout"]]
    others = [s for s in ANIMAL_STAGES if s != species]
    other = pick(rng, others)
    individuals = [make_animal(name, species, i) for i, name in enumerate(stages)]
    individuals += [make_animal(name, other, i) for i, name in enumerate(ANIMAL_STAGES[other][:2])]
    for index in rng.permutation(len(individuals)):
        world.add(individuals[int(index)], room)
    goal = (
        f"Your task is to focus on the {len(stages)} life stages of the {species}, starting from "
        f"earliest to latest. The {species} life stages are in the '{room}' location."
    )
    rules = [lambda thing, name=name: thing.name == name for name in stages]
    return Task(
        task_type=task_type,
        variation=variation,
        goal=goal,
        focus_rules=rules,  # type: ignore[arg-type]
        subgoals=[focused_is(i) for i in range(len(stages))],
        data={"stages": stages, "room": room},
    )


FAMILY = Family(
    (
        "grow-plant",
        "lifespan-longest-lived",
        "lifespan-shortest-lived",
        "lifespan-longest-lived-then-shortest-lived",
        "identify-life-stages-2",
        "identify-life-stages-1",
    ),
    variations,
    build,
)
