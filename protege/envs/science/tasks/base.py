"""What every Science task is made of: a goal, focus rules, ordered subgoals and a failure rule.

Scoring follows ScienceWorld's ``GoalSequence``: ordered subgoals complete one after another (a
subgoal only counts once the ones before it hold, and stays completed), and each completed
subgoal brings the raw score (0-100, as ScienceWorld reports it) to that subgoal's entry of
``points``. The real tasks weigh their subgoals unevenly (an early ``focus on`` is often worth a
third or more), so each task type sets ``points`` from the scores the real engine gives along
its gold path. ``focus on X`` commits an answer: the task accepts it only if ``X`` satisfies the
next focus rule; any other focus fails the task (raw score -100, episode over).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from protege.envs.science.world import Thing, World

Subgoal = Callable[[World, "Task"], bool]
FocusRule = Callable[[Thing], bool]

BOX_COLORS: tuple[str, ...] = ("red", "green", "blue", "orange", "yellow", "purple")
FAILED_SCORE = -100
"""ScienceWorld's raw score once a task has failed."""


def even_points(count: int) -> tuple[int, ...]:
    """Cumulative raw scores for ``count`` equally weighted subgoals (ScienceWorld's default)."""
    return tuple(round(100 * (index + 1) / count) for index in range(count))


@dataclass
class Task:
    """One task instance: its goal text and how progress is judged."""

    task_type: str
    variation: int
    goal: str
    focus_rules: list[FocusRule]
    subgoals: list[Subgoal]
    data: dict[str, Any] = field(default_factory=dict)
    fail_rule: Callable[[World, Task], str | None] | None = None
    """Returns why the task failed (e.g. a sample in the wrong box), or None."""
    tick: Callable[[World, Task], None] | None = None
    """Task-specific dynamics run every tick (pollination, a block sliding)."""
    points: tuple[int, ...] = ()
    """Raw score (0-100) once each ordered subgoal is completed; empty: equal weights."""
    focused: list[Thing] = field(default_factory=list)
    progress: int = 0
    failed: bool = False
    failure: str = ""

    def __post_init__(self) -> None:
        if not self.points:
            self.points = even_points(len(self.subgoals))
        if len(self.points) != len(self.subgoals) or self.points[-1] != 100:
            raise ValueError(
                f"{self.task_type}: points {self.points} must give one cumulative score per "
                f"subgoal ({len(self.subgoals)}) and end at 100"
            )

    def raw_score(self) -> int:
        """ScienceWorld's score: the points of the subgoals completed, -100 once failed."""
        if self.failed:
            return FAILED_SCORE
        return self.points[self.progress - 1] if self.progress else 0

    def score(self) -> float:
        """The raw score as a fraction in [0, 1] (0 once failed)."""
        return max(0, self.raw_score()) / 100

    def won(self) -> bool:
        """Whether every subgoal is completed."""
        return not self.failed and self.progress == len(self.subgoals)

    def update(self, world: World) -> None:
        """Complete the subgoals that hold now, in order, and check the failure rule."""
        if self.failed:
            return
        while self.progress < len(self.subgoals) and self.subgoals[self.progress](world, self):
            self.progress += 1
        if self.fail_rule is not None and not self.won():
            reason = self.fail_rule(world, self)
            if reason:
                self.failed, self.failure = True, reason

    def focus(self, thing: Thing) -> str:
        """Apply ``focus on thing``; return the observation."""
        index = len(self.focused)
        if index < len(self.focus_rules) and self.focus_rules[index](thing):
            self.focused.append(thing)  # one thing may answer several rules (a growing plant)
            return f"You focus on the {thing.name}."
        if thing in self.focused:
            return f"You are already focusing on the {thing.name}."
        self.failed = True
        self.failure = f"You focused on the {thing.name}, which is not what the task asked for."
        return f"You focus on the {thing.name}. {self.failure}"


@dataclass(frozen=True)
class Family:
    """A group of task types built by one function (e.g. boil / melt / freeze)."""

    task_types: tuple[str, ...]
    variations: Callable[[str], list[dict[str, Any]]]
    """The parameters of every variation of a task type, in a fixed order."""
    build: Callable[[World, str, int, dict[str, Any], np.random.Generator], Task]
    """Add the task's things to a house and return the task."""


# ---------------------------------------------------------------------- helpers for builders


def furniture_in(world: World, room: str, name: str) -> Thing:
    """A named piece of furniture in a room."""
    for thing in world.rooms[room].contents:
        if thing.name == name:
            return thing
    raise KeyError(f"no {name} in the {room}")


SURFACES: dict[str, str] = {
    "kitchen": "counter",
    "living room": "desk",
    "workshop": "table",
    "art studio": "table",
    "bedroom": "bed",
    "bathroom": "bathtub",
    "foundry": "table",
    "greenhouse": "greenhouse",
    "outside": "outside",
    "hallway": "hallway",
}
"""Where loose things are put in each room (the room itself where it has no surface)."""


def spot(world: World, room: str) -> Thing:
    """The surface of a room where task objects are put."""
    name = SURFACES[room]
    return world.rooms[room] if name == room else furniture_in(world, room, name)


def add_boxes(world: World, room: str, colors: tuple[str, ...]) -> list[Thing]:
    """Answer boxes of the given colours, in a room."""
    return [
        world.add(Thing(f"{color} box", kind="box", container=True, movable=False), room)
        for color in colors
    ]


def pick(rng: np.random.Generator, options: list | tuple) -> Any:
    """One option drawn with a numpy generator."""
    return options[int(rng.integers(len(options)))]


def box_colors(rng: np.random.Generator, count: int) -> tuple[str, ...]:
    """``count`` distinct box colours."""
    order = rng.permutation(len(BOX_COLORS))[:count]
    return tuple(BOX_COLORS[int(i)] for i in order)


def focused_is(index: int) -> Subgoal:
    """Subgoal: the ``index``-th focus has been made."""
    return lambda world, task: len(task.focused) > index


def inside(thing: Thing, box: Thing) -> bool:
    """Whether ``box`` holds ``thing`` at any depth."""
    current = thing.parent
    while current is not None:
        if current is box:
            return True
        current = current.parent
    return False


def wrong_box_rule(sample_key: str, boxes_key: str, answer: Callable[[World, Task], Thing]):
    """Failure rule: the sample is in one of the answer boxes, but not the right one."""

    def rule(world: World, task: Task) -> str | None:
        sample = task.data[sample_key]
        right = answer(world, task)
        for box in task.data[boxes_key]:
            if box is not right and inside(sample, box):
                return f"The {sample.name} was put in the wrong box ({box.name})."
        return None

    return rule
