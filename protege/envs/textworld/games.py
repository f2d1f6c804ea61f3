"""TextWorld games made offline from ``(challenge, seed)`` and kept in an on-disk cache.

A game is generated once, by the ``textworld`` package's own challenge generators (the ones
behind ``tw-make``), in a child process started with ``PYTHONHASHSEED=0``: TextWorld's
generator iterates over sets, so only a fixed hash seed makes the compiled game byte-identical
from one process or machine to the next. The child writes into a private temporary folder that
is then renamed into place, and a lock file serialises concurrent makers of the same game, so
several processes can share one cache without generating a game twice or reading half a game.

Run as a module (``python -m protege.envs.textworld.games SPEC OUTPUT``) it is that child.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

try:  # POSIX only, as is TextWorld itself
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

CHALLENGES: tuple[str, ...] = ("tw-simple", "tw-coin_collector", "tw-treasure_hunter", "tw-cooking")
"""The TextWorld challenges protege offers; each is a task type of ``protege/TextWorld-v1``."""

DEFAULT_SETTINGS: dict[str, dict[str, Any]] = {
    # balanced rewards: a point per sub-goal; the detailed goal lists every step.
    "tw-simple": {"rewards": "balanced", "goal": "detailed", "test": False},
    # level 10: a chain of 10 rooms, the coin in the last one.
    "tw-coin_collector": {"level": 10},
    # level 15: "medium", 10 rooms with closed doors and containers, a distractor that loses.
    "tw-treasure_hunter": {"level": 15},
    # a two-ingredient recipe to find in 6 rooms, with opening, cooking and cutting.
    "tw-cooking": {
        "recipe": 2,
        "take": 2,
        "go": 6,
        "open": True,
        "cook": True,
        "cut": True,
        "drop": False,
        "recipe_seed": 0,
        "split": "train",
    },
}
"""Difficulty settings per challenge, as ``tw-make`` would pass them; overridable per env."""

UNSEEN_SETTINGS: dict[str, dict[str, Any]] = {
    "tw-simple": {"test": True},  # the challenge's held-out food items
    "tw-cooking": {"split": "test"},  # held-out foods and preparations
}
"""Overrides for ``valid_unseen``: the challenges' own test distributions, where they have one.

Coin Collector and Treasure Hunter have no held-out distribution; their ``valid_unseen`` games
differ from train by seed (so by layout) only.
"""

GAME_FILE = "game.z8"


def default_cache_dir() -> Path:
    """``$PROTEGE_CACHE/textworld``, by default ``~/.cache/protege/textworld``."""
    root = os.environ.get("PROTEGE_CACHE") or os.path.join(Path.home(), ".cache", "protege")
    return Path(root) / "textworld"


def challenge_settings(
    challenge: str, split: str, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The generator settings of ``challenge`` for ``split``, with the caller's overrides."""
    settings = dict(DEFAULT_SETTINGS[challenge])
    if split == "valid_unseen":
        settings.update(UNSEEN_SETTINGS.get(challenge, {}))
    settings.update(overrides or {})
    return settings


class GameCache:
    """Compiled games under ``root``, one folder per ``(textworld version, challenge, settings,
    seed)``; :meth:`path` generates a game on first use and returns the cached one after."""

    def __init__(self, root: Path | str | None = None, textworld_version: str = "") -> None:
        self.root = Path(root) if root is not None else default_cache_dir()
        self.textworld_version = textworld_version

    def game_dir(self, challenge: str, settings: Mapping[str, Any], seed: int) -> Path:
        """Where the game lives; the settings enter the name as a short hash."""
        digest = hashlib.sha256(json.dumps(dict(settings), sort_keys=True).encode()).hexdigest()
        version = f"textworld-{self.textworld_version or 'unknown'}"
        return self.root / version / f"{challenge}-{digest[:10]}" / str(seed)

    def path(self, challenge: str, settings: Mapping[str, Any], seed: int) -> Path:
        """The game file of ``(challenge, settings, seed)``, generating it if it is not cached."""
        final = self.game_dir(challenge, settings, seed)
        game = final / GAME_FILE
        if game.is_file():  # folders appear by an atomic rename, so this one is complete
            return game
        final.parent.mkdir(parents=True, exist_ok=True)
        with _locked(final.parent / f"{seed}.lock"):
            if game.is_file():  # another process made it while we waited
                return game
            scratch = Path(tempfile.mkdtemp(prefix=f".{seed}-", dir=final.parent))
            try:
                _generate_in_child(challenge, settings, seed, scratch / GAME_FILE)
                for extra in scratch.iterdir():  # keep only what the engine reads
                    if extra.suffix not in (".z8", ".json"):
                        extra.unlink()
                os.rename(scratch, final)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
        return game


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    with open(lock_path, "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _generate_in_child(
    challenge: str, settings: Mapping[str, Any], seed: int, output: Path
) -> None:
    spec = json.dumps({"challenge": challenge, "settings": dict(settings), "seed": seed})
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    command = [sys.executable, "-m", "protege.envs.textworld.games", spec, str(output)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0 or not output.is_file():
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(
            f"TextWorld could not generate {challenge} seed {seed} with {dict(settings)}: {tail[0]}"
        )


def generate(challenge: str, settings: Mapping[str, Any], seed: int, output: Path) -> Path:
    """Make and compile one game with TextWorld's generator for ``challenge`` (in this process)."""
    import textworld
    import textworld.challenges

    options = textworld.GameOptions()
    options.seeds = seed
    options.path = str(output)
    options.file_ext = ".z8"
    options.force_recompile = True
    _, make_game, _ = textworld.challenges.CHALLENGES[challenge]
    game = make_game(settings=dict(settings), options=options)
    return Path(textworld.generator.compile_game(game, options))


if __name__ == "__main__":
    request = json.loads(sys.argv[1])
    generate(request["challenge"], request["settings"], request["seed"], Path(sys.argv[2]))
