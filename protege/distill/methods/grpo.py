"""GRPO baseline and OPD+GRPO: outcome reward, group-normalised advantages.

GRPO (Shao et al. 2024, DeepSeekMath, Eq. 3): for ``G`` episodes of one task with outcome
rewards ``r_1..r_G``, every token of episode ``i`` gets ``A_i = (r_i - mean(r)) / (std(r) + eps)``,
trained with the PPO-clipped importance-sampled loss. OPD+GRPO adds the OPD per-token
advantage ``-kl_coef * (log pi_old - log pi_T)`` to it (SOD's recipe without step weights).
"""

from __future__ import annotations

from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field

from protege.distill.batch import LossOutput, MethodInputs
from protege.distill.methods.opd import clipped_policy_gradient, opd_advantages


def group_advantages(
    rewards_B: torch.Tensor,
    group_mean_B: torch.Tensor,
    group_std_B: torch.Tensor,
    eps: float = 1e-6,
    scale: bool = True,
) -> torch.Tensor:
    """``(r - mean_group(r)) / (std_group(r) + eps)`` per sequence; ``[B]`` -> ``[B]``.

    ``group_mean_B``/``group_std_B`` are each sequence's group statistics
    (:func:`protege.distill.batch.group_statistics`; the trainer computes them over the whole
    update, as a minibatch may hold only part of a group). The std is the sample std
    (Bessel-corrected, as verl's and TRL's ``torch.std``); a group of one has advantage 0
    (verl would use its raw reward: mean 0, std 1). With ``scale=False`` only the group mean
    is subtracted (Dr. GRPO).
    """
    centred_B = rewards_B.float() - group_mean_B
    return centred_B / (group_std_B + eps) if scale else centred_B


class GRPOConfig(BaseModel):
    """GRPO on the outcome reward, optionally with the OPD advantage added (OPD+GRPO)."""

    model_config = ConfigDict(extra="forbid")

    name: Literal["grpo", "opd_grpo"] = "grpo"
    # divide by the group std (GRPO) or only subtract the group mean (Dr. GRPO)
    scale_by_std: bool = True
    # PPO lower clip of the importance ratio
    clip_low: float | None = Field(0.2, ge=0.0, le=1.0)
    # PPO upper clip of the importance ratio (0.28 = DAPO clip-higher)
    clip_high: float | None = Field(0.28, ge=0.0)
    # verl's dual clip: a negative advantage's loss is capped at -A * clip_ratio_c (verl's
    # default 3.0); null = none
    clip_ratio_c: float | None = Field(3.0, gt=1.0)
    # weight of the OPD reverse-KL advantage (used by opd_grpo only)
    kl_coef: float = Field(1.0, ge=0.0)


def grpo_token_advantages(inputs: MethodInputs, scale_by_std: bool) -> torch.Tensor:
    """The group-normalised outcome advantage broadcast to every trained token; ``[B, T]``."""
    assert inputs.group_mean_B is not None and inputs.group_std_B is not None
    advantages_B = group_advantages(
        inputs.rewards_B, inputs.group_mean_B, inputs.group_std_B, scale=scale_by_std
    )
    return advantages_B[:, None].to(inputs.logp_B_T.dtype) * inputs.mask_B_T


def grpo_loss(inputs: MethodInputs, config: GRPOConfig) -> LossOutput:
    """PPO-clipped GRPO loss of one minibatch."""
    advantages_B_T = grpo_token_advantages(inputs, config.scale_by_std)
    return clipped_policy_gradient(
        inputs, advantages_B_T, config.clip_low, config.clip_high, config.clip_ratio_c
    )


def opd_grpo_loss(inputs: MethodInputs, config: GRPOConfig) -> LossOutput:
    """GRPO's advantage plus the OPD reverse-KL advantage, PPO-clipped."""
    assert inputs.teacher_logp_B_T is not None
    advantages_B_T = grpo_token_advantages(inputs, config.scale_by_std) + opd_advantages(
        inputs.old_logp_B_T, inputs.teacher_logp_B_T, inputs.mask_B_T, config.kl_coef
    )
    return clipped_policy_gradient(
        inputs, advantages_B_T, config.clip_low, config.clip_high, config.clip_ratio_c
    )
