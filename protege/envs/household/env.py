"""``protege/Household-v1``: ALFWorld-like household tasks as a :class:`~protege.envs.TextEnv`.

Reward: 1.0 on the step that achieves the goal (the episode then terminates), else 0.0, as
ALFWorld's ``won`` signal; ``info["score"]`` carries the denser subgoal progress in [0, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from protege.envs.core import SPLITS, TextEnv
from protege.envs.household.catalog import ALFWORLD_TASK_TYPES, TASK_TYPES
from protege.envs.household.expert import expert_action
from protege.envs.household.goal import Objective
from protege.envs.household.tasks import (
    HouseholdTask,
    build_task,
    parse_task_id,
    split_task_ids,
)


class HouseholdEnv(TextEnv):
    """One room, its receptacles and objects, and one of ALFWorld's six tasks.

    ``gymnasium.make("protege/Household-v1", split="valid_unseen", task_type=...)``;
    ``reset(seed=s)`` picks a task of the split and
    ``options={"task_id": "valid_seen/pick_and_place/0003"}`` one by id. Commands, feedback and
    admissible actions are ALFWorld 0.4's (``go to X``, ``take X from Y``, ``move X to Y``,
    ``Nothing happens.``); ``help`` lists them.

    ``strict=True`` accepts commands exactly as ALFWorld's engine does (case, spaces and
    punctuation verbatim, no ``put``); ``strict=False`` also takes harmless variations. The
    default, ``None``, is strict on the evaluation splits (``valid_seen``, ``valid_unseen``) so
    that scores there compare with ALFWorld's, and tolerant on ``train``.
    """

    family = "household"
    task_types = TASK_TYPES
    default_max_steps = 50

    def __init__(self, *args: Any, strict: bool | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strict = strict if strict is not None else self.split != SPLITS[0]

    def task_ids(self) -> Sequence[str]:
        """The split's task ids (of ``task_type`` if given), in a fixed order."""
        return split_task_ids(self.split, self.task_type_filter)

    def has_task(self, task_id: str) -> bool:
        """Whether ``task_id`` names a task of this split (and task type filter)."""
        parsed = parse_task_id(task_id)
        return (
            parsed is not None
            and parsed[0] == self.split
            and self.task_type_filter in (None, parsed[1])
        )

    def _reset_task(self, task_id: str) -> str:
        self.task: HouseholdTask = build_task(task_id)
        self.world = self.task.new_world(strict=self.strict)
        self.objective = Objective(self.world, self.task.goal)
        return self.world.intro(self.task.goal_text)

    def _step(self, action: str) -> tuple[str, float, bool]:
        observation = self.world.apply(action)
        won = self.objective.won()
        return observation, 1.0 if won else 0.0, won

    def goal(self) -> str:
        """The task's instruction, e.g. ``put a hot apple in countertop``."""
        return self.task.goal_text

    def current_task_type(self) -> str:
        """The task's type, one of the six ALFWorld types."""
        return self.task.task_type

    def admissible_actions(self) -> list[str]:
        """ALFWorld-style admissible commands for the current state, sorted."""
        return self.world.admissible_actions()

    def won(self) -> bool:
        """Whether the goal holds now."""
        return self.objective.won()

    def score(self) -> float:
        """Subgoal progress in [0, 1]; 1.0 exactly when won."""
        return self.objective.score()

    def expert_action(self) -> str:
        """The planner's next command; it recovers from any state the agent left."""
        return expert_action(self.objective)

    def extra_info(self) -> dict[str, Any]:
        """The room kind and ALFWorld's name of the task type, beside the contract keys."""
        return {
            "room": self.task.room,
            "alfworld_task_type": ALFWORLD_TASK_TYPES[self.task.task_type],
        }
