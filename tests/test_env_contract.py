"""The environment contract, checked on every registered protege environment.

Each family that lands is tested here automatically. A family with special needs (slow
resets, an expert that cannot recover, actions that end the task on purpose) says so in
:data:`SETTINGS`, keyed by its id; nothing else in this file is per family.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

from protege.agents import ExpertAgent, RandomAgent, play_episode
from protege.envs import INFO_KEYS, env_class, protege_env_ids
from protege.envs.alfworld import unavailable_reason as alfworld_unavailable
from protege.envs.scienceworld import unavailable_reason as scienceworld_unavailable
from protege.envs.textworld import unavailable_reason as textworld_unavailable
from protege.sandbox import sandbox_problem
from tests.conftest import TEST_ENV_ID


@dataclass(frozen=True)
class ContractSettings:
    """How the contract is exercised for one environment id."""

    seeds_per_split: int = 5
    """Expert episodes per split in the success tests."""
    expert_recovers: bool = True
    """Whether the expert wins after random detours (a replayed gold path does not)."""
    detour_steps: int = 10
    """Random admissible actions taken before the expert takes over."""
    detour_allowed: Callable[[str], bool] = lambda action: True
    """Which admissible actions a detour may take (e.g. not the ones that end the task)."""
    random_strings: int = 2000
    """Random strings sent as actions in the robustness test."""
    make_kwargs: dict = field(default_factory=dict)
    """Extra keyword arguments for ``gymnasium.make``."""
    marks: tuple = ()
    """pytest marks for every test of this id (e.g. ``pytest.mark.slow``)."""


_TEXTWORLD_SAFE_VERBS = frozenset({"go", "open", "close", "look", "examine", "inventory"})

SETTINGS: dict[str, ContractSettings] = {
    TEST_ENV_ID: ContractSettings(),
    # Shop: a random detour must not buy (that ends the episode); 30 steps leave the expert
    # room after 10 detour steps (the default cap is WebShop's 15).
    "protege/Shop-v1": ContractSettings(
        detour_allowed=lambda action: action != "click[buy now]", make_kwargs={"max_steps": 30}
    ),
    # Household: episodes take milliseconds, so check more seeds than the default.
    "protege/Household-v1": ContractSettings(seeds_per_split=20),
    # Science: a wrong "focus on" ends the task by design, so detours never focus.
    "protege/Science-v1": ContractSettings(
        seeds_per_split=20, detour_allowed=lambda action: not action.startswith("focus on")
    ),
    # Code: detours never submit (that ends the task). The sandbox is Docker where the engine
    # and image are there, else bubblewrap; tests/envs/test_code_env.py runs both explicitly.
    "protege/Code-v0": ContractSettings(
        seeds_per_split=3,
        detour_allowed=lambda action: action != "submit()",
        marks=(pytest.mark.skipif(bool(_code_why := sandbox_problem()), reason=str(_code_why)),),
    ),
    # TextWorld: games are generated once (seconds each) into the shared on-disk cache, so few
    # seeds. Detours only move, open, close and look: a wrong take (Treasure Hunter's
    # distractor), eat or cook (burnt food) can lose the game, and no expert recovers from that.
    "protege/TextWorld-v1": ContractSettings(
        seeds_per_split=2,
        detour_allowed=lambda action: action.split()[0] in _TEXTWORLD_SAFE_VERBS,
        marks=(
            pytest.mark.slow,
            pytest.mark.skipif(bool(_tw_why := textworld_unavailable()), reason=str(_tw_why)),
        ),
    ),
    # ScienceWorld: the expert replays the gold path, so it cannot recover from detours. A step
    # enumerates hundreds of valid actions on the JVM (~30-60 ms), so 150 random strings, one
    # seed per split and one short task (gold paths of 5-16 steps) keep this under a minute.
    "protege/ScienceWorld-v1": ContractSettings(
        seeds_per_split=1,
        expert_recovers=False,
        random_strings=150,
        make_kwargs={"task_type": "find-living-thing", "max_steps": 40},
        marks=(
            pytest.mark.slow,
            pytest.mark.skipif(bool(_sw_why := scienceworld_unavailable()), reason=str(_sw_why)),
        ),
    ),
    # ALFWorld: needs the alfworld package and its downloaded game data (ALFWORLD_DATA).
    "protege/ALFWorld-v0": ContractSettings(
        seeds_per_split=2,
        marks=(
            pytest.mark.slow,
            pytest.mark.skipif(bool(_alf_why := alfworld_unavailable()), reason=str(_alf_why)),
        ),
    ),
}


def _env_ids() -> list:
    ids = sorted(set(protege_env_ids()) | {TEST_ENV_ID})
    return [
        pytest.param(env_id, marks=SETTINGS.get(env_id, ContractSettings()).marks) for env_id in ids
    ]


def _settings(env_id: str) -> ContractSettings:
    return SETTINGS.get(env_id, ContractSettings())


def _make(env_id: str, **kwargs) -> gym.Env:
    return gym.make(env_id, **{**_settings(env_id).make_kwargs, **kwargs})


def _assert_info_contract(info: dict) -> None:
    missing = [key for key in INFO_KEYS if key not in info]
    assert not missing, f"info lacks {missing}"
    assert isinstance(info["task_id"], str) and info["task_id"]
    assert isinstance(info["task_type"], str) and info["task_type"]
    assert isinstance(info["goal"], str) and info["goal"]
    assert isinstance(info["admissible_actions"], list)
    assert all(isinstance(action, str) for action in info["admissible_actions"])
    assert isinstance(info["won"], bool)
    assert 0.0 <= info["score"] <= 1.0


@pytest.mark.parametrize("env_id", _env_ids())
def test_gymnasium_check_env_passes(env_id: str) -> None:
    env = _make(env_id, render_mode="ansi", disable_env_checker=True)
    check_env(env.unwrapped, skip_render_check=False)
    env.close()


@pytest.mark.parametrize("env_id", _env_ids())
def test_same_seed_gives_identical_episodes(env_id: str) -> None:
    for make_agent in (ExpertAgent, lambda: RandomAgent(seed=7)):
        episodes = []
        for _ in range(2):
            env = _make(env_id)
            episodes.append(play_episode(env, make_agent(), seed=123, env_id=env_id))
            env.close()
        assert episodes[0].model_dump() == episodes[1].model_dump()


@pytest.mark.parametrize("env_id", _env_ids())
def test_expert_wins_on_every_split(env_id: str) -> None:
    cls = env_class(env_id)
    for split in cls.splits:
        env = _make(env_id, split=split)
        for seed in range(_settings(env_id).seeds_per_split):
            episode = play_episode(env, ExpertAgent(), seed=seed, env_id=env_id)
            assert episode.won, (
                f"expert lost {split} seed {seed} task {episode.task_id} after "
                f"{episode.num_steps} steps; last observation: {episode.final_observation[:300]}"
            )
            assert episode.score == 1.0
            assert episode.steps[-1].terminated
        env.close()


@pytest.mark.parametrize("env_id", _env_ids())
def test_expert_recovers_after_random_detours(env_id: str) -> None:
    settings = _settings(env_id)
    if not settings.expert_recovers:
        pytest.skip(f"{env_id}'s expert replays a fixed path and cannot recover from detours")
    env = _make(env_id, split="train")
    agent = ExpertAgent()
    for seed in range(settings.seeds_per_split):
        rng = random.Random(seed)
        observation, info = env.reset(seed=seed)
        done = False
        for _ in range(settings.detour_steps):
            choices = [a for a in info["admissible_actions"] if settings.detour_allowed(a)]
            if not choices or done:
                break
            _, _, terminated, truncated, info = env.step(rng.choice(choices))
            done = terminated or truncated
        if done:  # the detour itself ended the episode (e.g. won by chance)
            continue
        while not done:
            observation, _, terminated, truncated, info = env.step(
                agent.act(env, observation, info)
            )
            done = terminated or truncated
        assert info["won"], f"expert did not recover on seed {seed}, task {info['task_id']}"
    env.close()


def _random_action(rng: random.Random) -> str:
    alphabet = string.printable + "äéñ€→[](){}\"'"
    kind = rng.random()
    if kind < 0.1:
        return ""
    if kind < 0.3:  # bracketed and call-shaped strings reach the parsers' deeper branches
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 8)))
        inner = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        return rng.choice(
            ["{}[{}]", "{}({})", "{} {}", '{{"name": "{}", "arguments": {}}}']
        ).format(word, inner)
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 200)))


@pytest.mark.parametrize("env_id", _env_ids())
def test_random_strings_as_actions_never_raise(env_id: str) -> None:
    env = _make(env_id, max_steps=10_000)
    rng = random.Random(0)
    _, info = env.reset(seed=0)
    _assert_info_contract(info)
    for _ in range(_settings(env_id).random_strings):
        observation, _, terminated, truncated, info = env.step(_random_action(rng))
        assert isinstance(observation, str) and observation
        _assert_info_contract(info)
        if terminated or truncated:
            _, info = env.reset()
    env.close()


@pytest.mark.parametrize("env_id", _env_ids())
def test_max_steps_truncates(env_id: str) -> None:
    env = _make(env_id, max_steps=3)
    env.reset(seed=1)
    flags = []
    for _ in range(3):
        _, _, terminated, truncated, _ = env.step("this is not an action")
        flags.append((terminated, truncated))
        if terminated:
            break
    assert flags[-1] == (False, True) or flags[-1][0], flags
    env.close()
