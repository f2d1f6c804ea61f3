"""ScienceWorld's action templates: parsing a command, applying it, and listing valid commands.

Commands are lower-cased and matched against the templates of :data:`TEMPLATES` (ScienceWorld's
26, with the usual synonyms: ``get``/``take`` for ``pick up``, ``put X in Y`` for ``move``,
``look`` for ``look around``, ``go to X`` for ``go X``). Objects are named as ScienceWorld names
them (:meth:`World.candidates`: ``thermometer in inventory``, ``substance in metal pot``). A
phrase that fits several things gets ScienceWorld's numbered prompt; the agent answers with the
number (:attr:`Outcome.choices`). A command that matches no template or names nothing visible is
answered with a hint and takes no time; every other command takes one tick (``wait`` takes ten).
``focus on X`` is only parsed here: the task decides what focusing means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from protege.envs.science import electricity
from protege.envs.science.forces import put_on_plane, start_stopwatch
from protege.envs.science.mixing import mix
from protege.envs.science.physics import set_temperature
from protege.envs.science.text import (
    contents_phrase,
    describe_inventory,
    describe_room,
    describe_thing,
)
from protege.envs.science.world import Thing, World

TEMPLATES: tuple[str, ...] = (
    "activate OBJ",
    "close OBJ",
    "connect OBJ to OBJ",
    "deactivate OBJ",
    "disconnect OBJ",
    "dunk OBJ in OBJ",
    "eat OBJ",
    "flush OBJ",
    "focus on OBJ",
    "go OBJ",
    "inventory",
    "look around",
    "look at OBJ",
    "look in OBJ",
    "mix OBJ",
    "move OBJ to OBJ",
    "open OBJ",
    "pick up OBJ",
    "pour OBJ in OBJ",
    "put down OBJ",
    "read OBJ",
    "reset task",
    "task",
    "use OBJ on OBJ",
    "wait",
    "wait1",
)
WAIT_TICKS = 10
UNKNOWN = "No known action matches that input. Valid templates: " + ", ".join(TEMPLATES) + "."
AMBIGUOUS = (
    "Ambiguous request: Please enter the number for the action you intended (or blank to cancel):"
)
EDIBLE = frozenset({"apple", "orange", "peach", "banana", "avocado", "lemon", "pea pod"})

_SIMPLE = {
    "look around": "look",
    "look": "look",
    "l": "look",
    "inventory": "inventory",
    "i": "inventory",
    "task": "task",
    "reset task": "reset",
    "wait": "wait",
    "wait1": "wait1",
    "wait 1": "wait1",
}
_ONE_ARGUMENT = (
    (re.compile(r"^(?:look at|examine|x) (.+)$"), "look_at"),
    (re.compile(r"^(?:look in|look inside) (.+)$"), "look_in"),
    (re.compile(r"^(?:go to|go|enter) (.+)$"), "go"),
    (re.compile(r"^open (.+)$"), "open"),
    (re.compile(r"^close (.+)$"), "close"),
    (re.compile(r"^(?:pick up|get|take) (.+)$"), "pick_up"),
    (re.compile(r"^(?:put down|drop) (.+)$"), "put_down"),
    (re.compile(r"^focus on (.+)$"), "focus"),
    (re.compile(r"^(?:activate|turn on) (.+)$"), "activate"),
    (re.compile(r"^(?:deactivate|turn off) (.+)$"), "deactivate"),
    (re.compile(r"^disconnect (.+)$"), "disconnect"),
    (re.compile(r"^mix (.+)$"), "mix"),
    (re.compile(r"^read (.+)$"), "read"),
    (re.compile(r"^eat (.+)$"), "eat"),
    (re.compile(r"^flush (.+)$"), "flush"),
)
_TWO_ARGUMENTS = (
    (re.compile(r"^(?:move|put|place) (.+)$"), "move", (" to ", " in ", " into ", " on ")),
    (re.compile(r"^pour (.+)$"), "pour", (" in ", " into ", " on ")),
    (re.compile(r"^connect (.+)$"), "connect", (" to ",)),
    (re.compile(r"^use (.+)$"), "use", (" on ",)),
    (re.compile(r"^dunk (.+)$"), "dunk", (" in ", " into ")),
)


@dataclass
class Outcome:
    """The result of one command: what the agent reads, how many ticks pass, a focus request."""

    text: str
    ticks: int = 1
    focus: Thing | None = None
    choices: list[str] = field(default_factory=list)
    """After an ambiguous command: the commands the numbers 0, 1, ... stand for."""
    reset: bool = False
    """``reset task``: the environment rebuilds the task's world."""


