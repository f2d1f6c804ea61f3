"""Lights: switch on every lamp of a row. Actions are `switch N` and `look`."""

from __future__ import annotations

from collections.abc import Sequence

from protege.envs import TextEnv

SPLIT_SEEDS = {
    "train": range(0, 200),
    "valid_seen": range(200, 220),
    "valid_unseen": range(300, 320),
}


class LightsEnv(TextEnv):
    """A row of 3 (``short``) or 6 (``long``) lamps; some start off."""

    family = "lights"
    task_types = ("short", "long")
    default_max_steps = 20

    def task_ids(self) -> Sequence[str]:
        ids = []
        for number in SPLIT_SEEDS[self.split]:
            task_type = self.task_types[number % 2]
            if self.task_type_filter in (None, task_type):
                ids.append(f"{task_type}-{number}")
        return ids

    def _reset_task(self, task_id: str) -> str:
        self._type, number = task_id.split("-")
        size = 3 if self._type == "short" else 6
        # every task has at least one lamp off; the task id fixes which
        pattern = (int(number) * 2654435761) % (2**size - 1)
        self.lamps = [bool(pattern >> index & 1) for index in range(size)]
        return "You stand before a row of lamps. " + self._describe()

    def _describe(self) -> str:
        states = ", ".join(
            f"lamp {index} is {'on' if lit else 'off'}" for index, lit in enumerate(self.lamps, 1)
        )
        return states[0].upper() + states[1:] + "."

    def _step(self, action: str) -> tuple[str, float, bool]:
        words = action.lower().split()
        if words == ["look"]:
            return self._describe(), 0.0, False
        if len(words) == 2 and words[0] == "switch" and words[1].isdigit():
            index = int(words[1]) - 1
            if 0 <= index < len(self.lamps):
                self.lamps[index] = not self.lamps[index]
                state = "on" if self.lamps[index] else "off"
                return f"You switch lamp {index + 1} {state}.", float(self.won()), self.won()
        return "Nothing happens. Try `switch N` or `look`.", 0.0, False

    def goal(self) -> str:
        return "switch on every lamp"

    def current_task_type(self) -> str:
        return self._type

    def admissible_actions(self) -> list[str]:
        return ["look"] + [f"switch {index}" for index in range(1, len(self.lamps) + 1)]

    def won(self) -> bool:
        return all(self.lamps)

    def score(self) -> float:
        return sum(self.lamps) / len(self.lamps)

    def expert_action(self) -> str:
        return f"switch {self.lamps.index(False) + 1}"
