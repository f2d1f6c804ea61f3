"""The household's state, its command grammar and its feedback, modelled on ALFWorld >= 0.4.

One room of receptacles (``cabinet 3``) holding objects (``apple 1``). The agent stands in the
middle of the room or at one receptacle, carries at most one object, and acts with ALFWorld's
commands: ``go to R``, ``open R``, ``close R``, ``take O from R``, ``move O to R``,
``heat|cool|clean O with R``, ``use L``, ``examine X``, ``inventory``, ``look``, ``help``.
``put O in/on R`` is accepted as the pre-0.4 spelling of ``move``. A command that does not parse
or does not apply answers ``Nothing happens.`` and changes nothing.

The world also records what the agent has seen (which receptacles it has looked into, which
objects it has spotted), which the expert plans from: nothing moves unless the agent moves it,
so what the agent saw stays true.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from protege.envs.household.catalog import APPLIANCES, LAMP, OPENABLE, TRANSFORMABLE, can_contain

NOTHING = "Nothing happens."
HAND = "<hand>"
INTRO_HEADER = "-= Welcome to TextWorld, ALFRED! =-"

HELP_TEXT = """\
Available commands:
  look:                              describe where you are and what you see
  inventory:                         say what you are carrying
  go to (receptacle):                walk to a receptacle, e.g. go to countertop 1
  open (receptacle):                 open a receptacle you are at, e.g. open fridge 1
  close (receptacle):                close a receptacle you are at
  take (object) from (receptacle):   pick up an object, e.g. take apple 1 from countertop 1
  move (object) to (receptacle):     put the object you carry in or on a receptacle
  examine (something):               look closely at your receptacle or an object you see
  use (object):                      turn a desklamp on or off, e.g. use desklamp 1
  heat (object) with (receptacle):   heat the object you carry with a microwave
  cool (object) with (receptacle):   cool the object you carry with a fridge
  clean (object) with (receptacle):  clean the object you carry with a sinkbasin
You can carry only one object at a time. Use names exactly as they are written, numbers included."""


def type_of(name: str) -> str:
    """The type of an instance name: ``"cabinet 3"`` -> ``"cabinet"``."""
    return name.rpartition(" ")[0]


def list_items(names: Sequence[str]) -> str:
    """TextWorld's listing: ``a x 1``, ``a x 1, and a y 2``, or ``nothing``."""
    if not names:
        return "nothing"
    items = [f"a {name}" for name in names]
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + ", and " + items[-1]


@lru_cache(maxsize=65_536)
def _natural_key(action: str) -> tuple[tuple[int, str], ...]:
    """Sort key that puts ``cabinet 2`` before ``cabinet 10``."""
    return tuple((int(word), "") if word.isdigit() else (-1, word) for word in action.split(" "))


def room_listing(receptacles: Sequence[str]) -> str:
    """The receptacles as ALFWorld lists them: types alphabetically, numbers descending."""
    order = sorted(receptacles, key=lambda name: (type_of(name), -int(name.rpartition(" ")[2])))
    return list_items(order)


