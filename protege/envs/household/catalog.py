"""What a household contains: room kinds, receptacle and object types, and what goes where.

The tables are modelled on ALFWorld's (``alfworld/gen/constants.py``) but written for protege:
receptacle types per room kind with how many of each a room has, which receptacles open, which
receptacle types can contain which object types (ALFWorld's ``canContain``), which objects can be
heated, cooled or cleaned, and which room kinds each task type is valid in. Type names are
lower-case single words, as ALFWorld's text engine prints them (``sinkbasin``, ``desklamp``).
"""

from __future__ import annotations

from typing import Literal

RoomKind = Literal["kitchen", "livingroom", "bathroom", "bedroom"]
TaskType = Literal[
    "pick_and_place",
    "look_at_obj_in_light",
    "pick_clean_then_place",
    "pick_heat_then_place",
    "pick_cool_then_place",
    "pick_two_obj_and_place",
]

ROOM_KINDS: tuple[RoomKind, ...] = ("kitchen", "livingroom", "bathroom", "bedroom")
TASK_TYPES: tuple[TaskType, ...] = (
    "pick_and_place",
    "look_at_obj_in_light",
    "pick_clean_then_place",
    "pick_heat_then_place",
    "pick_cool_then_place",
    "pick_two_obj_and_place",
)

ALFWORLD_TASK_TYPES: dict[TaskType, str] = {
    "pick_and_place": "pick_and_place_simple",
    "look_at_obj_in_light": "look_at_obj_in_light",
    "pick_clean_then_place": "pick_clean_then_place_in_recep",
    "pick_heat_then_place": "pick_heat_then_place_in_recep",
    "pick_cool_then_place": "pick_cool_then_place_in_recep",
    "pick_two_obj_and_place": "pick_two_obj_and_place",
}
"""Each task type -> ALFWorld's name for it (its ``TASK_TYPES`` 1-6), one to one; per-type
tables from protege and from ``protege/ALFWorld-v0`` line up through this."""

VALID_ROOMS: dict[str, tuple[RoomKind, ...]] = {
    "pick_and_place": ROOM_KINDS,
    "look_at_obj_in_light": ("livingroom", "bedroom"),
    "pick_clean_then_place": ("kitchen", "bathroom"),
    "pick_heat_then_place": ("kitchen",),
    "pick_cool_then_place": ("kitchen",),
    "pick_two_obj_and_place": ROOM_KINDS,
}
"""Room kinds each task type is set in (ALFWorld's ``GOALS_VALID``)."""

GOAL_TEMPLATES: dict[str, tuple[str, str]] = {
    "pick_and_place": ("put a {obj} in {recep}", "put some {obj} on {recep}"),
    "look_at_obj_in_light": (
        "look at {obj} under the {toggle}",
        "examine the {obj} with the {toggle}",
    ),
    "pick_clean_then_place": (
        "put a clean {obj} in {recep}",
        "clean some {obj} and put it in {recep}",
    ),
    "pick_heat_then_place": ("put a hot {obj} in {recep}", "heat some {obj} and put it in {recep}"),
    "pick_cool_then_place": (
        "put a cool {obj} in {recep}",
        "cool some {obj} and put it in {recep}",
    ),
    "pick_two_obj_and_place": (
        "put two {obj} in {recep}",
        "find two {obj} and put them in {recep}",
    ),
}
"""ALFWorld's two goal phrasings per task type; one is chosen per task."""

OPENABLE: frozenset[str] = frozenset({"cabinet", "drawer", "fridge", "microwave", "safe"})
"""Receptacle types that open and close; they start closed and hide their contents."""

LAMP = "desklamp"
LAMP_HOLDERS: tuple[str, ...] = ("desk", "dresser", "sidetable")
"""Receptacle types a desk lamp stands on; the lamp is a fixture that cannot be taken."""

APPLIANCES: dict[str, str] = {
    "heat": "microwave",
    "cool": "fridge",
    "clean": "sinkbasin",
}
"""The receptacle type each transforming command needs the agent to stand at."""

TRANSFORM_OF_TASK: dict[str, str | None] = {
    "pick_and_place": None,
    "look_at_obj_in_light": None,
    "pick_clean_then_place": "clean",
    "pick_heat_then_place": "heat",
    "pick_cool_then_place": "cool",
    "pick_two_obj_and_place": None,
}

