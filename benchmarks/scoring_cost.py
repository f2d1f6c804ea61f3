"""Teacher scoring cost: one pass per full-history episode vs re-scoring each step's prefix.

Plays ``--episodes`` episodes of ``--steps`` steps on an environment with random admissible
actions written as well-formed, tokenized responses (full-history, token-exact records), then
scores them twice with the same teacher in the same run:

- **one pass**: :class:`protege.distill.scoring.TeacherScorer` as the trainer uses it, one
  forward pass per distinct sequence (each episode once);
- **per-step prefixes**: every step's growing context plus its action as its own sequence
  (what a scorer without per-step masks does), no deduplication.

Prints tokens processed (relative to the episodes' own length) and wall times, checks that the
two agree on every action token's log-probability, and writes JSON with ``--out``. The measuring
code lives in :mod:`protege.benchmarks.scoring_cost` (``protege bench`` runs it too).

    python benchmarks/scoring_cost.py --model tiny --episodes 4 --steps 30
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from protege.benchmarks.scoring_cost import measure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tiny", help="teacher: a folder, smollm2 or tiny")
    parser.add_argument("--env", default="protege/Household-v1")
    parser.add_argument("--episodes", type=int, default=4)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-batch-tokens", type=int, default=8192)
    parser.add_argument("--out", default=None, help="write the results as JSON here")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    result = measure(args.model, args.env, args.episodes, args.steps, args.max_batch_tokens)
    print(json.dumps(result, indent=2))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
