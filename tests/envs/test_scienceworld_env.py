"""protege/ScienceWorld-v1: splits, the JVM's lifetime, admissible-action caps, the reward
scale, error paths.

The contract itself runs in tests/test_env_contract.py. Each environment starts its own JVM
(~2 s), so the tests here share a few.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import gymnasium as gym
import pytest

import protege  # noqa: F401  registers the environments
from protege.agents import ExpertAgent, play_episode
from protege.envs.scienceworld import unavailable_reason
from protege.envs.scienceworld.cache import SPLIT_LISTS, TASK_NAMES, ScienceWorldCache
from protege.errors import MissingDependencyError

needs_scienceworld = pytest.mark.skipif(
    bool(unavailable_reason()), reason=str(unavailable_reason())
)
QUICK_TASK = "lifespan-longest-lived"  # loads fast, gold paths of 4-8 steps


def _java_children() -> list[int]:
    """Process ids of the java processes whose parent is this test process."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and os.path.basename(command) == b"java":
            children.append(int(entry.name))
    return children


def test_missing_scienceworld_is_a_one_line_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "scienceworld", None)
    with pytest.raises(MissingDependencyError) as error:
        gym.make("protege/ScienceWorld-v1")
    assert str(error.value) == (
        "`scienceworld` is not installed for protege/ScienceWorld-v1; "
        "run: pip install 'protege[scienceworld]'"
    )


@pytest.mark.skipif(
    "scienceworld" in str(unavailable_reason()), reason="scienceworld is not installed"
)
def test_missing_java_is_a_one_line_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(MissingDependencyError) as error:
        gym.make("protege/ScienceWorld-v1")
    assert str(error.value) == (
        "`java` is not installed for protege/ScienceWorld-v1 (its simulator runs on the JVM); "
        "install a Java 11+ runtime, e.g.: apt-get install default-jre-headless"
    )


def test_split_mapping_and_task_names():
    assert SPLIT_LISTS == {"train": "train", "valid_seen": "dev", "valid_unseen": "test"}
    assert len(TASK_NAMES) == len(set(TASK_NAMES)) == 30


def test_cache_round_trips_and_tolerates_missing_files(tmp_path):
    cache = ScienceWorldCache(tmp_path, "9.9")
    assert cache.variations("boil") is None and cache.gold_path("boil", 3, "") is None
    cache.store_variations("boil", {"train": [0, 1], "dev": [2], "test": [3]})
    cache.store_gold_path("boil", 3, "easy", ["look around", "wait1"])
    assert cache.variations("boil") == {"train": [0, 1], "dev": [2], "test": [3]}
    assert cache.gold_path("boil", 3, "easy") == ["look around", "wait1"]
    assert cache.gold_path("boil", 3, "") is None
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary files left


@needs_scienceworld
def test_scienceworld_task_names_are_the_packages():
    from scienceworld.constants import ID2TASK

    names = [name.replace("mendellian", "mendelian") for name in ID2TASK.values()]
    assert sorted(names) == sorted(TASK_NAMES)


@needs_scienceworld
@pytest.mark.slow
def test_one_jvm_per_env_and_none_left_after_50_resets_and_close(tmp_path):
    before = _java_children()
    env = gym.make("protege/ScienceWorld-v1", task_type=QUICK_TASK, max_admissible_actions=0)
    assert _java_children() == before  # the JVM starts on first use, not at make
    for seed in range(50):
        observation, info = env.reset(seed=seed)
        assert observation and info["admissible_actions"] == []
    running = [pid for pid in _java_children() if pid not in before]
    assert len(running) == 1
    env.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and [p for p in _java_children() if p not in before]:
        time.sleep(0.1)
    assert [pid for pid in _java_children() if pid not in before] == []
    env.close()  # closing twice is harmless


