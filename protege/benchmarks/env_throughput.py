"""Environment throughput core: reset time and steps per second with admissible actions.

Each benchmarked environment is a :class:`Row` in :data:`ROWS`; a row names the row it is
compared with (its *anchor*, e.g. the real TextWorld engine), and :func:`run` reports the ratio
of their steps per second. Add an environment by appending a ``Row`` (use :func:`gym_row` for a
registered protege environment). Rows step uniformly random admissible actions from a fixed
seed and reset when an episode ends; reset time is measured separately from step time.
``benchmarks/env_throughput.py`` and ``protege bench`` run them pinned to one core
(:func:`one_core`).
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol


class Stepper(Protocol):
    """One environment behind the benchmark's two calls; both return the admissible actions."""

    def reset(self, seed: int) -> list[str]:
        """Start an episode; return its admissible actions."""
        ...

    def step(self, action: str) -> tuple[list[str], bool]:
        """Apply ``action``; return the admissible actions and whether the episode ended."""
        ...


@dataclass(frozen=True)
class Row:
    """One benchmarked environment."""

    name: str
    """Short key for ``--rows`` and the table."""
    make: Callable[[], Stepper]
    """Builds the environment (setup time is not measured)."""
    anchor: str | None = None
    """Name of the row this one is compared with (ratio of steps per second)."""
    steps_scale: float = 1.0
    """Fraction of ``--steps`` this row runs (slow anchors need fewer to be measured well)."""
    resets: int | None = None
    """At most this many resets are timed (slow anchors); ``--resets`` when None."""
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------ protege environments


class GymStepper:
    """A registered protege environment, made with ``gymnasium.make``."""

    def __init__(self, env_id: str, **make_kwargs: Any) -> None:
        import gymnasium as gym

        import protege  # noqa: F401  registers the built-in environments

        self.env = gym.make(env_id, **make_kwargs)

    def reset(self, seed: int) -> list[str]:
        """Reset with ``seed``."""
        _, info = self.env.reset(seed=seed)
        return self._actions(info)

    def step(self, action: str) -> tuple[list[str], bool]:
        """Step the wrapped environment."""
        _, _, terminated, truncated, info = self.env.step(action)
        return self._actions(info), terminated or truncated

    def _actions(self, info: dict[str, Any]) -> list[str]:
        # Open action sets list nothing: fall back to the expert so the episode still moves.
        return info["admissible_actions"] or [self.env.unwrapped.expert_action()]


class ShopStepper(GymStepper):
    """``protege/Shop-v1``: the search page's ``search[<query>]`` template becomes real searches.

    A random agent picks among the goal's key words and its bare product type, so episodes
    reach result and item pages (and ``buy now`` ends them) instead of repeating the template.
    """

    def _actions(self, info: dict[str, Any]) -> list[str]:
        if info["admissible_actions"] == ["search[<query>]"]:
            goal = self.env.unwrapped.current_goal
            return [f"search[{goal.keywords}]", f"search[{goal.query}]"]
        return super()._actions(info)


def gym_row(name: str, env_id: str, anchor: str | None = None, **make_kwargs: Any) -> Row:
    """A row for a registered protege environment."""
    return Row(
        name=name,
        make=lambda: GymStepper(env_id, **make_kwargs),
        anchor=anchor,
        description=f"gymnasium.make({env_id!r}{_kwargs_text(make_kwargs)})",
    )


def _kwargs_text(kwargs: dict[str, Any]) -> str:
    return "".join(f", {key}={value!r}" for key, value in kwargs.items())


# ------------------------------------------- TextWorld and ScienceWorld anchors (protege adapters)


class TaskListStepper(GymStepper):
    """A protege adapter to a real engine that resets to ``task_ids[seed % len(task_ids)]``.

    Setup resets once, so making the TextWorld game (or reading it from the game cache) and
    starting ScienceWorld's JVM are not timed.
    """

    def __init__(self, env_id: str, task_ids: list[str], **make_kwargs: Any) -> None:
        super().__init__(env_id, **make_kwargs)
        self.task_ids = task_ids
        self.reset(0)

    def reset(self, seed: int) -> list[str]:
        """Reset to the task that ``seed`` names."""
        task_id = self.task_ids[seed % len(self.task_ids)]
        _, info = self.env.reset(seed=seed, options={"task_id": task_id})
        return self._actions(info)


SCIENCEWORLD_TASKS = (
    "boil",
    "use-thermometer",
    "test-conductivity",
    "power-component",
    "find-living-thing",
    "chemistry-mix-paint-secondary-color",
    "lifespan-longest-lived",
    "identify-life-stages-2",
    "grow-plant",
)
"""ScienceWorld tasks that Science-v1 also has; each reset loads the next one."""


TW_COOKING = {"recipe": 3, "take": 3, "go": 6, "open": True, "cook": True, "cut": True}
"""`tw-make tw-cooking --recipe 3 --take 3 --go 6 --open --cook --cut` as TextWorld-v1 settings."""

