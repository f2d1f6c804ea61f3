"""The world of the Science environment: things, rooms joined by doors, containment, references.

Everything in the world is a :class:`Thing` in a containment tree (room > furniture > items).
Doors are not things: they sit between two rooms and each room names them "door to X".
The world keeps a ``version`` counter that every change bumps, so derived views (what the agent
sees, which components are powered) are cached until the next change.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

ROOM_TEMPERATURE = 20.0
"""Ambient temperature of every room, in degrees Celsius."""

INVENTORY = "inventory"


@dataclass(eq=False)
class Thing:
    """One object of the world; the flags say which actions apply to it."""

    name: str
    kind: str = "item"
    """One of: item, container, device, substance, animal, plant, box, room, inventory."""
    movable: bool = True
    container: bool = False
    openable: bool = False
    is_open: bool = True
    activatable: bool = False
    active: bool = False
    device_temperature: float | None = None
    """Temperature a heater or cooler imposes on its contents while on."""
    heat_rate: float | None = None
    """Fraction of the temperature gap its contents close per tick while on (None: the default
    :data:`~protege.envs.science.physics.HEAT_RATE`)."""
    always_on: bool = False
    temperature: float = ROOM_TEMPERATURE
    material: str | None = None
    """Substances: the key of :data:`protege.envs.science.physics.MATERIALS`."""
    state: str | None = None
    """Substances: solid, liquid or gas."""
    conductive: bool = False
    terminals: tuple[str, ...] = ()
    power_source: str | None = None
    """Power sources: renewable or nonrenewable."""
    load: bool = False
    """Electrical loads (bulbs, motors, buzzers) that turn on when powered."""
    living: bool = False
    species: str | None = None
    stage: int = 0
    growth: int = 0
    readable: str | None = None
    angle: float | None = None
    """Inclined planes: the slope in degrees."""
    friction: float = 0.0
    """Inclined planes: the friction coefficient of the surface."""
    trait: str | None = None
    """Plants of the genetics tasks: the visible trait (``tall plant height``)."""
    description: str = ""
    parent: Thing | None = field(default=None, repr=False)
    contents: list[Thing] = field(default_factory=list, repr=False)
    uid: int = 0

    def is_fluid(self) -> bool:
        """Liquids and gases cannot be carried without a container."""
        return self.kind == "substance" and self.state in ("liquid", "gas")

    def heats_contents(self) -> bool:
        """Whether this device currently imposes its temperature on its contents."""
        return self.device_temperature is not None and (self.active or self.always_on)

    def imposed_temperature(self, ambient: float) -> float:
        """The temperature this thing's contents exchange heat with."""
        if self.device_temperature is not None and (self.active or self.always_on):
            return self.device_temperature
        return ambient


@dataclass
class Door:
    """A door between two rooms."""

    rooms: tuple[str, str]
    is_open: bool = False


def article(name: str) -> str:
    """``a`` or ``an`` before a name."""
    return "an" if name[:1] in "aeiou" else "a"


