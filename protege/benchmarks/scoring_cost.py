"""Teacher scoring cost core: one pass per full-history episode vs re-scoring each prefix.

:func:`measure` plays episodes with random admissible actions written as well-formed, tokenized
responses (full-history, token-exact records), then scores them twice with the same teacher:

- **one pass**: :class:`protege.distill.scoring.TeacherScorer` as the trainer uses it, one
  forward pass per distinct sequence (each episode once);
- **per-step prefixes**: every step's growing context plus its action as its own sequence
  (what a scorer without per-step masks does), no deduplication.

Used by ``benchmarks/scoring_cost.py`` and ``protege bench``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

import protege  # noqa: F401  registers the environments
from protege.agents.formats import get_format
from protege.agents.policies.base import Generation, Policy, PolicyInput
from protege.agents.policies.hf import resolve_model_path
from protege.distill.rollouts import play
from protege.distill.scoring import TeacherScorer, load_teacher
from protege.records import Episode


class TokenRandomPolicy(Policy):
    """A seeded random admissible action, written in the prompt format and tokenized."""

    name = "random-tokens"

    def __init__(self, tokenizer: Any, prompt_format: str = "react", seed: int = 0) -> None:
        self.tokenizer = tokenizer
        self.format = get_format(prompt_format)
        self.seed = seed

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        """One random admissible action per input, rendered and tokenized."""
        out = []
        for item in inputs:
            key = [self.seed, item.episode_seed or 0, item.step]
            actions = item.admissible_actions or ["look"]
            action = actions[int(np.random.default_rng(key).integers(len(actions)))]
            text = self.format.render(action)
            ids = [*self.tokenizer(text, add_special_tokens=False)["input_ids"]]
            ids.append(int(self.tokenizer.eos_token_id))
            out.append(Generation(text=text, token_ids=ids, action=action))
        return out


def per_step_prefixes(episode: Episode) -> Episode:
    """The same actions, each step's context being its growing prefix of the conversation."""
    assert episode.tokens is not None
    steps = [
        step.model_copy(update={"prompt_token_ids": episode.tokens.token_ids[: span.start]})
        for step, span in zip(episode.steps, episode.tokens.spans, strict=True)
    ]
    return episode.model_copy(update={"steps": steps, "tokens": None})


def timed(scorer: TeacherScorer, episodes: list[Episode]) -> tuple[list, float]:
    """``scorer.score(episodes)`` and its wall time in seconds."""
    started = time.perf_counter()
    scores = scorer.score(episodes)
    return scores, time.perf_counter() - started


def measure(
    model: str = "tiny",
    env_id: str = "protege/Household-v1",
    episodes: int = 4,
    steps: int = 30,
    max_batch_tokens: int = 8192,
) -> dict[str, Any]:
    """Play ``episodes`` random episodes and score them both ways with teacher ``model``.

    Returns tokens processed and wall time of each way, their ratios to the episodes' own
    length, and the largest gap between the two ways' action-token log-probabilities.
    """
    from transformers import AutoTokenizer

    path = resolve_model_path(model)
    tokenizer = AutoTokenizer.from_pretrained(path)
    policy = TokenRandomPolicy(tokenizer)
    played = play(
        policy, env_id, list(range(episodes)), split="train", task_type=None,
        max_steps=steps, prompt_format="react", num_envs=episodes,
    )  # fmt: skip
    teacher = load_teacher(str(path), "cpu", "float32")
    pad = int(tokenizer.pad_token_id or 0)
    one_pass = TeacherScorer(teacher, pad_id=pad, max_batch_tokens=max_batch_tokens)
    fast, fast_s = timed(one_pass, played)
    prefix = TeacherScorer(
        teacher, pad_id=pad, max_batch_tokens=max_batch_tokens, deduplicate=False
    )
    slow, slow_s = timed(prefix, [per_step_prefixes(e) for e in played])

    gap = max(
        abs(a - b)
        for f, s in zip(fast, slow, strict=True)
        for k in f
        for a, b in zip(f[k].logprobs, s[k].logprobs, strict=True)
    )
    own = sum(len(e.tokens.token_ids) for e in played)
    return {
        "model": str(model),
        "env": env_id,
        "episodes": episodes,
        "steps_per_episode": [e.num_steps for e in played],
        "episode_tokens": own,
        "one_pass_tokens": one_pass.stats.tokens,
        "one_pass_tokens_vs_episode": one_pass.stats.tokens / own,
        "one_pass_forward_passes": one_pass.stats.forward_passes,
        "one_pass_s": fast_s,
        "per_step_tokens": prefix.stats.tokens,
        "per_step_tokens_vs_episode": prefix.stats.tokens / own,
        "per_step_forward_passes": prefix.stats.forward_passes,
        "per_step_s": slow_s,
        "wall_time_ratio": slow_s / fast_s,
        "max_logprob_gap": gap,
    }
