"""The map every Science task starts from: ten locations joined by doors, and their furniture.

The layout follows ScienceWorld's: a hallway joining the kitchen, art studio, bedroom, living
room, greenhouse and workshop; a bathroom off the kitchen; outside reached from the kitchen and
the greenhouse; the foundry off outside. Every door starts closed.
"""

from __future__ import annotations

from protege.envs.science.physics import KITCHEN_HEAT_RATE, make_substance
from protege.envs.science.world import Thing, World

ROOMS: tuple[str, ...] = (
    "hallway",
    "kitchen",
    "bathroom",
    "bedroom",
    "living room",
    "art studio",
    "workshop",
    "greenhouse",
    "outside",
    "foundry",
)
DOORS: tuple[tuple[str, str], ...] = (
    ("hallway", "kitchen"),
    ("hallway", "art studio"),
    ("hallway", "bedroom"),
    ("hallway", "living room"),
    ("hallway", "greenhouse"),
    ("hallway", "workshop"),
    ("kitchen", "bathroom"),
    ("kitchen", "outside"),
    ("greenhouse", "outside"),
    ("outside", "foundry"),
)


def furniture(name: str, openable: bool = False, **flags: object) -> Thing:
    """An unmovable container (a table, a cupboard, a fridge...)."""
    return Thing(
        name,
        kind="device" if "device_temperature" in flags or "activatable" in flags else "container",
        movable=False,
        container=True,
        openable=openable,
        is_open=not openable,
        **flags,  # type: ignore[arg-type]
    )


def vessel(name: str) -> Thing:
    """A movable open container (a cup, a pot, a jar)."""
    return Thing(name, kind="container", container=True)


def item(name: str, **flags: object) -> Thing:
    """A movable thing."""
    return Thing(name, **flags)  # type: ignore[arg-type]


def build_house() -> World:
    """The rooms, doors and furniture shared by every task; tasks add their own things."""
    world = World()
    for room in ROOMS:
        world.add_room(room)
    for room_a, room_b in DOORS:
        world.add_door(room_a, room_b)
    add = world.add
    add(item("picture", movable=False), "hallway")
    # kitchen
    add(furniture("counter"), "kitchen")
    add(furniture("table"), "kitchen")
    stove = furniture("stove", activatable=True, device_temperature=300.0)
    add(stove, "kitchen")
    add(furniture("oven", openable=True, activatable=True, device_temperature=200.0), "kitchen")
    add(furniture("fridge", openable=True, device_temperature=4.0, always_on=True), "kitchen")
    freezer = furniture("freezer", openable=True, device_temperature=-20.0, always_on=True)
    add(freezer, "kitchen")
    stove.heat_rate = freezer.heat_rate = KITCHEN_HEAT_RATE
    add(furniture("sink", activatable=True), "kitchen")
    cupboard = add(furniture("cupboard", openable=True), "kitchen")
    add(vessel("metal pot"), cupboard)
    add(vessel("glass jar"), cupboard)
    add(item("lighter"), add(furniture("drawer", openable=True), "kitchen"))
    # bathroom
    add(furniture("bathtub"), "bathroom")
    add(furniture("toilet"), "bathroom")
    add(furniture("sink", activatable=True), "bathroom")
    add(vessel("glass cup"), "bathroom")
    # bedroom
    add(furniture("bed"), "bedroom")
    add(furniture("closet", openable=True), "bedroom")
    book = item("book", readable="The book is titled 'A Field Guide to Animals'.")
    add(book, add(furniture("bookshelf"), "bedroom"))
    # living room
    add(furniture("couch"), "living room")
    add(furniture("desk"), "living room")
    add(item("chair", movable=False), "living room")
    # art studio
    add(furniture("table"), "art studio")
    add(furniture("large cupboard", openable=True), "art studio")
    # workshop
    add(furniture("table"), "workshop")
    # greenhouse
    add(furniture("sink", activatable=True), "greenhouse")
    for index in (1, 2, 3):
        pot = add(vessel(f"flower pot {index}"), "greenhouse")
        add(Thing("soil", movable=False), pot)
    add(item("shovel"), "greenhouse")
    # outside
    pit = add(furniture("fire pit", device_temperature=700.0), "outside")
    add(item("wood"), pit)
    add(item("axe"), "outside")
    # foundry
    add(
        furniture("blast furnace", openable=True, activatable=True, device_temperature=1800.0),
        "foundry",
    )
    add(furniture("table"), "foundry")
    add(make_substance("water"), add(vessel("bucket"), "outside"))
    return world


def sinks(world: World) -> list[Thing]:
    """The sinks of the world (they fill containers with water while running)."""
    return [thing for thing in world.things if thing.name == "sink"]
