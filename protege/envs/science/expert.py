"""The expert: plans the next command from the current world state, so it recovers from detours.

Each task type has a short strategy built from a few primitives: walk to a room (opening
doors), reveal a thing (open what hides it), fetch it, deliver it into a container, wire
terminals together. Nothing is replayed: every call looks at the world as it is now.
"""

from __future__ import annotations

from collections.abc import Callable

from protege.envs.science.biology import soil_and_water
from protege.envs.science.physics import MATERIALS
from protege.envs.science.tasks import Task
from protege.envs.science.tasks.classification import matches
from protege.envs.science.tasks.measurement import answer_box
from protege.envs.science.world import Thing, World

FALLBACK = "look around"

# ---------------------------------------------------------------------- primitives


def navigate(world: World, room: str) -> str:
    """The next command on the way to a room."""
    route = world.path(world.agent_room, room)
    step = route[0]
    door = world.door(world.agent_room, step)
    if door is not None and not door.is_open:
        return f"open door to {step}"
    return f"go to {step}"


def reveal(world: World, thing: Thing) -> str | None:
    """A command that brings a thing into view, or None if it is visible."""
    if world.room_of(thing) != world.agent_room:
        return navigate(world, world.room_of(thing))
    hidden = world.closed_container_of(thing)
    if hidden is not None:
        return f"open {world.ref(hidden)}"
    return None


def focus_on(world: World, thing: Thing) -> str:
    """Go to a thing and focus on it."""
    return reveal(world, thing) or f"focus on {world.ref(thing)}"


def fetch(world: World, thing: Thing) -> str | None:
    """A command towards holding a thing, or None if it is held."""
    if world.in_inventory(thing):
        return None
    return reveal(world, thing) or f"pick up {world.ref(thing)}"


def deliver(world: World, thing: Thing, target: Thing, direct: bool = False) -> str | None:
    """A command towards having a thing inside a container, or None if it is there.

    ``direct``: the thing must sit in the container itself, not inside something in it.
    """
    if thing.parent is target or (not direct and world.is_inside(thing, target)):
        return None
    if not world.in_inventory(thing) and not (
        world.room_of(thing) == world.room_of(target) and world.agent_room == world.room_of(target)
    ):
        return fetch(world, thing)
    room = world.room_of(target)
    if world.agent_room != room:
        return navigate(world, room)
    action = reveal(world, thing) or reveal(world, target)
    if action is not None:
        return action
    if target.openable and not target.is_open:
        return f"open {world.ref(target)}"
    return f"move {world.ref(thing)} to {world.ref(target)}"


def gather(world: World, things: list[Thing], room: str) -> str | None:
    """A command towards having all things visible on the floor of a room (not held)."""
    for thing in things:
        if not world.in_inventory(thing) and world.room_of(thing) != room:
            return fetch(world, thing)
    if world.agent_room != room:
        return navigate(world, room)
    for thing in things:
        if world.in_inventory(thing):
            return f"put down {world.ref(thing)}"
        hidden = world.closed_container_of(thing)
        if hidden is not None:
            return f"open {world.ref(hidden)}"
    return None


Terminal = tuple[Thing, str]


def wire(world: World, pairs: list[tuple[Terminal, Terminal]]) -> str | None:
    """A command towards exactly these connections, or None when they are all made."""
    for (first, first_terminal), (second, second_terminal) in pairs:
        current = world.connections.get((first.uid, first_terminal))
        if current is not None and current[0] is second and current[1] == second_terminal:
            continue
        if current is not None:
            return f"disconnect {world.ref(first)}"
        if (second.uid, second_terminal) in world.connections:
            return f"disconnect {world.ref(second)}"
        return (
            f"connect {world.ref(first)} {first_terminal} to {world.ref(second)} {second_terminal}"
        )
    return None


def nearest(world: World, things: list[Thing]) -> Thing | None:
    """The thing fewest rooms away (held things first), ties by creation order."""
    if not things:
        return None
    return min(things, key=lambda t: (len(world.path(world.agent_room, world.room_of(t))), t.uid))


# ---------------------------------------------------------------------- strategies


def _device(world: World, sample: Thing, target_state: str, direction: str) -> Thing:
    """The freezer for cooling; else the stove if hot enough for the target state, else the
    blast furnace."""
    spec = MATERIALS[sample.material or "water"]
    if direction == "cool":
        device = world.find("freezer")
    else:
        point = spec.boiling_point if target_state == "gas" else spec.melting_point
        stove = world.find("stove")
        device = stove if stove and (stove.device_temperature or 0) >= point + 20 else None
        device = device or world.find("blast furnace")
    assert device is not None
    return device


