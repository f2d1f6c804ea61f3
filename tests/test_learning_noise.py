"""The gradient-noise benchmark's statistics on gradients whose agreement is known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from tests.scripts import load_script

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "learning" / "noise.py"


NOISE = load_script(SCRIPT, "learning_noise")


def test_identical_gradients_agree_fully_and_independent_ones_are_a_coin():
    rng = np.random.default_rng(0)
    same = np.tile(rng.normal(size=5000), (4, 1))
    result = NOISE.agreement(same, np.ones(4), merge=1)
    assert result["cosine"] == pytest.approx(1.0) and result["sign_agreement"] == 1.0
    independent = rng.normal(size=(8, 20000))
    result = NOISE.agreement(independent, np.ones(8), merge=1)
    assert abs(result["cosine"]) < 0.03 and result["sign_agreement"] == pytest.approx(0.5, abs=0.02)


def test_merging_batches_raises_the_agreement_of_a_noisy_signal():
    rng = np.random.default_rng(1)
    gradients = 1.0 + 4.0 * rng.normal(size=(16, 20000))  # the signal is a quarter of the noise
    results = [NOISE.agreement(gradients, np.ones(16), merge) for merge in (1, 2, 4, 8)]
    cosines = [result["cosine"] for result in results]
    signs = [result["sign_agreement"] for result in results]
    assert cosines == sorted(cosines) and signs == sorted(signs)
    # One batch (noise 4) has the signal's sign with p = Φ(1/4) = 0.599, the other 15 together
    # (noise 4/√15) with Φ(0.968) = 0.834: they agree with 0.599·0.834 + 0.401·0.166 = 0.566.
    # Two halves of 8 (noise 4/√8 each, Φ(0.707) = 0.760): 0.760² + 0.240² = 0.635.
    assert signs[0] == pytest.approx(0.566, abs=0.01) and signs[-1] == pytest.approx(
        0.635, abs=0.02
    )


def test_the_cosine_gives_back_the_signal_to_noise_ratio_at_every_batch_size():
    rng = np.random.default_rng(2)
    gradients = 1.0 + 4.0 * rng.normal(size=(16, 40000))  # |mu|^2 / s2 = 1 / 16 per row
    for merge in (1, 2, 4):
        cosine = NOISE.agreement(gradients, np.ones(16), merge)["cosine"]
        assert NOISE.signal_to_noise(cosine, merge) == pytest.approx(1 / 16, rel=0.15)
    assert NOISE.signal_to_noise(-0.02, 4) == 0.0


def test_merged_batches_are_weighted_by_their_tokens():
    # (3·[1, 0] + 1·[0, 1]) / 4 = [0.75, 0.25] against (3·[0, 1] + 1·[1, 0]) / 4 = [0.25, 0.75]:
    # cosine 0.375 / 0.625 = 0.6 (unweighted means would both be [0.5, 0.5], cosine 1)
    gradients = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    result = NOISE.agreement(gradients, np.array([3.0, 1.0, 3.0, 1.0]), merge=2)
    assert result["batches"] == 2 and result["cosine"] == pytest.approx(0.6)


def test_fewer_than_two_merged_batches_is_an_error():
    with pytest.raises(ValueError, match="fewer than two batches of 4"):
        NOISE.agreement(np.ones((6, 3)), np.ones(6), merge=4)


def test_batch_gradient_is_the_methods_gradient_on_one_updates_episodes(tmp_path, counter_env_id):
    from protege.agents.models import prepare_tiny_model
    from tests.distill.helpers import make_run

    run = make_run(tmp_path, prepare_tiny_model(seed=1), {"name": "opd"}, minibatch_size=2)
    weights = sum(p.numel() for p in run.student.parameters() if p.requires_grad)
    before = [p.detach().clone() for p in run.student.parameters()]
    first, tokens, metrics = NOISE.batch_gradient(run, 1)
    second, _, _ = NOISE.batch_gradient(run, 2)
    assert first.shape == (weights,) and np.isfinite(first).all() and np.abs(first).sum() > 0
    assert tokens > 0 and 0.0 <= metrics["success"] <= 1.0 and "loss" in metrics
    assert not np.allclose(first, second)  # other episodes, another gradient
    assert all(torch.equal(a, b) for a, b in zip(before, run.student.parameters(), strict=True))
