"""Agents that need no model: the environment's expert and a seeded random agent.

They act on one environment at a time; :func:`play_episode` records what they do as an
:class:`~protege.records.Episode`.
"""

from __future__ import annotations

from typing import Any, Protocol

import gymnasium as gym
import numpy as np

from protege.envs.core import TextEnv
from protege.records import Episode, Step


class Agent(Protocol):
    """Anything that picks the next action from an environment's observation and info."""

    name: str

    def act(self, env: gym.Env, observation: str, info: dict[str, Any]) -> str:
        """Return the next action."""
        ...


class ExpertAgent:
    """Plays ``env.unwrapped.expert_action()``, the family expert that recovers from any state."""

    name = "expert"

    def act(self, env: gym.Env, observation: str, info: dict[str, Any]) -> str:
        """Ask the environment's expert for the next action."""
        unwrapped = env.unwrapped
        if not isinstance(unwrapped, TextEnv):
            raise TypeError(f"ExpertAgent needs a protege TextEnv, got {type(unwrapped).__name__}")
        return unwrapped.expert_action()


class RandomAgent:
    """Picks uniformly among the admissible actions with its own seeded generator."""

    name = "random"

    def __init__(self, seed: int | None = None, fallback_action: str = "look") -> None:
        self.rng = np.random.default_rng(seed)
        self.fallback_action = fallback_action

    def act(self, env: gym.Env, observation: str, info: dict[str, Any]) -> str:
        """A random admissible action, or ``fallback_action`` where the set is open."""
        actions = info.get("admissible_actions") or []
        if not actions:
            return self.fallback_action
        return actions[int(self.rng.integers(len(actions)))]


def play_episode(
    env: gym.Env,
    agent: Agent,
    *,
    seed: int | None = None,
    options: dict[str, Any] | None = None,
    env_id: str | None = None,
) -> Episode:
    """Reset ``env`` and let ``agent`` act until the episode ends; return the record."""
    observation, info = env.reset(seed=seed, options=options)
    unwrapped = env.unwrapped
    episode = Episode(
        env_id=env_id or (env.spec.id if env.spec else type(unwrapped).__name__),
        split=getattr(unwrapped, "split", None),
        seed=seed,
        task_id=info["task_id"],
        task_type=info["task_type"],
        goal=info["goal"],
        policy=agent.name,
    )
    done = False
    while not done:
        action = agent.act(env, observation, info)
        step = Step(
            observation=observation, admissible_actions=info["admissible_actions"], action=action
        )
        observation, reward, terminated, truncated, info = env.step(action)
        step.reward = float(reward)
        step.terminated, step.truncated = terminated, truncated
        step.won, step.score = info["won"], info["score"]
        episode.steps.append(step)
        done = terminated or truncated
    episode.final_observation = observation
    return episode
