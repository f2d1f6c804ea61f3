"""The text environment contract: a Gymnasium ``Env`` whose observations and actions are ``str``.

A family subclasses :class:`TextEnv` and implements a handful of hooks; the base class owns
seeding, task selection, step counting, ``max_steps`` truncation, the ``info`` contract and
``render``. Subclasses never import a model: chat templates and tokens live in
``protege.agents``.
"""

from __future__ import annotations

import abc
import difflib
import string
from collections.abc import Sequence
from typing import Any, ClassVar, SupportsFloat

import gymnasium as gym
from gymnasium import spaces

from protege.errors import UnknownSplitError, UnknownTaskError, UnknownTaskTypeError

SPLITS: tuple[str, ...] = ("train", "valid_seen", "valid_unseen")
"""The splits every family offers, named as the anchors name them."""

INFO_KEYS: tuple[str, ...] = (
    "task_id",
    "task_type",
    "goal",
    "admissible_actions",
    "won",
    "score",
)
"""Keys that every ``info`` dict returned by ``reset`` and ``step`` carries."""

TEXT_CHARSET = (
    string.printable + "".join(chr(code) for code in range(0xA0, 0x180)) + "‐‑–—‘’‚“”„•…′″€™°→←↑↓✓✗"
)
"""Characters of the ``Text`` spaces: printable ASCII, Latin-1 and Latin Extended-A, typography."""

MAX_ACTION_CHARS = 16_384
MAX_OBSERVATION_CHARS = 1_000_000


def text_space(max_length: int) -> spaces.Text:
    """A ``gymnasium.spaces.Text`` over :data:`TEXT_CHARSET` that admits the empty string."""
    return spaces.Text(max_length=max_length, min_length=0, charset=TEXT_CHARSET)


