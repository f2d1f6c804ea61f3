"""Skill-SD: skill-conditioned self-distillation (arXiv 2604.10674; k1xe.github.io/skill-sd).

The teacher is the student's own model with a skill text (success patterns, mistakes, a
workflow summarised from earlier episodes, retrieved by a UCB bandit: see
:mod:`protege.distill.skills`) in its context; the student acts under the plain prompt. The
official code is not released; the loss follows the importance-weighted reverse KL of the
SDAR reimplementation (``skillsd_utils.py``):

    ell_t = log pi_theta(y_t) - sg[log pi_T(y_t)]
    k3_t  = exp(-ell_t) - 1 + ell_t                       (reverse KL, >= 0)
    rho_t = exp(min(log pi_theta(y_t) - log pi_old(y_t), max_log_ratio))
    L_SD  = token-mean(rho_t * k3_t)

At ``theta = theta_old`` its gradient is ``ell_t * grad log pi_theta(y_t)``, the unbiased
sampled-token reverse-KL policy gradient. It is used alone or beside GRPO
(``L = L_GRPO + sd_coef * L_SD``).
"""

from __future__ import annotations

from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field

from protege.distill.batch import LossOutput, MethodInputs
from protege.distill.divergences import k3, masked_mean
from protege.distill.methods.grpo import grpo_token_advantages
from protege.distill.methods.opd import clipped_policy_gradient, has_signal


def importance_weighted_reverse_kl(
    logp_B_T: torch.Tensor,
    old_logp_B_T: torch.Tensor,
    teacher_logp_B_T: torch.Tensor,
    mask_B_T: torch.Tensor,
    max_log_ratio: float = 10.0,
) -> torch.Tensor:
    """Token-mean of ``rho_t * k3_t``; the gradient flows through both ``rho`` and ``k3``."""
    rho_B_T = torch.exp((logp_B_T - old_logp_B_T.detach()).clamp_max(max_log_ratio))
    return masked_mean(rho_B_T * k3(logp_B_T, teacher_logp_B_T.detach()), mask_B_T)


class SkillSDConfig(BaseModel):
    """Skill-conditioned self-distillation: the teacher is the student with a skill in context."""

    model_config = ConfigDict(extra="forbid")

    name: Literal["skill_sd"] = "skill_sd"
    # cap of log rho (importance ratio to the rollout policy)
    max_log_ratio: float = Field(10.0, gt=0.0)
    # weight of the self-distillation loss (0.001 beside GRPO in SDAR's ALFWorld script)
    sd_coef: float = Field(1.0, gt=0.0)
    # also train GRPO on the outcome reward, L = L_GRPO + sd_coef * L_SD (the published
    # auxiliary form; set rollout.group_size >= 2)
    with_grpo: bool = False
    # PPO clip range of the GRPO term
    clip_low: float | None = Field(0.2, ge=0.0, le=1.0)
    clip_high: float | None = Field(0.28, ge=0.0)
    # dual clip of the GRPO term (verl's default 3.0); null = none
    clip_ratio_c: float | None = Field(3.0, gt=1.0)
    # teacher weights: "sync" = the current student, "frozen" = the starting student, "ema"
    teacher_mode: Literal["sync", "frozen", "ema"] = "sync"
    # EMA rate for teacher_mode "ema": teacher <- rate * teacher + (1 - rate) * student
    ema_rate: float = Field(0.9, ge=0.0, lt=1.0)
    # skills retrieved into the teacher's context per episode
    skills_per_prompt: int = Field(1, ge=1)
    # UCB exploration constant of the skill retrieval
    ucb_c: float = Field(1.0, ge=0.0)
    # skills kept per task type (the oldest lowest-value ones are dropped)
    max_skills_per_type: int = Field(8, ge=1)
    # "template" (rule-based) or "policy" (the student's model writes the skill)
    summariser: Literal["template", "policy"] = "template"
    # which episodes become skills: "wins" (won episodes' workflows only) or "all" (lost
    # episodes too, as lessons: their mistakes, never their actions)
    skills_from: Literal["wins", "all"] = "wins"


def skill_sd_loss(inputs: MethodInputs, config: SkillSDConfig) -> LossOutput:
    """``sd_coef * L_SD``, plus the PPO-clipped GRPO loss when ``with_grpo``."""
    assert inputs.teacher_logp_B_T is not None
    sd = importance_weighted_reverse_kl(
        inputs.logp_B_T,
        inputs.old_logp_B_T,
        inputs.teacher_logp_B_T,
        inputs.mask_B_T,
        config.max_log_ratio,
    )
    # at theta = old the gradient is ell_t * grad log pi: none where teacher = student
    sd_signal = has_signal(inputs.logp_B_T.detach() - inputs.teacher_logp_B_T, inputs.mask_B_T)
    metrics = {"sd_loss": sd.item()}
    if not config.with_grpo:
        return LossOutput(config.sd_coef * sd, metrics, has_signal=sd_signal)
    grpo = clipped_policy_gradient(
        inputs,
        grpo_token_advantages(inputs, scale_by_std=True),
        config.clip_low,
        config.clip_high,
        config.clip_ratio_c,
    )
    metrics.update(grpo.metrics)
    metrics["grpo_loss"] = grpo.loss.item()
    return LossOutput(
        grpo.loss + config.sd_coef * sd, metrics, has_signal=grpo.has_signal or sd_signal
    )
