"""Living things: animals with life stages and life spans, plants that grow from seed.

A plant grows one unit per tick while it sits in a container holding soil and liquid water;
every :data:`GROWTH_PER_WATERING` units it drinks that water up, so it must be watered again
(a flower pot left in a running sink keeps being refilled). It passes through the stages of
:data:`PLANT_STAGES` at the growth thresholds of :data:`STAGE_GROWTH`. Animals are met in one
life stage each; their stages change over far longer times than an episode.
"""

from __future__ import annotations

from protege.envs.science.world import Thing, World

LIFESPANS: dict[str, float] = {
    "giant tortoise": 150,
    "elephant": 65,
    "parrot": 50,
    "crocodile": 42,
    "brown bear": 28,
    "beaver": 20,
    "wolf": 14,
    "rabbit": 9,
    "chipmunk": 5,
    "mouse": 2,
}
"""Typical life span in years of the animals of the life-span tasks."""

ANIMAL_STAGES: dict[str, tuple[str, ...]] = {
    "frog": ("frog egg", "tadpole", "froglet", "adult frog"),
    "butterfly": ("butterfly egg", "caterpillar", "butterfly pupa", "adult butterfly"),
    "bee": ("bee egg", "bee larva", "bee pupa", "adult bee"),
    "beetle": ("beetle egg", "beetle larva", "beetle pupa", "adult beetle"),
    "dragonfly": ("dragonfly egg", "dragonfly nymph", "adult dragonfly"),
    "chicken": ("chicken egg", "chick", "adult chicken"),
    "turtle": ("turtle egg", "hatchling turtle", "juvenile turtle", "adult turtle"),
}
"""Each animal's life stages, earliest first, named as the individuals are named."""

PLANT_SPECIES: tuple[str, ...] = ("apple", "orange", "peach", "banana", "pea", "avocado", "lemon")
PLANT_STAGES: tuple[str, ...] = ("seed", "seedling", "adult", "reproducing")
STAGE_GROWTH: tuple[int, ...] = (0, 6, 16, 30)
"""Growth units needed to reach each stage of :data:`PLANT_STAGES`."""
GROWTH_PER_WATERING = 12


def plant_name(species: str, stage: int) -> str:
    """A plant's name at a life stage."""
    if stage == 0:
        return f"{species} seed"
    if stage == 1:
        return f"{species} seedling"
    return f"{species} plant in the {PLANT_STAGES[stage]} stage"


def make_plant(species: str, stage: int = 0) -> Thing:
    """A plant (or seed) of a species at a stage."""
    return Thing(
        plant_name(species, stage),
        kind="plant",
        living=True,
        species=species,
        stage=stage,
        growth=STAGE_GROWTH[stage],
    )


def make_animal(name: str, species: str | None = None, stage: int = 0) -> Thing:
    """An animal individual, named by its species and life stage."""
    return Thing(name, kind="animal", living=True, species=species or name, stage=stage)


def soil_and_water(pot: Thing | None) -> tuple[Thing | None, Thing | None]:
    """The soil and the liquid water in a container, if any."""
    if pot is None or not pot.container:
        return None, None
    soil = water = None
    for item in pot.contents:
        if item.name == "soil":
            soil = item
        elif item.material == "water" and item.state == "liquid":
            water = item
    return soil, water


def growth_tick(world: World, plants: list[Thing]) -> None:
    """Grow every plant that has soil and water for one tick."""
    for plant in plants:
        if plant.stage == len(PLANT_STAGES) - 1 or plant.parent is None:
            continue
        soil, water = soil_and_water(plant.parent)
        if soil is None or water is None:
            continue
        plant.growth += 1
        if plant.growth % GROWTH_PER_WATERING == 0:
            world.remove(water)
        stage = max(i for i, need in enumerate(STAGE_GROWTH) if plant.growth >= need)
        if stage != plant.stage:
            plant.stage = stage
            plant.name = plant_name(plant.species or "plant", stage)
            world.version += 1


# ---------------------------------------------------------------------- pollination

POLLINATION_TICKS = 3
"""Ticks a reproducing plant must be pollinated before it bears fruit (or seeds)."""
FRUITS: dict[str, str] = {"pea": "pea pod"}
"""A species' fruit, where it is not named as the species."""
TRAIT_STAGE = 2
"""From this life stage on, a genetics plant shows its trait on ``look at``."""


def fruit_name(species: str) -> str:
    """What a species' fruit is called (``apple``, ``pea pod``)."""
    return FRUITS.get(species, species)


def pollinated(world: World, plant: Thing) -> bool:
    """Whether bees can carry pollen to a reproducing plant: an open bee hive in its room and
    another reproducing plant of its species there."""
    if plant.stage != len(PLANT_STAGES) - 1 or plant.parent is None:
        return False
    room = world.room_of(plant)
    hive_open = any(
        thing.name == "bee hive" and thing.is_open and world.room_of(thing) == room
        for thing in world.things
    )
    if not hive_open:
        return False
    return any(
        other is not plant
        and other.kind == "plant"
        and other.species == plant.species
        and other.stage == plant.stage
        and world.room_of(other) == room
        for other in world.things
    )


def pollination_tick(world: World, plants: list[Thing], dominant: str | None = None) -> None:
    """Pollinated plants count up; after :data:`POLLINATION_TICKS` each bears one fruit, or,
    for the genetics tasks (plants with a trait), one seed showing the ``dominant`` trait, in
    its pot."""
    ripe = STAGE_GROWTH[-1] + POLLINATION_TICKS
    for plant in plants:
        if plant.growth >= ripe or not pollinated(world, plant):
            continue
        plant.growth += 1
        if plant.growth < ripe or plant.parent is None:
            continue
        if plant.trait is None:
            world.add(Thing(fruit_name(plant.species or "plant"), kind="item"), plant.parent)
        else:
            seed = make_plant(plant.species or "plant")
            seed.trait = dominant
            world.add(seed, plant.parent)
