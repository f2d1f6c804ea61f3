"""End to end on the Counter toy env: a teacher fine-tuned on expert episodes (SFT) distils a
tiny student with OPD, and the student's greedy success rises above its start.

As in the published recipes (SOD, Thinking Machines, Lightning OPD), the student gets a short
SFT cold start first (3 updates, far from the teacher); on-policy distillation of a random
student that never emits the action format has no useful samples to learn from.
"""

from __future__ import annotations

import json

import pytest

from protege.distill.config import parse_config
from protege.distill.trainer import evaluate, fit, setup, train

ENV = {"env_id": "protege-test/Counter-v0", "max_steps": 5, "task_type": "small"}
EVAL = {"split": "valid_seen", "episodes": 8, "temperature": 0.0}


def _config(tmp, method, teacher=None, **overrides):
    data = {
        "method": method,
        "student": {"path": "tiny", "device": "cpu"},
        "env": ENV,
        "rollout": {"tasks_per_update": 8, "max_new_tokens": 8, "num_envs": 8},
        "optim": {"lr": 3e-3, "minibatch_size": 4, "epochs_per_update": 3},
        "eval": EVAL,
        "log": {"tensorboard": False},
        "checkpoint": {"every": 0},
        "output_dir": str(tmp),
        **overrides,
    }
    if teacher is not None:
        data["teacher"] = {"path": str(teacher), "device": "cpu"}
    return parse_config(data)


@pytest.mark.slow
def test_opd_from_an_sft_teacher_improves_student_success(tmp_path):
    teacher_run = tmp_path / "teacher"
    teacher = train(_config(teacher_run, {"name": "sft"}, updates=15))
    teacher_success = json.loads((teacher_run / "eval.json").read_text())["eval/success"]
    assert teacher_success >= 0.5

    cold_start = train(_config(tmp_path / "cold", {"name": "sft"}, updates=3))
    config = _config(
        tmp_path / "student",
        {"name": "opd", "objective": "gkd", "beta": 1.0, "top_k": 16},
        teacher,
        student={"path": str(cold_start), "device": "cpu"},
        updates=6,
        optim={"lr": 3e-3, "minibatch_size": 4, "epochs_per_update": 4},
    )
    run = setup(config)
    start = evaluate(run)["eval/success"]
    fit(run)
    end = json.loads((tmp_path / "student" / "eval.json").read_text())["eval/success"]
    records = [
        json.loads(line)
        for line in (tmp_path / "student" / "metrics.jsonl").read_text().splitlines()
    ]
    print(
        f"teacher {teacher_success}, student {start} -> {end}, kl {records[0]['kl/mean']:.2f}"
        f" -> {records[-1]['kl/mean']:.2f}"
    )
    assert end > start
    assert end >= 0.5
    assert records[-1]["kl/mean"] < records[0]["kl/mean"]
