"""Policies that need no model: the environment's expert and a seeded uniform random agent."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from protege.agents.policies.base import Generation, Policy, PolicyInput


class ExpertPolicy(Policy):
    """Plays the environment expert's action (the engine fills in ``expert_action``)."""

    name = "expert"
    needs_expert = True

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        """The expert action of each input."""
        out = []
        for item in inputs:
            if item.expert_action is None:
                raise ValueError("ExpertPolicy got an input without expert_action")
            out.append(Generation(text=item.expert_action, action=item.expert_action))
        return out


class RandomPolicy(Policy):
    """Uniform over the admissible actions, seeded.

    Each draw comes from a generator seeded with ``(seed, episode_seed, step)``, so an episode
    gets the same actions whatever the batch it is in, the order of the batch or the process
    (local or Ray) that runs it.
    """

    name = "random"

    def __init__(self, seed: int = 0, fallback_action: str = "look") -> None:
        self.seed = seed
        self.fallback_action = fallback_action

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        """A random admissible action per input, or ``fallback_action`` where the set is open."""
        out = []
        for item in inputs:
            actions = item.admissible_actions
            if actions:
                key = [self.seed, item.episode_seed or 0, item.step]
                action = actions[int(np.random.default_rng(key).integers(len(actions)))]
            else:
                action = self.fallback_action
            out.append(Generation(text=action, action=action))
        return out

    def describe(self) -> dict[str, object]:
        """The seed."""
        return {"seed": self.seed}
