"""Vanilla on-policy distillation (OPD), as a policy gradient or as a full-distribution loss.

Policy-gradient form (Thinking Machines' OPD, tinker-cookbook ``train_on_policy.py``; the OPD
term of SOD and TCOD): the per-token advantage is the negative single-sample reverse KL

    A_t = -kl_coef * (log pi_old(y_t) - log pi_T(y_t))

fed into an importance-sampled policy-gradient loss ``-mean_t(rho_t * A_t)`` with
``rho_t = pi_theta(y_t) / pi_old(y_t)``, optionally PPO-clipped (``clip_low``/``clip_high``,
DAPO-style asymmetric). Minimising it lowers ``KL(pi_theta || pi_T)`` (reverse direction).

Full-distribution form (GKD, Agarwal et al. ICLR 2024, Eq. 1 with the generalised JSD of
Eq. 2): backpropagate ``JSD_beta(pi_T || pi_theta)`` at every student token (``beta = 1``
reverse KL, ``beta = 0`` forward KL) over ``K + 1`` outcomes: the teacher's top-k tokens and
one "tail" outcome holding the rest of the vocabulary. The tail is what keeps the student's
mass on the teacher's support: renormalising both distributions over the top-k alone ignores
the student's mass outside it, so the student could drift to tokens the teacher rejects at no
cost (on the Counter toy env one such update raised the sampled reverse KL from 1.5 to 5.6).
Merging outcomes never increases a divergence, so the loss is a lower bound of the full one.
"""

from __future__ import annotations

from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field

from protege.distill.batch import LossOutput, MethodInputs
from protege.distill.divergences import generalized_jsd, k1, masked_mean


def opd_advantages(
    old_logp_B_T: torch.Tensor,
    teacher_logp_B_T: torch.Tensor,
    mask_B_T: torch.Tensor,
    kl_coef: float = 1.0,
) -> torch.Tensor:
    """``-kl_coef * (log pi_old - log pi_T)`` on trained tokens, 0 elsewhere; ``[B, T]``."""
    return -kl_coef * k1(old_logp_B_T, teacher_logp_B_T).detach() * mask_B_T


def policy_gradient_loss(
    logp_B_T: torch.Tensor,
    old_logp_B_T: torch.Tensor,
    advantages_B_T: torch.Tensor,
    mask_B_T: torch.Tensor,
    clip_low: float | None = None,
    clip_high: float | None = None,
    clip_ratio_c: float | None = None,
) -> torch.Tensor:
    """Token-mean importance-sampled policy-gradient loss, PPO-clipped when clips are given.

    ``pg_loss1 = -A * rho`` and ``pg_loss2 = -A * clip(rho, 1 - clip_low, 1 + clip_high)``;
    the loss takes their maximum (the pessimistic bound), as in PPO. Where ``A < 0`` that
    maximum is ``-A * rho`` for any ``rho > 1 + clip_high``, unbounded; ``clip_ratio_c`` adds
    verl's dual clip (Ye et al. 2020), capping it at ``-A * clip_ratio_c``, so a token whose
    ratio exceeds ``clip_ratio_c`` gives no gradient. It applies only with the PPO clip.
    Without clips it is the plain importance-sampling loss (tinker's ``importance_sampling``),
    whose gradient at ``theta = old`` is REINFORCE.
    """
    return masked_mean(
        policy_gradient_terms(
            logp_B_T, old_logp_B_T, advantages_B_T, clip_low, clip_high, clip_ratio_c
        ),
        mask_B_T,
    )