def normalize(command: str) -> str:
    """Lower-case, single-spaced, without surrounding punctuation."""
    return " ".join(command.lower().replace("\t", " ").split()).strip(" .!?")


def _terminal(world: World, phrase: str) -> tuple[Thing, str] | None:
    """Resolve ``"<thing> <terminal>"`` (or a thing alone: its first free terminal)."""
    for terminal in (*electricity.SOURCE_TERMINALS, *electricity.PART_TERMINALS):
        if phrase.endswith(" " + terminal):
            thing = world.resolve(phrase[: -len(terminal) - 1])
            if thing is not None and terminal in thing.terminals:
                return thing, terminal
    thing = world.resolve(phrase)
    if thing is None or not thing.terminals:
        return None
    for terminal in thing.terminals:
        if (thing.uid, terminal) not in world.connections:
            return thing, terminal
    return thing, thing.terminals[0]


def _split(
    world: World, rest: str, separators: tuple[str, ...], verb: str
) -> tuple[list, list, str] | None:
    """Split ``rest`` at a separator so that both sides name visible things: the candidates
    for each side and the separator."""
    for separator in separators:
        start = rest.find(separator)
        while start != -1:
            left, right = rest[:start], rest[start + len(separator) :]
            if verb == "connect":
                first, second = _terminal(world, left), _terminal(world, right)
                if first is not None and second is not None:
                    return [first], [second], separator
            else:
                firsts, seconds = world.candidates(left), world.candidates(right)
                if firsts and seconds:
                    return firsts, seconds, separator
            start = rest.find(separator, start + 1)
    return None


def locator(world: World, thing: Thing) -> str:
    """A thing's name and where it is, as ScienceWorld's prompt lists it:
    ``apple seed (in seed jar, in inventory, in agent, in greenhouse)``."""
    places = []
    current = thing.parent
    while current is not None:
        if current.kind == "inventory":
            places += ["inventory", "agent", world.agent_room]
            break
        places.append(current.name)
        current = current.parent
    return f"{thing.name} ({', '.join(f'in {place}' for place in places)})"


def _ambiguous(world: World, options: list[tuple[str, str]]) -> Outcome:
    """The numbered prompt; ``options`` pairs each listed line with the command it stands for."""
    lines = [f"{index}:\t{line}" for index, (line, _) in enumerate(options)]
    return Outcome("\n".join([AMBIGUOUS, *lines]), 0, choices=[c for _, c in options])


def apply(world: World, command: str, goal: str) -> Outcome:
    """Parse and apply one command; never raises."""
    text = normalize(command)
    simple = _SIMPLE.get(text)
    if simple == "look":
        world.looked_around.add(world.agent_room)
        return Outcome(describe_room(world))
    if simple == "inventory":
        return Outcome(describe_inventory(world))
    if simple == "task":
        return Outcome(goal)
    if simple == "reset":
        return Outcome("", 0, reset=True)
    if simple == "wait":
        return Outcome("You decide to wait for 10 iterations.", WAIT_TICKS)
    if simple == "wait1":
        return Outcome("You decide to wait for 1 iteration.", 1)
    for pattern, verb in _ONE_ARGUMENT:
        match = pattern.match(text)
        if match is None:
            continue
        phrase = match.group(1)
        room = _door_room(world, phrase) if verb in ("go", "open", "close") else None
        if room is not None:
            return _door_action(world, verb, room)
        if verb == "go":
            return Outcome(f"You can't go to {phrase} from here.", 0)
        found = world.candidates(phrase)
        if not found:
            return Outcome(f"There is no {phrase} here. Try 'look around'.", 0)
        if len(found) > 1:
            typed = text[: match.start(1)]
            return _ambiguous(
                world, [(typed + locator(world, t), typed + world.ref(t)) for t in found]
            )
        return _ONE[verb](world, found[0])
    for pattern, verb, separators in _TWO_ARGUMENTS:
        match = pattern.match(text)
        if match is None:
            continue
        split = _split(world, match.group(1), separators, verb)
        if split is None:
            return Outcome(f"I don't see both of those here: {match.group(1)}.", 0)
        firsts, seconds, separator = split
        if len(firsts) * len(seconds) > 1:
            typed = text[: match.start(1)]
            return _ambiguous(
                world,
                [
                    (
                        f"{typed}{locator(world, a)}{separator}{locator(world, b)}",
                        f"{typed}{world.ref(a)}{separator}{world.ref(b)}",
                    )
                    for a in firsts
                    for b in seconds
                    if a is not b
                ],
            )
        return _TWO[verb](world, firsts[0], seconds[0])
    return Outcome(UNKNOWN, 0)