@needs_scienceworld
@pytest.mark.slow
def test_splits_are_scienceworlds_own_variation_lists_and_disjoint():
    envs = {
        split: gym.make("protege/ScienceWorld-v1", split=split, task_type=QUICK_TASK)
        for split in ("train", "valid_seen", "valid_unseen")
    }
    ids = {split: set(env.unwrapped.task_ids()) for split, env in envs.items()}
    envs["train"].reset(seed=0)
    sim = envs["train"].unwrapped._sim
    sim.load(QUICK_TASK, 0, "", False)
    assert {f"{QUICK_TASK}-{v}" for v in sim.get_variations_train()} == ids["train"]
    assert {f"{QUICK_TASK}-{v}" for v in sim.get_variations_dev()} == ids["valid_seen"]
    assert {f"{QUICK_TASK}-{v}" for v in sim.get_variations_test()} == ids["valid_unseen"]
    assert not ids["train"] & ids["valid_seen"] and not ids["valid_seen"] & ids["valid_unseen"]
    for env in envs.values():
        env.close()


@needs_scienceworld
@pytest.mark.slow
def test_expert_wins_caps_admissible_actions_and_caches_the_gold_path():
    env = gym.make("protege/ScienceWorld-v1", task_type=QUICK_TASK, max_admissible_actions=12)
    episode = play_episode(env, ExpertAgent(), seed=5)
    assert episode.won and episode.score == 1.0 and episode.steps[-1].terminated
    assert sum(step.reward for step in episode.steps) == pytest.approx(1.0)
    assert all(len(step.admissible_actions) <= 12 for step in episode.steps)
    unwrapped = env.unwrapped
    assert unwrapped.cache.gold_path(QUICK_TASK, unwrapped._variation, "") == unwrapped._gold
    _, info = env.reset(seed=5)
    full = gym.make("protege/ScienceWorld-v1", task_type=QUICK_TASK)
    _, full_info = full.reset(seed=5)
    assert set(info["admissible_actions"]) <= set(full_info["admissible_actions"])
    assert len(full_info["admissible_actions"]) > 12
    assert "look around" in info["admissible_actions"]  # the short ones are kept
    observation, reward, terminated, _, info = full.step("focus on the moon, loudly\n\x00")
    assert observation.startswith("Nothing happens.") and reward == 0 and not terminated
    env.close()
    full.close()


@pytest.fixture(scope="module")
def science_env():
    """One ScienceWorld-v1 environment (one JVM) for the reward tests, no valid actions listed."""
    if unavailable_reason():
        pytest.skip(str(unavailable_reason()))
    env = gym.make("protege/ScienceWorld-v1", max_admissible_actions=0)
    yield env
    env.close()


def _step(env, action: str) -> tuple[float, bool, dict]:
    """Step ``action`` and check the scale; return the reward, whether it ended, the info."""
    _, reward, terminated, truncated, info = env.step(action)
    assert 0.0 <= info["score"] <= 1.0 and info["max_score"] == 100
    assert info["score"] == max(0, info["raw_score"]) / 100
    return reward, terminated or truncated, info


@needs_scienceworld
@pytest.mark.slow
def test_a_won_episode_pays_the_starting_progress_so_rewards_sum_to_one(science_env):
    # This variation starts half done (ScienceWorld's score 50): -v0 paid only the other half.
    _, info = science_env.reset(options={"task_id": "lifespan-shortest-lived-29"})
    assert (info["raw_score"], info["score"], info["max_score"]) == (50, 0.5, 100)
    rewards, done = [], False
    while not done:
        reward, done, info = _step(science_env, science_env.unwrapped.expert_action())
        rewards.append(reward)
    assert info["won"] and info["raw_score"] == 100 and info["score"] == 1.0
    assert not info["lost"]
    assert sum(rewards) == pytest.approx(1.0)


@needs_scienceworld
@pytest.mark.slow
def test_a_failed_task_scores_zero_and_its_rewards_sum_to_zero(science_env):
    science_env.reset(options={"task_id": "lifespan-longest-lived-41"})
    expert = science_env.unwrapped.expert_action
    rewards = []
    while not expert().startswith("focus on"):  # the gold path up to the animals
        rewards.append(_step(science_env, expert())[0])
    assert sum(rewards) == pytest.approx(0.5)
    # Focusing on the wrong thing fails the task: ScienceWorld's score becomes -100.
    reward, done, info = _step(science_env, "focus on air")
    assert done and info["raw_score"] == -100 and info["lost"] and not info["won"]
    assert info["score"] == 0.0 and reward == pytest.approx(-0.5)
    assert sum(rewards) + reward == pytest.approx(0.0)
    reward, done, _ = _step(science_env, "look around")
    assert done and reward == 0.0  # nothing more to give back
