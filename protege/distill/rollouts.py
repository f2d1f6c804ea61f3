"""Training rollouts: the live student, the expert as tokens, and an expert prefix (TCOD B2F).

Episodes are played by :class:`protege.agents.rollout.RolloutEngine` (token-exact, full
history); this module only supplies the policies it needs during training:

- the student samples through :meth:`protege.agents.policies.hf.HFPolicy.from_model`, in
  memory, with a prefix cache that lives for one rollout (the weights change between updates);
- :class:`TokenExpertPolicy` plays the environment expert but writes its action as the prompt
  format's response, tokenized, so the conversation keeps a token record (SFT data, B2F prefix);
- :class:`PrefixPolicy` lets the expert play a per-task number of first actions, then the
  student (TCOD B2F); the number is recorded in ``Episode.metadata["expert_prefix"]``.

:func:`expert_plan` plays the expert on a fresh copy of the environment (OPSD's privileged plan,
the B2F demonstration length).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, Literal

import gymnasium as gym
import torch

from protege.agents.formats import PromptFormat, get_format
from protege.agents.policies.base import Generation, Policy, PolicyInput
from protege.agents.rollout import RolloutEngine
from protege.agents.scripted import ExpertAgent, play_episode
from protege.records import Episode


class TokenExpertPolicy(Policy):
    """The environment expert, its action written as a well-formed, tokenized response.

    With ``detours`` > 0 it takes, at that share of steps, a random other admissible action
    instead (drawn from ``seed``, the episode's seed and the step, so replays agree).
    """

    name = "expert"
    needs_expert = True

    def __init__(
        self,
        tokenizer: Any,
        prompt_format: str | PromptFormat = "react",
        detours: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.tokenizer = tokenizer
        self.format = get_format(prompt_format)
        self.detours = detours
        self.seed = seed

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        """One response per input: the format's rendering of the action, then EOS."""
        out = []
        for item in inputs:
            if item.expert_action is None:
                raise ValueError("TokenExpertPolicy got an input without expert_action")
            action = self._action(item, item.expert_action)
            text = self.format.render(action)
            ids = list(self.tokenizer(text, add_special_tokens=False)["input_ids"])
            ids.append(int(self.tokenizer.eos_token_id))
            out.append(Generation(text=text, token_ids=ids, action=action))
        return out

    def _action(self, item: PolicyInput, expert: str) -> str:
        others = [action for action in item.admissible_actions if action != expert]
        if not self.detours or not others:
            return expert
        rng = random.Random(f"{self.seed}/{item.episode_seed}/{item.step}")
        return rng.choice(others) if rng.random() < self.detours else expert


class PrefixPolicy(Policy):
    """The expert for the first ``prefix_length(seed)`` steps of an episode, then the student."""

    needs_expert = True

    def __init__(
        self, expert: Policy, student: Policy, prefix_length: Callable[[int | None], int]
    ) -> None:
        self.expert, self.student = expert, student
        self.prefix_length = prefix_length
        self.tokenizer = student.tokenizer
        self.name = student.name

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        """Route each input to the expert or the student by its step, keeping the order."""
        expert_rows = [
            i for i, x in enumerate(inputs) if x.step < self.prefix_length(x.episode_seed)
        ]
        student_rows = [i for i in range(len(inputs)) if i not in set(expert_rows)]
        out: list[Generation | None] = [None] * len(inputs)
        for rows, policy in ((expert_rows, self.expert), (student_rows, self.student)):
            if rows:
                for row, generation in zip(
                    rows, policy.generate([inputs[r] for r in rows]), strict=True
                ):
                    out[row] = generation
        return [generation for generation in out if generation is not None]


def expert_plan(
    env_id: str,
    seed: int,
    split: str = "train",
    task_type: str | None = None,
    task_id: str | None = None,
    **kwargs: Any,
) -> list[str]:
    """The expert's actions from ``reset(seed=seed)`` (on task ``task_id`` if given), played on
    a fresh copy of the env."""
    env = gym.make(env_id, split=split, task_type=task_type, **kwargs)
    options = {"task_id": task_id} if task_id is not None else None
    try:
        episode = play_episode(env, ExpertAgent(), seed=seed, options=options)
        return [step.action for step in episode.steps]
    finally:
        env.close()


def play(
    policy: Policy,
    env_id: str,
    seeds: Sequence[int],
    *,
    split: str,
    task_type: str | None,
    max_steps: int | None,
    prompt_format: str,
    num_envs: int,
    list_actions: Literal["every", "start"] = "every",
    tasks: Sequence[str] | None = None,
) -> list[Episode]:
    """Play one full-history, token-exact episode per seed with ``policy`` (seed ``s`` on
    ``tasks[s % len(tasks)]`` when a task list is given)."""
    engine = RolloutEngine(
        env_id,
        policy,
        prompt_format=prompt_format,
        history=None,
        list_actions=list_actions,
        num_envs=num_envs,
        max_steps=max_steps,
        split=split,
        task_type=task_type,
        tasks=tasks,
    )
    try:
        with torch.no_grad():
            return engine.run(list(seeds), progress=False)
    finally:
        engine.close()
