"""The published recipe's conventions (verl, tinker-cookbook, TRL), on hand-computed tensors."""

import math

import pytest
import torch

from protege.distill.batch import MethodInputs
from protege.distill.methods.grpo import GRPOConfig, grpo_loss
from protege.distill.methods.opd import clip_fractions, policy_gradient_loss


def test_dual_clip_caps_the_loss_of_negative_advantages_at_c():
    old = torch.zeros(1, 3)
    logp = torch.log(torch.tensor([[4.0, 4.0, 2.0]])).requires_grad_()
    advantages = torch.tensor([[-1.0, 1.0, -1.0]])
    mask = torch.ones(1, 3)
    loss = policy_gradient_loss(logp, old, advantages, mask, 0.2, 0.28, clip_ratio_c=3.0)
    # token 0: A = -1, ratio 4: PPO max(4, 1.28) = 4, dual min(4, 3) = 3 (no gradient)
    # token 1: A = +1, ratio 4: PPO max(-4, -1.28) = -1.28 (clipped, no gradient)
    # token 2: A = -1, ratio 2: PPO max(2, 1.28) = 2 < 3 (gradient -A * ratio = 2)
    assert loss.item() == pytest.approx((3.0 - 1.28 + 2.0) / 3, abs=1e-6)
    loss.backward()
    assert torch.allclose(logp.grad, torch.tensor([[0.0, 0.0, 2.0 / 3]]))
    metrics = clip_fractions(logp.detach(), old, advantages, mask, 0.2, 0.28, 3.0)
    # PPO clip active on token 1, dual clip on token 0
    assert metrics == pytest.approx(
        {"ratio/max": 4.0, "clip/fraction": 1 / 3, "clip/dual_fraction": 1 / 3}
    )


def test_without_the_dual_clip_a_negative_advantage_loss_grows_with_the_ratio():
    old = torch.zeros(1, 1)
    logp = torch.log(torch.tensor([[4.0]])).requires_grad_()
    loss = policy_gradient_loss(logp, old, torch.tensor([[-1.0]]), torch.ones(1, 1), 0.2, 0.28)
    assert loss.item() == pytest.approx(4.0)
    loss.backward()
    assert logp.grad.item() == pytest.approx(4.0)


def test_the_dual_clip_needs_the_ppo_clip():
    # tinker's importance-sampling loss (no clips) stays unclipped whatever clip_ratio_c says
    old = torch.zeros(1, 1)
    logp = torch.log(torch.tensor([[4.0]]))
    advantages, mask = torch.tensor([[-1.0]]), torch.ones(1, 1)
    loss = policy_gradient_loss(logp, old, advantages, mask, None, None, clip_ratio_c=3.0)
    assert loss.item() == pytest.approx(4.0)


