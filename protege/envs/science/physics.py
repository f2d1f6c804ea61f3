"""Heat exchange and states of matter.

Each tick every thing moves a fixed fraction (:data:`HEAT_RATE`, or the heat rate of the device
it sits in) of the way from its temperature to the temperature of its surroundings: the
nearest enclosing heater or cooler that is on (stove, oven, blast furnace, lit fire pit, fridge,
freezer), else the room. A substance is solid
at or below its melting point, a gas at or above its boiling point and a liquid in between;
its name follows its state (ice / water / steam). Running sinks fill the open containers in them
with water.
"""

from __future__ import annotations

from dataclasses import dataclass

from protege.envs.science.world import ROOM_TEMPERATURE, Thing, World

HEAT_RATE = 0.1
"""Fraction of the temperature gap closed per tick."""
KITCHEN_HEAT_RATE = 0.02
"""The stove's and the freezer's rate: as in ScienceWorld, a pot of water on the stove warms
about 5 degrees a tick (boils ~18 ticks after leaving the sink) and freezes in ~20 ticks."""
SINK_WATER_TEMPERATURE = 10.0
"""Tap water, as ScienceWorld's thermometer reads it in a freshly filled pot."""
SNAP = 0.5
"""A gap below this many degrees closes at once, so temperatures settle exactly."""


@dataclass(frozen=True)
class Material:
    """A substance: its melting and boiling points (Celsius) and its name in each state."""

    melting_point: float
    boiling_point: float
    solid: str
    liquid: str
    gas: str

    def name(self, state: str) -> str:
        """The substance's name in a state of matter."""
        return {"solid": self.solid, "liquid": self.liquid, "gas": self.gas}[state]


MATERIALS: dict[str, Material] = {
    "water": Material(0, 100, "ice", "water", "steam"),
    "orange juice": Material(-2, 100, "frozen orange juice", "orange juice", "orange juice gas"),
    "apple juice": Material(-2, 100, "frozen apple juice", "apple juice", "apple juice gas"),
    "milk": Material(-1, 100, "frozen milk", "milk", "milk gas"),
    "lemonade": Material(-3, 100, "frozen lemonade", "lemonade", "lemonade gas"),
    "mercury": Material(-39, 357, "solid mercury", "mercury", "mercury gas"),
    "lead": Material(327, 1749, "lead", "liquid lead", "lead gas"),
    "tin": Material(232, 2602, "tin", "liquid tin", "tin gas"),
    "caesium": Material(28, 671, "caesium", "liquid caesium", "caesium gas"),
    "gallium": Material(30, 2400, "gallium", "liquid gallium", "gallium gas"),
    "chocolate": Material(34, 1000, "chocolate", "liquid chocolate", "chocolate gas"),
    "butter": Material(35, 1000, "butter", "liquid butter", "butter gas"),
    "wax": Material(60, 370, "wax", "liquid wax", "wax gas"),
    "red paint": Material(-10, 100, "frozen red paint", "red paint", "red paint gas"),
    "blue paint": Material(-10, 100, "frozen blue paint", "blue paint", "blue paint gas"),
    "yellow paint": Material(-10, 100, "frozen yellow paint", "yellow paint", "yellow paint gas"),
    "orange paint": Material(-10, 100, "frozen orange paint", "orange paint", "orange paint gas"),
    "green paint": Material(-10, 100, "frozen green paint", "green paint", "green paint gas"),
    "violet paint": Material(-10, 100, "frozen violet paint", "violet paint", "violet paint gas"),
    "brown paint": Material(-10, 100, "frozen brown paint", "brown paint", "brown paint gas"),
    **{
        f"{tertiary} paint": Material(
            -10, 100, f"frozen {tertiary} paint", f"{tertiary} paint", f"{tertiary} paint gas"
        )
        for tertiary in (
            "red-orange",
            "yellow-orange",
            "yellow-green",
            "green-blue",
            "blue-violet",
            "red-violet",
        )
    },
    **{
        f"unknown substance {letter}": Material(
            point,
            point + 400,
            f"solid unknown substance {letter}",
            f"liquid unknown substance {letter}",
            f"gaseous unknown substance {letter}",
        )
        for letter, point in zip(
            "BCDEFGHIJKLM", (45, 62, 84, 110, 135, 151, 178, 203, 96, 74, 129, 57), strict=True
        )
    },
}
"""The unknown substances of measure-melting-point-unknown-substance melt between 45 and 203
degrees: a stove (300) melts them all."""


def state_at(material: str, temperature: float) -> str:
    """The state of matter of a material at a temperature."""
    spec = MATERIALS[material]
    if temperature <= spec.melting_point:
        return "solid"
    if temperature >= spec.boiling_point:
        return "gas"
    return "liquid"


def make_substance(material: str, temperature: float = ROOM_TEMPERATURE) -> Thing:
    """A new substance thing at a temperature, named by its state."""
    state = state_at(material, temperature)
    return Thing(
        MATERIALS[material].name(state),
        kind="substance",
        material=material,
        state=state,
        temperature=temperature,
        movable=True,
    )


def set_temperature(thing: Thing, temperature: float) -> bool:
    """Set a thing's temperature and update its state and name; whether its state changed."""
    thing.temperature = temperature
    if thing.material is None:
        return False
    state = state_at(thing.material, temperature)
    if state == thing.state:
        return False
    thing.state = state
    thing.name = MATERIALS[thing.material].name(state)
    return True


def surroundings_temperature(world: World, thing: Thing) -> float:
    """The temperature a thing is exchanging heat with."""
    current = thing.parent
    while current is not None and current.kind not in ("room", "inventory"):
        if current.heats_contents():
            return current.imposed_temperature(ROOM_TEMPERATURE)
        current = current.parent
    return ROOM_TEMPERATURE


def heat_tick(world: World) -> bool:
    """Exchange heat for one tick; return whether any temperature changed."""
    changed = False
    stack: list[tuple[Thing, float, float]] = []
    for room in world.rooms.values():
        stack.extend((thing, ROOM_TEMPERATURE, HEAT_RATE) for thing in room.contents)
    stack.extend((thing, ROOM_TEMPERATURE, HEAT_RATE) for thing in world.inventory.contents)
    while stack:
        thing, ambient, rate = stack.pop()
        if thing.temperature != ambient:
            changed = True
            gap = ambient - thing.temperature
            new = ambient if abs(gap) * (1 - rate) < SNAP else thing.temperature + rate * gap
            if set_temperature(thing, new):
                world.version += 1
        if thing.contents:
            inner = thing.imposed_temperature(ambient)
            if thing.heats_contents():
                rate = thing.heat_rate or HEAT_RATE
            stack.extend((child, inner, rate) for child in thing.contents)
    return changed


def sink_tick(world: World, sinks: list[Thing]) -> None:
    """Running sinks fill each open container in them with water, if it holds none."""
    for sink in sinks:
        if not sink.active:
            continue
        for vessel in sink.contents:
            if not (vessel.container and vessel.is_open):
                continue
            if any(item.material == "water" for item in vessel.contents):
                continue
            world.add(make_substance("water", SINK_WATER_TEMPERATURE), vessel)
