"""Checkpoints that resume exactly: weights, optimizer, scheduler, RNG, curriculum, skills.

``<output>/checkpoints/update_000003/`` holds ``model/`` (the adapter or full model with its
tokenizer, loadable by ``protege`` and transformers), ``state.pt`` (trainable tensors,
optimizer, scheduler, the next update, method state such as the skill library, an EMA teacher)
and ``rng_rank<r>.pt`` (each process's random state).
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import torch


def checkpoint_dir(output_dir: str | Path, update: int) -> Path:
    """The folder of the checkpoint taken after ``update`` updates."""
    return Path(output_dir) / "checkpoints" / f"update_{update:06d}"


def latest_checkpoint(output_dir: str | Path) -> Path | None:
    """The most recent complete checkpoint of a run, or None."""
    root = Path(output_dir) / "checkpoints"
    done = sorted(path for path in root.glob("update_*") if (path / "state.pt").is_file())
    return done[-1] if done else None


RUN_FILES = (
    "config.json",
    "metrics.jsonl",
    "eval.json",
    "checkpoints",
    "final",
    "samples",
    "tensorboard",
)
"""What a run writes into its output folder (and ``--overwrite`` removes)."""


def run_progress(output_dir: str | Path) -> int | None:
    """The update a run in ``output_dir`` reached (its latest checkpoint, else its last metrics
    record, else 0), or None when the folder holds no run."""
    output = Path(output_dir)
    if not any((output / name).exists() for name in RUN_FILES):
        return None
    latest = latest_checkpoint(output)
    if latest is not None:
        return int(latest.name.removeprefix("update_"))
    metrics = output / "metrics.jsonl"
    lines = metrics.read_text(encoding="utf-8").splitlines() if metrics.is_file() else []
    records = [json.loads(line) for line in lines if line.strip()]
    return int(records[-1]["update"]) if records else 0


def clear_run(output_dir: str | Path) -> None:
    """Remove what a run wrote into ``output_dir``; other files there stay."""
    for name in RUN_FILES:
        path = Path(output_dir) / name
        if path.is_dir():
            # every data-parallel process clears before training; one may find it gone
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def rng_state() -> dict[str, Any]:
    """Every random generator this process draws from."""
    state = {
        "torch": torch.get_rng_state(),
        "python": random.getstate(),
        "numpy": np.random.get_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore :func:`rng_state`."""
    torch.set_rng_state(state["torch"])
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def trainable_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The trainable tensors (all weights, or only the adapter's), copied to CPU."""
    return {
        name: parameter.detach().cpu().clone()
        for name, parameter in model.named_parameters()
        if parameter.requires_grad
    }


def save_checkpoint(
    folder: Path,
    *,
    model: Any,
    tokenizer: Any,
    state: dict[str, Any],
    rank: int = 0,
    keep: int = 2,
) -> None:
    """Write a checkpoint; rank 0 writes the model and state, every rank its RNG."""
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(rng_state(), folder / f"rng_rank{rank}.pt")
    if rank != 0:
        return
    model.save_pretrained(folder / "model")
    tokenizer.save_pretrained(folder / "model")
    torch.save({"trainable": trainable_state(model), **state}, folder / ".state.pt.tmp")
    (folder / ".state.pt.tmp").replace(folder / "state.pt")  # complete only once written
    older = sorted(path for path in folder.parent.glob("update_*") if path != folder)
    for path in older[: max(0, len(older) - (keep - 1))]:
        shutil.rmtree(path, ignore_errors=True)


def load_checkpoint(folder: Path, model: torch.nn.Module, rank: int = 0) -> dict[str, Any]:
    """Load trainable tensors into ``model`` and restore this rank's RNG; return the state."""
    state = torch.load(folder / "state.pt", map_location="cpu", weights_only=False)
    trainable = state.pop("trainable")
    missing = set(trainable) - {name for name, _ in model.named_parameters()}
    if missing:
        raise KeyError(f"checkpoint {folder} has tensors the model lacks: {sorted(missing)[:3]}")
    parameters = dict(model.named_parameters())
    with torch.no_grad():
        for name, tensor in trainable.items():
            parameters[name].copy_(tensor.to(parameters[name].device))
    rng_path = folder / f"rng_rank{rank}.pt"
    if rng_path.is_file():
        set_rng_state(torch.load(rng_path, weights_only=False))
    return state