# ---------------------------------------------------------------------- one-object verbs


def _door_room(world: World, phrase: str) -> str | None:
    room = phrase.removeprefix("the ").removeprefix("door to ").removeprefix("the ")
    if room in world.neighbours.get(world.agent_room, ()):
        return room
    return None


def _door_action(world: World, verb: str, room: str) -> Outcome:
    door = world.door(world.agent_room, room)
    assert door is not None
    if verb == "go":
        if not door.is_open:
            return Outcome(f"The door to the {room} is closed.")
        world.agent_room = room
        world.version += 1
        return Outcome(f"You move to the {room}.")
    door.is_open = verb == "open"
    world.version += 1
    return Outcome(f"The door is now {'open' if door.is_open else 'closed'}.")


def _look_at(world: World, thing: Thing) -> Outcome:
    world.examined[thing.uid] = world.time
    return Outcome(describe_thing(world, thing))


def _look_in(world: World, thing: Thing) -> Outcome:
    if not thing.container:
        return Outcome(f"The {thing.name} is not a container.")
    if not thing.is_open:
        return Outcome(f"The {thing.name} is closed.")
    return Outcome(f"Inside the {thing.name} is: {contents_phrase(world, thing)}")


def _open(world: World, thing: Thing, value: bool = True) -> Outcome:
    if not thing.openable:
        return Outcome(f"The {thing.name} can't be {'opened' if value else 'closed'}.")
    if thing.is_open == value:
        return Outcome(f"The {thing.name} is already {'open' if value else 'closed'}.")
    thing.is_open = value
    world.version += 1
    return Outcome(f"The {thing.name} is now {'open' if value else 'closed'}.")


def _pick_up(world: World, thing: Thing) -> Outcome:
    if world.in_inventory(thing) and thing.parent is world.inventory:
        return Outcome(f"You already have the {thing.name}.")
    if not thing.movable:
        return Outcome(f"The {thing.name} can't be picked up.")
    if thing.is_fluid():
        return Outcome(f"You can't pick up the {thing.name} without a container.")
    world.move(thing, world.inventory)
    return Outcome(f"You move the {thing.name} to the inventory.")


def _put_down(world: World, thing: Thing) -> Outcome:
    if not world.in_inventory(thing):
        return Outcome(f"You are not holding the {thing.name}.")
    world.move(thing, world.rooms[world.agent_room])
    return Outcome(f"You move the {thing.name} to the {world.agent_room}.")


def _activate(world: World, thing: Thing, value: bool = True) -> Outcome:
    if not thing.activatable:
        return Outcome(f"The {thing.name} can't be turned {'on' if value else 'off'}.")
    if thing.active == value:
        return Outcome(f"The {thing.name} is already {'on' if value else 'off'}.")
    thing.active = value
    if value and thing.name == "stopwatch":
        start_stopwatch(world, thing)
    world.version += 1
    world.thermal_version += 1
    return Outcome(f"The {thing.name} is now {'activated' if value else 'deactivated'}.")


def _disconnect(world: World, thing: Thing) -> Outcome:
    if not electricity.wired_to(world, thing):
        return Outcome(f"The {thing.name} is not connected to anything.")
    world.unwire(thing)
    return Outcome(f"The {thing.name} is now disconnected.")


def _mix(world: World, thing: Thing) -> Outcome:
    if not thing.container:
        return Outcome(f"There is nothing to mix in the {thing.name}.")
    return Outcome(mix(world, thing))


def _read(world: World, thing: Thing) -> Outcome:
    return Outcome(thing.readable or f"There is nothing written on the {thing.name}.")


def _eat(world: World, thing: Thing) -> Outcome:
    if thing.name not in EDIBLE:
        return Outcome(f"The {thing.name} is not edible.")
    world.remove(thing)
    return Outcome(f"You eat the {thing.name}.")


