"""``protege/TextWorld-v1``: real TextWorld games, generated offline, behind the protege contract.

Task ids are ``"<challenge>-<seed>"`` (e.g. ``"tw-cooking-1000003"``): the challenge is the task
type and the seed is TextWorld's generation seed. Splits draw seeds from disjoint ranges
(:data:`SPLIT_SEEDS`); ``valid_unseen`` also uses the challenges' own test distributions where
they have one (see :data:`~protege.envs.textworld.games.UNSEEN_SETTINGS`).

The mapping to the contract: ``admissible_actions`` are TextWorld's admissible commands,
``won`` is its ``won``, ``goal`` is the game's objective, and the expert plays the first of
TextWorld's policy commands, a walkthrough recomputed from the current state, so it recovers
after detours (but not from a lost game).

Reward and score are on the adapters' scale (:mod:`protege.envs.reward`): ``score`` is 1.0 once
won, else TextWorld's points over the game's maximum clipped to [0, 1] (0 for a game whose
maximum is 0 or unknown); the step reward is the change of that score, so an episode's rewards
sum to its final score. A lost game keeps its points, as TextWorld's score does.
``info["raw_score"]`` and ``info["max_score"]`` are TextWorld's points and maximum.
(``-v0`` paid raw points as reward.)
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, overload

from protege.envs.core import TextEnv
from protege.envs.reward import ScoreRewards, normalised_score
from protege.envs.textworld.games import CHALLENGES, GameCache, challenge_settings
from protege.errors import MissingDependencyError, import_optional

SPLIT_SEEDS: dict[str, range] = {
    "train": range(0, 10_000),
    "valid_seen": range(1_000_000, 1_001_000),
    "valid_unseen": range(2_000_000, 2_001_000),
}
"""Generation seeds of each split, per challenge; the ranges never overlap."""

MAX_COMMAND_CHARS = 200

BLOCKED_VERBS = frozenset(
    {"restart", "restore", "save", "quit", "q", "undo", "script", "transcript", "unscript"}
)
"""Interpreter meta-commands: they would move the game away from TextWorld's state tracking."""

NOTHING_HAPPENS = "Nothing happens."


class TaskIdRange(Sequence[str]):
    """The task ids of one split, computed on demand: challenges interleaved, seeds ascending."""

    def __init__(self, challenges: Sequence[str], seeds: range) -> None:
        self.challenges = tuple(challenges)
        self.seeds = seeds

    def __len__(self) -> int:
        return len(self.challenges) * len(self.seeds)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        seed_index, challenge_index = divmod(index, len(self.challenges))
        return f"{self.challenges[challenge_index]}-{self.seeds[seed_index]}"


def parse_task_id(task_id: str) -> tuple[str, int] | None:
    """``"tw-cooking-12"`` -> ``("tw-cooking", 12)``; None for anything else."""
    challenge, _, seed = str(task_id).rpartition("-")
    if challenge not in CHALLENGES or not seed.isdigit():
        return None
    return challenge, int(seed)


