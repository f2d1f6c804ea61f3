"""The household's state, its command grammar and its feedback, modelled on ALFWorld >= 0.4.

One room of receptacles (``cabinet 3``) holding objects (``apple 1``). The agent stands in the
middle of the room or at one receptacle, carries at most one object, and acts with ALFWorld's
commands: ``go to R``, ``open R``, ``close R``, ``take O from R``, ``move O to R``,
``heat|cool|clean O with R``, ``use L``, ``examine X``, ``inventory``, ``look``, ``help``.
A command that does not parse or does not apply answers ``Nothing happens.`` and changes nothing.

Feedback is ALFWorld's, string for string, as ``benchmarks/fidelity/household.py`` measures
against ALFWorld's PDDL domain and grammar played by TextWorld, quirks included: ``look`` names
only what lies on the floor next to the agent (nothing, here), so it says ``you see nothing``; an
object can be examined only while carried (so a desklamp never can); a lamp once used stays on.

Command spelling. ALFWorld's engine strips the command and then needs it verbatim: case, inner
spaces and punctuation must match, and ``put O in/on R`` (the pre-0.4 spelling of ``move``) is
gone. ``strict=True`` accepts exactly that. The tolerant default also lower-cases, collapses
spaces, drops a trailing ``.`` or ``!`` and takes ``put O in R``, ``put O on R`` and
``put O in/on R`` as ``move``, so that a model's harmless variations are not wasted steps.

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

# ALFWorld's own help text, character for character (its grammar's ``help.feedback``, as
# TextWorld renders it: the leading newline dropped, the trailing one kept, the move line
# misaligned as in the original).
HELP_TEXT = (
    "Available commands:\n"
    "  look:                             look around your current location\n"
    "  inventory:                        check your current inventory\n"
    "  go to (receptacle):               move to a receptacle\n"
    "  open (receptacle):                open a receptacle\n"
    "  close (receptacle):               close a receptacle\n"
    "  take (object) from (receptacle):  take an object from a receptacle\n"
    "  move (object) to (receptacle):  place an object in or on a receptacle\n"
    "  examine (something):              examine a receptacle or an object\n"
    "  use (object):                     use an object\n"
    "  heat (object) with (receptacle):  heat an object using a receptacle\n"
    "  clean (object) with (receptacle): clean an object using a receptacle\n"
    "  cool (object) with (receptacle):  cool an object using a receptacle\n"
    "  slice (object) with (object):     slice an object using a sharp object\n"
)
# examineObject's feedback in ALFWorld's grammar: the first matching rule wins, and a cooled
# object is "cold" alone but "cool" beside "clean".
EXAMINE_ADJECTIVES: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"hot", "clean"}), "hot and clean"),
    (frozenset({"cool", "clean"}), "cool and clean"),
    (frozenset({"hot"}), "hot"),
    (frozenset({"clean"}), "clean"),
    (frozenset({"cool"}), "cold"),
)


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


def alfworld_listing(names: Sequence[str]) -> str:
    """Things as ALFWorld lists them: types alphabetically, numbers descending.

    ALFWorld lists entities in the order of their ids, and its demangler numbers the ids of one
    type from the highest number down, so ``cabinet 2`` comes before ``cabinet 1``.
    """
    return list_items(
        sorted(names, key=lambda name: (type_of(name), -int(name.rpartition(" ")[2])))
    )


class World:
    """The mutable state of one household episode and the commands that change it."""

    def __init__(
        self,
        receptacles: Sequence[str],
        placements: Sequence[tuple[str, str]],
        strict: bool = False,
    ) -> None:
        self.strict = strict
        """Accept commands exactly as ALFWorld's engine does (see the module docstring)."""
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
        self.listing = alfworld_listing(self.receptacles)
        self._go_to = {name: f"go to {name}" for name in self.receptacles}
        self._go_to_except: dict[str | None, list[str]] = {}
        self._handlers: dict[str, Callable[[str], str]] = {
            "go": self._go,
            "open": self._open,
            "close": self._close,
            "take": self._take,
            "move": self._move,
            "heat": lambda rest: self._transform("heat", rest),
            "cool": lambda rest: self._transform("cool", rest),
            "clean": lambda rest: self._transform("clean", rest),
            "use": self._use,
            "examine": self._examine,
            "inventory": lambda rest: NOTHING if rest else self._inventory(),
            "look": lambda rest: NOTHING if rest else self._look(),
            "help": lambda rest: NOTHING if rest else HELP_TEXT,
        }
        if not strict:
            self._handlers["put"] = self._put

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
            return f"The {receptacle} is open. In it, you see {self._contents_listing(receptacle)}."
        self.searched.add(receptacle)
        return f"On the {receptacle}, you see {self._contents_listing(receptacle)}."

    def _contents_listing(self, receptacle: str) -> str:
        # In ALFWorld's order, not in the order the objects arrived.
        return alfworld_listing(self.contents[receptacle])

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
        local = ["help", "inventory", "look"]
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
        command = action.strip() if self.strict else " ".join(action.lower().split()).rstrip(".!")
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
        # ALFWorld's ToggleObject sets isToggled and never clears it, and its feedback reads
        # that flag: a second use says "turn on" again and the lamp stays on.
        self.lamps_on.add(target)
        return f"You turn on the {target}."

    def _examine(self, target: str) -> str:
        if target and target == self.here:
            return self.describe(target)
        # ALFWorld's examineObject applies only to the carried object: its other disjunct
        # (an object in a receptacle at the agent's location) never yields a command.
        if not target or target != self.held:
            return NOTHING
        states = {
            state
            for state, holds in (
                ("hot", target in self.hot),
                ("cool", target in self.cool),
                ("clean", target in self.clean),
            )
            if holds
        }
        for needed, adjective in EXAMINE_ADJECTIVES:
            if needed <= states:
                return f"This is a {adjective} {target}."
        return f"There's nothing special about {target}."

    def _inventory(self) -> str:
        if self.held is None:
            return "You are not carrying anything."
        return f"You are carrying: a {self.held}."

    def _look(self) -> str:
        # ALFWorld's look lists what shares the agent's location: no receptacle shares the
        # starting spot, and no object lies on the floor beside a receptacle.
        if self.here is None:
            return "You are in the middle of a room. Looking quickly around you, you see nothing."
        return f"You are facing the {self.here}. Next to it, you see nothing."