def _expose(
    world: World, sample: Thing, device: Thing, waiting: str = "wait", monitor: str | None = None
) -> str:
    """Put a sample (in a carried vessel if fluid) into a device, switch it on, then wait
    (``monitor``: the sample's temperature is read with this held thermometer while waiting)."""
    if world.is_inside(sample, device):
        if device.activatable and not device.active:
            return reveal(world, device) or f"activate {world.ref(device)}"
        if monitor is None:
            return waiting
        return _monitor(world, sample, monitor, slow=(device.device_temperature or 0) < 0)
    carrier = sample
    parent = sample.parent
    if parent is not None and parent.movable and parent.kind == "container":
        carrier = parent  # carry the vessel, as a chemist would
    elif sample.is_fluid():
        return _decant(world, sample)
    return deliver(world, carrier, device) or waiting


def _monitor(world: World, sample: Thing, thermometer: str, slow: bool) -> str:
    """The real gold paths' watch loop: examine the sample, read its temperature, and in a slow
    cooler wait ten ticks before the next look."""
    action = reveal(world, sample)
    if action is not None:
        return action
    now = world.time - 1  # the time of the previous command
    if world.examined.get(sample.uid) == now:
        return f"use {thermometer} on {world.ref(sample)}"
    if slow and world.read_times.get(sample.uid) == now:
        return "wait"
    return f"look at {world.ref(sample)}"


def _sink_water(world: World, task: Task) -> str:
    """Fill the metal pot at a sink as ScienceWorld's gold path does: put it in the sink, turn
    the water on and off, pick the pot up; then focus on the water in it."""
    material = task.data["material"]
    for held in world.inventory.contents:
        for thing in held.contents:
            if thing.kind == "substance" and thing.material == material:
                return f"focus on {world.ref(thing)}"
    sinks = [t for t in world.things if t.name == "sink"]
    vessels = [t for t in world.things if t.kind == "container" and t.movable and t.is_open]
    pot = next((t for t in vessels if t.name == "metal pot"), None) or nearest(
        world, [t for t in vessels if not t.contents]
    )
    if pot is None:
        return FALLBACK
    sink = pot.parent if pot.parent in sinks else nearest(world, sinks)
    assert sink is not None
    filled = any(t.kind == "substance" and t.material == material for t in pot.contents)
    if pot.parent is not sink and not filled:
        return deliver(world, pot, sink, direct=True) or FALLBACK
    if sink.active and world.agent_room == world.room_of(sink):
        return f"deactivate {world.ref(sink)}" if filled else "wait1"
    if not filled:
        return reveal(world, sink) or f"activate {world.ref(sink)}"
    return fetch(world, pot) or FALLBACK


def _matter(world: World, task: Task) -> str:
    thermometer: Thing = task.data["thermometer"]
    if world.room_of(thermometer) == world.agent_room not in world.looked_around:
        return "look around"  # as the gold paths do on entering the kitchen
    action = fetch(world, thermometer)  # the gold paths pick it up first
    if action is not None:
        return action
    if not task.focused:
        sample = task.data["sample"]
        return _sink_water(world, task) if sample is None else focus_on(world, sample)
    sample = task.focused[0]
    direction = task.data["direction"]
    target_state = task.data["target_state"]
    if task.data["freeze_first"]:
        freezer = _device(world, sample, "solid", "cool")
        if task.progress < 2:
            return _expose(world, sample, freezer, monitor=world.ref(thermometer))
        read = world.read_times.get(sample.uid, -1)
        if world.is_inside(sample, freezer) and (
            world.read_states.get(sample.uid) != "solid" or read == world.time - 1
        ):  # read the ice's temperature and wait once more before heating it, as the gold does
            return _monitor(world, sample, world.ref(thermometer), slow=True)
    device = _device(world, sample, target_state, direction)
    return _expose(world, sample, device, monitor=world.ref(thermometer))


