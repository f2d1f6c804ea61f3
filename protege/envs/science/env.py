"""``protege/Science-v1``: ScienceWorld-like experiments as a :class:`~protege.envs.core.TextEnv`.

One episode is one variation of one task type. Each command takes one tick of simulated time
(``wait`` takes ten, stopping early once the task is decided); after every tick heat flows,
sinks run, plants grow and the task's ordered subgoals are checked. The reward is the change in
score; the episode ends when the score reaches 1 (won) or the task fails (a wrong focus, a
sample in the wrong box): ScienceWorld's raw score is then -100 (``info["raw_score"]``, the
subgoal points the real task awards otherwise) and ``info["score"]``, kept in [0, 1] by the env
contract, is 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from protege.envs.core import TextEnv
from protege.envs.science import actions, biology, physics, valid
from protege.envs.science.expert import expert_action
from protege.envs.science.house import sinks
from protege.envs.science.tasks import TASK_TYPES, Task, make_task, parse_task_id, task_ids
from protege.envs.science.text import describe_room
from protege.envs.science.world import World


@cache
def _split_ids(split: str, task_type: str | None) -> tuple[str, ...]:
    ids = task_ids(split)
    if task_type is None:
        return ids
    return tuple(i for i in ids if parse_task_id(i)[0] == task_type)


@cache
def _split_id_set(split: str, task_type: str | None) -> frozenset[str]:
    return frozenset(_split_ids(split, task_type))


class ScienceEnv(TextEnv):
    """ScienceWorld-like tasks: matter, measurement, electricity, classification, biology, paint."""

    family = "science"
    task_types = TASK_TYPES
    default_max_steps = 100

    world: World
    task: Task

    def task_ids(self) -> Sequence[str]:
        """Task ids ``<task type>-<variation>`` of the split (and task type)."""
        return _split_ids(self.split, self.task_type_filter)

    def has_task(self, task_id: str) -> bool:
        """Constant-time membership test."""
        return task_id in _split_id_set(self.split, self.task_type_filter)

    def _reset_task(self, task_id: str) -> str:
        self.world, self.task = make_task(task_id)
        self._sinks = sinks(self.world)
        self._settled_version = -1
        self._valid_cache: tuple[int, list[str]] = (-1, [])
        self._choices: list[str] = []
        self.task.update(self.world)
        return f"{self.task.goal}\n\n{describe_room(self.world)}"

    def _tick(self) -> None:
        world = self.world
        world.time += 1
        physics.sink_tick(world, self._sinks)
        if world.thermal_version != self._settled_version and not physics.heat_tick(world):
            self._settled_version = world.thermal_version
        biology.growth_tick(world, [thing for thing in world.things if thing.kind == "plant"])
        if self.task.tick is not None:
            self.task.tick(world, self.task)

    def _step(self, action: str) -> tuple[str, float, bool]:
        task = self.task
        if task.failed or task.won():
            return "The task is over; call reset() to start a new one.", 0.0, True
        before = task.score()
        choices, self._choices = self._choices, []
        answer = action.strip()
        if choices and answer.isdigit() and int(answer) < len(choices):
            action = choices[int(answer)]  # the number answers ScienceWorld's ambiguity prompt
        outcome = actions.apply(self.world, action, task.goal)
        self._choices = outcome.choices
        if outcome.reset:  # "reset task": the same variation from its first state
            return self._reset_task(self.task_id or ""), -before, False
        text = outcome.text
        if outcome.focus is not None:
            text = task.focus(outcome.focus)
        for _ in range(outcome.ticks):
            self._tick()
            task.update(self.world)
            if task.failed or task.won():
                break
        if task.failed:
            if outcome.focus is None:
                text = f"{text}\n{task.failure}"
            text += " The task has failed."
        elif task.won():
            text += "\nCongratulations! You have completed the task."
        return text, task.score() - before, task.failed or task.won()

    def goal(self) -> str:
        """The task description."""
        return self.task.goal

    def current_task_type(self) -> str:
        """The current task's type."""
        return self.task.task_type

    def admissible_actions(self) -> list[str]:
        """Valid commands in the current state (cached until the world changes)."""
        version, cached = self._valid_cache
        if version != self.world.version:
            cached = valid.admissible(self.world)
            self._valid_cache = (self.world.version, cached)
        return cached

    def won(self) -> bool:
        """Whether every subgoal is completed."""
        return self.task.won()

    def score(self) -> float:
        """The raw score / 100: weighted ordered subgoals completed (0 after a failure)."""
        return self.task.score()

    def expert_action(self) -> str:
        """The planner's next command from the current state."""
        return expert_action(self.world, self.task)

    def extra_info(self) -> dict[str, Any]:
        """The variation number (ScienceWorld's ``variationIdx``) and ScienceWorld's raw score
        (-100 after a failure, else 0-100)."""
        return {"variation": self.task.variation, "raw_score": self.task.raw_score()}
