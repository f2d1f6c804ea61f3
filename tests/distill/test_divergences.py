"""Divergences against closed-form values."""

import math

import pytest
import torch

from protege.distill.divergences import (
    forward_kl,
    generalized_jsd,
    k1,
    k2,
    k3,
    masked_mean,
    reverse_kl,
    topk_divergence,
)


def test_k1_k2_k3_match_hand_computed_values():
    # student log p = log 0.5, teacher log p = log 0.25 -> ell = log 2
    student = torch.tensor([[math.log(0.5)]])
    teacher = torch.tensor([[math.log(0.25)]])
    ell = math.log(2.0)
    assert k1(student, teacher).item() == pytest.approx(ell)
    assert k2(student, teacher).item() == pytest.approx(0.5 * ell**2)
    # k3 = T/S - 1 - log(T/S) = 0.5 - 1 + log 2
    assert k3(student, teacher).item() == pytest.approx(0.5 - 1.0 + ell)


def test_estimators_are_zero_when_teacher_equals_student():
    logp = torch.log(torch.tensor([[0.1, 0.7, 0.2]]))
    for estimator in (k1, k2, k3):
        assert torch.allclose(estimator(logp, logp), torch.zeros_like(logp))


def test_k1_and_k3_average_to_the_exact_reverse_kl_over_the_student():
    student = torch.tensor([0.6, 0.3, 0.1])
    teacher = torch.tensor([0.2, 0.5, 0.3])
    exact = (student * (student / teacher).log()).sum()
    s_logp, t_logp = student.log()[None], teacher.log()[None]
    assert (student * k1(s_logp, t_logp)[0]).sum().item() == pytest.approx(exact.item(), abs=1e-6)
    assert (student * k3(s_logp, t_logp)[0]).sum().item() == pytest.approx(exact.item(), abs=1e-6)


def _two_point():
    # S = (0.5, 0.5), T = (0.75, 0.25)
    student = torch.log(torch.tensor([[[0.5, 0.5]]]))
    teacher = torch.log(torch.tensor([[[0.75, 0.25]]]))
    return student, teacher


def test_reverse_and_forward_kl_closed_form():
    student, teacher = _two_point()
    # KL(S||T) = 0.5 log(0.5/0.75) + 0.5 log(0.5/0.25) = 0.5 log(4/3)
    assert reverse_kl(student, teacher).item() == pytest.approx(0.5 * math.log(4 / 3))
    # KL(T||S) = 0.75 log 1.5 + 0.25 log 0.5
    assert forward_kl(student, teacher).item() == pytest.approx(
        0.75 * math.log(1.5) + 0.25 * math.log(0.5)
    )


def test_jsd_endpoints_are_the_two_kls_and_the_midpoint_is_symmetric_jsd():
    student, teacher = _two_point()
    assert generalized_jsd(student, teacher, 0.0).item() == pytest.approx(
        forward_kl(student, teacher).item()
    )
    assert generalized_jsd(student, teacher, 1.0).item() == pytest.approx(
        reverse_kl(student, teacher).item()
    )
    # beta = 0.5: M = (0.625, 0.375); JSD = 0.5 KL(T||M) + 0.5 KL(S||M)
    kl_t_m = 0.75 * math.log(0.75 / 0.625) + 0.25 * math.log(0.25 / 0.375)
    kl_s_m = 0.5 * math.log(0.5 / 0.625) + 0.5 * math.log(0.5 / 0.375)
    expected = 0.5 * kl_t_m + 0.5 * kl_s_m
    assert generalized_jsd(student, teacher, 0.5).item() == pytest.approx(expected, abs=1e-6)
    assert generalized_jsd(teacher, student, 0.5).item() == pytest.approx(expected, abs=1e-6)


def test_jsd_is_zero_for_identical_distributions_at_every_beta():
    logp = torch.log_softmax(torch.randn(2, 3, 7), dim=-1)
    for beta in (0.0, 0.3, 0.5, 1.0):
        assert torch.allclose(generalized_jsd(logp, logp, beta), torch.zeros(2, 3), atol=1e-6)


def test_topk_divergence_renormalises_over_the_support():
    # student top-2 mass (0.2, 0.2) -> (0.5, 0.5); teacher (0.6, 0.2) -> (0.75, 0.25)
    student = torch.log(torch.tensor([[[0.2, 0.2]]]))
    teacher = torch.log(torch.tensor([[[0.6, 0.2]]]))
    assert topk_divergence(student, teacher, beta=1.0).item() == pytest.approx(
        0.5 * math.log(4 / 3)
    )


def test_jsd_rejects_beta_outside_unit_interval():
    student, teacher = _two_point()
    with pytest.raises(ValueError, match=r"^beta must be in \[0, 1\], got 1.5$"):
        generalized_jsd(student, teacher, 1.5)


def test_masked_mean_ignores_masked_positions_and_handles_empty_mask():
    values = torch.tensor([[1.0, 2.0, 100.0]])
    assert masked_mean(values, torch.tensor([[1.0, 1.0, 0.0]])).item() == pytest.approx(1.5)
    assert masked_mean(values, torch.zeros(1, 3)).item() == 0.0