def _melting_point(world: World, task: Task) -> str:
    thermometer: Thing = task.data["thermometer"]
    sample: Thing = task.data["sample"]
    if not task.focused:
        return focus_on(world, thermometer)
    if not world.in_inventory(thermometer):
        return fetch(world, thermometer) or FALLBACK
    if len(task.focused) == 1:
        return focus_on(world, sample)
    if task.progress >= 3:
        return focus_on(world, task.data["right_box"])
    if sample.state == "liquid":
        return reveal(world, sample) or f"use {world.ref(thermometer)} on {world.ref(sample)}"
    direction = "heat" if sample.state == "solid" else "cool"
    device = _device(world, sample, "liquid", direction)
    return _expose(world, sample, device, waiting="wait1")


def _decant(world: World, sample: Thing) -> str:
    """Move a loose fluid into an empty movable container."""
    empty = [
        thing
        for thing in world.things
        if thing.container
        and thing.movable
        and thing.is_open
        and not thing.contents
        and thing.kind == "container"
    ]
    vessel = nearest(world, empty)
    if vessel is None:
        return FALLBACK
    return (
        fetch(world, vessel)
        or reveal(world, sample)
        or (f"move {world.ref(sample)} to {world.ref(vessel)}")
    )


def _measure(world: World, task: Task) -> str:
    thermometer: Thing = task.data["thermometer"]
    sample: Thing = task.data["sample"]
    if not task.focused:
        return focus_on(world, thermometer)
    if not world.in_inventory(thermometer):
        return fetch(world, thermometer) or FALLBACK
    if len(task.focused) == 1:
        return focus_on(world, sample)
    if sample.uid not in world.readings:
        return reveal(world, sample) or f"use {world.ref(thermometer)} on {world.ref(sample)}"
    return deliver(world, sample, answer_box(world, task)) or "wait"


def _conductivity(world: World, task: Task) -> str:
    sample: Thing = task.data["sample"]
    bulb: Thing = task.data["bulb"]
    if not task.focused:
        return focus_on(world, sample)
    if task.progress < 2:
        battery = next(t for t in world.things if t.power_source == "nonrenewable")
        action = gather(world, [sample, bulb, battery], "workshop") or wire(
            world,
            [
                ((battery, "anode"), (bulb, "terminal 1")),
                ((bulb, "terminal 2"), (sample, "terminal 1")),
                ((sample, "terminal 2"), (battery, "cathode")),
            ],
        )
        return action or "wait"
    return deliver(world, sample, task.data["right_box"]) or "wait"


def _power(world: World, task: Task) -> str:
    component: Thing = task.data["component"]
    if not task.focused:
        return focus_on(world, component)
    renewable = task.data["source"] == "renewable"
    source = next(
        t for t in world.things if t.power_source == ("renewable" if renewable else "nonrenewable")
    )
    room = "outside" if renewable else "workshop"
    action = gather(world, [component, source], room) or wire(
        world,
        [
            ((source, "anode"), (component, "terminal 1")),
            ((component, "terminal 2"), (source, "cathode")),
        ],
    )
    return action or "wait"


def _classify(world: World, task: Task) -> str:
    box: Thing = task.data["box"]
    if not task.focused:
        candidates = [
            t for t in world.things if matches(task.task_type, t) and t.parent is not None
        ]
        target = nearest(world, candidates)
        return focus_on(world, target) if target is not None else FALLBACK
    return deliver(world, task.focused[0], box) or "wait"


def _lifespan(world: World, task: Task) -> str:
    if task.progress == 0:
        return navigate(world, task.data["room"])
    return focus_on(world, task.data["answers"][len(task.focused)])


def _stages(world: World, task: Task) -> str:
    name = task.data["stages"][len(task.focused)]
    thing = world.find(name)
    return focus_on(world, thing) if thing is not None else FALLBACK


def _plant_stages(world: World, task: Task) -> str:
    seed: Thing = task.data["seed"]
    if seed.stage == len(task.focused):
        return focus_on(world, seed)
    return _tend(world, seed, waiting="wait1")


def _grow(world: World, task: Task) -> str:
    seed: Thing = task.data["seed"]
    if not task.focused:
        return focus_on(world, seed)
    return _tend(world, seed)


