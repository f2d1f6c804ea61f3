"""Training rollouts: the live student, the expert as tokens, and an expert prefix (TCOD B2F).

Episodes are played by :class:`protege.agents.rollout.RolloutEngine` (token-exact, full
history); this module only supplies the policies it needs during training:

- :class:`StudentPolicy` samples from the model being trained, in memory, without reloading
  (no prefix cache: the weights change between updates);
- :class:`TokenExpertPolicy` plays the environment expert but writes its action as the prompt
  format's response, tokenized, so the conversation keeps a token record (SFT data, B2F prefix);
- :class:`PrefixPolicy` lets the expert play a per-task number of first actions, then the
  student (TCOD B2F); the number is recorded in ``Episode.metadata["expert_prefix"]``.

:func:`expert_plan` plays the expert on a fresh copy of the environment (OPSD's privileged plan,
the B2F demonstration length).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import gymnasium as gym
import torch

from protege.agents.formats import PromptFormat, get_format
from protege.agents.policies.base import Generation, Policy, PolicyInput
from protege.agents.rollout import RolloutEngine
from protege.agents.scripted import ExpertAgent, play_episode
from protege.records import Episode


class StudentPolicy(Policy):
    """Batched sampling from the model being trained, held in memory by the trainer.

    Sampled ids are returned verbatim (cut after the first EOS) with the model's own
    log-probabilities (temperature 1, as :class:`~protege.agents.policies.hf.HFPolicy`'s
    ``logprobs="model"``). Sampling runs in eval mode and restores the model's mode after.
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        temperature: float = 1.0,
        top_p: float = 1.0,
        max_new_tokens: int = 48,
        name: str = "student",
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.temperature = temperature
        self.top_p = top_p
        self.max_new_tokens = max_new_tokens
        self.name = name
        self.eos_id = int(tokenizer.eos_token_id)
        pad = tokenizer.pad_token_id
        self.pad_id = int(pad if pad is not None else tokenizer.eos_token_id)

    def describe(self) -> dict[str, Any]:
        """Sampling settings, recorded in episode metadata."""
        return {"backend": "student", "temperature": self.temperature, "top_p": self.top_p}

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        """One sampled response per context, all contexts in one left-padded batch."""
        prompts = [list(item.prompt_token_ids or []) for item in inputs]
        if not prompts:
            return []
        training = self.model.training
        self.model.eval()
        try:
            new_B_T, logp_B_T = self._sample(prompts)
        finally:
            self.model.train(training)
        return [self._generation(ids, logp) for ids, logp in zip(new_B_T, logp_B_T, strict=True)]

    def _sample(self, prompts: list[list[int]]) -> tuple[list[list[int]], list[list[float]]]:
        device = next(self.model.parameters()).device
        width = max(len(prompt) for prompt in prompts)
        ids_B_T = torch.full((len(prompts), width), self.pad_id, dtype=torch.long)
        attention_B_T = torch.zeros(len(prompts), width, dtype=torch.long)
        for row, prompt in enumerate(prompts):
            ids_B_T[row, width - len(prompt) :] = torch.tensor(prompt)
            attention_B_T[row, width - len(prompt) :] = 1
        settings: dict[str, Any] = {"do_sample": self.temperature > 0}
        if self.temperature > 0:
            settings.update(temperature=self.temperature, top_p=self.top_p, top_k=0)
        with torch.no_grad():
            result = self.model.generate(
                input_ids=ids_B_T.to(device),
                attention_mask=attention_B_T.to(device),
                max_new_tokens=self.max_new_tokens,
                pad_token_id=self.pad_id,
                eos_token_id=self.eos_id,
                return_dict_in_generate=True,
                output_logits=True,
                **settings,
            )
        new_B_T = result.sequences[:, width:]
        logits_B_T_V = torch.stack(result.logits, dim=1).float()
        logp_B_T = torch.log_softmax(logits_B_T_V, dim=-1).gather(-1, new_B_T[..., None])[..., 0]
        return new_B_T.cpu().tolist(), logp_B_T.cpu().tolist()

    def _generation(self, ids: list[int], logprobs: list[float]) -> Generation:
        """Cut after the first EOS; the text excludes it."""
        finish = "length"
        if self.eos_id in ids:
            ids = ids[: ids.index(self.eos_id) + 1]
            finish = "stop"
        text_ids = ids[:-1] if finish == "stop" else ids
        return Generation(
            text=self.tokenizer.decode(text_ids, skip_special_tokens=False),
            token_ids=ids,
            logprobs=logprobs[: len(ids)],
            finish_reason=finish,  # type: ignore[arg-type]
        )


class TokenExpertPolicy(Policy):
    """The environment expert, its action written as a well-formed, tokenized response."""

    name = "expert"
    needs_expert = True

    def __init__(self, tokenizer: Any, prompt_format: str | PromptFormat = "react") -> None:
        self.tokenizer = tokenizer
        self.format = get_format(prompt_format)

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        """One expert response per input: the format's rendering of the action, then EOS."""
        out = []
        for item in inputs:
            if item.expert_action is None:
                raise ValueError("TokenExpertPolicy got an input without expert_action")
            text = self.format.render(item.expert_action)
            ids = list(self.tokenizer(text, add_special_tokens=False)["input_ids"])
            ids.append(int(self.tokenizer.eos_token_id))
            out.append(Generation(text=text, token_ids=ids, action=item.expert_action))
        return out


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
    env_id: str, seed: int, split: str = "train", task_type: str | None = None, **kwargs: Any
) -> list[str]:
    """The expert's actions from ``reset(seed=seed)``, played on a fresh copy of the env."""
    env = gym.make(env_id, split=split, task_type=task_type, **kwargs)
    try:
        return [step.action for step in play_episode(env, ExpertAgent(), seed=seed).steps]
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
) -> list[Episode]:
    """Play one full-history, token-exact episode per seed with ``policy``."""
    engine = RolloutEngine(
        env_id,
        policy,
        prompt_format=prompt_format,
        history=None,
        num_envs=num_envs,
        max_steps=max_steps,
        split=split,
        task_type=task_type,
    )
    try:
        with torch.no_grad():
            return engine.run(list(seeds), progress=False)
    finally:
        engine.close()
