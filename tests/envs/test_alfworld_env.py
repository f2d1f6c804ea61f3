"""protege/ALFWorld-v0: fails at once, in one line, without the package or its data.

ALFWorld's game data comes from GitHub releases (``alfworld-download``), so where it is absent
the contract tests skip with the reason; these tests cover the error paths and the game filter.
"""

from __future__ import annotations

import json
import sys
import time
import types
from pathlib import Path

import gymnasium as gym
import pytest

import protege  # noqa: F401  registers the environments
from protege.envs.alfworld import ALFWorldDataError, unavailable_reason
from protege.envs.alfworld import env as alf_env
from protege.errors import MissingDependencyError


def _trial(root: Path, folder: str, solvable: bool | None = True, game: bool = True) -> None:
    trial = root / folder
    trial.mkdir(parents=True)
    (trial / "traj_data.json").write_text("{}")
    if game:
        data = {} if solvable is None else {"solvable": solvable}
        (trial / "game.tw-pddl").write_text(json.dumps(data))


def test_missing_alfworld_is_a_one_line_error_saying_how_to_get_it(monkeypatch):
    # block the submodules too: a test that ran before may have imported them
    for name in [name for name in sys.modules if name.startswith("alfworld.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "alfworld", None)
    with pytest.raises(MissingDependencyError) as error:
        gym.make("protege/ALFWorld-v0")
    assert str(error.value) == (
        "`alfworld` is not installed for protege/ALFWorld-v0; run: pip install "
        "'protege[alfworld]' && alfworld-download (it fetches the game data)"
    )
    assert unavailable_reason() is not None


def test_missing_data_fails_at_once_before_any_alfworld_call(tmp_path, monkeypatch):
    spins = types.SimpleNamespace(calls=0)

    class SpinningAlfredTWEnv:  # ALFWorld's env loops forever in reset() without games
        def __init__(self, *args, **kwargs):
            spins.calls += 1

    fake = types.SimpleNamespace(AlfredTWEnv=SpinningAlfredTWEnv)
    monkeypatch.setattr(alf_env, "_import_alfworld", lambda: (types.SimpleNamespace(), fake))
    monkeypatch.setenv("ALFWORLD_DATA", str(tmp_path))
    started = time.monotonic()
    with pytest.raises(ALFWorldDataError) as error:
        gym.make("protege/ALFWorld-v0", split="valid_seen")
    assert time.monotonic() - started < 5
    assert spins.calls == 0
    assert str(error.value) == (
        f"no ALFWorld games in {tmp_path}/json_2.1.1/valid_seen (ALFWORLD_DATA={tmp_path}); "
        "get the data with: pip install alfworld && alfworld-download "
        "(it downloads into $ALFWORLD_DATA)"
    )
    assert "\n" not in str(error.value)
    assert unavailable_reason("valid_seen", tmp_path) is not None


def test_games_are_collected_with_alfworlds_own_filter(tmp_path):
    split = tmp_path / "json_2.1.1" / "valid_unseen"
    _trial(split, "pick_and_place_simple-Book-None-SideTable-329/trial_T1")
    _trial(split, "pick_two_obj_and_place-Apple-None-Fridge-5/trial_T2")
    _trial(split, "pick_heat_then_place_in_recep-Egg-None-Fridge-1/trial_T3", solvable=False)
    _trial(split, "pick_cool_then_place_in_recep-Egg-None-Fridge-1/trial_T4", solvable=None)
    _trial(split, "pick_clean_then_place_in_recep-Knife-None-Sink-2/trial_T5", game=False)
    _trial(split, "pick_and_place_with_movable_recep-Pen-Mug-Desk-3/trial_T6")
    _trial(split, "pick_and_place_simple-AppleSliced-None-Fridge-7/trial_T7")
    games = alf_env.collect_games(split)
    assert list(games) == [
        "pick_and_place_simple-Book-None-SideTable-329/trial_T1",
        "pick_two_obj_and_place-Apple-None-Fridge-5/trial_T2",
    ]
    assert all(path.name == "game.tw-pddl" for path in games.values())
    assert alf_env.collect_games(tmp_path / "nowhere") == {}


def test_data_root_prefers_the_argument_then_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("ALFWORLD_DATA", str(tmp_path / "from-env"))
    assert alf_env.data_root(tmp_path / "given") == tmp_path / "given"
    assert alf_env.data_root() == tmp_path / "from-env"
    monkeypatch.delenv("ALFWORLD_DATA")
    assert alf_env.data_root() == Path.home() / ".cache" / "alfworld"


class _FakeEngine:
    """Stands in for a TextWorld PDDL game with ALFWorld's wrappers: two commands win."""

    def __init__(self) -> None:
        self.taken = False
        self.closed = False

    def _state(self, feedback: str, won: bool, plan: str) -> dict:
        commands = ["look", "take mug 1 from desk 1", "move mug 1 to shelf 1"]
        return {
            "feedback": feedback,
            "won": won,
            "admissible_commands": commands,
            "extra.expert_plan": [plan],
        }

    def reset(self) -> dict:
        self.taken = False
        intro = "-= Welcome to TextWorld, ALFRED! =-\n\nYou are in a room.\n\n"
        return self._state(intro + "Your task is to: put some mug on shelf.", False, "look")

    def step(self, command: str) -> tuple[dict, float, bool]:
        if command == "take mug 1 from desk 1":
            self.taken = True
            return self._state("You pick up the mug 1.", False, "move mug 1 to shelf 1"), 0, False
        if command == "move mug 1 to shelf 1" and self.taken:
            return self._state("You move the mug 1 to the shelf 1.", True, "look"), 1, True
        return self._state("Nothing happens.", False, "take mug 1 from desk 1"), 0, False

    def close(self) -> None:
        self.closed = True


def test_an_episode_maps_alfworld_states_to_the_contract(tmp_path, monkeypatch):
    split = tmp_path / "json_2.1.1" / "train"
    _trial(split, "pick_and_place_simple-Mug-None-Shelf-1/trial_T1")
    engines: list[_FakeEngine] = []
    started = []

    def start(path, request_infos, wrappers):
        started.append((path, request_infos, len(wrappers)))
        engines.append(_FakeEngine())
        return engines[-1]

    fake_textworld = types.SimpleNamespace(EnvInfos=lambda **kwargs: kwargs, start=start)
    fake_alfred = types.SimpleNamespace(
        AlfredDemangler=lambda shuffle: ("demangler", shuffle),
        AlfredInfos="infos",
        AlfredExpert=lambda kind: ("expert", kind),
        AlfredExpertType=types.SimpleNamespace(HANDCODED="handcoded"),
    )
    monkeypatch.setattr(alf_env, "_import_alfworld", lambda: (fake_textworld, fake_alfred))
    env = gym.make("protege/ALFWorld-v0", data_dir=tmp_path)
    observation, info = env.reset(seed=0)
    assert info["task_id"] == "pick_and_place_simple-Mug-None-Shelf-1/trial_T1"
    assert info["task_type"] == "pick_and_place_simple"
    assert info["goal"] == "put some mug on shelf."
    assert started[0][0].endswith("trial_T1/game.tw-pddl") and started[0][2] == 3
    assert started[0][1]["extras"] == ["gamefile", "expert_plan"]
    assert observation.startswith("-= Welcome")
    assert env.step("")[0].startswith("Nothing happens.")
    assert env.step("dance")[0] == "Nothing happens."
    assert env.unwrapped.expert_action() == "take mug 1 from desk 1"
    _, reward, terminated, _, info = env.step("take mug 1 from desk 1")
    assert (reward, terminated, info["won"], info["score"]) == (0.0, False, False, 0.0)
    _, reward, terminated, _, info = env.step("move mug 1 to shelf 1")
    assert (reward, terminated, info["won"], info["score"]) == (1.0, True, True, 1.0)
    env.reset(seed=0)
    assert engines[0].closed and not engines[1].closed
    env.close()
    assert engines[1].closed
