"""Teacher scoring cost: one pass per full-history episode vs re-scoring each step's prefix.

Plays ``--episodes`` episodes of ``--steps`` steps on an environment with random admissible
actions written as well-formed, tokenized responses (full-history, token-exact records), then
scores them twice with the same teacher in the same run:

- **one pass**: :class:`protege.distill.scoring.TeacherScorer` as the trainer uses it, one
  forward pass per distinct sequence (each episode once);
- **per-step prefixes**: every step's growing context plus its action as its own sequence
  (what a scorer without per-step masks does), no deduplication.

Prints tokens processed (relative to the episodes' own length) and wall times, checks that the
two agree on every action token's log-probability, and writes JSON with ``--out``.

    python benchmarks/scoring_cost.py --model tiny --episodes 4 --steps 30
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

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

    def __init__(self, tokenizer, prompt_format: str = "react", seed: int = 0) -> None:
        self.tokenizer = tokenizer
        self.format = get_format(prompt_format)
        self.seed = seed

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
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
    started = time.perf_counter()
    scores = scorer.score(episodes)
    return scores, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tiny", help="teacher: a folder, smollm2 or tiny")
    parser.add_argument("--env", default="protege/Household-v0")
    parser.add_argument("--episodes", type=int, default=4)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-batch-tokens", type=int, default=8192)
    parser.add_argument("--out", default=None, help="write the results as JSON here")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    path = resolve_model_path(args.model)
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    policy = TokenRandomPolicy(tokenizer)
    episodes = play(
        policy, args.env, list(range(args.episodes)), split="train", task_type=None,
        max_steps=args.steps, prompt_format="react", num_envs=args.episodes,
    )  # fmt: skip
    model = load_teacher(str(path), "cpu", "float32")
    pad = int(tokenizer.pad_token_id or 0)
    one_pass = TeacherScorer(model, pad_id=pad, max_batch_tokens=args.max_batch_tokens)
    fast, fast_s = timed(one_pass, episodes)
    prefix = TeacherScorer(
        model, pad_id=pad, max_batch_tokens=args.max_batch_tokens, deduplicate=False
    )
    slow, slow_s = timed(prefix, [per_step_prefixes(e) for e in episodes])

    gap = max(
        abs(a - b)
        for f, s in zip(fast, slow, strict=True)
        for k in f
        for a, b in zip(f[k].logprobs, s[k].logprobs, strict=True)
    )
    own = sum(len(e.tokens.token_ids) for e in episodes)
    result = {
        "model": str(args.model),
        "env": args.env,
        "episodes": args.episodes,
        "steps_per_episode": [e.num_steps for e in episodes],
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
    print(json.dumps(result, indent=2))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
