"""Each method's formula against hand-computed numbers and at its limits."""

import math

import pytest
import torch

from protege.distill.batch import MethodInputs, group_statistics
from protege.distill.methods import METHODS, get_method
from protege.distill.methods.grpo import GRPOConfig, group_advantages, opd_grpo_loss
from protege.distill.methods.opd import (
    OPDConfig,
    opd_advantages,
    opd_loss,
    policy_gradient_loss,
)
from protege.distill.methods.opsd import plan_text
from protege.distill.methods.skill_sd import importance_weighted_reverse_kl
from protege.distill.methods.sod import (
    SODConfig,
    sod_advantages,
    sod_token_weights,
    step_divergences,
    step_weights,
)
from protege.distill.methods.tcod import b2f_prefix_length, curriculum_depth, window_mask


def _inputs(old, teacher, step_ids, rewards=None, groups=None, logp=None):
    old = torch.tensor(old)
    step_ids = torch.tensor(step_ids)
    return MethodInputs(
        logp_B_T=(old.clone() if logp is None else torch.tensor(logp)).requires_grad_(),
        old_logp_B_T=old,
        mask_B_T=(step_ids >= 0).float(),
        step_ids_B_T=step_ids,
        rewards_B=torch.tensor(rewards if rewards is not None else [0.0] * old.shape[0]),
        group_ids_B=torch.tensor(groups if groups is not None else [0] * old.shape[0]),
        teacher_logp_B_T=torch.tensor(teacher),
    )


# ------------------------------------------------------------------------------ OPD


def test_opd_advantage_is_negative_reverse_kl_term_on_trained_tokens():
    old = torch.tensor([[-1.0, -2.0, -0.5]])
    teacher = torch.tensor([[-1.5, -1.0, -9.0]])
    mask = torch.tensor([[1.0, 1.0, 0.0]])
    # -(old - teacher) = (-0.5, 1.0); third token masked
    expected = torch.tensor([[-0.5, 1.0, 0.0]])
    assert torch.allclose(opd_advantages(old, teacher, mask), expected)


def test_unclipped_pg_loss_at_old_policy_is_minus_mean_advantage_and_its_gradient():
    old = torch.tensor([[-1.0, -2.0]])
    logp = old.clone().requires_grad_()
    advantages = torch.tensor([[-0.5, 1.0]])
    loss = policy_gradient_loss(logp, old, advantages, torch.ones(1, 2))
    # ratio = 1 -> loss = -mean(A) = -0.25; d loss / d logp_t = -A_t / 2
    assert loss.item() == pytest.approx(-0.25)
    loss.backward()
    assert torch.allclose(logp.grad, torch.tensor([[0.25, -0.5]]))


def test_ppo_clip_stops_the_gradient_beyond_the_clip_range():
    old = torch.tensor([[0.0, 0.0]])
    # ratio = e^0.5 = 1.65 > 1.2 for both; A > 0 token clipped (no grad), A < 0 token not
    logp = torch.tensor([[0.5, 0.5]], requires_grad=True)
    advantages = torch.tensor([[1.0, -1.0]])
    loss = policy_gradient_loss(logp, old, advantages, torch.ones(1, 2), 0.2, 0.2)
    # max(-1*1.6487, -1*1.2) = -1.2 ; max(1.6487, 1.2) = 1.6487 ; mean = 0.22436
    assert loss.item() == pytest.approx((-1.2 + math.exp(0.5)) / 2, abs=1e-5)
    loss.backward()
    assert logp.grad[0, 0].item() == 0.0
    assert logp.grad[0, 1].item() == pytest.approx(math.exp(0.5) / 2, abs=1e-5)


def test_opd_loss_is_zero_with_zero_gradient_when_teacher_equals_student():
    inputs = _inputs([[-1.0, -2.0]], [[-1.0, -2.0]], [[0, 0]])
    output = opd_loss(inputs, OPDConfig())
    output.loss.backward()
    assert output.loss.item() == 0.0
    assert torch.count_nonzero(inputs.logp_B_T.grad) == 0


def test_gkd_objective_is_zero_for_identical_top_k_and_positive_otherwise():
    inputs = _inputs([[-1.0]], [[-1.0]], [[0]])
    same = torch.log(torch.tensor([[[0.5, 0.3]]]))
    inputs.student_topk_logp_B_T_K = same
    inputs.teacher_topk_logp_B_T_K = same
    assert opd_loss(inputs, OPDConfig(objective="gkd")).loss.item() == pytest.approx(0.0, abs=1e-6)
    # with the tail: student (0.2, 0.2, 0.6) vs teacher (0.6, 0.2, 0.2), beta = 1:
    # 0.2 log(1/3) + 0.6 log 3 = 0.4 log 3
    inputs.student_topk_logp_B_T_K = torch.log(torch.tensor([[[0.2, 0.2]]]))
    inputs.teacher_topk_logp_B_T_K = torch.log(torch.tensor([[[0.6, 0.2]]]))
    loss = opd_loss(inputs, OPDConfig(objective="gkd", beta=1.0)).loss
    assert loss.item() == pytest.approx(0.4 * math.log(3))


