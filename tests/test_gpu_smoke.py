"""GPU smoke test (docs/gpu.md): two bf16 updates on CUDA, then one-pass vs per-step scoring.

Skipped without a CUDA device; run on a GPU machine with ``pytest -m gpu tests/test_gpu_smoke.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from protege.benchmarks.scoring_cost import per_step_prefixes
from protege.distill.config import parse_config
from protege.distill.scoring import TeacherScorer, load_teacher
from protege.distill.trainer import train
from protege.records import read_episodes
from tests.conftest import TEST_ENV_ID

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]

BF16_ATOL = 0.1
"""bf16 keeps 8 mantissa bits: log-probs of the same tokens in differently padded batches
differ by a few hundredths (the CPU-vs-CUDA test in tests/distill/test_scoring.py uses 0.1)."""


def gpu_config(output_dir: Path, teacher: Path) -> dict:
    """Two OPD updates on the Counter toy env, student and teacher on CUDA in bf16."""
    return {
        "method": {"name": "opd"},
        "student": {"path": "tiny", "device": "cuda", "dtype": "bfloat16"},
        "teacher": {"path": str(teacher), "device": "cuda", "dtype": "bfloat16"},
        "env": {"env_id": TEST_ENV_ID, "max_steps": 3, "task_type": "small"},
        "rollout": {"tasks_per_update": 2, "group_size": 2, "max_new_tokens": 4, "num_envs": 4},
        "optim": {"lr": 1e-3, "minibatch_size": 2},
        "eval": {"episodes": 2},
        "log": {"tensorboard": False, "samples_every": 1, "samples_per_file": 4},
        "updates": 2,
        "output_dir": str(output_dir),
    }


def test_two_bf16_updates_on_cuda_and_one_pass_scores_match_per_step(tmp_path):
    from protege.agents.models import prepare_tiny_model

    teacher_path = prepare_tiny_model(seed=1)
    run_dir = tmp_path / "run"
    train(parse_config(gpu_config(run_dir, teacher_path)))
    assert (run_dir / "metrics.jsonl").read_text().count("\n") == 2

    episodes = read_episodes(run_dir / "samples" / "update_000002.jsonl")
    teacher = load_teacher(str(teacher_path), "cuda", "bfloat16")
    assert next(teacher.parameters()).dtype == torch.bfloat16
    one_pass = TeacherScorer(teacher, pad_id=2).score(episodes)
    per_step = TeacherScorer(teacher, pad_id=2, deduplicate=False).score(
        [per_step_prefixes(episode) for episode in episodes]
    )
    assert any(one_pass), "no scored steps in the samples"
    for fast, slow in zip(one_pass, per_step, strict=True):
        assert fast.keys() == slow.keys()
        for number, step in fast.items():
            assert torch.allclose(
                torch.tensor(step.logprobs), torch.tensor(slow[number].logprobs), atol=BF16_ATOL
            ), number