def _tend(world: World, seed: Thing, waiting: str = "wait") -> str:
    """Plant a seed in soil, keep its pot in a running sink, and wait."""
    if soil_and_water(seed.parent)[0] is None:
        pots = [
            t
            for t in world.things
            if soil_and_water(t)[0] is not None and not any(i.kind == "plant" for i in t.contents)
        ]
        pot = nearest(world, pots)
        return (deliver(world, seed, pot, direct=True) if pot is not None else None) or FALLBACK
    pot = seed.parent
    assert pot is not None
    sinks = [t for t in world.things if t.name == "sink"]
    sink = pot.parent if pot.parent in sinks else nearest(world, sinks)
    assert sink is not None
    if pot.parent is not sink:
        return deliver(world, pot, sink, direct=True) or FALLBACK
    if not sink.active:
        return reveal(world, sink) or f"activate {world.ref(sink)}"
    return waiting


def _paint(world: World, task: Task) -> str:
    target, recipe = task.data["steps"][len(task.focused)]
    wanted = set(recipe)
    product = [t for t in world.things if t.material == target]
    if product:
        return focus_on(world, product[0])
    started, empty = [], []
    for thing in world.things:
        if not thing.container or not thing.is_open or thing.kind == "inventory":
            continue
        materials = {item.material for item in thing.contents if item.kind == "substance"}
        parts = [item for item in thing.contents if item.kind in ("substance", "item")]
        if materials == wanted and len(parts) == len(wanted):
            return reveal(world, thing) or f"mix {world.ref(thing)}"
        if len(materials) == 1 and materials <= wanted:
            started.append(thing)
        elif not materials and thing.kind == "container" and thing.movable:
            empty.append(thing)
    vessel = nearest(world, started) or nearest(world, empty)
    if vessel is None:
        return FALLBACK
    have = {item.material for item in vessel.contents if item.kind == "substance"}
    paints = [t for t in world.things if t.material in wanted - have and t.parent is not None]
    paint = nearest(world, paints)
    if paint is None:
        return FALLBACK
    return _add_paint(world, paint, vessel)


def _add_paint(world: World, paint: Thing, vessel: Thing) -> str:
    """Bring a portion of paint into the vessel: pour its cup if it is alone there, else move it."""
    source = paint.parent
    assert source is not None
    alone = [item for item in source.contents if item.kind == "substance"] == [paint]
    if world.room_of(paint) != world.room_of(vessel):
        if vessel.movable and not world.in_inventory(paint):
            return fetch(world, vessel) or navigate(world, world.room_of(paint))
        if source.movable and source.kind == "container":
            return fetch(world, source) or navigate(world, world.room_of(vessel))
        return FALLBACK
    if world.agent_room != world.room_of(vessel):
        return navigate(world, world.room_of(vessel))
    action = reveal(world, paint) or reveal(world, vessel)
    if action is not None:
        return action
    if alone and source.kind == "container":
        return f"pour {world.ref(source)} in {world.ref(vessel)}"
    return f"move {world.ref(paint)} to {world.ref(vessel)}"


def _recipe(world: World, task: Task) -> str:
    """Read the recipe, gather the dry ingredients in the cup, fill it at a sink, mix, focus."""
    target: str = task.data["target"]
    product = [t for t in world.things if t.name == target]
    if product:
        return focus_on(world, product[0])
    cup = next(t for t in world.things if t.name == "ceramic cup")
    have = {item.material or item.name for item in cup.contents}
    for part in task.data["parts"]:
        if part in have or part == "water":
            continue
        thing = next(t for t in world.things if (t.material or t.name) == part)
        if thing.kind == "substance":  # paint: pour its cup into the ceramic cup
            action = fetch(world, cup) or reveal(world, thing)
            return action or f"pour {world.ref(thing.parent)} in {world.ref(cup)}"
        return (
            fetch(world, cup)
            or fetch(world, thing)
            or f"move {world.ref(thing)} to {world.ref(cup)}"
        )
    if "water" in task.data["parts"] and "water" not in have:
        sink = nearest(world, [t for t in world.things if t.name == "sink"])
        assert sink is not None
        if cup.parent is not sink:
            return deliver(world, cup, sink, direct=True) or FALLBACK
        return reveal(world, sink) or (
            f"activate {world.ref(sink)}" if not sink.active else "wait1"
        )
    sink = cup.parent if cup.parent is not None and cup.parent.name == "sink" else None
    if sink is not None and sink.active:
        return f"deactivate {world.ref(sink)}"
    return reveal(world, cup) or f"mix {world.ref(cup)}"


