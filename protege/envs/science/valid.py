"""The valid commands in the current state, for ``info["admissible_actions"]``.

ScienceWorld enumerates every template over every visible object (300-600 strings). Here the
list is kept to the commands that can change something or give information: two-object
commands only pair what the agent holds (or a loose substance) with open containers, and wiring
only pairs free terminals of things on the floor of the room.
"""

from __future__ import annotations

from protege.envs.science.electricity import wired_to
from protege.envs.science.world import Thing, World

ALWAYS = ("look around", "inventory", "task", "wait", "wait1")


def admissible(world: World) -> list[str]:
    """The valid commands now, in a fixed order."""
    actions = list(ALWAYS)
    room = world.agent_room
    for neighbour in world.neighbours[room]:
        door = world.door(room, neighbour)
        if door is not None and door.is_open:
            actions.append(f"go to {neighbour}")
            actions.append(f"close door to {neighbour}")
        else:
            actions.append(f"open door to {neighbour}")
    refs = world.visible()
    containers: list[tuple[str, Thing]] = []
    carried: list[tuple[str, Thing]] = []
    wireable: list[tuple[str, Thing]] = []
    thermometer = None
    lighter = None
    for ref, thing in refs.items():
        actions.append(f"look at {ref}")
        actions.append(f"focus on {ref}")
        held = world.in_inventory(thing)
        if held:
            actions.append(f"put down {ref}")
            carried.append((ref, thing))
            if thing.name == "thermometer":
                thermometer = ref
            elif thing.name == "lighter":
                lighter = ref
        elif thing.movable and not thing.is_fluid():
            actions.append(f"pick up {ref}")
        if thing.openable:
            actions.append(f"{'close' if thing.is_open else 'open'} {ref}")
        if thing.activatable:
            actions.append(f"{'deactivate' if thing.active else 'activate'} {ref}")
        if thing.readable:
            actions.append(f"read {ref}")
        if thing.container and thing.is_open:
            containers.append((ref, thing))
            substances = sum(1 for item in thing.contents if item.kind == "substance")
            if substances >= 2:
                actions.append(f"mix {ref}")
        if thing.terminals and not held:
            wireable.append((ref, thing))
            if wired_to(world, thing):
                actions.append(f"disconnect {ref}")
        if thing.kind == "substance" and thing.parent is not None and not thing.parent.movable:
            carried.append((ref, thing))
    for ref, thing in carried:
        pours = thing.container and any(item.kind == "substance" for item in thing.contents)
        for target_ref, target in containers:
            if target is thing or target is thing.parent or world.is_inside(target, thing):
                continue
            actions.append(f"move {ref} to {target_ref}")
            if pours:
                actions.append(f"pour {ref} in {target_ref}")
    if thermometer is not None:
        actions.extend(f"use {thermometer} on {ref}" for ref in refs if ref != thermometer)
    if lighter is not None and "fire pit" in refs:
        actions.append(f"use {lighter} on fire pit")
    actions.extend(_connections(world, wireable))
    return actions


def _connections(world: World, wireable: list[tuple[str, Thing]]) -> list[str]:
    free = [
        (ref, thing, terminal)
        for ref, thing in wireable
        for terminal in thing.terminals
        if (thing.uid, terminal) not in world.connections
    ]
    actions = []
    for index, (ref, thing, terminal) in enumerate(free):
        for other_ref, other, other_terminal in free[index + 1 :]:
            if other is not thing:
                actions.append(f"connect {ref} {terminal} to {other_ref} {other_terminal}")
    return actions