@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0])
def test_gkd_objective_charges_student_mass_outside_the_teacher_top_k(beta):
    # same shape on the top-k as the teacher, but 90% of the mass elsewhere: a renormalised
    # top-k loss would be 0 and let the student drift to tokens the teacher rejects
    inputs = _inputs([[-1.0]], [[-1.0]], [[0]])
    student = torch.log(torch.tensor([[[0.075, 0.025]]])).requires_grad_()
    inputs.student_topk_logp_B_T_K = student
    inputs.teacher_topk_logp_B_T_K = torch.log(torch.tensor([[[0.75, 0.25]]]))
    loss = opd_loss(inputs, OPDConfig(objective="gkd", beta=beta)).loss
    assert loss.item() > 0.1
    loss.backward()
    assert (student.grad < 0).all()  # descent raises the student's top-k mass


# ------------------------------------------------------------------------------ SOD


def test_sod_step_divergence_and_weight_by_hand():
    # step 0: gaps |(-1)-(-2)| = 1, |(-1)-(-1.5)| = 0.5 -> d_1 = 0.75
    # step 1: gap 1.5 -> d_2 = 1.5 -> w = 0.75/1.5 = 0.5
    # step 2: gap 0.25 -> w = min(3.0, 1.2) = 1.2
    old = torch.tensor([[-1.0, -1.0, -9.0, -1.0, -1.0]])
    teacher = torch.tensor([[-2.0, -1.5, 0.0, -2.5, -1.25]])
    step_ids = torch.tensor([[0, 0, -1, 1, 2]])
    divergence, has_tokens = step_divergences(old, teacher, step_ids, 3)
    assert torch.allclose(divergence, torch.tensor([[0.75, 1.5, 0.25]]))
    assert has_tokens.all()
    weights = step_weights(divergence, eps=0.0, delta=0.2)
    assert torch.allclose(weights, torch.tensor([[1.0, 0.5, 1.2]]))
    per_token = sod_token_weights(old, teacher, step_ids, eps=0.0, delta=0.2)
    assert torch.allclose(per_token, torch.tensor([[1.0, 1.0, 0.0, 0.5, 1.2]]))


def test_sod_eps_keeps_zero_divergence_steps_finite():
    weights = step_weights(torch.tensor([[0.0, 0.0, 2.0]]), eps=1e-6, delta=0.2)
    assert torch.allclose(weights, torch.tensor([[1.0, 1.0, 1e-6 / (2.0 + 1e-6)]]))


def test_sod_with_uniform_step_divergence_equals_opd():
    # every step has mean |gap| = 0.5, so every weight is 1
    inputs = _inputs([[-1.0, -1.0, -2.0, -1.0]], [[-1.5, -0.5, -2.5, -1.5]], [[0, 0, 1, 2]])
    config = SODConfig(clip_low=None, clip_high=None)
    advantages, weights = sod_advantages(inputs, config)
    assert torch.allclose(weights, torch.ones(1, 4))
    expected = opd_advantages(inputs.old_logp_B_T, inputs.teacher_logp_B_T, inputs.mask_B_T)
    assert torch.allclose(advantages, expected)
    sod = METHODS["sod"].loss(inputs, config).loss
    opd = METHODS["opd"].loss(inputs, OPDConfig()).loss
    assert sod.item() == pytest.approx(opd.item())


def test_sod_adds_grpo_advantage_when_asked():
    # two episodes of one task, rewards 1 and 0: mean 0.5, sample std sqrt(0.5) = 0.7071
    # -> GRPO advantages +-0.5 / 0.7071 = +-0.7071
    inputs = _inputs([[-1.0], [-1.0]], [[-1.0], [-1.0]], [[0], [0]], rewards=[1.0, 0.0])
    advantages, _ = sod_advantages(inputs, SODConfig(with_grpo=True))
    assert torch.allclose(advantages, torch.tensor([[0.7071068], [-0.7071068]]), atol=1e-5)


# ------------------------------------------------------------------------------ TCOD


