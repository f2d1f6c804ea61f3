"""The Household expert: a planner that picks the next command from any reachable state.

It plans only from what the agent has seen (nothing moves unless the agent moves it, so what it
saw stays true): it takes a goal object it knows about, or else searches, in a fixed order, the
receptacles it has not looked into that could hold one (surfaces before cabinets and drawers,
the one it stands at first). It carries one thing at a time: a wrongly held object is put down
first, in the nearest receptacle that can contain it. Then it transforms the object (heat,
cool, clean) at the appliance where the task asks for it, and brings it to the target, opening
what is closed on the way; for a look-at-in-light task it brings the object to a desklamp and
turns the lamp on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from protege.envs.household.catalog import APPLIANCES, LAMP, LAMP_HOLDERS, can_contain
from protege.envs.household.goal import Objective
from protege.envs.household.world import World


def expert_action(objective: Objective) -> str:
    """The expert's next command for ``objective``'s world (``look`` once the goal holds)."""
    world, goal = objective.world, objective.goal
    if objective.won():
        return "look"
    held = world.held
    if held is not None and world.object_type[held] != goal.object_type:
        return _put_down(world, held)
    if goal.task_type == "look_at_obj_in_light":
        return _look_in_light(objective) if held is not None else _fetch(objective, exclude=None)
    target = _choose_target(objective)
    if held is None:
        return _fetch(objective, exclude=target if goal.count == 2 else None)
    if goal.transform is not None and not objective.has_property(held):
        appliance_type = APPLIANCES[goal.transform]
        appliance = _first(world, world.receptacles, appliance_type)
        action = f"{goal.transform} {held} with {appliance}"
        return _reach(world, appliance, action, need_open=False)
    return _reach(world, target, f"move {held} to {target}")


def _reach(world: World, receptacle: str, action: str, need_open: bool = True) -> str:
    """Walk to ``receptacle``, open it if needed, then do ``action``."""
    if world.here != receptacle:
        return f"go to {receptacle}"
    if need_open and not world.accessible(receptacle):
        return f"open {receptacle}"
    return action


def _first(world: World, names: Iterable[str], receptacle_type: str) -> str:
    """The receptacle of ``receptacle_type`` to use: the one the agent is at, else the first."""
    if world.here is not None and world.receptacle_type[world.here] == receptacle_type:
        return world.here
    return next(name for name in names if world.receptacle_type[name] == receptacle_type)


def _preference(world: World, receptacle: str) -> tuple[int, int]:
    """Sort key: the agent's receptacle first, then open or open-less ones, then closed ones."""
    if receptacle == world.here:
        return (0, 0)
    return (1 if world.accessible(receptacle) else 2, world.receptacles.index(receptacle))


def _choose_target(objective: Objective) -> str:
    """The target receptacle: the one holding most finished goal objects, else the handiest."""
    world = objective.world
    return min(
        objective.targets,
        key=lambda name: (-objective.placed_in(name), *_preference(world, name)),
    )


def _fetch(objective: Objective, exclude: str | None) -> str:
    """Take a known goal object (not one already in ``exclude``), or search for one."""
    world = objective.world
    known = [
        obj
        for obj in objective.objects
        if world.seen(obj) and world.location[obj] != exclude and world.held != obj
    ]
    if known:
        obj = min(
            known,
            key=lambda name: (
                not objective.has_property(name),
                *_preference(world, world.location[name]),
            ),
        )
        source = world.location[obj]
        return _reach(world, source, f"take {obj} from {source}")
    return _search(world, lambda kind: can_contain(kind, objective.goal.object_type))


def _search(world: World, could_hold: Callable[[str], bool]) -> str:
    """Go to (and open) the handiest receptacle not yet looked into that could hold the thing."""
    unsearched = [
        name
        for name in world.receptacles
        if name not in world.searched and could_hold(world.receptacle_type[name])
    ]
    if not unsearched:
        return "look"
    receptacle = min(unsearched, key=lambda name: _preference(world, name))
    return _reach(world, receptacle, "look")


def _look_in_light(objective: Objective) -> str:
    """Carrying the goal object: go to a desklamp and turn it on."""
    world = objective.world
    lamps = [
        obj
        for obj, kind in world.object_type.items()
        if kind == LAMP and world.location[obj] in world.searched
    ]
    if not lamps:
        return _search(world, lambda kind: kind in LAMP_HOLDERS)
    lamp = min(lamps, key=lambda name: (name not in world.lamps_on, name))
    receptacle = world.location[lamp]
    if world.here != receptacle:
        return f"go to {receptacle}"
    return f"use {lamp}"


def _put_down(world: World, held: str) -> str:
    """Put a wrongly held object down in the handiest receptacle that can contain it."""
    kind = world.object_type[held]
    candidates = [
        name for name in world.receptacles if can_contain(world.receptacle_type[name], kind)
    ]
    receptacle = min(candidates, key=lambda name: _preference(world, name))
    return _reach(world, receptacle, f"move {held} to {receptacle}")
