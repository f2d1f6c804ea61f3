"""SOD: step-wise on-policy distillation (Zhong et al., arXiv 2605.07725; code YoungZ365/SOD).

A step is one action (one assistant turn). Its divergence is the mean absolute single-sample
reverse-KL term over its tokens (the code's "Eq. 7"):

    d_k = (1/|S_k|) * sum_{t in S_k} |log pi_old(y_t) - log pi_T(y_t)|

and its weight, the telescoped product of the released code with only the output clipped,

    w_k = min((d_1 + eps) / (d_k + eps), 1 + delta)        (w_1 = 1)

computed from detached tensors and broadcast to the step's tokens. Steps diverging more than
the first are down-weighted; steps diverging less are up-weighted up to ``1 + delta``. The
advantage is ``A_t = A_GRPO + opd_coef * w_k(t) * (log pi_T(y_t) - log pi_old(y_t))`` (reverse
KL, sign as OPD), trained with the PPO-clipped loss. With uniform step divergence every
``w_k = 1`` and SOD is OPD.
"""

from __future__ import annotations

from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field

from protege.distill.batch import LossOutput, MethodInputs
from protege.distill.methods.grpo import grpo_token_advantages
from protege.distill.methods.opd import clipped_policy_gradient, opd_advantages


def step_sums(values_B_T: torch.Tensor, step_ids_B_T: torch.Tensor, num_steps: int) -> torch.Tensor:
    """Sum of ``values_B_T`` over each step's tokens; positions with step id -1 are ignored.

    Returns ``[B, S]`` with ``S = num_steps``.
    """
    valid_B_T = step_ids_B_T >= 0
    index_B_T = step_ids_B_T.clamp_min(0)
    sums_B_S = torch.zeros(
        values_B_T.shape[0], num_steps, dtype=values_B_T.dtype, device=values_B_T.device
    )
    return sums_B_S.scatter_add(1, index_B_T, values_B_T * valid_B_T.to(values_B_T.dtype))


def step_divergences(
    old_logp_B_T: torch.Tensor,
    teacher_logp_B_T: torch.Tensor,
    step_ids_B_T: torch.Tensor,
    num_steps: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """``d_k``: mean ``|log pi_old - log pi_T|`` over each step's tokens, detached.

    Returns ``(divergence_B_S, has_tokens_B_S)``; steps without tokens get divergence 0.
    """
    gap_B_T = (old_logp_B_T - teacher_logp_B_T).abs().detach()
    totals_B_S = step_sums(gap_B_T, step_ids_B_T, num_steps)
    counts_B_S = step_sums(torch.ones_like(gap_B_T), step_ids_B_T, num_steps)
    return totals_B_S / counts_B_S.clamp_min(1.0), counts_B_S > 0


def step_weights(
    divergence_B_S: torch.Tensor, eps: float = 1e-6, delta: float = 0.2
) -> torch.Tensor:
    """``w_k = min((d_1 + eps) / (d_k + eps), 1 + delta)``; ``[B, S]`` -> ``[B, S]``, detached.

    ``d_1`` is column 0, each sequence's first trained step.
    """
    divergence_B_S = divergence_B_S.detach()
    ratio_B_S = (divergence_B_S[:, :1] + eps) / (divergence_B_S + eps)
    return ratio_B_S.clamp_max(1.0 + delta)


def broadcast_steps(values_B_S: torch.Tensor, step_ids_B_T: torch.Tensor) -> torch.Tensor:
    """Each token gets its step's value; tokens with step id -1 get 0. Returns ``[B, T]``."""
    gathered_B_T = values_B_S.gather(1, step_ids_B_T.clamp_min(0))
    return gathered_B_T * (step_ids_B_T >= 0).to(values_B_S.dtype)


def sod_token_weights(
    old_logp_B_T: torch.Tensor,
    teacher_logp_B_T: torch.Tensor,
    step_ids_B_T: torch.Tensor,
    eps: float = 1e-6,
    delta: float = 0.2,
) -> torch.Tensor:
    """SOD's step weight broadcast to every token of the step (0 off the trained tokens)."""
    num_steps = int(step_ids_B_T.max().item()) + 1 if step_ids_B_T.numel() else 0
    num_steps = max(num_steps, 1)
    divergence_B_S, _ = step_divergences(old_logp_B_T, teacher_logp_B_T, step_ids_B_T, num_steps)
    return broadcast_steps(step_weights(divergence_B_S, eps, delta), step_ids_B_T)


class SODConfig(BaseModel):
    """Step-wise OPD: reweight each step by its divergence relative to the first step."""

    model_config = ConfigDict(extra="forbid")

    name: Literal["sod"] = "sod"
    # eps in w_k = min((d_1 + eps)/(d_k + eps), 1 + delta)
    eps: float = Field(1e-6, gt=0.0)
    # cap of the up-weighting, 1 + delta (0.2 in the released run_sod.sh)
    delta: float = Field(0.2, ge=0.0)
    # scale of the step-weighted reverse-KL advantage
    opd_coef: float = Field(1.0, gt=0.0)
    # add the GRPO outcome advantage, as in the published recipe
    with_grpo: bool = False
    # PPO lower clip of the importance ratio; null = no clipping
    clip_low: float | None = Field(0.2, ge=0.0, le=1.0)
    # PPO upper clip of the importance ratio (0.28 = DAPO clip-higher); null = no clipping
    clip_high: float | None = Field(0.28, ge=0.0)
    # verl's dual clip: a negative advantage's loss is capped at -A * clip_ratio_c (verl's
    # default 3.0); null = none
    clip_ratio_c: float | None = Field(3.0, gt=1.0)


def sod_advantages(inputs: MethodInputs, config: SODConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """``(advantages_B_T, weights_B_T)``: step-weighted OPD advantage, plus GRPO's if asked."""
    assert inputs.teacher_logp_B_T is not None
    weights_B_T = sod_token_weights(
        inputs.old_logp_B_T, inputs.teacher_logp_B_T, inputs.step_ids_B_T, config.eps, config.delta
    )
    advantages_B_T = weights_B_T * opd_advantages(
        inputs.old_logp_B_T, inputs.teacher_logp_B_T, inputs.mask_B_T, config.opd_coef
    )
    if config.with_grpo:
        advantages_B_T = advantages_B_T + grpo_token_advantages(inputs, scale_by_std=True)
    return advantages_B_T, weights_B_T


def sod_loss(inputs: MethodInputs, config: SODConfig) -> LossOutput:
    """SOD's PPO-clipped loss of one minibatch, with its step weights for logging."""
    advantages_B_T, weights_B_T = sod_advantages(inputs, config)
    output = clipped_policy_gradient(
        inputs, advantages_B_T, config.clip_low, config.clip_high, config.clip_ratio_c
    )
    output.token_weights_B_T = weights_B_T
    return output