@pytest.mark.parametrize(("update", "expected"), [(0, 1), (5, 1), (6, 2), (13, 3), (1000, 30)])
def test_tcod_depth_schedule(update, expected):
    # k(n) = min(1 + floor(n / 6), 30)
    assert curriculum_depth(update, k_start=1, eta=6, k_max=30) == expected


@pytest.mark.parametrize(("update", "expected"), [(0, 7), (4, 7), (5, 6), (12, 5), (40, 0)])
def test_tcod_b2f_prefix_length(update, expected):
    # c(n) = max(0, (8 - 1) - floor(n / 5))
    assert b2f_prefix_length(update, demo_length=8, eta=5) == expected


def test_tcod_window_mask_keeps_only_the_window_steps():
    step_ids = torch.tensor([[-1, 0, 0, 1, 2, -1]])
    assert torch.equal(window_mask(step_ids, 0, 2), torch.tensor([[0.0, 1, 1, 1, 0, 0]]))
    assert torch.equal(window_mask(step_ids, 1, None), torch.tensor([[0.0, 0, 0, 1, 1, 0]]))


def test_tcod_curriculum_from_the_registry():
    spec = get_method("tcod")
    f2b = spec.config_class(eta=2)
    assert spec.curriculum(5, f2b, 30, 100).max_student_steps == 3
    b2f = spec.config_class(variant="b2f", eta=2)
    assert spec.curriculum(5, b2f, 30, 100).expert_prefix(6) == 3


def test_a_fixed_eta_over_a_short_run_never_reaches_the_horizon():
    # the benchmark's config: k_start 2, eta 2 over 6 updates stops at 2 + floor(5 / 2) = 4
    spec = get_method("tcod")
    fixed = spec.config_class(k_start=2, eta=2)
    assert [spec.curriculum(n, fixed, 30, 6).max_student_steps for n in range(6)] == [
        2, 2, 3, 3, 4, 4,
    ]  # fmt: skip
    paced = spec.config_class(k_start=2)
    assert spec.curriculum(5, paced, 30, 6).max_student_steps == 30


@pytest.mark.parametrize(
    ("updates", "horizon"), [(6, 30), (6, 4), (12, 10), (2, 5), (1, 8), (250, 30), (40, 3)]
)
def test_the_paced_tcod_schedule_reaches_the_full_horizon_within_the_run(updates, horizon):
    spec = get_method("tcod")
    f2b = spec.config_class()  # eta null: paced by the run, full horizon at 0.7 of it
    depths = [spec.curriculum(n, f2b, horizon, updates).max_student_steps for n in range(updates)]
    assert depths[-1] == horizon
    assert depths == sorted(depths) and all(1 <= depth <= horizon for depth in depths)
    # N* = floor(0.7 (U - 1)): every update from N* on trains the full horizon, and the
    # curriculum starts at k_start = 1 when there is room for one (N* > 0)
    first_full = int(0.7 * (updates - 1))
    if first_full > 0:
        assert depths[0] == 1
    assert all(depth == horizon for depth in depths[first_full:])
    b2f = spec.config_class(variant="b2f")
    curricula = [spec.curriculum(n, b2f, horizon, updates) for n in range(updates)]
    prefixes = [curriculum.expert_prefix(horizon) for curriculum in curricula]
    assert prefixes[-1] == 0
    assert prefixes == sorted(prefixes, reverse=True)
    if updates > 1 and first_full > 0:
        assert prefixes[0] == horizon - 1


def test_the_paced_schedule_by_hand():
    from protege.distill.methods.tcod import horizon_update, paced_depth, paced_prefix_length

    # U = 11, full_horizon_at 0.7: N* = 7; F2B 1 -> 8: k(n) = 1 + floor(7n / 7) = 1 + n
    assert horizon_update(11, 0.7) == 7
    assert [paced_depth(n, 1, 8, 7) for n in range(11)] == [1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 8]
    # F2B 1 -> 30 in 7 updates: floor(29n / 7) -> 1, 5, 9, 13, 17, 21, 25, 30
    assert [paced_depth(n, 1, 30, 7) for n in range(8)] == [1, 5, 9, 13, 17, 21, 25, 30]
    # B2F, L = 4: c(n) = 3 - floor(3n / 7) -> 3, 3, 3, 2, 2, 1, 1, 0
    assert [paced_prefix_length(n, 4, 7) for n in range(8)] == [3, 3, 3, 2, 2, 1, 1, 0]


# ------------------------------------------------------------------------------ GRPO