def test_policy_gradient_loss_is_a_token_mean_not_a_sequence_mean():
    # verl's loss_agg_mode token-mean: row 0 has 1 trained token (A = 2), row 1 has 3 (A = 1)
    old = torch.zeros(2, 3)
    advantages = torch.tensor([[2.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    mask = torch.tensor([[1.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    loss = policy_gradient_loss(old.clone(), old, advantages, mask)
    # token-mean: -(2 + 1 + 1 + 1) / 4 = -1.25 (a sequence-mean would give -(2 + 1) / 2 = -1.5)
    assert loss.item() == pytest.approx(-1.25)


def test_grpo_with_equal_rewards_says_it_has_no_signal():
    old = torch.tensor([[-1.0, -2.0], [-0.5, -0.5]])
    inputs = MethodInputs(
        logp_B_T=old.clone().requires_grad_(),
        old_logp_B_T=old,
        mask_B_T=torch.ones(2, 2),
        step_ids_B_T=torch.zeros(2, 2, dtype=torch.long),
        rewards_B=torch.tensor([1.0, 1.0]),
        group_ids_B=torch.tensor([0, 0]),
    )
    output = grpo_loss(inputs, GRPOConfig())
    assert not output.has_signal
    output.loss.backward()
    assert torch.count_nonzero(inputs.logp_B_T.grad) == 0
    inputs.rewards_B = torch.tensor([1.0, 0.0])
    assert grpo_loss(inputs, GRPOConfig()).has_signal


def test_clip_fractions_report_only_the_ratio_without_clips():
    ratio = clip_fractions(
        torch.tensor([[math.log(2.0)]]), torch.zeros(1, 1), torch.ones(1, 1), torch.ones(1, 1)
    )
    assert ratio == pytest.approx({"ratio/max": 2.0})


def test_skill_sd_beside_grpo_is_the_published_auxiliary_weighting():
    from protege.distill.methods.skill_sd import SkillSDConfig, skill_sd_loss

    old = torch.tensor([[-1.0, -0.5], [-1.0, -0.5]])
    inputs = MethodInputs(
        logp_B_T=old.clone().requires_grad_(),
        old_logp_B_T=old,
        mask_B_T=torch.ones(2, 2),
        step_ids_B_T=torch.zeros(2, 2, dtype=torch.long),
        rewards_B=torch.tensor([1.0, 0.0]),
        group_ids_B=torch.tensor([0, 0]),
        teacher_logp_B_T=torch.tensor([[-2.0, -0.25], [-2.0, -0.25]]),
    )
    config = SkillSDConfig(with_grpo=True, sd_coef=0.001)
    output = skill_sd_loss(inputs, config)
    # GRPO: rewards (1, 0), sample std 0.7071 -> A = +-0.7071; at ratio 1 its token-mean
    # loss is -(2 * 0.7071 - 2 * 0.7071) / 4 = 0
    # SD: ell = (1, -0.25) per row, k3 = (e^-1, e^0.25 - 1.25), token-mean over 4 tokens
    sd = (math.exp(-1) + math.exp(0.25) - 1.25) / 2
    assert output.loss.item() == pytest.approx(0.001 * sd, abs=1e-7)
    assert output.metrics["sd_loss"] == pytest.approx(sd, abs=1e-6)
    assert output.has_signal
    output.loss.backward()
    # d/dlogp: GRPO -A / 4 = -+0.17678, SD 0.001 * ell / 4 = (0.00025, -0.0000625)
    grpo = 0.7071068 / 4
    expected = torch.tensor(
        [[-grpo + 0.00025, -grpo - 0.0000625], [grpo + 0.00025, grpo - 0.0000625]]
    )
    assert torch.allclose(inputs.logp_B_T.grad, expected, atol=1e-6)


def test_skill_sd_without_grpo_has_no_signal_when_the_teacher_agrees():
    from protege.distill.methods.skill_sd import SkillSDConfig, skill_sd_loss

    old = torch.tensor([[-1.0, -0.5]])
    inputs = MethodInputs(
        logp_B_T=old.clone().requires_grad_(),
        old_logp_B_T=old,
        mask_B_T=torch.ones(1, 2),
        step_ids_B_T=torch.zeros(1, 2, dtype=torch.long),
        rewards_B=torch.tensor([1.0]),
        group_ids_B=torch.tensor([0]),
        teacher_logp_B_T=old.clone(),
    )
    assert not skill_sd_loss(inputs, SkillSDConfig()).has_signal


def test_the_logged_kl_is_the_mean_sampled_k1_per_turn_and_overall():
    from protege.distill.divergences import k1, masked_mean
    from protege.distill.metrics import per_turn_kl

    old = torch.tensor([[0.0, -1.0, -2.0, -0.5]])
    teacher = torch.tensor([[0.0, -1.5, -1.0, -0.5]])
    turns = torch.tensor([[-1, 0, 0, 1]])
    # k1 = log pi_old - log pi_T: turn 0 -> (0.5, -1.0), mean -0.25; turn 1 -> 0.0
    assert per_turn_kl(old, teacher, turns) == pytest.approx({"kl/turn_00": -0.25, "kl/turn_01": 0})
    # kl/mean: the token-mean over trained tokens, (0.5 - 1.0 + 0.0) / 3
    mean = masked_mean(k1(old, teacher), (turns >= 0).float())
    assert mean.item() == pytest.approx(-0.5 / 3)


def test_sod_weights_come_from_pi_old_not_the_current_policy():
    from protege.distill.methods.sod import SODConfig, sod_loss

    old = torch.tensor([[-1.0, -1.0, -1.0]])
    inputs = MethodInputs(
        logp_B_T=torch.tensor([[-0.2, -3.0, -0.7]], requires_grad=True),  # theta has moved
        old_logp_B_T=old,
        mask_B_T=torch.ones(1, 3),
        step_ids_B_T=torch.tensor([[0, 1, 1]]),
        rewards_B=torch.tensor([0.0]),
        group_ids_B=torch.tensor([0]),
        teacher_logp_B_T=torch.tensor([[-2.0, -1.5, -1.5]]),
    )
    # d_1 = |-1 - -2| = 1, d_2 = 0.5 -> w_2 = min(1 / 0.5, 1.2) = 1.2, from pi_old alone
    weights = sod_loss(inputs, SODConfig()).token_weights_B_T
    assert torch.allclose(weights, torch.tensor([[1.0, 1.2, 1.2]]))


def test_method_defaults_are_the_released_recipes():
    from protege.distill.methods.opd import OPDConfig
    from protege.distill.methods.skill_sd import SkillSDConfig
    from protege.distill.methods.sod import SODConfig
    from protege.distill.methods.tcod import TCODConfig

    # tinker: unclipped importance sampling, kl_penalty_coef 1
    opd = OPDConfig()
    assert (opd.kl_coef, opd.clip_low, opd.clip_high) == (1.0, None, None)
    # SOD run_sod.sh: eps 1e-6, delta 0.2, opd_coef 1, clip 0.2 / 0.28, verl dual clip 3
    sod = SODConfig()
    assert (sod.eps, sod.delta, sod.opd_coef) == (1e-6, 0.2, 1.0)
    assert (sod.clip_low, sod.clip_high, sod.clip_ratio_c) == (0.2, 0.28, 3.0)
    # TCOD (Trinity ppo): kl_coef 1, clip 0.2, dual clip 3
    tcod = TCODConfig()
    assert (tcod.kl_coef, tcod.clip_low, tcod.clip_high, tcod.clip_ratio_c) == (1.0, 0.2, 0.2, 3.0)
    # SDAR: log-ratio cap 10
    assert SkillSDConfig().max_log_ratio == 10.0
