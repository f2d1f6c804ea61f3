"""A minimal TextEnv for tests: move a counter to a target number.

Actions: ``add 1``, ``add 2``, ``sub 1``. The expert walks straight to the target from any
value, so it recovers after detours. Registered by ``tests/conftest.py`` as
``protege-test/Counter-v0``.
"""

from __future__ import annotations

from collections.abc import Sequence

from protege.envs import TextEnv

ACTIONS = ("add 1", "add 2", "sub 1")
TASKS_PER_SPLIT = {"train": 60, "valid_seen": 10, "valid_unseen": 10}


class CounterEnv(TextEnv):
    """Reach the target number; ``small`` tasks have targets below 6, ``large`` ones up to 15."""

    family = "counter"
    task_types = ("small", "large")
    default_max_steps = 30

    def task_ids(self) -> Sequence[str]:
        offset = {"train": 0, "valid_seen": 1000, "valid_unseen": 2000}[self.split]
        ids = []
        for index in range(TASKS_PER_SPLIT[self.split]):
            task_type = self.task_types[index % 2]
            if self.task_type_filter in (None, task_type):
                ids.append(f"{task_type}-{offset + index}")
        return ids

    def _reset_task(self, task_id: str) -> str:
        self._type, number = task_id.split("-")
        limit = 6 if self._type == "small" else 16
        self.target = 1 + int(number) % (limit - 1)
        self.value = int(self.np_random.integers(0, 3))
        return f"The counter shows {self.value}. Your task is to: make it show {self.target}."

    def _step(self, action: str) -> tuple[str, float, bool]:
        command = " ".join(action.lower().split())
        if command not in ACTIONS:
            return "Nothing happens. Try one of: " + ", ".join(ACTIONS), 0.0, False
        verb, amount = command.split()
        self.value += int(amount) if verb == "add" else -int(amount)
        won = self.won()
        return f"The counter shows {self.value}.", float(won), won

    def goal(self) -> str:
        return f"make the counter show {self.target}"

    def current_task_type(self) -> str:
        return self._type

    def admissible_actions(self) -> list[str]:
        return list(ACTIONS)

    def won(self) -> bool:
        return self.value == self.target

    def score(self) -> float:
        return max(0.0, 1.0 - abs(self.target - self.value) / max(self.target, 1))

    def expert_action(self) -> str:
        gap = self.target - self.value
        if gap >= 2:
            return "add 2"
        return "add 1" if gap == 1 else "sub 1"
