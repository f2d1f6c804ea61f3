"""Data-parallel training: two gloo processes on CPU end with identical weights."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_two_gloo_processes_end_with_identical_weights(tmp_path):
    from protege.agents.models import prepare_tiny_model

    teacher = prepare_tiny_model(seed=1)
    config = {
        "method": {"name": "opd"},
        "student": {"path": "tiny", "device": "cpu"},
        "teacher": {"path": str(teacher), "device": "cpu"},
        "env": {"env_id": "protege-test/Counter-v0", "max_steps": 2},
        "rollout": {"tasks_per_update": 2, "group_size": 2, "max_new_tokens": 4},
        "optim": {"lr": 1e-3, "minibatch_size": 1, "grad_accumulation": 2},
        "eval": {"episodes": 1},
        "log": {"tensorboard": False},
        "updates": 2,
        "output_dir": str(tmp_path / "run"),
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
        str(ROOT / "tests" / "distill" / "dp_worker.py"), str(path), str(tmp_path),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    rank0 = torch.load(tmp_path / "weights_rank0.pt")
    rank1 = torch.load(tmp_path / "weights_rank1.pt")
    assert rank0.keys() == rank1.keys()
    for name in rank0:
        assert torch.equal(rank0[name], rank1[name]), name
    # the processes trained: the weights moved away from the starting model
    from transformers import AutoModelForCausalLM

    initial = AutoModelForCausalLM.from_pretrained(prepare_tiny_model()).state_dict()
    moved = [name for name in rank0 if not torch.equal(rank0[name], initial[name])]
    assert moved
    metrics = (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    assert len(metrics) == 2