def _tend_all(world: World, seeds: list[Thing], waiting: str = "wait1") -> str | None:
    """Plant every seed in its own pot of soil and keep the pots in a running sink; None when
    they are all planted and watered."""
    for seed in seeds:
        if soil_and_water(seed.parent)[0] is None:
            pots = [
                t
                for t in world.things
                if soil_and_water(t)[0] is not None
                and not any(i.kind == "plant" for i in t.contents)
            ]
            pot = nearest(world, pots)
            return (deliver(world, seed, pot, direct=True) if pot else None) or FALLBACK
    for seed in seeds:
        if seed.stage < 3:
            action = _tend(world, seed, waiting)
            if action != waiting:
                return action
    return None


def _fruit(world: World, task: Task) -> str:
    fruit = [t for t in world.things if t.name == task.data["fruit"] and t.kind == "item"]
    if fruit:
        return focus_on(world, fruit[0])
    seeds: list[Thing] = task.data["seeds"]
    action = _tend_all(world, seeds)
    if action is not None:
        return action
    if all(seed.stage == 3 for seed in seeds):
        hive: Thing = task.data["hive"]
        if not hive.is_open:
            return reveal(world, hive) or f"open {world.ref(hive)}"
    return "wait1"


def _genetics(world: World, task: Task) -> str:
    parents: list[Thing] = task.data["seeds"]
    children: list[Thing] = task.data["offspring"](world)
    grown = [child for child in children if child.stage >= 2]
    if grown:
        return focus_on(world, task.data["right_box"])
    planted = [c for c in children if soil_and_water(c.parent)[0] is not None]
    if children and not planted:
        return _tend_all(world, children[:1]) or "wait1"
    if planted:
        return _tend(world, planted[0], waiting="wait1")
    action = _tend_all(world, parents)
    if action is not None:
        return action
    hive: Thing = task.data["hive"]
    if all(p.stage == 3 for p in parents) and not hive.is_open:
        return reveal(world, hive) or f"open {world.ref(hive)}"
    return "wait1"


def _inclined(world: World, task: Task) -> str:
    """Time the block down each plane with the stopwatch, then focus on the answer."""
    planes: list[Thing] = task.data["planes"]
    block = world.find("block")
    watch = world.find("stopwatch")
    assert block is not None and watch is not None
    if all(plane.uid in world.slid for plane in planes):
        if watch.active:
            return f"deactivate {world.ref(watch)}"
        return focus_on(world, task.data["answer"])
    action = fetch(world, watch)
    if action is not None:
        return action
    plane = next(p for p in planes if p.uid not in world.slid)
    if block.parent is not plane:
        if watch.active:
            return f"deactivate {world.ref(watch)}"
        return deliver(world, block, plane, direct=True) or FALLBACK
    if not watch.active:
        return f"activate {world.ref(watch)}"
    return f"look at {world.ref(plane)}"


STRATEGIES: dict[str, Callable[[World, Task], str]] = {
    "boil": _matter,
    "melt": _matter,
    "freeze": _matter,
    "change-the-state-of-matter-of": _matter,
    "measure-melting-point-known-substance": _melting_point,
    "measure-melting-point-unknown-substance": _melting_point,
    "use-thermometer": _measure,
    "test-conductivity": _conductivity,
    "test-conductivity-of-unknown-substances": _conductivity,
    "power-component": _power,
    "power-component-renewable-vs-nonrenewable-energy": _power,
    "find-living-thing": _classify,
    "find-non-living-thing": _classify,
    "find-plant": _classify,
    "find-animal": _classify,
    "lifespan-longest-lived": _lifespan,
    "lifespan-shortest-lived": _lifespan,
    "lifespan-longest-lived-then-shortest-lived": _lifespan,
    "identify-life-stages-1": _stages,
    "grow-plant": _grow,
    "identify-life-stages-2": _plant_stages,
    "chemistry-mix-paint-secondary-color": _paint,
    "chemistry-mix-paint-tertiary-color": _paint,
    "chemistry-mix": _recipe,
    "grow-fruit": _fruit,
    "mendelian-genetics-known-plant": _genetics,
    "mendelian-genetics-unknown-plant": _genetics,
    "inclined-plane-determine-angle": _inclined,
    "inclined-plane-friction-named-surfaces": _inclined,
    "inclined-plane-friction-unnamed-surfaces": _inclined,
}


def expert_action(world: World, task: Task) -> str:
    """The expert's next command for the task in the current world."""
    if task.failed or task.won():
        return FALLBACK
    return STRATEGIES[task.task_type](world, task)
