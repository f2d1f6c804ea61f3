"""``protege/ALFWorld-v0``: the real ALFWorld text games, when the package and its data are there.

ALFWorld's games are data (``$ALFWORLD_DATA/json_2.1.1/{train,valid_seen,valid_unseen}``, fetched
by ``alfworld-download``), not code, so this environment refuses to start without them. It never
hands ALFWorld an empty game list: ``AlfredTWEnv`` cycles over its games forever in ``reset`` when
it found none. Instead the games are collected here, with ALFWorld's own filter (a
``traj_data.json`` beside a solvable ``game.tw-pddl``; no movable-receptacle or sliced tasks), and
each one is played through TextWorld with ALFWorld's wrappers (name demangling, game-file info and
the hand-coded expert), as ``AlfredTWEnv.init_env`` registers them.

Task ids are the trial folders relative to the split folder (``"<task type>-<objects>-<scene>/
trial_<id>"``); the task type is the folder name's prefix, one of ALFWorld's six types.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from protege.envs.core import TextEnv
from protege.errors import MissingDependencyError, ProtegeError

TASK_TYPES: tuple[str, ...] = (
    "pick_and_place_simple",
    "look_at_obj_in_light",
    "pick_clean_then_place_in_recep",
    "pick_heat_then_place_in_recep",
    "pick_cool_then_place_in_recep",
    "pick_two_obj_and_place",
)
"""ALFWorld's six task types (its ``TASK_TYPES`` 1-6)."""

SPLIT_FOLDERS: dict[str, str] = {
    "train": "train",
    "valid_seen": "valid_seen",
    "valid_unseen": "valid_unseen",
}
"""protege split -> folder under ``$ALFWORLD_DATA/json_2.1.1`` (the anchors' own names)."""

GET_DATA = "pip install alfworld && alfworld-download"
_GOAL_MARKER = "Your task is to:"


class ALFWorldDataError(ProtegeError, FileNotFoundError):
    """ALFWorld's game data is not where ``ALFWORLD_DATA`` points."""


def data_root(data_dir: str | Path | None = None) -> Path:
    """``data_dir``, else ``$ALFWORLD_DATA``, else ALFWorld's default ``~/.cache/alfworld``."""
    chosen = data_dir or os.environ.get("ALFWORLD_DATA") or Path.home() / ".cache" / "alfworld"
    return Path(os.path.expandvars(str(chosen))).expanduser()


def collect_games(split_dir: Path) -> dict[str, Path]:
    """Task id -> ``game.tw-pddl`` for every game ALFWorld itself would play in ``split_dir``."""
    games: dict[str, Path] = {}
    if not split_dir.is_dir():
        return games
    for root, _, files in os.walk(split_dir):
        if "traj_data.json" not in files or "movable" in root or "Sliced" in root:
            continue
        game_file = Path(root) / "game.tw-pddl"
        task_id = Path(root).relative_to(split_dir).as_posix()
        if task_id.split("-", 1)[0] not in TASK_TYPES or not game_file.is_file():
            continue
        try:
            solvable = json.loads(game_file.read_text()).get("solvable", False)
        except (OSError, ValueError):
            continue
        if solvable:
            games[task_id] = game_file
    return dict(sorted(games.items()))


def unavailable_reason(
    split: str = "valid_unseen", data_dir: str | Path | None = None
) -> str | None:
    """Why ``protege/ALFWorld-v0`` cannot start here (one line), or None when it can."""
    try:
        _import_alfworld()
        _require_games(split, data_dir)
    except (MissingDependencyError, ALFWorldDataError) as error:
        return str(error)
    return None


def _import_alfworld() -> Any:
    try:
        import textworld
        from alfworld.agents.environment import alfred_tw_env
    except ImportError as error:
        raise MissingDependencyError(
            "`alfworld` is not installed for protege/ALFWorld-v0; run: pip install "
            "'protege[alfworld]' && alfworld-download (it fetches the game data)"
        ) from error
    return textworld, alfred_tw_env


def _require_games(split: str, data_dir: str | Path | None) -> dict[str, Path]:
    root = data_root(data_dir)
    split_dir = root / "json_2.1.1" / SPLIT_FOLDERS[split]
    games = collect_games(split_dir)
    if not games:
        raise ALFWorldDataError(
            f"no ALFWorld games in {split_dir} (ALFWORLD_DATA={root}); get the data with: "
            f"{GET_DATA} (it downloads into $ALFWORLD_DATA)"
        )
    return games


