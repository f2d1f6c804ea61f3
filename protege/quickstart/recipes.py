"""The quickstart's three training recipes, as ``protege distill`` configs.

All three play ``pick_and_place`` tasks of ``protege/Household-v1`` with full history, the
``react`` format and the admissible actions listed only in the system prompt (the per-turn list
would make prompts about 2.5x longer, and prompt length is what CPU time is spent on):

- :data:`TEACHER_STAGES`: the teacher, three SFT stages (a new LoRA each, merged after each)
  on 80, 64 and 96 different expert episodes of ``train``;
- :func:`cold_start_config`: the student's short SFT cold start on a handful of expert
  episodes, enough to emit the action format (the zero-shot model does not);
- :func:`distill_config`: on-policy distillation of the cold-started student by the teacher,
  sampling at temperature 0.5, with GKD's forward KL over the teacher's top 16 tokens; the
  learning benchmark's base recipe;
- :func:`sod_config`: step-wise on-policy distillation (SOD) at temperature 1.0 and lr 1e-3,
  the issue's first recipe and ``probe.py``'s base. From these cold starts it drives the
  student's ``take`` to zero and its success to 0/12 (``benchmarks/learning/README.md``), so
  the quickstart uses :func:`distill_config`.

The teacher is trained once and cached under a name derived from its recipe
(:func:`teacher_dir`), so a changed recipe trains a new one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from protege.agents.models import cache_dir

ENV: dict[str, Any] = {
    "env_id": "protege/Household-v1",
    "split": "train",
    "task_type": "pick_and_place",
    "max_steps": 15,
}
ROLLOUT: dict[str, Any] = {"prompt_format": "react", "list_actions": "start", "max_new_tokens": 24}
LORA: dict[str, Any] = {"r": 16, "alpha": 32}
QUIET: dict[str, Any] = {
    "log": {"tensorboard": False},
    "checkpoint": {"every": 0, "keep": 1},
    "eval": {"episodes": 0},
}


def teacher_config(model: str, output_dir: str | Path) -> dict[str, Any]:
    """SFT on 80 ``train`` expert episodes (10 updates of 8), one pass, cosine schedule."""
    return {
        "method": {"name": "sft"},
        "student": {"path": model, "lora": LORA, "device": "cpu"},
        "env": ENV,
        "rollout": {**ROLLOUT, "tasks_per_update": 8, "num_envs": 8},
        "optim": {"lr": 3e-4, "minibatch_size": 2, "warmup_steps": 2, "schedule": "cosine"},
        "updates": 10,
        "seed": 0,
        "output_dir": str(output_dir),
        **QUIET,
    }


COLD_START_EPISODES = 16
"""Expert episodes of the student's SFT cold start: 4 left it unable to act at all, 8 taught
only the format (0/12 of the quickstart's tasks), 16 win 4/12 (``benchmarks/learning``)."""


def cold_start_config(
    model: str, output_dir: str | Path, episodes: int = COLD_START_EPISODES
) -> dict[str, Any]:
    """SFT on ``episodes`` expert episodes, two passes (32 optimiser steps for 16 episodes)."""
    return {
        "method": {"name": "sft"},
        "student": {"path": model, "lora": LORA, "device": "cpu"},
        "env": ENV,
        "rollout": {**ROLLOUT, "tasks_per_update": episodes, "num_envs": episodes},
        "optim": {"lr": 3e-4, "minibatch_size": 1, "epochs_per_update": 2},
        "updates": 1,
        "seed": 1,
        "output_dir": str(output_dir),
        **QUIET,
    }


def sod_config(
    model: str, student_adapter: str | Path, teacher: str | Path, output_dir: str | Path,
    updates: int = 6,
) -> dict[str, Any]:  # fmt: skip
    """SOD (step-weighted OPD, no GRPO term: one episode per task) at temperature 1.0."""
    return {
        "method": {"name": "sod", "with_grpo": False},
        "student": {"path": model, "adapter": str(student_adapter), "device": "cpu"},
        "teacher": {"path": str(teacher), "device": "cpu"},
        "env": ENV,
        "rollout": {**ROLLOUT, "tasks_per_update": 4, "num_envs": 4, "temperature": 1.0},
        "optim": {"lr": 1e-3, "minibatch_size": 2},
        "updates": updates,
        "seed": 2,
        "output_dir": str(output_dir),
        **QUIET,
        "checkpoint": {"every": 0, "keep": 1},
    }


def distill_config(
    model: str, student_adapter: str | Path, teacher: str | Path, output_dir: str | Path,
    updates: int = 6,
) -> dict[str, Any]:  # fmt: skip
    """OPD with GKD's forward KL (beta 0) over the teacher's top 16 tokens and the tail, at
    every token the student sampled; lr 3e-4, 8 optimiser steps per update.

    The student samples at temperature 0.5: from the 16-episode cold start (4/12), six updates
    at 1.0 won 3/12 and at 0.5 won 6/12; our reading: at 1.0 most training states lie off the
    path that greedy evaluation takes (``benchmarks/learning/README.md``)."""
    config = sod_config(model, student_adapter, teacher, output_dir, updates)
    config["method"] = {"name": "opd", "objective": "gkd", "beta": 0.0, "top_k": 16}
    config["optim"] = {"lr": 3e-4, "minibatch_size": 1, "epochs_per_update": 2}
    config["rollout"]["temperature"] = 0.5
    return config


def teacher_refine_config(model: str, output_dir: str | Path) -> dict[str, Any]:
    """A second SFT stage on 64 other ``train`` expert episodes (new LoRA on the merged first
    stage), for the command grammar the first stage leaves inexact."""
    config = teacher_config(model, output_dir)
    config["optim"]["lr"] = 2e-4
    config.update(updates=8, seed=1)
    return config


def teacher_third_config(model: str, output_dir: str | Path) -> dict[str, Any]:
    """A third SFT stage on 96 other ``train`` expert episodes: after two stages the teacher
    still names receptacles the room lacks and loops over ones it has searched."""
    config = teacher_config(model, output_dir)
    config.update(updates=12, seed=2)
    return config


TEACHER_STAGES: tuple[Callable[[str, str | Path], dict[str, Any]], ...] = (
    teacher_config,
    teacher_refine_config,
    teacher_third_config,
)
"""The teacher's SFT stages; each trains a LoRA on the merged result of the one before."""


HINT_ENV: dict[str, Any] = {**ENV, "task_type": None, "max_steps": 25}
"""Every task type, with room for the longer clean / heat / cool expert paths (up to 23 steps
on ``valid_unseen``)."""


def hint_teacher_config(model: str, output_dir: str | Path) -> dict[str, Any]:
    """The privileged teacher: SFT on 96 ``train`` expert episodes of every task type, each
    observation followed by the expert's next action (``method.hint: next_action``), so the
    model learns to read the hint. The expert takes a random detour at 30% of the steps,
    which are not trained on: the teacher learns to follow the hint after earlier actions that
    did not (a student's), not only after an expert's (without detours it followed the hint at
    half of a student's steps, ``benchmarks/learning/README.md``)."""
    config = teacher_config(model, output_dir)
    config["method"] = {"name": "sft", "hint": "next_action", "detours": 0.3}
    config["env"] = HINT_ENV
    config.update(updates=12, seed=3)
    return config


HINT_TEACHER_STAGES: tuple[Callable[[str, str | Path], dict[str, Any]], ...] = (
    hint_teacher_config,
)
"""The privileged teacher's one SFT stage (``teacher.hint: next_action`` scores with it)."""


def on_device(config: dict[str, Any], device: str) -> dict[str, Any]:
    """``config`` with its student and teacher moved to ``device`` ("cpu", "cuda", "auto").

    The recipes name "cpu"; the device is not part of a recipe's identity (its cache name)."""
    for role in ("student", "teacher"):
        if role in config:
            config[role] = {**config[role], "device": device}
    return config


def teacher_dir(
    model: str,
    stage: int | None = None,
    stages: Sequence[Callable[[str, str | Path], dict[str, Any]]] | None = None,
    kind: str = "teacher",
) -> Path:
    """The cache folder of the merged teacher after ``stage`` stages (default: all) of
    ``stages`` (default :data:`TEACHER_STAGES`) from ``model``; named ``kind``, the stage and
    a digest of every stage's recipe."""
    stages = TEACHER_STAGES if stages is None else stages
    stages = stages[: len(stages) if stage is None else stage]
    base, recipes = model, []
    folder = Path(model)
    for index, recipe in enumerate(stages, 1):
        recipes.append(recipe(base, ""))
        digest = hashlib.sha256(json.dumps(recipes, sort_keys=True).encode()).hexdigest()[:12]
        folder = cache_dir() / "quickstart" / f"{kind}{index}-{Path(model).name}-{digest}"
        base = str(folder)
    return folder
