"""Electrical circuits: terminals, wires, sources and loads.

Every electrical thing has two terminals (``anode``/``cathode`` for sources, ``terminal 1``/
``terminal 2`` for the rest); ``connect A to B`` joins two free terminals. Current flows through a
thing from one terminal to the other when it is conductive (wires, metals, and loads themselves).
A load is powered when, without passing through the load itself, one of its terminals reaches a
working source's anode and the other its cathode, and the two sides are not shorted. A battery
always works; a solar panel only in sunlight (outside).
"""

from __future__ import annotations

from protege.envs.science.world import Thing, World

SOURCE_TERMINALS = ("anode", "cathode")
PART_TERMINALS = ("terminal 1", "terminal 2")


def source_works(world: World, source: Thing) -> bool:
    """Whether a power source produces electricity now."""
    if source.name == "solar panel":
        return world.room_of(source) == "outside" and not world.in_inventory(source)
    if source.activatable:
        return source.active
    return True


def connect(
    world: World, first: Thing, first_terminal: str, second: Thing, second_terminal: str
) -> str:
    """Wire two terminals together; return what the agent observes."""
    if first is second:
        return "You cannot connect a thing to itself."
    for thing, terminal in ((first, first_terminal), (second, second_terminal)):
        if (thing.uid, terminal) in world.connections:
            return f"The {thing.name} {terminal} is already connected to something."
    world.connections[(first.uid, first_terminal)] = (second, second_terminal)
    world.connections[(second.uid, second_terminal)] = (first, first_terminal)
    world.version += 1
    return f"{first.name} {first_terminal} is now connected to {second.name} {second_terminal}"


def wired_to(world: World, thing: Thing) -> list[tuple[str, Thing, str]]:
    """(own terminal, other thing, other terminal) for each wire on a thing."""
    wires = []
    for terminal in thing.terminals:
        other = world.connections.get((thing.uid, terminal))
        if other is not None:
            wires.append((terminal, other[0], other[1]))
    return wires


class _Components:
    """Union-find over (uid, terminal) nodes."""

    def __init__(self) -> None:
        self.parent: dict[tuple[int, str], tuple[int, str]] = {}

    def find(self, node: tuple[int, str]) -> tuple[int, str]:
        root = node
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while node != root:
            self.parent[node], node = root, self.parent.get(node, node)
        return root

    def join(self, a: tuple[int, str], b: tuple[int, str]) -> None:
        self.parent[self.find(a)] = self.find(b)


def _components(
    world: World, electrical: list[Thing], skip: Thing, conductive: dict[int, bool]
) -> _Components:
    parts = _Components()
    for (uid, terminal), (other, other_terminal) in world.connections.items():
        parts.join((uid, terminal), (other.uid, other_terminal))
    for thing in electrical:
        if thing is skip or thing.power_source is not None or len(thing.terminals) != 2:
            continue
        if conductive.get(thing.uid, thing.conductive):
            parts.join((thing.uid, thing.terminals[0]), (thing.uid, thing.terminals[1]))
    return parts


def _powers(
    world: World, electrical: list[Thing], load: Thing, conductive: dict[int, bool]
) -> bool:
    parts = _components(world, electrical, load, conductive)
    side_a = parts.find((load.uid, load.terminals[0]))
    side_b = parts.find((load.uid, load.terminals[1]))
    if side_a == side_b:
        return False
    for source in electrical:
        if source.power_source is None or not source_works(world, source):
            continue
        anode = parts.find((source.uid, "anode"))
        cathode = parts.find((source.uid, "cathode"))
        if anode != cathode and {anode, cathode} == {side_a, side_b}:
            return True
    return False


def _wired_things(world: World) -> list[Thing]:
    seen: dict[int, Thing] = {}
    for (_, _), (other, _) in world.connections.items():
        seen[other.uid] = other
    return list(seen.values())


def powered_loads(world: World) -> set[int]:
    """The uids of the loads that are powered now (cached until the world changes)."""
    version, cached = world.powered_cache
    if version == world.version:
        return cached
    electrical = _wired_things(world)
    powered = {
        load.uid for load in electrical if load.load and _powers(world, electrical, load, {})
    }
    world.powered_cache = (world.version, powered)
    return powered


def powered_by(world: World, load: Thing) -> set[str]:
    """The kinds of working sources (renewable / nonrenewable) that power a load now."""
    electrical = _wired_things(world)
    kinds = set()
    for source in electrical:
        if source.power_source is None:
            continue
        others = [thing for thing in electrical if thing.power_source is None or thing is source]
        if load in electrical and _powers(world, others, load, {}):
            kinds.add(source.power_source)
    return kinds


def tests_conductivity(world: World, sample: Thing) -> bool:
    """Whether a load's state in the current circuit depends on the sample's conductivity."""
    electrical = _wired_things(world)
    if sample not in electrical:
        return False
    for load in electrical:
        if not load.load:
            continue
        on = _powers(world, electrical, load, {sample.uid: True})
        off = _powers(world, electrical, load, {sample.uid: False})
        if on and not off:
            return True
    return False
