"""``protege/ScienceWorld-v1``: the real ScienceWorld simulator behind the protege contract.

Each environment owns one JVM (ScienceWorld's own, started through py4j on first use and
stopped by :meth:`ScienceWorldEnv.close`). Task ids are ``"<task name>-<variation>"`` (e.g.
``"boil-14"``); the task type is the task name; the splits are ScienceWorld's own variation
lists (train -> ``train``, dev -> ``valid_seen``, test -> ``valid_unseen``; see
:data:`~protege.envs.scienceworld.cache.SPLIT_LISTS`).

The mapping to the contract: ``won`` means ScienceWorld's score reached 100, ``goal`` is the
task description and ``admissible_actions`` are the simulator's valid actions (hundreds of
strings: the ``max_admissible_actions`` option keeps only the shortest ones, or none). The
episode ends when the task is completed or failed (a wrong ``focus on``), or at ``max_steps``
(100 by default, the usual budget; some gold paths are longer).

Reward and score are on the adapters' scale (:mod:`protege.envs.reward`): ``score`` is
ScienceWorld's score / 100 clipped to [0, 1], so a failed task (ScienceWorld's -100) scores 0;
the step reward is the change of that score, the progress a variation starts with (some start
at 50) paid with the first applied step, so an episode's rewards sum to its final score and a
failure's last reward gives back the progress made. ``info["raw_score"]`` is ScienceWorld's
own score (-100 on failure), ``info["max_score"]`` is 100 and ``info["lost"]`` says the task
failed. (``-v0`` did not pay the starting progress.)
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from protege.envs.core import TextEnv
from protege.envs.reward import ScoreRewards, normalised_score
from protege.envs.scienceworld.cache import SPLIT_LISTS, TASK_NAMES, ScienceWorldCache
from protege.errors import MissingDependencyError, import_optional

MAX_COMMAND_CHARS = 300
NOTHING_HAPPENS = "Nothing happens."
_DESCRIPTION_PREFIX = "Task Description:"
MAX_SCORE = 100
"""ScienceWorld's score of a completed task; a failed one scores -100."""


def unavailable_reason() -> str | None:
    """Why ``protege/ScienceWorld-v1`` cannot start here (one line), or None when it can."""
    try:
        _import_scienceworld()
    except MissingDependencyError as error:
        return str(error)
    return None


def _import_scienceworld() -> Any:
    scienceworld = import_optional("scienceworld", "scienceworld", "protege/ScienceWorld-v1")
    if shutil.which("java") is None:
        raise MissingDependencyError(
            "`java` is not installed for protege/ScienceWorld-v1 (its simulator runs on the "
            "JVM); install a Java 11+ runtime, e.g.: apt-get install default-jre-headless"
        )
    return scienceworld