class ALFWorldEnv(TextEnv):
    """ALFWorld's household text games (TextWorld PDDL engine), played one game at a time.

    Args:
        split: ``train``, ``valid_seen`` or ``valid_unseen`` (ALFWorld's folders of those names).
        task_type: one of :data:`TASK_TYPES`.
        max_steps: steps before truncation (50, the papers' budget).
        render_mode: ``"ansi"`` or None.
        data_dir: ALFWorld's data folder; ``$ALFWORLD_DATA`` (or ``~/.cache/alfworld``) by default.

    The expert is ALFWorld's hand-coded expert (``AlfredExpert``, type ``handcoded``): it watches
    the episode from reset and proposes the next command; ALFWorld's Fast Downward planner expert
    is not used because it can take minutes per step.
    """

    family = "alfworld"
    task_types: ClassVar[tuple[str, ...]] = TASK_TYPES
    default_max_steps = 50

    def __init__(
        self,
        split: str = "train",
        task_type: str | None = None,
        max_steps: int | None = None,
        render_mode: str | None = None,
        data_dir: str | Path | None = None,
    ) -> None:
        super().__init__(split, task_type, max_steps, render_mode)
        self._textworld, self._alfred = _import_alfworld()
        self.games = _require_games(split, data_dir)  # before any ALFWorld call: see module doc
        self._engine: Any = None
        self._state: Any = None
        self._goal = ""
        self._task_type = ""

    def task_ids(self) -> Sequence[str]:
        return [
            task_id
            for task_id in self.games
            if self.task_type_filter in (None, task_id.split("-", 1)[0])
        ]

    def has_task(self, task_id: str) -> bool:
        task_id = str(task_id)
        return task_id in self.games and self.task_type_filter in (None, task_id.split("-", 1)[0])

    def _reset_task(self, task_id: str) -> str:
        self._close_engine()
        alfred = self._alfred
        request = self._textworld.EnvInfos(
            won=True, admissible_commands=True, extras=["gamefile", "expert_plan"]
        )
        wrappers = [
            alfred.AlfredDemangler(shuffle=False),
            alfred.AlfredInfos,
            alfred.AlfredExpert(alfred.AlfredExpertType.HANDCODED),
        ]
        self._engine = self._textworld.start(
            str(self.games[task_id]), request_infos=request, wrappers=wrappers
        )
        self._state = self._engine.reset()
        self._task_type = task_id.split("-", 1)[0]
        feedback = str(self._state.get("feedback") or "")
        _, marker, goal = feedback.partition(_GOAL_MARKER)
        self._goal = goal.strip() if marker else ""
        return feedback.strip() or "Nothing happens."

    def _step(self, action: str) -> tuple[str, float, bool]:
        command = " ".join(action.split())
        if not command or not command.isascii() or not command.isprintable():
            return "Nothing happens. Try e.g. 'look', 'inventory' or 'go to desk 1'.", 0.0, False
        was_won = self.won()
        self._state, _, done = self._engine.step(command)
        observation = str(self._state.get("feedback") or "").strip() or "Nothing happens."
        return observation, float(self.won() and not was_won), bool(done) or self.won()

    def close(self) -> None:
        """Stop the current game."""
        self._close_engine()
        super().close()

    def _close_engine(self) -> None:
        if self._engine is not None:
            self._engine.close()
        self._engine = None

    def goal(self) -> str:
        return self._goal or "Complete the household task."

    def current_task_type(self) -> str:
        return self._task_type

    def admissible_actions(self) -> list[str]:
        return [str(command) for command in self._state.get("admissible_commands") or []]

    def won(self) -> bool:
        return bool(self._state.get("won"))

    def score(self) -> float:
        return 1.0 if self.won() else 0.0

    def expert_action(self) -> str:
        """ALFWorld's hand-coded expert's next command (``look`` before it has seen a step).

        It follows the episode's observations from reset; after an agent's detours it carries
        on from what it saw, which ALFWorld does not guarantee to end in a win.
        """
        plan = self._state.get("extra.expert_plan") or ["look"]
        return str(plan[0])