class TextWorldEnv(TextEnv):
    """Games of TextWorld's challenges, generated from ``(challenge, seed)`` and cached on disk.

    Args:
        split: ``train``, ``valid_seen`` or ``valid_unseen``.
        task_type: one challenge of :data:`CHALLENGES`; all four when None.
        max_steps: steps before truncation (50 by default).
        render_mode: ``"ansi"`` or None.
        cache_dir: where generated games are kept; ``$PROTEGE_CACHE/textworld`` by default.
        settings: per-challenge overrides of the generator settings, e.g.
            ``{"tw-cooking": {"recipe": 3, "take": 3}}``; other settings give other games.
        expert_policy: track TextWorld's quests so that :meth:`expert_action` can play its
            policy commands; False makes a step about twice as fast and leaves no expert.
    """

    family = "textworld"
    task_types: ClassVar[tuple[str, ...]] = CHALLENGES
    default_max_steps = 50

    def __init__(
        self,
        split: str = "train",
        task_type: str | None = None,
        max_steps: int | None = None,
        render_mode: str | None = None,
        cache_dir: str | Path | None = None,
        settings: Mapping[str, Mapping[str, Any]] | None = None,
        expert_policy: bool = True,
    ) -> None:
        super().__init__(split, task_type, max_steps, render_mode)
        self._textworld = textworld = _import_textworld()
        self.expert_policy = expert_policy
        self._requested = textworld.EnvInfos(
            admissible_commands=True,
            policy_commands=expert_policy,
            won=True,
            lost=True,
            score=True,
            max_score=True,
            objective=True,
        )
        self.games = GameCache(cache_dir, textworld.__version__)
        self.settings_overrides = {key: dict(value) for key, value in (settings or {}).items()}
        unknown = set(self.settings_overrides) - set(CHALLENGES)
        if unknown:
            raise ValueError(f"settings for unknown challenges {sorted(unknown)}; use {CHALLENGES}")
        self._engine: Any = None
        self._game_path: Path | None = None
        self._state: Any = None
        self._challenge = ""
        self._rewards = ScoreRewards()

    # ----------------------------------------------------------------- tasks

    def task_ids(self) -> Sequence[str]:
        challenges = [self.task_type_filter] if self.task_type_filter else list(CHALLENGES)
        return TaskIdRange(challenges, SPLIT_SEEDS[self.split])

    def has_task(self, task_id: str) -> bool:
        parsed = parse_task_id(task_id)
        if parsed is None or self.task_type_filter not in (None, parsed[0]):
            return False
        return parsed[1] in SPLIT_SEEDS[self.split]

    def game_path(self, task_id: str) -> Path:
        """The compiled game of ``task_id``, generated now if it is not in the cache yet."""
        parsed = parse_task_id(task_id)
        if parsed is None:
            raise ValueError(f"{task_id!r} is not a TextWorld task id like 'tw-cooking-12'")
        challenge, seed = parsed
        settings = challenge_settings(challenge, self.split, self.settings_overrides.get(challenge))
        return self.games.path(challenge, settings, seed)

    # ----------------------------------------------------------------- episode

    def _reset_task(self, task_id: str) -> str:
        path = self.game_path(task_id)
        if path != self._game_path:
            self._close_engine()
            with warnings.catch_warnings():  # Jericho warns that it does not know TextWorld games
                warnings.filterwarnings("ignore", message=r"Game .* is not fully supported")
                self._engine = self._textworld.start(str(path), request_infos=self._requested)
            self._game_path = path
        self._challenge = task_id.rpartition("-")[0]
        self._state = self._engine.reset()
        self._rewards.start()
        return _observation(self._state.feedback)

    def _step(self, action: str) -> tuple[str, float, bool]:
        command = " ".join(action.split())
        hint = _reject(command)
        if hint is not None:
            return hint, 0.0, False
        self._state, _, done = self._engine.step(command)
        return _observation(self._state.feedback), self._rewards.pay(self.score()), bool(done)

    def close(self) -> None:
        """Stop the game interpreter."""
        self._close_engine()
        super().close()

    def _close_engine(self) -> None:
        if self._engine is not None:
            self._engine.close()
        self._engine, self._game_path = None, None

    # ----------------------------------------------------------------- contract

    def goal(self) -> str:
        return str(self._state.objective or "").strip() or "Win the game."

    def current_task_type(self) -> str:
        return self._challenge

    def admissible_actions(self) -> list[str]:
        return [str(command) for command in self._state.admissible_commands or []]

    def won(self) -> bool:
        return bool(self._state.won)

    def score(self) -> float:
        """1.0 once won, else points over the game's maximum in [0, 1]; 0 when it has none."""
        return normalised_score(self._raw_score(), self._state.max_score, self.won())

    def expert_action(self) -> str:
        """The first of TextWorld's policy commands for the current state; ``look`` when none
        is left (the game is won or lost)."""
        if not self.expert_policy:
            raise RuntimeError(
                "this TextWorld environment was made with expert_policy=False, so it has no "
                "expert; make it with expert_policy=True (the default)"
            )
        policy = self._state.policy_commands or []
        return str(policy[0]) if policy else "look"

    def extra_info(self) -> dict[str, Any]:
        """TextWorld's own points (``raw_score``), their maximum (``max_score``, 0 when the
        game has none) and whether the game is lost."""
        return {
            "raw_score": self._raw_score(),
            "max_score": int(self._state.max_score or 0),
            "lost": bool(self._state.lost),
        }

    def _raw_score(self) -> int:
        return int(self._state.score or 0)


def unavailable_reason() -> str | None:
    """Why ``protege/TextWorld-v1`` cannot start here (one line), or None when it can."""
    try:
        _import_textworld()
    except MissingDependencyError as error:
        return str(error)
    return None


def _import_textworld() -> Any:
    return import_optional("textworld", "textworld", "protege/TextWorld-v1")


def _reject(command: str) -> str | None:
    """A hint for a command the interpreter should not see, or None to send it."""
    if not command:
        return f"{NOTHING_HAPPENS} Type a command, e.g. 'look' or 'inventory'."
    if len(command) > MAX_COMMAND_CHARS:
        return f"{NOTHING_HAPPENS} Commands are short, e.g. 'open door' or 'take key'."
    # A backslash starts an escape of the dumb-frotz interpreter under Jericho (``\\help``); a
    # malformed one makes the next command crash the interpreter.
    if not command.isascii() or not command.isprintable() or "\\" in command:
        return f"{NOTHING_HAPPENS} Commands use plain ASCII letters, e.g. 'go north'."
    verb = command.split()[0].lower()
    if verb in BLOCKED_VERBS or verb.startswith("tw-"):
        return f"{NOTHING_HAPPENS} '{verb}' is not available in this environment."
    return None


_BLANK_LINES = re.compile(r"\n{3,}")


def _observation(feedback: str | None) -> str:
    text = _BLANK_LINES.sub("\n\n", str(feedback or "")).strip()
    return text or NOTHING_HAPPENS
