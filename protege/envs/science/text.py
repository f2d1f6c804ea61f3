"""What the agent reads: rooms, things and the inventory, phrased like ScienceWorld's templates."""

from __future__ import annotations

from protege.envs.science.biology import TRAIT_STAGE
from protege.envs.science.electricity import powered_loads, wired_to
from protege.envs.science.forces import plane_phrase
from protege.envs.science.world import Thing, World, article


def short(world: World, thing: Thing, depth: int = 0) -> str:
    """One phrase for a thing, with what is inside it (``a cup (containing water)``)."""
    if thing.kind == "substance":
        return f"a substance called {thing.name}"
    phrase = f"{article(thing.name)} {thing.name}"
    if thing.load:
        phrase += ", which is on" if thing.uid in powered_loads(world) else ", which is off"
    elif thing.activatable:
        phrase += ", which is turned on" if thing.active else ", which is turned off"
    elif thing.name == "fire pit":
        phrase += ", which is burning" if thing.active else ""
    if thing.container:
        if thing.openable and not thing.is_open:
            return phrase + (
                ". The door is closed" if thing.kind == "device" else " (that is closed)"
            )
        inside = contents_phrase(world, thing, depth)
        if thing.kind == "device":
            where = "On" if thing.name == "stove" else "In"
            return f"{phrase}. {where} the {thing.name} is: {inside}"
        return f"{phrase} (containing {inside})"
    return phrase


def contents_phrase(world: World, thing: Thing, depth: int = 0) -> str:
    """The things inside a container, joined by commas, or ``nothing``."""
    if not thing.contents:
        return "nothing"
    if depth >= 3:
        return "some things"
    return ", ".join(short(world, item, depth + 1) for item in thing.contents)


def describe_room(world: World) -> str:
    """``This room is called the kitchen. In it, you see: ... You also see: A door to ...``."""
    room = world.rooms[world.agent_room]
    lines = [f"This room is called the {room.name}. In it, you see: ", "\tthe agent"]
    lines.append("\ta substance called air")
    lines.extend(f"\t{short(world, thing)}" for thing in room.contents)
    lines.append("You also see:")
    for neighbour in world.neighbours[room.name]:
        door = world.door(room.name, neighbour)
        state = "open" if door is not None and door.is_open else "closed"
        lines.append(f"\tA door to the {neighbour} (that is {state})")
    return "\n".join(lines)


def describe_thing(world: World, thing: Thing) -> str:
    """A longer description for ``look at``: state, life stage, wiring, a plane's block, a
    stopwatch's time, a grown plant's trait."""
    if thing.angle is not None:
        return f"{article(thing.name)} {thing.name}, {plane_phrase(world, thing)}"
    text = short(world, thing)
    text = text[0].upper() + text[1:] + "."
    if thing.kind == "substance":
        text += f" It is in the {thing.state} state."
    if thing.description:
        text += " " + thing.description
    if thing.uid in world.timers:
        text += f" The time reads {world.timers[thing.uid]} ticks."
    if thing.trait and thing.stage >= TRAIT_STAGE:
        text += f" It has {thing.trait}."
    for terminal, other, other_terminal in wired_to(world, thing):
        text += f" Its {terminal} is connected to the {other.name} {other_terminal}."
    if thing.terminals and not wired_to(world, thing):
        text += f" Its {' and '.join(thing.terminals)} are not connected."
    return text


def describe_inventory(world: World) -> str:
    """``In your inventory, you see: ...``."""
    if not world.inventory.contents:
        return "In your inventory, you see:\n\tnothing"
    items = "\n".join(f"\t{short(world, thing)}" for thing in world.inventory.contents)
    return f"In your inventory, you see:\n{items}"