def _flush(world: World, thing: Thing) -> Outcome:
    if thing.name != "toilet":
        return Outcome(f"The {thing.name} can't be flushed.")
    for item in list(thing.contents):
        world.remove(item)
    return Outcome("The toilet flushes.")


def _focus(world: World, thing: Thing) -> Outcome:
    return Outcome("", focus=thing)


_ONE = {
    "look_at": _look_at,
    "look_in": _look_in,
    "open": _open,
    "close": lambda world, thing: _open(world, thing, False),
    "pick_up": _pick_up,
    "put_down": _put_down,
    "focus": _focus,
    "activate": _activate,
    "deactivate": lambda world, thing: _activate(world, thing, False),
    "disconnect": _disconnect,
    "mix": _mix,
    "read": _read,
    "eat": _eat,
    "flush": _flush,
}


# ---------------------------------------------------------------------- two-object verbs


def _move(world: World, thing: Thing, target: Thing) -> Outcome:
    if not thing.movable:
        return Outcome(f"The {thing.name} can't be moved.")
    if not target.container or target is thing or world.is_inside(target, thing):
        return Outcome(f"You can't put the {thing.name} in the {target.name}.")
    if not target.is_open:
        return Outcome(f"The {target.name} is closed.")
    if thing.parent is target:
        return Outcome(f"The {thing.name} is already in the {target.name}.")
    world.move(thing, target)
    _merge(world, target)
    if target.angle is not None:
        put_on_plane(world, thing)
    return Outcome(f"You move the {thing.name} to the {target.name}.")


def _dunk(world: World, thing: Thing, target: Thing) -> Outcome:
    if not any(item.is_fluid() for item in target.contents):
        return Outcome(f"There is no liquid in the {target.name} to dunk the {thing.name} in.")
    return _move(world, thing, target)


def _pour(world: World, source: Thing, target: Thing) -> Outcome:
    if source.kind == "substance":
        return _move(world, source, target)
    fluids = [item for item in source.contents if item.kind == "substance"]
    if not source.container or not fluids:
        return Outcome(f"There is nothing to pour out of the {source.name}.")
    if not target.container or target is source:
        return Outcome(f"You can't pour into the {target.name}.")
    if not target.is_open:
        return Outcome(f"The {target.name} is closed.")
    for item in fluids:
        world.move(item, target)
    _merge(world, target)
    return Outcome(f"You pour the contents of the {source.name} into the {target.name}.")


def _merge(world: World, container: Thing) -> None:
    """Portions of the same substance in one container become one portion."""
    seen: dict[str, Thing] = {}
    for item in list(container.contents):
        if item.kind != "substance" or item.material is None:
            continue
        kept = seen.setdefault(item.material, item)
        if kept is item:
            continue
        if item.uid in world.protected:  # a task's sample survives the merge
            kept, item = item, kept
            seen[item.material or ""] = kept
        set_temperature(kept, (kept.temperature + item.temperature) / 2)
        world.remove(item)


def _connect(world: World, first: tuple[Thing, str], second: tuple[Thing, str]) -> Outcome:
    for thing, _ in (first, second):
        if world.in_inventory(thing):
            return Outcome(f"Put the {thing.name} down before wiring it.")
    return Outcome(electricity.connect(world, first[0], first[1], second[0], second[1]))


def _use(world: World, tool: Thing, target: Thing) -> Outcome:
    if tool.name == "thermometer":
        if not world.in_inventory(tool):
            return Outcome("You need to hold the thermometer to use it.")
        value = round(target.temperature)
        world.readings[target.uid] = float(value)
        world.read_states[target.uid] = target.state or "solid"
        world.read_times[target.uid] = world.time
        return Outcome(f"the thermometer measures a temperature of {value} degrees celsius")
    if tool.name == "lighter" and target.name == "fire pit":
        if not any(item.name == "wood" for item in target.contents):
            return Outcome("There is nothing to burn in the fire pit.")
        target.active = True
        world.version += 1
        world.thermal_version += 1
        return Outcome("The wood in the fire pit catches fire.")
    return Outcome(f"Using the {tool.name} on the {target.name} does nothing.")


_TWO = {"move": _move, "pour": _pour, "connect": _connect, "use": _use, "dunk": _dunk}
