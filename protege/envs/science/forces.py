"""Inclined planes, sliding blocks and the stopwatch that times them.

A block put on an inclined plane slides down at a constant speed per tick that grows with the
slope and falls with the surface's friction (``sin a - mu cos a``, the net pull along the
plane); it never sticks, because every plane of the tasks is steep enough. ``look at`` a plane
tells how far down the block is; a running stopwatch counts ticks from its activation.
"""

from __future__ import annotations

import math

from protege.envs.science.world import Thing, World

SPEED_SCALE = 25.0
"""Percent of the plane per tick for a net pull of 1 (a frictionless vertical drop)."""
MIN_PULL = 0.05
"""The net pull never goes below this, so every block reaches the bottom."""


def speed(plane: Thing) -> float:
    """Percent of the plane a block slides down per tick."""
    angle = math.radians(plane.angle or 0.0)
    pull = math.sin(angle) - plane.friction * math.cos(angle)
    return SPEED_SCALE * max(pull, MIN_PULL)


def ticks_to_bottom(plane: Thing) -> int:
    """How many ticks a block takes to slide down a plane from the top."""
    return math.ceil(100 / speed(plane))


def slide_tick(world: World, planes: list[Thing]) -> None:
    """Move every block on a plane one tick down; count the running stopwatches."""
    for plane in planes:
        for block in plane.contents:
            position = world.slides.get(block.uid, 0.0)
            if position >= 100:
                continue
            position = min(100.0, position + speed(plane))
            world.slides[block.uid] = position
            if position >= 100:
                world.slid.add(plane.uid)
            world.version += 1
    for uid in world.timers:
        watch = next((t for t in world.things if t.uid == uid), None)
        if watch is not None and watch.active:
            world.timers[uid] += 1


def plane_phrase(world: World, plane: Thing) -> str:
    """``with: a block approximately 40% down the plane`` / ``... at the bottom of the plane``."""
    if not plane.contents:
        return "with: nothing"
    parts = []
    for block in plane.contents:
        position = world.slides.get(block.uid, 0.0)
        if position >= 100:
            parts.append(f"a {block.name} at the bottom of the plane")
        else:
            parts.append(f"a {block.name} approximately {round(position)}% down the plane")
    return "with: " + ", ".join(parts)


def start_stopwatch(world: World, watch: Thing) -> None:
    """Activating a stopwatch resets it to 0 ticks."""
    world.timers[watch.uid] = 0


def put_on_plane(world: World, block: Thing) -> None:
    """A block put (back) on a plane starts at the top."""
    world.slides[block.uid] = 0.0
