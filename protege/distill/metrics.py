"""Metrics per update: one JSON line, TensorBoard scalars, and W&B when installed and asked."""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from protege.distill.batching import Row
from protege.distill.divergences import k1
from protege.records import Episode


def per_turn_kl(
    old_logp_B_T: torch.Tensor,
    teacher_logp_B_T: torch.Tensor,
    turn_ids_B_T: torch.Tensor,
    max_turns: int = 30,
) -> dict[str, float]:
    """Mean sampled reverse-KL term (k1) per turn index: ``{"kl/turn_03": ...}``."""
    kl_B_T = k1(old_logp_B_T, teacher_logp_B_T)
    out = {}
    for turn in range(max_turns):
        where = turn_ids_B_T == turn
        if where.any():
            out[f"kl/turn_{turn:02d}"] = float(kl_B_T[where].mean())
    return out


def logprob_gap(episodes: Sequence[Episode], rows: Sequence[Row]) -> float | None:
    """Max |recorded - recomputed| log-probability over trained tokens: how far the rollout
    engine's log-probs (``Step.action_logprobs``) are from the trainer's own forward pass
    (``Row.old_logp``); None where either is missing (expert-played rows)."""
    gap = None
    for episode, row in zip(episodes, rows, strict=True):
        if row.old_logp is None:
            continue
        for (_, start, end), turn in zip(row.positions, row.turns, strict=True):
            recorded = episode.steps[turn].action_logprobs
            if recorded is None or len(recorded) != end - start:
                continue
            step_gap = float((torch.tensor(recorded) - row.old_logp[start:end]).abs().max())
            gap = step_gap if gap is None else max(gap, step_gap)
    return gap


def read_metrics(run_dir: str | os.PathLike[str]) -> list[dict[str, float]]:
    """The per-update records a run's :class:`MetricsLogger` wrote to ``metrics.jsonl``."""
    path = Path(run_dir) / "metrics.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def weight_stats(weights_B_T: torch.Tensor, mask_B_T: torch.Tensor) -> dict[str, float]:
    """Mean, min, max and std of per-token weights on trained tokens (SOD step weights)."""
    values = weights_B_T[mask_B_T > 0]
    if values.numel() == 0:
        return {}
    return {
        "sod_weight/mean": float(values.mean()),
        "sod_weight/min": float(values.min()),
        "sod_weight/max": float(values.max()),
        "sod_weight/std": float(values.std(unbiased=False)),
    }


class MetricsLogger:
    """Writes ``metrics.jsonl`` and TensorBoard events in the run folder; W&B if asked."""

    def __init__(
        self,
        folder: str | Path,
        *,
        jsonl: bool = True,
        tensorboard: bool = True,
        wandb: bool = False,
        wandb_project: str = "protege",
        config: dict[str, Any] | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.jsonl_path = self.folder / "metrics.jsonl" if jsonl else None
        self.writer = None
        if tensorboard and importlib.util.find_spec("tensorboard") is not None:
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(str(self.folder / "tensorboard"))
        self.wandb_run = None
        if wandb and importlib.util.find_spec("wandb") is not None:
            import wandb as wandb_module

            self.wandb_run = wandb_module.init(project=wandb_project, config=config or {})

    def log(self, update: int, metrics: dict[str, float]) -> None:
        """Record one update's metrics everywhere enabled."""
        record = {"update": update, **metrics}
        if self.jsonl_path is not None:
            with self.jsonl_path.open("a", encoding="utf-8") as file:
                file.write(json.dumps(record) + "\n")
        if self.writer is not None:
            for key, value in metrics.items():
                self.writer.add_scalar(key, value, update)
            self.writer.flush()
        if self.wandb_run is not None:
            self.wandb_run.log(metrics, step=update)

    def truncate(self, update: int) -> None:
        """Drop JSONL records from ``update`` on (a resumed run rewrites them)."""
        if self.jsonl_path is None or not self.jsonl_path.is_file():
            return
        lines = self.jsonl_path.read_text(encoding="utf-8").splitlines()
        kept = [line for line in lines if line and json.loads(line)["update"] < update]
        self.jsonl_path.write_text("".join(line + "\n" for line in kept), encoding="utf-8")

    def close(self) -> None:
        """Flush and close the writers."""
        if self.writer is not None:
            self.writer.close()
        if self.wandb_run is not None:
            self.wandb_run.finish()
