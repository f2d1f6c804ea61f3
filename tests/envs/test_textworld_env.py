"""protege/TextWorld-v1: task ids, splits, the game cache, the contract mapping, the reward
scale, error paths.

The contract itself (determinism, expert wins and recovers, random strings) runs in
tests/test_env_contract.py. Games are generated into the shared cache
($PROTEGE_CACHE/textworld), so each one costs seconds once per machine.
"""

from __future__ import annotations

import sys
import threading
import time
import warnings
from pathlib import Path

import gymnasium as gym
import pytest

import protege  # noqa: F401  registers the environments
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
def test_rewards_of_a_won_game_sum_to_one_and_score_is_points_over_max():
    env = gym.make("protege/TextWorld-v1", split="train", task_type="tw-simple")
    _, info = env.reset(seed=3)
    max_score = info["max_score"]
    assert max_score > 1  # balanced rewards: a point per sub-goal
    assert (info["raw_score"], info["score"]) == (0, 0.0)
    rewards, terminated = [], False
    while not terminated:
        _, reward, terminated, truncated, info = env.step(env.unwrapped.expert_action())
        assert not truncated
        rewards.append(reward)
        assert 0.0 <= info["score"] <= 1.0 and info["max_score"] == max_score
        assert info["score"] == (1.0 if info["won"] else info["raw_score"] / max_score)
    env.close()
    assert info["won"] and info["raw_score"] == max_score and not info["lost"]
    assert sum(rewards) == pytest.approx(1.0)
    # the score grows by sub-goal: a point is worth 1 / max_score, not 1 as in -v0
    assert rewards.count(pytest.approx(1 / max_score)) == max_score


def _game_worth_no_points(folder: Path) -> Path:
    """A one-room game won by opening a box and taking the coin, its quest worth 0 points."""
    import textworld

    maker = textworld.GameMaker()
    room = maker.new_room("Kitchen")
    maker.set_player(room)
    box = maker.new(type="c", name="box")
    room.add(box)
    maker.add_fact("closed", box)
    coin = maker.new(type="o", name="coin")
    box.add(coin)
    with warnings.catch_warnings():  # Jericho warns while TextWorld records the quest
        warnings.simplefilter("ignore")
        quest = maker.set_quest_from_commands(["open box", "take coin from box"])
    quest.reward = 0
    game = maker.build()
    assert game.max_score == 0
    options = textworld.GameOptions()
    options.path = str(folder / "zero.z8")
    return Path(textworld.generator.compile_game(game, options))


@needs_textworld
@pytest.mark.slow
def test_a_game_worth_no_points_scores_zero_until_won_then_one(tmp_path):
    env = gym.make("protege/TextWorld-v1", split="train")
    path = _game_worth_no_points(tmp_path)
    env.unwrapped.game_path = lambda task_id: path  # any train id plays this game
    _, info = env.reset(options={"task_id": "tw-simple-0"})
    assert (info["raw_score"], info["max_score"], info["score"]) == (0, 0, 0.0)
    _, reward, terminated, _, info = env.step("open box")
    assert (reward, terminated, info["won"], info["score"]) == (0.0, False, False, 0.0)
    _, reward, terminated, _, info = env.step("take coin from box")
    assert (reward, terminated, info["won"], info["score"]) == (1.0, True, True, 1.0)
    assert (info["raw_score"], info["max_score"]) == (0, 0)
    env.close()


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
