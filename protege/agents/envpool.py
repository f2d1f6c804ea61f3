"""Pools of environments the rollout engine steps in lockstep: in-process or Ray actors.

A pool owns ``size`` slots, each holding one environment. :meth:`EnvPool.reset` and
:meth:`EnvPool.step` take a batch of slot requests and return one :class:`EnvResult` per
request, in order; the Ray pool fans each batch out to its actors in parallel. The expert's
next action is computed inside the pool when asked (``with_expert``), so an expert policy
works where the environment lives in another process.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from protege.envs.core import TextEnv


@dataclass
class EnvResult:
    """What an environment answered to ``reset`` or ``step``."""

    observation: str
    info: dict[str, Any]
    reward: float = 0.0
    terminated: bool = False
    truncated: bool = False
    expert_action: str | None = None


class EnvPool(abc.ABC):
    """``size`` environments addressed by slot index."""

    size: int

    @abc.abstractmethod
    def reset(
        self, requests: Sequence[tuple[int, int | None, dict[str, Any] | None]], with_expert: bool
    ) -> list[EnvResult]:
        """Reset each ``(slot, seed, options)``."""

    @abc.abstractmethod
    def step(self, requests: Sequence[tuple[int, str]], with_expert: bool) -> list[EnvResult]:
        """Step each ``(slot, action)``."""

    def close(self) -> None:
        """Close every environment."""
        return None


class EnvGroup:
    """Environments of one process, by slot; the unit a local pool or a Ray actor holds."""

    def __init__(self, env_id: str, slots: Sequence[int], env_kwargs: dict[str, Any]) -> None:
        import protege  # noqa: F401  registers built-in and plugin environments in this process

        self.envs = {slot: gym.make(env_id, **env_kwargs) for slot in slots}

    def reset(
        self, requests: Sequence[tuple[int, int | None, dict[str, Any] | None]], with_expert: bool
    ) -> list[EnvResult]:
        """Reset each requested slot."""
        out = []
        for slot, seed, options in requests:
            observation, info = self.envs[slot].reset(seed=seed, options=options)
            out.append(
                EnvResult(observation, _plain(info), expert_action=self._expert(slot, with_expert))
            )
        return out

    def step(self, requests: Sequence[tuple[int, str]], with_expert: bool) -> list[EnvResult]:
        """Step each requested slot."""
        out = []
        for slot, action in requests:
            observation, reward, terminated, truncated, info = self.envs[slot].step(action)
            done = terminated or truncated
            out.append(
                EnvResult(
                    observation,
                    _plain(info),
                    float(reward),
                    bool(terminated),
                    bool(truncated),
                    None if done else self._expert(slot, with_expert),
                )
            )
        return out

    def close(self) -> None:
        """Close the environments."""
        for env in self.envs.values():
            env.close()

    def _expert(self, slot: int, with_expert: bool) -> str | None:
        if not with_expert:
            return None
        unwrapped = self.envs[slot].unwrapped
        if not isinstance(unwrapped, TextEnv):
            raise TypeError(f"the expert needs a protege TextEnv, got {type(unwrapped).__name__}")
        return unwrapped.expert_action()


class LocalEnvPool(EnvPool):
    """Every environment in this process."""

    def __init__(self, env_id: str, size: int, env_kwargs: dict[str, Any] | None = None) -> None:
        self.size = size
        self.group = EnvGroup(env_id, range(size), env_kwargs or {})

    def reset(
        self, requests: Sequence[tuple[int, int | None, dict[str, Any] | None]], with_expert: bool
    ) -> list[EnvResult]:
        return self.group.reset(requests, with_expert)

    def step(self, requests: Sequence[tuple[int, str]], with_expert: bool) -> list[EnvResult]:
        return self.group.step(requests, with_expert)

    def close(self) -> None:
        self.group.close()


def _plain(info: dict[str, Any]) -> dict[str, Any]:
    """``info`` with numpy scalars turned into Python values (records and Ray need plain data)."""
    out = {}
    for key, value in info.items():
        out[key] = value.item() if isinstance(value, np.generic) else value
    return out
