"""The optimiser schedule: no step without signal, one step on all of an update's episodes."""

from __future__ import annotations

import pytest
import torch

from protege.distill import trainer
from protege.distill.config import parse_config
from tests.distill.helpers import make_run, scored_rows


@pytest.fixture(scope="module")
def tiny_teacher_path():
    from protege.agents.models import prepare_tiny_model

    return prepare_tiny_model(seed=1)


def snapshot(run):
    weights = {n: p.detach().clone() for n, p in run.student.named_parameters()}
    state = {
        index: {key: value.clone() for key, value in entry.items()}
        for index, entry in run.optimizer.state_dict()["state"].items()
    }
    return weights, state


def test_grpo_with_equal_rewards_leaves_weights_and_adamw_state_unchanged(
    tmp_path, tiny_teacher_path
):
    run = make_run(tmp_path, tiny_teacher_path, {"name": "grpo"}, minibatch_size=2)
    # one step with signal first, so that AdamW has momentum that a zero step would apply
    informative = trainer.optimise(run, scored_rows(run, rewards=[1.0, 0.0, 0.0, 1.0]), 0)
    assert informative["optim/steps"] == 2.0 and informative["optim/skipped_steps"] == 0.0
    weights, state = snapshot(run)
    lr_before = run.scheduler.get_last_lr()[0]
    metrics = trainer.optimise(run, scored_rows(run, rewards=[1.0, 1.0, 0.0, 0.0]), 1)
    assert metrics["optim/steps"] == 0.0 and metrics["optim/skipped_steps"] == 2.0
    after_weights, after_state = snapshot(run)
    for name, tensor in weights.items():
        assert torch.equal(tensor, after_weights[name]), name
    assert after_state.keys() == state.keys()
    for index, entry in state.items():
        for key, value in entry.items():
            assert torch.equal(value, after_state[index][key]), (index, key)
    assert run.scheduler.last_epoch == 4  # the schedule's clock advanced over both updates
    assert run.scheduler.get_last_lr()[0] == lr_before  # constant schedule


def test_one_step_per_update_equals_one_minibatch_holding_every_episode(
    tmp_path, tiny_teacher_path
):
    method = {"name": "opd", "clip_low": 0.2, "clip_high": 0.28}
    whole = make_run(tmp_path / "whole", tiny_teacher_path, method, minibatch_size=4)
    accumulated = make_run(
        tmp_path / "acc", tiny_teacher_path, method, minibatch_size=1, steps_per_update=1
    )
    rows = scored_rows(whole)
    rows[0].positions, rows[0].turns = rows[0].positions[:1], rows[0].turns[:1]
    rows[0].teacher = {0: rows[0].teacher[0]}
    tokens = [sum(end - start for _, start, end in row.positions) for row in rows]
    assert len(set(tokens)) > 1  # a plain mean of minibatch means would differ
    first = trainer.optimise(whole, rows, 0)
    second = trainer.optimise(accumulated, rows, 0)
    assert first["optim/steps"] == second["optim/steps"] == 1.0
    # the gradient the one step applied (AdamW's first step, lr * sign-like, would hide
    # a wrong scale): the token-mean over all rows, however they were split
    whole_grads = {n: p.grad for n, p in whole.student.named_parameters()}
    for name, parameter in accumulated.student.named_parameters():
        assert parameter.grad.abs().max() > 0, name
        assert torch.allclose(parameter.grad, whole_grads[name], rtol=1e-4, atol=1e-8), name


def test_steps_per_update_and_grad_accumulation_exclude_each_other():
    from protege.distill.config import ConfigError

    with pytest.raises(ConfigError, match="give steps_per_update \\(1\\) or grad_accumulation"):
        parse_config({"optim": {"steps_per_update": 1, "grad_accumulation": 2}})


@pytest.mark.parametrize(
    ("minibatches", "optim", "expected"),
    [
        (8, {}, [[0], [1], [2], [3], [4], [5], [6], [7]]),
        (8, {"grad_accumulation": 3}, [[0, 1, 2], [3, 4, 5], [6, 7]]),
        (8, {"steps_per_update": 1}, [list(range(8))]),
        (8, {"steps_per_update": 3}, [[0, 1, 2], [3, 4, 5], [6, 7]]),
        (2, {"steps_per_update": 3}, [[0], [1]]),
    ],
)
def test_step_groups(minibatches, optim, expected):
    config = parse_config({"optim": optim})
    assert [list(group) for group in trainer.step_groups(minibatches, config)] == expected