class World:
    """Rooms, doors, the agent's location and inventory, electrical connections and time."""

    def __init__(self) -> None:
        self.rooms: dict[str, Thing] = {}
        self.doors: dict[frozenset[str], Door] = {}
        self.neighbours: dict[str, list[str]] = {}
        self.inventory = Thing(INVENTORY, kind="inventory", movable=False, container=True)
        self.agent_room = ""
        self.time = 0
        self.version = 0
        self.thermal_version = 0
        """Bumped by every change that can start heat flowing (moves, devices switched)."""
        self.connections: dict[tuple[int, str], tuple[Thing, str]] = {}
        """(thing uid, terminal) -> the (thing, terminal) it is wired to; stored both ways."""
        self.things: list[Thing] = []
        self.readings: dict[int, float] = {}
        """Thing uid -> the last temperature the thermometer read on it."""
        self.read_states: dict[int, str] = {}
        """Thing uid -> the state of matter it was in at its last reading."""
        self.read_times: dict[int, int] = {}
        """Thing uid -> the time of its last thermometer reading."""
        self.examined: dict[int, int] = {}
        """Thing uid -> the time it was last looked at."""
        self.looked_around: set[str] = set()
        """The rooms the agent has looked around in."""
        self.protected: set[int] = set()
        """Uids of things a task depends on; merging substances never removes them."""
        self.timers: dict[int, int] = {}
        """Stopwatch uid -> ticks counted since it was last activated."""
        self.slides: dict[int, float] = {}
        """Block uid -> percent of the way down the inclined plane it is on."""
        self.slid: set[int] = set()
        """Uids of the inclined planes a block has slid all the way down."""
        self._next_uid = 1
        self.powered_cache: tuple[int, set[int]] = (-1, set())
        """(version, uids of powered loads), kept by :mod:`~.electricity`."""
        self._refs_version = -1
        self._refs: dict[str, Thing] = {}
        self._names: dict[int, str] = {}

    # ------------------------------------------------------------------ building

    def add_room(self, name: str) -> Thing:
        """Add an empty room."""
        room = Thing(name, kind="room", movable=False, container=True)
        self.rooms[name] = room
        self.neighbours[name] = []
        return room

    def add_door(self, room_a: str, room_b: str, is_open: bool = False) -> None:
        """Join two rooms with a door."""
        self.doors[frozenset((room_a, room_b))] = Door((room_a, room_b), is_open)
        self.neighbours[room_a].append(room_b)
        self.neighbours[room_b].append(room_a)

    def add(self, thing: Thing, into: Thing | str) -> Thing:
        """Put a new thing into a room (by name) or container and return it."""
        thing.uid = self._next_uid
        self._next_uid += 1
        self.things.append(thing)
        self._place(thing, self.rooms[into] if isinstance(into, str) else into)
        return thing

    def _place(self, thing: Thing, into: Thing) -> None:
        thing.parent = into
        into.contents.append(thing)
        self.version += 1
        self.thermal_version += 1

    # ------------------------------------------------------------------ changing

    def move(self, thing: Thing, into: Thing) -> None:
        """Move a thing (with its contents) into a container; its wires come off."""
        self.unwire(thing)
        if thing.parent is not None:
            thing.parent.contents.remove(thing)
        self._place(thing, into)

    def remove(self, thing: Thing) -> None:
        """Take a thing out of the world (e.g. a substance used up by a reaction)."""
        self.unwire(thing)
        if thing.parent is not None:
            thing.parent.contents.remove(thing)
        thing.parent = None
        self.things.remove(thing)
        self.version += 1
        self.thermal_version += 1

    def unwire(self, thing: Thing) -> None:
        """Disconnect every terminal of a thing and of everything inside it."""
        stack = [thing]
        while stack:
            current = stack.pop()
            for terminal in current.terminals:
                other = self.connections.pop((current.uid, terminal), None)
                if other is not None:
                    self.connections.pop((other[0].uid, other[1]), None)
                    self.version += 1
            stack.extend(current.contents)

    def door(self, room_a: str, room_b: str) -> Door | None:
        """The door between two rooms, if they are adjacent."""
        return self.doors.get(frozenset((room_a, room_b)))

    # ------------------------------------------------------------------ queries

    def room_of(self, thing: Thing) -> str:
        """The room a thing is in; the agent's room for things in the inventory."""
        current: Thing | None = thing
        while current is not None:
            if current.kind == "room":
                return current.name
            if current.kind == "inventory":
                return self.agent_room
            current = current.parent
        return ""

    def in_inventory(self, thing: Thing) -> bool:
        """Whether the agent carries the thing (directly or inside something carried)."""
        current = thing.parent
        while current is not None:
            if current is self.inventory:
                return True
            current = current.parent
        return False

    def is_inside(self, thing: Thing, ancestor: Thing) -> bool:
        """Whether ``ancestor`` contains ``thing`` at any depth."""
        current = thing.parent
        while current is not None:
            if current is ancestor:
                return True
            current = current.parent
        return False

    def closed_container_of(self, thing: Thing) -> Thing | None:
        """The outermost closed container that hides a thing, if any."""
        hidden_by = None
        current = thing.parent
        while current is not None and current.kind not in ("room", "inventory"):
            if current.openable and not current.is_open:
                hidden_by = current
            current = current.parent
        return hidden_by

    def find(self, name: str) -> Thing | None:
        """The first thing in the world with this exact name."""
        for thing in self.things:
            if thing.name == name:
                return thing
        return None

    def path(self, start: str, goal: str) -> list[str]:
        """Rooms from ``start`` (exclusive) to ``goal`` (inclusive), ignoring door states."""
        if start == goal:
            return []
        previous: dict[str, str] = {start: start}
        queue = deque([start])
        while queue:
            room = queue.popleft()
            for neighbour in self.neighbours[room]:
                if neighbour not in previous:
                    previous[neighbour] = room
                    if neighbour == goal:
                        route = [goal]
                        while previous[route[-1]] != start:
                            route.append(previous[route[-1]])
                        return route[::-1]
                    queue.append(neighbour)
        return []

    # ------------------------------------------------------------------ references

    def visible(self) -> dict[str, Thing]:
        """Reference string -> thing, for everything the agent can see or carries.

        A thing is named by its name, lower-cased (commands are lower-cased); where two visible
        things share a name, each is named ``"<name> in <container>"`` (then ``... 2``, ``... 3``).
        Cached until the world changes.
        """
        if self._refs_version == self.version:
            return self._refs
        seen = self.seen()
        counts: dict[str, int] = {}
        for thing in seen:
            counts[thing.name.lower()] = counts.get(thing.name.lower(), 0) + 1
        refs: dict[str, Thing] = {}
        names: dict[int, str] = {}
        for thing in seen:
            ref = thing.name.lower()
            if counts[ref] > 1 and thing.parent is not None:
                ref = f"{ref} in {thing.parent.name.lower()}"
                suffix = 2
                while ref in refs:
                    ref = f"{thing.name.lower()} in {thing.parent.name.lower()} {suffix}"
                    suffix += 1
            refs[ref] = thing
            names[thing.uid] = ref
        self._refs, self._names, self._refs_version = refs, names, self.version
        return refs

    def seen(self) -> list[Thing]:
        """Everything in the agent's room and inventory that is not inside a closed container."""
        seen: list[Thing] = []
        stack = list(reversed(self.rooms[self.agent_room].contents))
        stack.extend(reversed(self.inventory.contents))
        while stack:
            thing = stack.pop()
            seen.append(thing)
            if thing.container and thing.is_open:
                stack.extend(reversed(thing.contents))
        return seen

    def ref(self, thing: Thing) -> str:
        """How the agent refers to a visible thing now (its name if not visible)."""
        self.visible()
        return self._names.get(thing.uid, thing.name.lower())

    def aliases(self, thing: Thing) -> set[str]:
        """The phrases ScienceWorld accepts for a thing: its name, ``substance`` for any
        substance, each optionally followed by ``in <container>`` (``thermometer in inventory``,
        ``substance in metal pot``)."""
        bases = {thing.name.lower()}
        if thing.kind == "substance":
            bases.add("substance")
        phrases = set(bases)
        parent = thing.parent
        if parent is not None and parent.kind != "room":
            phrases.update(f"{base} in {parent.name.lower()}" for base in bases)
        return phrases

    def candidates(self, phrase: str) -> list[Thing]:
        """The visible things a phrase may name: its exact reference, else every alias match."""
        refs = self.visible()
        phrase = phrase.lower().removeprefix("the ")
        if phrase in refs:
            return [refs[phrase]]
        return [thing for thing in refs.values() if phrase in self.aliases(thing)]

    def resolve(self, phrase: str) -> Thing | None:
        """The visible thing a phrase names (the first one where several match)."""
        found = self.candidates(phrase)
        return found[0] if found else None
