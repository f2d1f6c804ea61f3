"""End to end with tiny models: a teacher fine-tuned on expert episodes (SFT) distils a student
with OPD, and the student's greedy success rises above its start; on the Counter toy env and
on Household.

As in the published recipes (SOD, Thinking Machines, Lightning OPD), the student gets a short
SFT cold start first; on-policy distillation of a random student that never emits the action
format has no useful samples to learn from.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from protege.distill.config import parse_config
from protege.distill.trainer import evaluate, fit, setup, train

ENV = {"env_id": "protege-test/Counter-v0", "max_steps": 5, "task_type": "small"}
EVAL = {"split": "valid_seen", "episodes": 8, "temperature": 0.0}


def _config(tmp, method, teacher=None, env=ENV, evaluation=EVAL, **overrides):
    data = {
        "method": method,
        "student": {"path": "tiny", "device": "cpu"},
        "env": env,
        "rollout": {"tasks_per_update": 8, "max_new_tokens": 8, "num_envs": 8},
        "optim": {"lr": 3e-3, "minibatch_size": 4, "epochs_per_update": 3},
        "eval": evaluation,
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
    start, end, records = _distil(config, teacher_success)
    assert end > start
    assert end >= 0.5
    assert records[-1]["kl/mean"] < records[0]["kl/mean"]


def _distil(config, teacher_success: float) -> tuple[float, float, list[dict]]:
    """Evaluate the student, train it, and return its success before and after and the log."""
    run = setup(config)
    start = evaluate(run)["eval/success"]
    fit(run)
    out = Path(config.output_dir)
    end = json.loads((out / "eval.json").read_text())["eval/success"]
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    print(
        f"teacher {teacher_success}, student {start} -> {end}, kl {records[0]['kl/mean']:.2f}"
        f" -> {records[-1]['kl/mean']:.2f}"
    )
    return start, end, records


# four train tasks of 4 expert steps each, in four different rooms and goals
HOUSEHOLD_TASKS = [f"train/pick_and_place/{index:04d}" for index in (3, 4, 10, 38)]
HOUSEHOLD = {
    "env_id": "protege/Household-v1",
    "split": "train",
    "task_type": "pick_and_place",
    "max_steps": 8,
    "tasks": HOUSEHOLD_TASKS,
}
HOUSEHOLD_EVAL = {"split": "train", "tasks": HOUSEHOLD_TASKS, "episodes": 4, "temperature": 0.0}
HOUSEHOLD_ROLLOUT = {
    "tasks_per_update": 4,
    "num_envs": 4,
    "max_new_tokens": 16,
    "list_actions": "start",
}
HOUSEHOLD_SFT_OPTIM = {"lr": 3e-3, "minibatch_size": 2, "epochs_per_update": 3}


def _household(tmp, method, teacher=None, temperature=1.0, **overrides):
    rollout = {**HOUSEHOLD_ROLLOUT, "temperature": temperature}
    return _config(
        tmp, method, teacher, env=HOUSEHOLD, evaluation=HOUSEHOLD_EVAL, rollout=rollout, **overrides
    )


@pytest.mark.slow
def test_opd_from_a_household_sft_teacher_improves_student_success(tmp_path):
    """The student: 15 SFT updates on the four tasks' expert episodes. The teacher: 15 more SFT
    updates from the student's weights. Then forward KL (GKD, beta 0) on the student's own
    episodes, sampled at temperature 0.5. A tiny teacher is only reliable near the states its
    expert episodes visit: at temperature 1.0 the student wanders off them. In trial runs from a
    cold start on two of the four tasks (2/4), every variant at 1.0 (forward and reverse KL,
    sampled-token OPD, lr 3e-4 to 3e-3) fell to 0/4. On Household-v1, which lists "statue 3,
    statue 2" in ALFWorld's order, 12 updates left the student taking the wrong statue on task
    0010 (0.75 -> 0.75); 20 updates reach the teacher's 4/4."""
    sft = {"name": "sft"}
    cold_start = train(_household(tmp_path / "cold", sft, updates=15, optim=HOUSEHOLD_SFT_OPTIM))
    teacher = train(
        _household(
            tmp_path / "teacher", sft, updates=15, optim=HOUSEHOLD_SFT_OPTIM,
            student={"path": str(cold_start), "device": "cpu"},
        )
    )  # fmt: skip
    teacher_success = json.loads((tmp_path / "teacher" / "eval.json").read_text())["eval/success"]
    assert teacher_success == 1.0

    config = _household(
        tmp_path / "student",
        {"name": "opd", "objective": "gkd", "beta": 0.0, "top_k": 16},
        teacher,
        temperature=0.5,
        student={"path": str(cold_start), "device": "cpu"},
        updates=20,
        optim={"lr": 1e-3, "minibatch_size": 2, "epochs_per_update": 2},
    )
    start, end, records = _distil(config, teacher_success)
    assert start < 1.0
    assert end > start
    assert records[-1]["kl/mean"] < records[0]["kl/mean"]