LAYOUT_COUNTS: dict[str, dict[str, tuple[int, int]]] = {
    "kitchen": {
        "cabinet": (3, 16),
        "coffeemachine": (1, 1),
        "countertop": (1, 3),
        "diningtable": (0, 2),
        "drawer": (1, 9),
        "fridge": (1, 1),
        "garbagecan": (1, 1),
        "microwave": (1, 1),
        "shelf": (0, 3),
        "sidetable": (0, 1),
        "sinkbasin": (1, 2),
        "stoveburner": (2, 4),
        "toaster": (0, 1),
    },
    "livingroom": {
        "armchair": (0, 2),
        "cabinet": (0, 4),
        "coffeetable": (0, 2),
        "diningtable": (0, 1),
        "drawer": (0, 6),
        "dresser": (0, 1),
        "garbagecan": (0, 1),
        "ottoman": (0, 1),
        "safe": (0, 1),
        "shelf": (0, 6),
        "sidetable": (1, 3),
        "sofa": (1, 1),
        "tvstand": (0, 1),
    },
    "bathroom": {
        "bathtubbasin": (0, 1),
        "cabinet": (0, 4),
        "countertop": (1, 1),
        "drawer": (0, 4),
        "garbagecan": (1, 1),
        "handtowelholder": (0, 2),
        "shelf": (0, 3),
        "sinkbasin": (1, 2),
        "toilet": (1, 1),
        "toiletpaperhanger": (0, 1),
        "towelholder": (0, 2),
    },
    "bedroom": {
        "armchair": (0, 1),
        "bed": (1, 1),
        "cabinet": (0, 2),
        "desk": (0, 1),
        "drawer": (1, 8),
        "dresser": (0, 1),
        "garbagecan": (1, 1),
        "laundryhamper": (0, 1),
        "safe": (0, 1),
        "shelf": (0, 6),
        "sidetable": (1, 2),
    },
}
"""Per room kind, each receptacle type it may have with the (min, max) number of instances."""

LAYOUT_SIZE: dict[str, tuple[int, int]] = {
    "kitchen": (10, 40),
    "livingroom": (5, 25),
    "bathroom": (5, 20),
    "bedroom": (5, 25),
}
"""Bounds on the total number of receptacles of a room (kitchens list many, as ALFWorld's do)."""

_FOOD = ("countertop", "diningtable", "fridge", "microwave", "sinkbasin", "garbagecan", "sidetable")
_DISHES = (
    "cabinet",
    "countertop",
    "diningtable",
    "fridge",
    "microwave",
    "shelf",
    "sidetable",
    "sinkbasin",
)
_CUTLERY = ("countertop", "diningtable", "drawer", "sidetable", "sinkbasin")
_DESK_TOPS = ("coffeetable", "desk", "diningtable", "dresser", "shelf", "sidetable")
_SEATS = ("armchair", "bed", "ottoman", "sofa")
_BATH = ("bathtubbasin", "cabinet", "countertop", "shelf", "toilet")

