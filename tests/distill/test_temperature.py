"""pi_old, pi_theta and the teacher are the log-probabilities of the tempered distributions."""

from __future__ import annotations

import pytest
import torch

from protege.distill import trainer
from protege.distill.batching import episode_row
from protege.distill.build import student_temperature, teacher_temperature
from protege.distill.config import ConfigError, parse_config
from protege.distill.logprobs import token_logprobs
from protege.distill.methods import Curriculum, get_method
from protege.distill.metrics import logprob_gap
from tests.distill.helpers import make_run, scored_rows


@pytest.fixture(scope="module")
def tiny_teacher_path():
    from protege.agents.models import prepare_tiny_model

    return prepare_tiny_model(seed=1)


def test_token_logprobs_at_a_temperature_are_the_log_softmax_of_the_scaled_logits(tiny_model):
    ids = torch.tensor([[1, 50, 60, 70, 80]])
    positions = torch.tensor([[False, True, True, True, True]])
    with torch.no_grad():
        logits = tiny_model(input_ids=ids).logits[0, :-1]
        scored = token_logprobs(tiny_model, ids, torch.ones_like(ids), positions, temperature=0.5)
    expected = torch.log_softmax(logits / 0.5, dim=-1).gather(-1, ids[0, 1:, None]).squeeze(-1)
    assert torch.allclose(scored.logp_B_T[0, 1:], expected, atol=1e-5)
    assert scored.logp_B_T[0, 0] == 0.0


def test_recorded_rollout_logprobs_match_pi_old_at_the_rollout_temperature(
    tmp_path, tiny_teacher_path
):
    run = make_run(tmp_path, tiny_teacher_path, {"name": "opd"}, rollout={"temperature": 0.5})
    # Step.action_logprobs, recorded by the sampling policy at 0.5, are pi_old at 0.5 ...
    assert _gap(run, 0.5) < 1e-4
    # ... and pi_old at temperature 1 (as before the fix) is another distribution
    assert _gap(run, 1.0) > 0.1


def _gap(run, temperature: float) -> float:
    """Max |recorded - recomputed| over one update's trained tokens, pi_old at ``temperature``."""
    episodes, groups = trainer.collect(run, 0, Curriculum())
    rows = [episode_row(e, g) for e, g in zip(episodes, groups, strict=True)]
    sampled = run.config.rollout.temperature
    run.config.rollout.temperature = temperature  # what behaviour_logprobs computes at
    try:
        trainer.behaviour_logprobs(run, rows)
    finally:
        run.config.rollout.temperature = sampled
    gap = logprob_gap(episodes, rows)
    assert gap is not None
    return gap


def test_pi_theta_is_at_the_rollout_temperature_too(tmp_path, tiny_teacher_path):
    rollout = {"temperature": 0.5}
    run = make_run(tmp_path, tiny_teacher_path, {"name": "opd"}, rollout, steps_per_update=1)
    metrics = trainer.optimise(run, scored_rows(run), 0)
    # one step on all rows: pi_theta = pi_old before it, so every ratio is 1
    assert metrics["ratio/max"] == pytest.approx(1.0, abs=1e-4)


def test_the_teacher_scores_at_the_rollout_temperature_unless_told(tmp_path, tiny_teacher_path):
    run = make_run(tmp_path / "a", tiny_teacher_path, {"name": "opd"}, rollout={"temperature": 0.5})
    assert run.scorer.temperature == 0.5
    own = make_run(
        tmp_path / "b",
        tiny_teacher_path,
        {"name": "opd"},
        rollout={"temperature": 0.5},
        teacher_block={"temperature": 1.0},
    )
    assert own.scorer.temperature == 1.0


@pytest.mark.parametrize(
    ("method", "rollout", "teacher", "expected"),
    [
        ("opd", 0.5, None, (0.5, 0.5)),
        ("opd", 0.5, 1.0, (0.5, 1.0)),
        ("opd", 0.0, None, (1.0, 1.0)),  # greedy: no sampled distribution, the model's own
        ("sft", 0.5, None, (1.0, 1.0)),  # expert-played rows: maximum likelihood at 1
    ],
)
def test_which_temperature_each_side_uses(method, rollout, teacher, expected):
    config = parse_config(
        {
            "method": {"name": method},
            "rollout": {"temperature": rollout},
            "teacher": {"temperature": teacher},
        }
    )
    spec = get_method(method)
    assert (student_temperature(config, spec), teacher_temperature(config, spec)) == expected


def test_the_vllm_teacher_refuses_a_temperature_it_cannot_score_at():
    from protege.distill.build import build_scorer

    config = parse_config({"rollout": {"temperature": 0.5}, "teacher": {"backend": "vllm"}})
    with pytest.raises(ConfigError, match=r"teacher\.backend vllm scores at temperature 1 only"):
        build_scorer(config, get_method("opd"), None, None)