def test_group_advantages_by_hand():
    rewards = torch.tensor([1.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    groups = torch.tensor([0, 0, 0, 0, 1, 1])
    # group 0: mean 0.25, sample std sqrt((0.5625 + 3 * 0.0625) / 3) = 0.5 (Bessel, as verl)
    #   -> (1.5, -0.5, -0.5, -0.5); group 1: all equal -> 0
    statistics = group_statistics(rewards, groups)
    advantages = group_advantages(rewards, *statistics)
    expected = torch.tensor([1.5, -0.5, -0.5, -0.5, 0, 0])
    assert torch.allclose(advantages, expected, atol=1e-4)
    assert torch.allclose(
        group_advantages(rewards, *statistics, scale=False),
        torch.tensor([0.75, -0.25, -0.25, -0.25, 0.0, 0.0]),
    )


def test_opd_grpo_with_equal_rewards_is_clipped_opd():
    inputs = _inputs([[-1.0, -2.0]], [[-1.5, -1.0]], [[0, 1]], rewards=[1.0])
    combined = opd_grpo_loss(inputs, GRPOConfig(name="opd_grpo")).loss
    # ratio 1: loss = -mean(-0.5, 1.0) = -0.25
    assert combined.item() == pytest.approx(-0.25)


# ------------------------------------------------------------------------------ Skill-SD


def test_skill_sd_loss_value_and_gradient_equal_the_reverse_kl_policy_gradient():
    old = torch.tensor([[-1.0, -0.5]])
    teacher = torch.tensor([[-2.0, -0.25]])
    logp = old.clone().requires_grad_()
    loss = importance_weighted_reverse_kl(logp, old, teacher, torch.ones(1, 2))
    # rho = 1; ell = (1, -0.25); k3 = e^-1 - 1 + 1 = 0.3679, e^0.25 - 1 - 0.25 = 0.0340
    expected = (math.exp(-1) + (math.exp(0.25) - 1.25)) / 2
    assert loss.item() == pytest.approx(expected, abs=1e-6)
    loss.backward()
    # gradient at theta = old is ell_t / N
    assert torch.allclose(logp.grad, torch.tensor([[0.5, -0.125]]))


def test_skill_sd_is_zero_when_teacher_equals_student():
    old = torch.tensor([[-1.0, -0.5]])
    loss = importance_weighted_reverse_kl(old.clone(), old, old, torch.ones(1, 2))
    assert loss.item() == 0.0


def test_skill_sd_caps_the_importance_ratio():
    old = torch.tensor([[-20.0]])
    logp = torch.tensor([[0.0]])
    teacher = torch.tensor([[math.log(0.5)]])
    loss = importance_weighted_reverse_kl(logp, old, teacher, torch.ones(1, 1), max_log_ratio=2.0)
    # rho = e^2 (capped from e^20); k3 = 0.5 - 1 + log 2
    assert loss.item() == pytest.approx(math.exp(2) * (0.5 - 1 + math.log(2)), rel=1e-5)


# ------------------------------------------------------------------------------ OPSD / registry


def test_plan_text_numbers_the_expert_actions():
    text = plan_text(["add 2", "add 1"], template="Plan:\n{plan}")
    assert text == "Plan:\n1. add 2\n2. add 1"


def test_unknown_method_suggests_a_close_match():
    with pytest.raises(KeyError, match=r"unknown method 'sdo'\. Did you mean 'sod'\? Known"):
        get_method("sdo")


def test_grpo_baseline_covers_the_whole_group_when_a_minibatch_holds_one_episode():
    from protege.distill.batching import Row, collate, set_group_statistics
    from protege.distill.methods.grpo import grpo_token_advantages

    rows = [
        Row([5, 6, 7], [(0, 1, 3)], [0], reward, group=0, teacher={})
        for reward in (1.0, 0.0, 0.0, 0.0)
    ]
    set_group_statistics(rows)
    won, lost = collate(rows[:1], pad_id=0), collate(rows[1:2], pad_id=0)
    advantages = []
    for batch in (won, lost):
        inputs = MethodInputs(
            logp_B_T=torch.zeros(1, 3, requires_grad=True),
            old_logp_B_T=torch.zeros(1, 3),
            mask_B_T=batch.mask_B_T,
            step_ids_B_T=batch.step_ids_B_T,
            rewards_B=batch.rewards_B,
            group_ids_B=batch.group_ids_B,
            group_mean_B=batch.group_mean_B,
            group_std_B=batch.group_std_B,
        )
        advantages.append(grpo_token_advantages(inputs, scale_by_std=True)[0, 1:])
    # the group of 4 (mean 0.25, sample std 0.5), not the minibatch of 1 (advantage 0)
    assert torch.allclose(advantages[0], torch.full((2,), 1.5), atol=1e-4)
    assert torch.allclose(advantages[1], torch.full((2,), -0.5), atol=1e-4)