CAN_CONTAIN: dict[str, tuple[str, ...]] = {
    # kitchen
    "apple": _FOOD,
    "bread": ("countertop", "diningtable", "fridge", "microwave", "sidetable", "garbagecan"),
    "egg": _FOOD,
    "lettuce": ("countertop", "diningtable", "fridge", "sinkbasin", "garbagecan"),
    "potato": _FOOD,
    "tomato": _FOOD,
    "mug": (*_DISHES, "coffeemachine", "desk"),
    "cup": _DISHES,
    "bowl": (*_DISHES, "coffeetable", "desk", "dresser"),
    "plate": (*_DISHES, "coffeetable"),
    "pan": ("cabinet", "countertop", "diningtable", "fridge", "sinkbasin", "stoveburner"),
    "pot": ("cabinet", "countertop", "diningtable", "fridge", "shelf", "sinkbasin", "stoveburner"),
    "kettle": ("cabinet", "countertop", "diningtable", "shelf", "sinkbasin", "stoveburner"),
    "butterknife": _CUTLERY,
    "fork": _CUTLERY,
    "knife": _CUTLERY,
    "spoon": _CUTLERY,
    "spatula": (*_CUTLERY, "cabinet"),
    "ladle": (*_CUTLERY, "cabinet"),
    "peppershaker": ("cabinet", "countertop", "diningtable", "drawer", "shelf", "sidetable"),
    "saltshaker": ("cabinet", "countertop", "diningtable", "drawer", "shelf", "sidetable"),
    "winebottle": ("cabinet", "countertop", "diningtable", "fridge", "garbagecan", "shelf"),
    "glassbottle": ("cabinet", "countertop", "diningtable", "fridge", "garbagecan", "shelf"),
    "papertowelroll": ("cabinet", "countertop", "diningtable", "garbagecan", "shelf", "sidetable"),
    # shared
    "dishsponge": ("bathtubbasin", "cabinet", "countertop", "drawer", "shelf", "sinkbasin"),
    "soapbottle": (*_BATH, "dresser", "sinkbasin"),
    "creditcard": (*_DESK_TOPS, "armchair", "countertop", "drawer", "safe", "sofa"),
    "cellphone": (*_DESK_TOPS, *_SEATS, "countertop", "drawer", "safe"),
    "keychain": (*_DESK_TOPS, "armchair", "drawer", "ottoman", "safe", "sofa"),
    "statue": (*_DESK_TOPS, "cabinet", "countertop", "tvstand"),
    "vase": (*_DESK_TOPS, "cabinet", "countertop", "safe", "tvstand"),
    "tissuebox": (*_DESK_TOPS, "countertop", "garbagecan", "toilet", "tvstand"),
    # living room and bedroom
    "book": (*_DESK_TOPS, *_SEATS, "drawer"),
    "laptop": (*_DESK_TOPS, *_SEATS),
    "pillow": _SEATS,
    "remotecontrol": (*_DESK_TOPS, "armchair", "drawer", "ottoman", "sofa", "tvstand"),
    "newspaper": (*_DESK_TOPS, "armchair", "garbagecan", "ottoman", "sofa"),
    "watch": (*_DESK_TOPS, "drawer", "safe"),
    "box": (*_DESK_TOPS, "armchair", "ottoman", "sofa"),
    "houseplant": (*_DESK_TOPS, "tvstand"),
    "wateringcan": ("coffeetable", "diningtable", "shelf", "sidetable"),
    "alarmclock": ("desk", "dresser", "shelf", "sidetable"),
    "cd": (*_DESK_TOPS, "drawer", "garbagecan", "safe"),
    "pen": (*_DESK_TOPS, "drawer", "garbagecan"),
    "pencil": (*_DESK_TOPS, "drawer", "garbagecan"),
    "teddybear": ("armchair", "bed", "desk", "dresser", "shelf", "sidetable"),
    "baseballbat": ("bed", "desk"),
    "tennisracket": ("bed", "desk", "dresser"),
    "basketball": ("armchair", "bed", "desk"),
    # bathroom
    "candle": (*_BATH, "coffeetable", "diningtable", "drawer", "dresser", "sidetable"),
    "cloth": (*_BATH, "drawer", "dresser", "garbagecan", "laundryhamper", "sinkbasin"),
    "handtowel": ("cabinet", "countertop", "handtowelholder"),
    "towel": ("bathtubbasin", "countertop", "laundryhamper", "towelholder"),
    "plunger": ("cabinet", "shelf"),
    "scrubbrush": ("cabinet", "countertop", "shelf"),
    "soapbar": (*_BATH, "drawer", "garbagecan", "sinkbasin"),
    "spraybottle": (*_BATH, "drawer", "garbagecan"),
    "toiletpaper": (*_BATH, "drawer", "garbagecan", "toiletpaperhanger"),
}
"""Object type -> the receptacle types that can contain it."""