class TextEnv(gym.Env[str, str], abc.ABC):
    """Base class of protege's multi-turn text environments.

    Subclasses set :attr:`family` and :attr:`task_types` and implement :meth:`task_ids`,
    :meth:`_reset_task`, :meth:`_step`, :meth:`goal`, :meth:`admissible_actions`,
    :meth:`won`, :meth:`score` and :meth:`expert_action`. All randomness comes from
    ``self.np_random``, which :meth:`reset` seeds.

    ``reset(seed=s)`` picks a task of the split from ``s`` (``options={"task_id": ...}`` picks
    one by id) and is fully deterministic for a given ``(id, split, seed)``. ``step`` never
    raises on an action it cannot parse or apply: it answers with a helpful observation,
    reward 0, and counts the step. After ``max_steps`` steps the episode is truncated.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"], "render_fps": 1}

    family: ClassVar[str] = ""
    """Short family name shown by ``protege envs`` (e.g. ``household``)."""
    task_types: ClassVar[tuple[str, ...]] = ()
    """Every task type the family has; ``task_type=`` filters tasks to one of them."""
    splits: ClassVar[tuple[str, ...]] = SPLITS
    default_max_steps: ClassVar[int] = 50

    def __init__(
        self,
        split: str = "train",
        task_type: str | None = None,
        max_steps: int | None = None,
        render_mode: str | None = None,
    ) -> None:
        self.check_options(split, task_type)
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode {render_mode!r} is not supported; use 'ansi' or None")
        self.split = split
        self.task_type_filter = task_type
        self.max_steps = max_steps if max_steps is not None else self.default_max_steps
        if self.max_steps < 1:
            raise ValueError(f"max_steps must be at least 1, got {self.max_steps}")
        self.render_mode = render_mode
        self.observation_space = text_space(MAX_OBSERVATION_CHARS)
        self.action_space = text_space(MAX_ACTION_CHARS)
        self.task_id: str | None = None
        self.elapsed_steps = 0
        self.last_observation = ""

    @classmethod
    def check_options(cls, split: str, task_type: str | None = None) -> None:
        """Refuse a split or task type the family lacks (callable before building an env)."""
        if split not in cls.splits:
            raise UnknownSplitError(
                f"{cls.__name__} has no split {split!r}; expected one of {', '.join(cls.splits)}"
            )
        if task_type is not None and task_type not in cls.task_types:
            raise UnknownTaskTypeError(
                f"{cls.__name__} has no task type {task_type!r}"
                f"{_did_you_mean(task_type, cls.task_types)}; expected one of "
                f"{', '.join(cls.task_types)}"
            )

    # ----------------------------------------------------------------- hooks to implement

    @abc.abstractmethod
    def task_ids(self) -> Sequence[str]:
        """The ids of the tasks of this split (filtered by ``task_type``), in a fixed order."""

    @abc.abstractmethod
    def _reset_task(self, task_id: str) -> str:
        """Set up the task ``task_id`` and return the first observation.

        May draw from ``self.np_random``, which is seeded before this call.
        """

    @abc.abstractmethod
    def _step(self, action: str) -> tuple[str, float, bool]:
        """Apply ``action``; return ``(observation, reward, terminated)``. Never raise."""

    @abc.abstractmethod
    def goal(self) -> str:
        """The current task's instruction."""

    @abc.abstractmethod
    def current_task_type(self) -> str:
        """The current task's type, one of :attr:`task_types`."""

    @abc.abstractmethod
    def admissible_actions(self) -> list[str]:
        """Actions that make sense in the current state (may be empty where the set is open)."""

    @abc.abstractmethod
    def won(self) -> bool:
        """Whether the goal holds now."""

    @abc.abstractmethod
    def score(self) -> float:
        """Task progress in [0, 1]."""

    @abc.abstractmethod
    def expert_action(self) -> str:
        """The next action of an expert that solves the task from the current state.

        The expert works from any reachable state, so it recovers after an agent's detours.
        """

    def extra_info(self) -> dict[str, Any]:
        """Family-specific ``info`` entries beside :data:`INFO_KEYS`; none by default."""
        return {}

    # ----------------------------------------------------------------- the Gymnasium API

    def sample_task_id(self) -> str:
        """Pick a task of the split with ``self.np_random``."""
        ids = self.task_ids()
        if not ids:
            raise UnknownTaskError(
                f"{type(self).__name__} split {self.split!r} has no tasks"
                + (f" of type {self.task_type_filter!r}" if self.task_type_filter else "")
            )
        return ids[int(self.np_random.integers(len(ids)))]

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        """Start an episode on a task drawn from ``seed`` or named by ``options["task_id"]``."""
        super().reset(seed=seed)
        task_id = (options or {}).get("task_id")
        if task_id is None:
            task_id = self.sample_task_id()
        elif not self.has_task(task_id):
            raise UnknownTaskError(
                f"task {task_id!r} is not in split {self.split!r} of {type(self).__name__}"
                f"{_did_you_mean(task_id, self.task_ids())}"
            )
        self.task_id = task_id
        self.elapsed_steps = 0
        self.last_observation = self._reset_task(task_id)
        return self.last_observation, self._info()

    def has_task(self, task_id: str) -> bool:
        """Whether ``task_id`` belongs to this split; families with huge splits override it."""
        return task_id in set(self.task_ids())

    def step(self, action: str) -> tuple[str, SupportsFloat, bool, bool, dict[str, Any]]:
        """Apply one action. Unparseable actions cost a step and return a hint, never raise."""
        if self.task_id is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        if not isinstance(action, str):
            action = str(action)
        observation, reward, terminated = self._step(action)
        self.elapsed_steps += 1
        truncated = not terminated and self.elapsed_steps >= self.max_steps
        self.last_observation = observation
        return observation, float(reward), bool(terminated), truncated, self._info()

    def render(self) -> str | None:
        """In ``ansi`` mode, the goal, the last observation and the step count as text."""
        if self.render_mode != "ansi":
            return None
        return (
            f"[{self.task_id} | step {self.elapsed_steps}/{self.max_steps} | "
            f"score {self.score():.2f}]\nGoal: {self.goal()}\n\n{self.last_observation}\n"
        )

    def _info(self) -> dict[str, Any]:
        info = {
            "task_id": self.task_id,
            "task_type": self.current_task_type(),
            "goal": self.goal(),
            "admissible_actions": list(self.admissible_actions()),
            "won": bool(self.won()),
            "score": min(max(float(self.score()), 0.0), 1.0),
        }
        info.update(self.extra_info())
        return info


def _did_you_mean(name: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(choices)[:10_000], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