def policy_gradient_terms(
    logp_B_T: torch.Tensor,
    old_logp_B_T: torch.Tensor,
    advantages_B_T: torch.Tensor,
    clip_low: float | None = None,
    clip_high: float | None = None,
    clip_ratio_c: float | None = None,
) -> torch.Tensor:
    """The per-token terms of :func:`policy_gradient_loss` before the token-mean; ``[B, T]``."""
    ratio_B_T = torch.exp(logp_B_T - old_logp_B_T.detach())
    pg_loss1_B_T = -advantages_B_T * ratio_B_T
    if clip_low is None and clip_high is None:
        return pg_loss1_B_T
    low = 1.0 - (clip_low if clip_low is not None else float("inf"))
    high = 1.0 + (clip_high if clip_high is not None else float("inf"))
    pg_loss2_B_T = -advantages_B_T * ratio_B_T.clamp(min=low, max=high)
    clipped_B_T = torch.maximum(pg_loss1_B_T, pg_loss2_B_T)
    if clip_ratio_c is None:
        return clipped_B_T
    pg_loss3_B_T = -advantages_B_T * clip_ratio_c
    return torch.where(advantages_B_T < 0, torch.minimum(clipped_B_T, pg_loss3_B_T), clipped_B_T)


def clip_fractions(
    logp_B_T: torch.Tensor,
    old_logp_B_T: torch.Tensor,
    advantages_B_T: torch.Tensor,
    mask_B_T: torch.Tensor,
    clip_low: float | None = None,
    clip_high: float | None = None,
    clip_ratio_c: float | None = None,
) -> dict[str, float]:
    """Shares of trained tokens whose gradient a clip stopped, as verl logs them.

    ``clip/fraction``: the PPO clip is active (``pg_loss2 > pg_loss1``, verl's
    ``pg_clipfrac``); ``clip/dual_fraction``: the dual clip is active (``A < 0`` and the PPO
    term above ``-A * clip_ratio_c``, verl's ``pg_clipfrac_lower``); ``ratio/max``: the
    largest importance ratio.
    """
    with torch.no_grad():
        ratio_B_T = torch.exp(logp_B_T - old_logp_B_T)
        metrics = {"ratio/max": float((ratio_B_T * mask_B_T).max()) if mask_B_T.any() else 1.0}
        if clip_low is None and clip_high is None:
            return metrics
        low = 1.0 - (clip_low if clip_low is not None else float("inf"))
        high = 1.0 + (clip_high if clip_high is not None else float("inf"))
        pg_loss1_B_T = -advantages_B_T * ratio_B_T
        pg_loss2_B_T = -advantages_B_T * ratio_B_T.clamp(min=low, max=high)
        clipped_B_T = (pg_loss2_B_T > pg_loss1_B_T).float()
        metrics["clip/fraction"] = float(masked_mean(clipped_B_T, mask_B_T))
        if clip_ratio_c is not None:
            dual_B_T = (advantages_B_T < 0) & (
                torch.maximum(pg_loss1_B_T, pg_loss2_B_T) > -advantages_B_T * clip_ratio_c
            )
            metrics["clip/dual_fraction"] = float(masked_mean(dual_B_T.float(), mask_B_T))
        return metrics


def has_signal(advantages_B_T: torch.Tensor, mask_B_T: torch.Tensor) -> bool:
    """Whether any trained token has a non-zero advantage (else the gradient is exactly 0)."""
    return bool(((advantages_B_T != 0) & (mask_B_T > 0)).any())


def clipped_policy_gradient(
    inputs: MethodInputs,
    advantages_B_T: torch.Tensor,
    clip_low: float | None,
    clip_high: float | None,
    clip_ratio_c: float | None,
) -> LossOutput:
    """:func:`policy_gradient_loss` of ``inputs`` with its clip statistics and signal flag."""
    args = (inputs.logp_B_T, inputs.old_logp_B_T, advantages_B_T, inputs.mask_B_T)
    loss = policy_gradient_loss(*args, clip_low, clip_high, clip_ratio_c)
    metrics = clip_fractions(*args, clip_low, clip_high, clip_ratio_c)
    return LossOutput(loss, metrics, has_signal=has_signal(advantages_B_T, inputs.mask_B_T))