ROWS: list[Row] = [
    Row(
        name="textworld-cooking",
        make=lambda: TaskListStepper(
            "protege/TextWorld-v1",
            ["tw-cooking-1234"],
            settings={"tw-cooking": TW_COOKING},
            expert_policy=False,  # as before: admissible commands, won and lost only
        ),
        steps_scale=0.05,
        resets=10,
        description="gymnasium.make('protege/TextWorld-v1'): real TextWorld, tw-cooking seed "
        "1234, " + ", ".join(f"{key}={value}" for key, value in TW_COOKING.items()) + " (6 rooms)",
    ),
    gym_row("household", "protege/Household-v1", anchor="textworld-cooking", split="train"),
    Row(
        name="scienceworld",
        make=lambda: TaskListStepper(
            "protege/ScienceWorld-v1", [f"{task}-0" for task in SCIENCEWORLD_TASKS]
        ),
        steps_scale=0.02,
        resets=9,
        description="gymnasium.make('protege/ScienceWorld-v1'): real ScienceWorld, "
        + ", ".join(SCIENCEWORLD_TASKS)
        + " (variation 0)",
    ),
    gym_row("science", "protege/Science-v1", anchor="scienceworld", split="train"),
    Row(
        name="shop",
        make=lambda: ShopStepper("protege/Shop-v1", split="train"),
        description="gymnasium.make('protege/Shop-v1', split='train'); searches: goal key words "
        "or product type",
    ),
]
"""Every benchmarked environment; later environment families append their rows here."""


# ------------------------------------------------------------------ measurement


def measure(row: Row, env: Stepper, steps: int, resets: int, seed: int = 0) -> dict[str, Any]:
    """Reset time and steps per second of one row's environment ``env``."""
    rng = random.Random(seed)
    n_resets = min(row.resets, resets) if row.resets is not None else resets
    reset_seconds = []
    for index in range(n_resets):
        start = time.perf_counter()
        env.reset(seed=seed + index)
        reset_seconds.append(time.perf_counter() - start)
    actions = env.reset(seed=seed)
    n_steps = max(1, round(steps * row.steps_scale))
    step_seconds = 0.0
    episodes = 1
    admissible_total = 0
    for index in range(n_steps):
        admissible_total += len(actions)
        action = rng.choice(actions)
        start = time.perf_counter()
        actions, done = env.step(action)
        step_seconds += time.perf_counter() - start
        if done:
            actions = env.reset(seed=seed + n_resets + index)
            episodes += 1
    return {
        "name": row.name,
        "description": row.description,
        "anchor": row.anchor,
        "reset_ms": 1000 * sum(reset_seconds) / len(reset_seconds),
        "resets": n_resets,
        "steps": n_steps,
        "episodes": episodes,
        "steps_per_s": n_steps / step_seconds,
        "us_per_step": 1e6 * step_seconds / n_steps,
        "mean_admissible_actions": admissible_total / n_steps,
    }


def run(rows: list[Row], steps: int, resets: int, repeats: int = 1) -> list[dict[str, Any]]:
    """Measure ``rows`` and their anchors; keep each row's best steps/s of ``repeats`` runs.

    The repeats interleave the rows, so a row and its anchor see the same machine load. Reset
    time is the first run's (cold: an environment may cache what it built on a reset).
    """
    by_name = {row.name: row for row in ROWS}
    needed = {row.name for row in rows} | {row.anchor for row in rows if row.anchor}
    ordered = sorted((by_name[name] for name in needed), key=lambda row: row.anchor is not None)
    envs = {row.name: row.make() for row in ordered}
    results: dict[str, dict[str, Any]] = {}
    for _ in range(repeats):
        for row in ordered:
            result = measure(row, envs[row.name], steps, resets)
            best = results.get(row.name)
            if best is None:
                results[row.name] = result
            elif result["steps_per_s"] > best["steps_per_s"]:
                # Reset time comes from the first run: later runs may find tasks cached.
                results[row.name] = {**result, "reset_ms": best["reset_ms"]}
    for result in results.values():
        result["repeats"] = repeats
    for result in results.values():
        anchor = results.get(result["anchor"]) if result["anchor"] else None
        result["ratio"] = result["steps_per_s"] / anchor["steps_per_s"] if anchor else None
    return list(results.values())


def pin_to_one_core(core: int | None) -> int | None:
    """Pin this process to one CPU core (the first allowed one by default); None if unsupported."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0))
    chosen = core if core is not None else allowed[0]
    os.sched_setaffinity(0, {chosen})
    return chosen


@contextmanager
def one_core(core: int | None = None) -> Iterator[int | None]:
    """Pin this process to one core inside the block, then restore its previous cores."""
    if not hasattr(os, "sched_getaffinity"):
        yield None
        return
    before = os.sched_getaffinity(0)
    try:
        yield pin_to_one_core(core)
    finally:
        os.sched_setaffinity(0, before)