class ScienceWorldEnv(TextEnv):
    """ScienceWorld's 30 tasks and their variations, one JVM per environment.

    Args:
        split: ``train``, ``valid_seen`` (ScienceWorld's dev variations) or ``valid_unseen``
            (its test variations).
        task_type: one of the 30 task names (:data:`~protege.envs.scienceworld.cache.TASK_NAMES`).
        max_steps: steps before truncation (100 by default).
        render_mode: ``"ansi"`` or None.
        simplifications: ScienceWorld's simplification string, e.g. ``"easy"`` or
            ``"teleportAction,openDoors"``; none by default.
        max_admissible_actions: None lists every valid action; ``n`` keeps the ``n`` shortest
            (ties in the simulator's order), which drops most of the ``connect``/``pour``/``move``
            combinations; 0 lists none and skips their enumeration, the costly part of a step.
        cache_dir: where variation lists and gold paths are kept;
            ``$PROTEGE_CACHE/scienceworld`` by default.
    """

    family = "scienceworld"
    task_types: ClassVar[tuple[str, ...]] = TASK_NAMES
    default_max_steps = 100

    def __init__(
        self,
        split: str = "train",
        task_type: str | None = None,
        max_steps: int | None = None,
        render_mode: str | None = None,
        simplifications: str = "",
        max_admissible_actions: int | None = None,
        cache_dir: str | Path | None = None,
    ) -> None:
        super().__init__(split, task_type, max_steps, render_mode)
        scienceworld = _import_scienceworld()
        if max_admissible_actions is not None and max_admissible_actions < 0:
            raise ValueError(f"max_admissible_actions must be >= 0, got {max_admissible_actions}")
        from py4j.protocol import Py4JJavaError  # scienceworld's own dependency

        self._package = scienceworld
        self._java_error = Py4JJavaError
        self.simplifications = simplifications
        self.max_admissible_actions = max_admissible_actions
        self.cache = ScienceWorldCache(cache_dir, importlib.metadata.version("scienceworld"))
        self._sim: Any = None
        self._task = ""
        self._variation = 0
        self._description = ""
        self._raw_score = 0
        self._completed = False
        self._rewards = ScoreRewards()
        self._history: list[str] = []
        self._gold: list[str] | None = None
        self._valid: list[str] | None = None

    # ----------------------------------------------------------------- tasks

    def task_ids(self) -> Sequence[str]:
        tasks = [self.task_type_filter] if self.task_type_filter else list(TASK_NAMES)
        return [f"{task}-{v}" for task in tasks for v in self.split_variations(task)]

    def has_task(self, task_id: str) -> bool:
        task, _, variation = str(task_id).rpartition("-")
        if task not in TASK_NAMES or not variation.isdigit():
            return False
        if self.task_type_filter not in (None, task):
            return False
        return int(variation) in self.split_variations(task)

    def split_variations(self, task: str) -> list[int]:
        """The variations of ``task`` in this split, from ScienceWorld's own lists."""
        lists = self.cache.variations(task)
        if lists is None:
            lists = self._ask_variation_lists(task)
            self.cache.store_variations(task, lists)
        return lists[SPLIT_LISTS[self.split]]

    def _ask_variation_lists(self, task: str) -> dict[str, list[int]]:
        # The lists belong to the loaded task: loading one ends any episode in progress, so
        # the episode is rebuilt afterwards.
        sim = self._simulator()
        sim.load(task, 0, "", False)
        lists = {
            "train": [int(v) for v in sim.get_variations_train()],
            "dev": [int(v) for v in sim.get_variations_dev()],
            "test": [int(v) for v in sim.get_variations_test()],
        }
        if self._task:
            self._rebuild_episode(gold=False)
        return lists

    # ----------------------------------------------------------------- simulator

    def _simulator(self) -> Any:
        if self._sim is None:
            self._sim = self._package.ScienceWorldEnv("", envStepLimit=1_000_000)
        return self._sim

    def _rebuild_episode(self, gold: bool) -> str:
        """Load the current variation, reset it and replay the actions taken so far."""
        sim = self._simulator()
        sim.load(self._task, self._variation, self.simplifications, gold)
        sim.server.reset()
        observation = str(sim.server.step("look around"))
        for action in self._history:
            observation = str(sim.server.step(action))
        self._read_progress()
        self._valid = None
        return observation

    def _read_progress(self) -> None:
        server = self._sim.server
        self._raw_score = round(100 * server.getScore())
        self._completed = bool(server.getCompleted()) or self._raw_score < 0

    # ----------------------------------------------------------------- episode

    def _reset_task(self, task_id: str) -> str:
        task, _, variation = task_id.rpartition("-")
        self._task, self._variation = task, int(variation)
        self._history = []
        self._gold = self.cache.gold_path(task, self._variation, self.simplifications)
        self._rewards.start()
        observation = self._rebuild_episode(gold=False)
        description = str(self._sim.server.getTaskDescription()).strip()
        self._description = description.removeprefix(_DESCRIPTION_PREFIX).strip()
        return observation

    def _step(self, action: str) -> tuple[str, float, bool]:
        command = " ".join(action.split())
        if not command or not command.isprintable() or len(command) > MAX_COMMAND_CHARS:
            return (
                f"{NOTHING_HAPPENS} Try a command such as 'look around', 'open door to kitchen' "
                "or 'pick up thermometer'.",
                0.0,
                False,
            )
        try:
            observation = str(self._sim.server.step(command)).strip()
        except self._java_error:  # the simulator refused this input; it is still usable
            return f"{NOTHING_HAPPENS} The simulator could not apply {command!r}.", 0.0, False
        self._history.append(command)
        self._read_progress()
        self._valid = None
        return observation or NOTHING_HAPPENS, self._rewards.pay(self.score()), self._completed

    def close(self) -> None:
        """Stop this environment's JVM and wait for it to exit."""
        if self._sim is not None:
            sim, self._sim = self._sim, None
            process = getattr(sim._gateway, "java_process", None)
            sim.close()
            if process is not None:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
        super().close()

    # ----------------------------------------------------------------- contract

    def goal(self) -> str:
        return self._description or "Complete the task."

    def current_task_type(self) -> str:
        return self._task

    def admissible_actions(self) -> list[str]:
        if self.max_admissible_actions == 0:
            return []
        if self._valid is None:
            valid = dict.fromkeys(str(a) for a in self._sim.get_valid_action_object_combinations())
            actions = list(valid)
            if self.max_admissible_actions is not None:
                keep = sorted(range(len(actions)), key=lambda i: len(actions[i]))
                keep = sorted(keep[: self.max_admissible_actions])
                actions = [actions[i] for i in keep]
            self._valid = actions
        return list(self._valid)

    def won(self) -> bool:
        return self._raw_score >= MAX_SCORE

    def score(self) -> float:
        """ScienceWorld's score / 100 in [0, 1]; a failed task (-100) scores 0."""
        return normalised_score(self._raw_score, MAX_SCORE, self.won())

    def expert_action(self) -> str:
        """The next action of ScienceWorld's gold action sequence, replayed from reset.

        This expert does **not** recover from detours: it returns the gold path's action at
        the current step index, whatever the agent did before. The gold path is generated on
        first use (the simulator solves the variation, which can take seconds, and the episode
        is rebuilt by replaying the actions taken so far) and cached on disk afterwards.
        """
        if self._gold is None:
            self._rebuild_episode(gold=True)
            self._gold = [str(a) for a in self._sim.get_gold_action_sequence()]
            self.cache.store_gold_path(
                self._task, self._variation, self.simplifications, self._gold
            )
        index = len(self._history)
        return self._gold[index] if index < len(self._gold) else "look around"

    def extra_info(self) -> dict[str, Any]:
        """ScienceWorld's own score (``raw_score``, -100 on failure), its maximum
        (``max_score``), whether the task failed (``lost``) and the variation."""
        return {
            "raw_score": self._raw_score,
            "max_score": MAX_SCORE,
            "lost": self._raw_score < 0,
            "variation": self._variation,
        }