def with_tail(topk_logp_B_T_K: torch.Tensor, floor: float = 1e-6) -> torch.Tensor:
    """Full-vocabulary log-probabilities of ``K`` tokens plus the rest as one outcome.

    ``[B, T, K]`` -> ``[B, T, K + 1]``; the last column is ``log(1 - sum_k p_k)``, floored at
    ``floor`` (rounding, and padded positions whose entries are not a distribution).
    """
    rest_B_T_1 = (1.0 - topk_logp_B_T_K.exp().sum(dim=-1, keepdim=True)).clamp_min(floor)
    return torch.cat([topk_logp_B_T_K, rest_B_T_1.log()], dim=-1)


def gkd_loss(
    student_topk_logp_B_T_K: torch.Tensor,
    teacher_topk_logp_B_T_K: torch.Tensor,
    mask_B_T: torch.Tensor,
    beta: float = 0.5,
) -> torch.Tensor:
    """Token-mean generalised JSD over the teacher's top-k tokens and the tail (GKD).

    Both inputs are full-vocabulary log-probabilities of the teacher's top-k token ids.
    """
    divergence_B_T = generalized_jsd(
        with_tail(student_topk_logp_B_T_K), with_tail(teacher_topk_logp_B_T_K.detach()), beta
    )
    return masked_mean(divergence_B_T, mask_B_T)


class OPDConfig(BaseModel):
    """On-policy distillation: reverse-KL policy gradient, or GKD's distribution loss."""

    model_config = ConfigDict(extra="forbid")

    name: Literal["opd"] = "opd"
    # which objective: "policy_gradient" (sampled-token reverse KL) or "gkd" (top-k JSD)
    objective: Literal["policy_gradient", "gkd"] = "policy_gradient"
    # scale of the reverse-KL advantage
    kl_coef: float = Field(1.0, gt=0.0)
    # PPO lower clip of the importance ratio (1 - clip_low); null = no clipping
    clip_low: float | None = Field(None, ge=0.0, le=1.0)
    # PPO upper clip of the importance ratio (1 + clip_high); null = no clipping
    clip_high: float | None = Field(None, ge=0.0)
    # verl's dual clip: with the PPO clip, a negative advantage's loss is capped at
    # -A * clip_ratio_c (verl's default 3.0); null = none
    clip_ratio_c: float | None = Field(3.0, gt=1.0)
    # GKD's JSD mixture weight: 1 = reverse KL, 0 = forward KL
    beta: float = Field(0.5, ge=0.0, le=1.0)
    # teacher top-k size for the GKD objective
    top_k: int = Field(32, ge=1)


def opd_loss(inputs: MethodInputs, config: OPDConfig) -> LossOutput:
    """The OPD loss of one minibatch under ``config``."""
    assert inputs.teacher_logp_B_T is not None
    if config.objective == "gkd":
        assert inputs.student_topk_logp_B_T_K is not None
        assert inputs.teacher_topk_logp_B_T_K is not None
        loss = gkd_loss(
            inputs.student_topk_logp_B_T_K,
            inputs.teacher_topk_logp_B_T_K,
            inputs.mask_B_T,
            config.beta,
        )
        return LossOutput(loss, {"gkd_jsd": loss.item()})
    return sampled_token_opd_loss(
        inputs, config.kl_coef, config.clip_low, config.clip_high, config.clip_ratio_c
    )


def sampled_token_opd_loss(
    inputs: MethodInputs,
    kl_coef: float,
    clip_low: float | None,
    clip_high: float | None,
    clip_ratio_c: float | None = None,
) -> LossOutput:
    """The reverse-KL advantage of every sampled token in a (PPO-clipped) policy gradient."""
    assert inputs.teacher_logp_B_T is not None
    advantages_B_T = opd_advantages(
        inputs.old_logp_B_T, inputs.teacher_logp_B_T, inputs.mask_B_T, kl_coef
    )
    return clipped_policy_gradient(inputs, advantages_B_T, clip_low, clip_high, clip_ratio_c)
