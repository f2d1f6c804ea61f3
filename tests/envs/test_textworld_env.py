"""protege/TextWorld-v1: task ids, splits, the game cache, the contract mapping, error paths.

The contract itself (determinism, expert wins and recovers, random strings) runs in
tests/test_env_contract.py. Games are generated into the shared cache
($PROTEGE_CACHE/textworld), so each one costs seconds once per machine.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import gymnasium as gym
import pytest

import protege  # noqa: F401  registers the environments
from protege.agents import ExpertAgent, play_episode
from protege.envs.textworld import env as tw_env
from protege.envs.textworld import games, unavailable_reason
from protege.errors import MissingDependencyError, UnknownTaskError

needs_textworld = pytest.mark.skipif(bool(unavailable_reason()), reason=str(unavailable_reason()))


def test_missing_textworld_is_a_one_line_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "textworld", None)  # makes `import textworld` fail
    with pytest.raises(MissingDependencyError) as error:
        gym.make("protege/TextWorld-v1")
    assert str(error.value) == (
        "`textworld` is not installed for protege/TextWorld-v1; "
        "run: pip install 'protege[textworld]'"
    )


def test_task_ids_encode_challenge_and_seed_interleaved():
    ids = tw_env.TaskIdRange(games.CHALLENGES, range(100, 103))
    assert len(ids) == 12
    assert ids[:5] == [
        "tw-simple-100",
        "tw-coin_collector-100",
        "tw-treasure_hunter-100",
        "tw-cooking-100",
        "tw-simple-101",
    ]
    assert ids[-1] == "tw-cooking-102"
    assert tw_env.parse_task_id("tw-treasure_hunter-7") == ("tw-treasure_hunter", 7)
    assert tw_env.parse_task_id("tw-unknown-7") is None
    assert tw_env.parse_task_id("tw-cooking-x") is None
    with pytest.raises(IndexError):
        ids[12]


def test_split_seed_ranges_are_disjoint():
    ranges = list(tw_env.SPLIT_SEEDS.values())
    for i, first in enumerate(ranges):
        for second in ranges[i + 1 :]:
            assert not set(first) & set(second)


def test_valid_unseen_uses_the_challenges_test_distributions():
    assert games.challenge_settings("tw-cooking", "train")["split"] == "train"
    assert games.challenge_settings("tw-cooking", "valid_seen")["split"] == "train"
    assert games.challenge_settings("tw-cooking", "valid_unseen")["split"] == "test"
    assert games.challenge_settings("tw-simple", "valid_unseen")["test"] is True
    overridden = games.challenge_settings("tw-cooking", "train", {"recipe": 3})
    assert overridden["recipe"] == 3 and overridden["go"] == 6


def test_meta_commands_and_odd_text_never_reach_the_interpreter():
    assert tw_env._reject("look") is None
    assert tw_env._reject("restart") == (
        "Nothing happens. 'restart' is not available in this environment."
    )
    assert tw_env._reject("tw-extra-infos score") is not None
    assert tw_env._reject("take café") is not None
    assert tw_env._reject('open \\"box') is not None  # a dumb-frotz escape: it can segfault
    assert tw_env._reject("") is not None
    assert tw_env._reject("x" * 201) is not None


def test_cache_generates_each_game_once_even_when_asked_concurrently(tmp_path, monkeypatch):
    calls = []

    def fake_generate(challenge, settings, seed, output: Path) -> None:
        calls.append(seed)
        time.sleep(0.2)  # long enough for the other threads to queue on the lock
        output.write_bytes(b"z8")
        output.with_suffix(".json").write_text("{}")
        output.with_suffix(".ni").write_text("source")

    monkeypatch.setattr(games, "_generate_in_child", fake_generate)
    cache = games.GameCache(tmp_path, "1.0")
    settings = games.challenge_settings("tw-simple", "train")
    paths = []
    threads = [
        threading.Thread(target=lambda: paths.append(cache.path("tw-simple", settings, 5)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [5]
    assert len(set(paths)) == 1 and paths[0].read_bytes() == b"z8"
    assert sorted(p.name for p in paths[0].parent.iterdir()) == ["game.json", "game.z8"]
    assert not [p for p in paths[0].parent.parent.iterdir() if p.name.startswith(".")]
    assert cache.path("tw-simple", settings, 5) == paths[0] and calls == [5]


def test_a_failed_generation_leaves_nothing_behind(tmp_path, monkeypatch):
    def failing_generate(challenge, settings, seed, output: Path) -> None:
        output.write_bytes(b"half a game")
        raise RuntimeError("TextWorld could not generate tw-simple seed 1")

    monkeypatch.setattr(games, "_generate_in_child", failing_generate)
    cache = games.GameCache(tmp_path, "1.0")
    settings = games.challenge_settings("tw-simple", "train")
    with pytest.raises(RuntimeError, match="could not generate"):
        cache.path("tw-simple", settings, 1)
    folder = cache.game_dir("tw-simple", settings, 1)
    assert not folder.exists()
    assert [p.name for p in folder.parent.iterdir()] == ["1.lock"]


@needs_textworld
@pytest.mark.slow
def test_reward_is_the_change_of_points_and_score_is_points_over_max():
    env = gym.make("protege/TextWorld-v1", split="train", task_type="tw-simple")
    episode = play_episode(env, ExpertAgent(), seed=3)
    _, info = env.reset(seed=3)
    env.close()
    assert episode.won and episode.score == 1.0
    assert info["max_points"] > 1  # balanced rewards: a point per sub-goal
    assert sum(step.reward for step in episode.steps) == info["max_points"]
    partial = [step.score for step in episode.steps if 0 < step.score < 1]
    assert partial, "the score grows by sub-goal, not only at the end"
    assert info["task_id"].startswith("tw-simple-") and info["goal"]


@needs_textworld
@pytest.mark.slow
def test_options_task_id_picks_the_game_and_unknown_ids_are_refused():
    env = gym.make("protege/TextWorld-v1", split="valid_seen")
    _, info = env.reset(options={"task_id": "tw-coin_collector-1000001"})
    assert info["task_id"] == "tw-coin_collector-1000001"
    assert info["task_type"] == "tw-coin_collector"
    assert "coin" in info["goal"].lower()
    with pytest.raises(UnknownTaskError):
        env.reset(options={"task_id": "tw-coin_collector-1"})  # a train seed
    observation, reward, terminated, _, _ = env.step("restart")
    assert observation.startswith("Nothing happens.") and reward == 0 and not terminated
    env.close()


@needs_textworld
@pytest.mark.slow
def test_without_expert_policy_steps_skip_quest_tracking_and_there_is_no_expert():
    env = gym.make("protege/TextWorld-v1", split="valid_seen", expert_policy=False)
    _, info = env.reset(options={"task_id": "tw-coin_collector-1000001"})
    assert info["admissible_actions"]
    with pytest.raises(RuntimeError, match="expert_policy=False"):
        env.unwrapped.expert_action()
    env.close()


@needs_textworld
@pytest.mark.slow
def test_generation_is_byte_identical_across_processes(tmp_path):
    settings = games.challenge_settings("tw-treasure_hunter", "train", {"level": 1})
    first = games.GameCache(tmp_path / "a", "x").path("tw-treasure_hunter", settings, 11)
    second = games.GameCache(tmp_path / "b", "x").path("tw-treasure_hunter", settings, 11)
    assert first.read_bytes() == second.read_bytes()
    assert first.with_suffix(".json").read_bytes() == second.with_suffix(".json").read_bytes()