class World:
    """The mutable state of one household episode and the commands that change it."""

    def __init__(self, receptacles: Sequence[str], placements: Sequence[tuple[str, str]]) -> None:
        self.receptacles: tuple[str, ...] = tuple(receptacles)
        self.receptacle_type = {name: type_of(name) for name in self.receptacles}
        self.is_open = {
            name: False for name in self.receptacles if self.receptacle_type[name] in OPENABLE
        }
        self.contents: dict[str, list[str]] = {name: [] for name in self.receptacles}
        self.object_type: dict[str, str] = {}
        self.location: dict[str, str] = {}
        for obj, receptacle in placements:
            self.contents[receptacle].append(obj)
            self.object_type[obj] = type_of(obj)
            self.location[obj] = receptacle
        self.hot: set[str] = set()
        self.cool: set[str] = set()
        self.clean: set[str] = set()
        self.lamps_on: set[str] = set()
        self.here: str | None = None
        self.held: str | None = None
        self.searched: set[str] = set()
        """Receptacles whose contents the agent has seen."""
        self.listing = room_listing(self.receptacles)
        self._go_to = {name: f"go to {name}" for name in self.receptacles}
        self._go_to_except: dict[str | None, list[str]] = {}
        self._handlers: dict[str, Callable[[str], str]] = {
            "go": self._go,
            "open": self._open,
            "close": self._close,
            "take": self._take,
            "move": self._move,
            "put": self._put,
            "heat": lambda rest: self._transform("heat", rest),
            "cool": lambda rest: self._transform("cool", rest),
            "clean": lambda rest: self._transform("clean", rest),
            "use": self._use,
            "examine": self._examine,
            "inventory": lambda rest: NOTHING if rest else self._inventory(),
            "look": lambda rest: NOTHING if rest else self._look(),
            "help": lambda rest: NOTHING if rest else HELP_TEXT,
        }

    # ------------------------------------------------------------------ queries

    def accessible(self, receptacle: str) -> bool:
        """Whether the agent can reach into ``receptacle`` (not a closed openable one)."""
        return self.is_open.get(receptacle, True)

    def seen(self, obj: str) -> bool:
        """Whether the agent knows where ``obj`` is (it saw it, or carries it)."""
        location = self.location[obj]
        return location == HAND or location in self.searched

    def lamp_here(self) -> str | None:
        """The desklamp on the agent's receptacle, if any."""
        if self.here is None:
            return None
        for obj in self.contents[self.here]:
            if self.object_type[obj] == LAMP:
                return obj
        return None

    def describe(self, receptacle: str) -> str:
        """What the agent sees at ``receptacle``; marks its contents as seen when visible."""
        if receptacle in self.is_open:
            if not self.is_open[receptacle]:
                return f"The {receptacle} is closed."
            self.searched.add(receptacle)
            items = list_items(self.contents[receptacle])
            return f"The {receptacle} is open. In it, you see {items}."
        self.searched.add(receptacle)
        return f"On the {receptacle}, you see {list_items(self.contents[receptacle])}."

    def intro(self, goal: str) -> str:
        """The first observation: ALFWorld's banner, the room and the task."""
        return (
            f"{INTRO_HEADER}\n\nYou are in the middle of a room. Looking quickly around you, "
            f"you see {self.listing}.\n\nYour task is to: {goal}."
        )

    def admissible_actions(self) -> list[str]:
        """The commands that make sense now, sorted alphabetically with numbers in order."""
        go_to = self._go_to_except.get(self.here)
        if go_to is None:
            go_to = sorted(
                (self._go_to[name] for name in self.receptacles if name != self.here),
                key=_natural_key,
            )
            self._go_to_except[self.here] = go_to
        local = ["inventory", "look"]
        here, held = self.here, self.held
        if held is not None:
            local.append(f"examine {held}")
        if here is not None:
            local.append(f"examine {here}")
            if here in self.is_open:
                local.append(f"close {here}" if self.is_open[here] else f"open {here}")
            if self.accessible(here):
                for obj in self.contents[here]:
                    if self.object_type[obj] == LAMP:
                        local.append(f"use {obj}")
                    elif held is None:
                        local.append(f"take {obj} from {here}")
                if held is not None and can_contain(
                    self.receptacle_type[here], self.object_type[held]
                ):
                    local.append(f"move {held} to {here}")
            if held is not None:
                for verb, appliance in APPLIANCES.items():
                    if (
                        self.receptacle_type[here] == appliance
                        and self.object_type[held] in TRANSFORMABLE[verb]
                    ):
                        local.append(f"{verb} {held} with {here}")
        local.sort(key=_natural_key)
        # Every other command's verb sorts before or after "go", so the "go to" block,
        # already in order, slots in between.
        return [
            *(action for action in local if action < "go"),
            *go_to,
            *(action for action in local if action > "go"),
        ]

    # ------------------------------------------------------------------ commands

    def apply(self, action: str) -> str:
        """Apply one command and return the feedback; never raises."""
        command = " ".join(action.lower().split()).rstrip(".!")
        verb, _, rest = command.partition(" ")
        handler = self._handlers.get(verb)
        return handler(rest) if handler is not None else NOTHING

    def _go(self, rest: str) -> str:
        target = rest[3:] if rest.startswith("to ") else ""
        if target not in self.contents or target == self.here:
            return NOTHING
        self.here = target
        return f"You arrive at {target}. {self.describe(target)}"

    def _open(self, target: str) -> str:
        if target != self.here or self.is_open.get(target, True):
            return NOTHING
        self.is_open[target] = True
        return f"You open the {target}. {self.describe(target)}"

    def _close(self, target: str) -> str:
        if target != self.here or not self.is_open.get(target, False):
            return NOTHING
        self.is_open[target] = False
        return f"You close the {target}."

    def _take(self, rest: str) -> str:
        obj, _, source = rest.partition(" from ")
        if (
            source != self.here
            or self.held is not None
            or not self.accessible(source)
            or obj not in self.contents[source]
            or self.object_type[obj] == LAMP
        ):
            return NOTHING
        self.contents[source].remove(obj)
        self.location[obj] = HAND
        self.held = obj
        return f"You pick up the {obj} from the {source}."

    def _move(self, rest: str) -> str:
        obj, _, target = rest.partition(" to ")
        return self._place(obj, target)

    def _put(self, rest: str) -> str:
        for separator in (" in/on ", " in ", " on "):
            obj, found, target = rest.partition(separator)
            if found:
                return self._place(obj, target)
        return NOTHING

    def _place(self, obj: str, target: str) -> str:
        if (
            obj != self.held
            or target != self.here
            or not self.accessible(target)
            or not can_contain(self.receptacle_type[target], self.object_type[obj])
        ):
            return NOTHING
        self.contents[target].append(obj)
        self.location[obj] = target
        self.held = None
        return f"You move the {obj} to the {target}."

    def _transform(self, verb: str, rest: str) -> str:
        obj, _, tool = rest.partition(" with ")
        if (
            obj != self.held
            or tool != self.here
            or self.receptacle_type[tool] != APPLIANCES[verb]
            or self.object_type[obj] not in TRANSFORMABLE[verb]
        ):
            return NOTHING
        if verb == "heat":
            self.hot.add(obj)
            self.cool.discard(obj)
        elif verb == "cool":
            self.cool.add(obj)
            self.hot.discard(obj)
        else:
            self.clean.add(obj)
        return f"You {verb} the {obj} using the {tool}."

    def _use(self, target: str) -> str:
        if target != self.lamp_here() or not self.accessible(self.here or ""):
            return NOTHING
        if target in self.lamps_on:
            self.lamps_on.discard(target)
            return f"You turn off the {target}."
        self.lamps_on.add(target)
        return f"You turn on the {target}."

    def _examine(self, target: str) -> str:
        if target and target == self.here:
            return self.describe(target)
        visible = self.here is not None and self.accessible(self.here)
        if target != self.held and not (visible and target in self.contents[self.here or ""]):
            return NOTHING
        if self.object_type[target] == LAMP:
            state = "on" if target in self.lamps_on else "off"
            return f"This is a {target}. It is turned {state}."
        adjectives = [
            word
            for word, holds in (
                ("hot", target in self.hot),
                ("cool", target in self.cool),
                ("clean", target in self.clean),
            )
            if holds
        ]
        if not adjectives:
            return f"There's nothing special about {target}."
        return f"This is a {' and '.join(adjectives)} {target}."

    def _inventory(self) -> str:
        if self.held is None:
            return "You are not carrying anything."
        return f"You are carrying: a {self.held}."

    def _look(self) -> str:
        if self.here is None:
            return (
                "You are in the middle of a room. Looking quickly around you, "
                f"you see {self.listing}."
            )
        return f"You are facing the {self.here}. {self.describe(self.here)}"
