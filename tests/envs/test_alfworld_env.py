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