ROOM_OBJECTS: dict[str, tuple[str, ...]] = {
    "kitchen": (
        "apple", "bowl", "bread", "butterknife", "cellphone", "creditcard", "cup", "dishsponge",
        "egg", "fork", "glassbottle", "kettle", "knife", "ladle", "lettuce", "mug", "pan",
        "papertowelroll", "peppershaker", "plate", "pot", "potato", "saltshaker", "soapbottle",
        "spatula", "spoon", "statue", "tomato", "vase", "winebottle",
    ),
    "livingroom": (
        "bowl", "book", "box", "candle", "cellphone", "creditcard", "houseplant", "keychain",
        "laptop", "newspaper", "pillow", "plate", "remotecontrol", "statue", "tissuebox", "vase",
        "watch", "wateringcan",
    ),
    "bathroom": (
        "candle", "cloth", "dishsponge", "handtowel", "papertowelroll", "plunger", "scrubbrush",
        "soapbar", "soapbottle", "spraybottle", "tissuebox", "toiletpaper", "towel",
    ),
    "bedroom": (
        "alarmclock", "baseballbat", "basketball", "book", "bowl", "box", "cd", "cellphone",
        "cloth", "creditcard", "keychain", "laptop", "mug", "pen", "pencil", "pillow", "statue",
        "teddybear", "tennisracket", "tissuebox", "vase", "watch",
    ),
}  # fmt: skip
"""Object types that appear in each room kind."""

TRANSFORMABLE: dict[str, frozenset[str]] = {
    "heat": frozenset({"apple", "bread", "cup", "egg", "mug", "plate", "potato", "tomato"}),
    "cool": frozenset(
        {
            "apple", "bowl", "bread", "cup", "egg", "lettuce", "mug", "pan", "plate", "pot",
            "potato", "tomato", "winebottle",
        }
    ),
    "clean": frozenset(
        {
            "apple", "bowl", "butterknife", "cloth", "cup", "dishsponge", "egg", "fork", "kettle",
            "knife", "ladle", "lettuce", "mug", "pan", "plate", "pot", "potato", "soapbar",
            "spatula", "spoon", "tomato",
        }
    ),
}  # fmt: skip
"""Object types each of ``heat``/``cool``/``clean`` applies to."""

LOOK_OBJECTS: frozenset[str] = frozenset(
    {
        "alarmclock", "book", "bowl", "box", "cd", "cellphone", "creditcard", "keychain",
        "laptop", "mug", "newspaper", "pen", "pencil", "pillow", "remotecontrol", "statue",
        "teddybear", "tissuebox", "vase", "watch",
    }
)  # fmt: skip
"""Object types a look-at-in-light task asks for."""

NO_TARGET: dict[str, frozenset[str]] = {
    "pick_clean_then_place": frozenset({"sinkbasin", "bathtubbasin"}),
    "pick_heat_then_place": frozenset({"microwave"}),
    "pick_cool_then_place": frozenset({"fridge"}),
}
"""Receptacle types a task type never names as its target (the appliance it transforms with)."""


def can_contain(receptacle_type: str, object_type: str) -> bool:
    """Whether ``receptacle_type`` can hold an object of ``object_type``."""
    return receptacle_type in CAN_CONTAIN.get(object_type, ())


def goal_objects(task_type: str, room: str) -> tuple[str, ...]:
    """Object types a task of ``task_type`` in ``room`` may ask for, sorted."""
    objects = set(ROOM_OBJECTS[room])
    transform = TRANSFORM_OF_TASK[task_type]
    if transform is not None:
        objects &= TRANSFORMABLE[transform]
    if task_type == "look_at_obj_in_light":
        objects &= LOOK_OBJECTS
    return tuple(sorted(objects))


def goal_receptacles(task_type: str, room: str, object_type: str) -> tuple[str, ...]:
    """Receptacle types a task may name as the target for ``object_type`` in ``room``, sorted.

    A look-at-in-light task names the lamp instead of a receptacle.
    """
    if task_type == "look_at_obj_in_light":
        return (LAMP,)
    excluded = NO_TARGET.get(task_type, frozenset())
    return tuple(
        sorted(
            receptacle
            for receptacle in LAYOUT_COUNTS[room]
            if can_contain(receptacle, object_type) and receptacle not in excluded
        )
    )


def goal_text(task_type: str, template: int, object_type: str, target: str) -> str:
    """The instruction for a task, from ALFWorld's templates (type names, no numbers)."""
    return GOAL_TEMPLATES[task_type][template].format(obj=object_type, recep=target, toggle=target)
