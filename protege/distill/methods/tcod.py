"""TCOD: temporal curriculum in on-policy distillation (arXiv 2604.24005; code kokolerk/TCOD).

The curriculum limits how deep into a trajectory the student is trained and grows it with the
update number ``n`` (linear step schedule, ``eta`` = the code's ``checkpoint_steps``):

    k(n) = min(k_start + floor(n / eta), k_max)

- **F2B** (forward to backward): the student plays from the start and training uses its first
  ``k(n)`` turns; evaluation always plays the full horizon.
- **B2F** (backward to forward): the environment's expert replays a prefix of
  ``c(n) = max(0, (L - 1) - floor(n / eta))`` actions of its ``L``-action demonstration, then
  the student plays the rest; the replayed prefix is not trained.

The loss is OPD's: per-token ``A_t = kl_coef * (log pi_T - log pi_old)`` (reverse KL) with the
PPO-clipped importance-sampled loss (clip 0.2 in the released configs).
"""

from __future__ import annotations

from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field

from protege.distill.batch import LossOutput, MethodInputs
from protege.distill.methods.opd import sampled_token_opd_loss


def curriculum_depth(update: int, k_start: int = 1, eta: int = 6, k_max: int = 30) -> int:
    """``k(n) = min(k_start + floor(n / eta), k_max)``: turns trained at update ``n`` (F2B)."""
    if update < 0 or eta < 1:
        raise ValueError(f"need update >= 0 and eta >= 1, got update={update}, eta={eta}")
    return min(k_start + update // eta, k_max)


def b2f_prefix_length(update: int, demo_length: int, eta: int = 5) -> int:
    """``c(n) = max(0, (L - 1) - floor(n / eta))``: expert actions replayed before the student."""
    if update < 0 or eta < 1:
        raise ValueError(f"need update >= 0 and eta >= 1, got update={update}, eta={eta}")
    return max(0, demo_length - 1 - update // eta)


def window_mask(step_ids_B_T: torch.Tensor, first_step: int, end_step: int | None) -> torch.Tensor:
    """1.0 on tokens of steps ``first_step <= k < end_step`` (``None`` = no end), else 0.0."""
    inside_B_T = step_ids_B_T >= first_step
    if end_step is not None:
        inside_B_T &= step_ids_B_T < end_step
    return inside_B_T.float()


class TCODConfig(BaseModel):
    """Temporal-curriculum OPD: train a growing number of turns (F2B) or after an expert prefix
    that shrinks (B2F)."""

    model_config = ConfigDict(extra="forbid")

    name: Literal["tcod"] = "tcod"
    # f2b: student plays from the start, first k(n) turns trained; b2f: expert prefix replayed
    variant: Literal["f2b", "b2f"] = "f2b"
    # k_start of k(n) = min(k_start + floor(n / eta), k_max)
    k_start: int = Field(1, ge=1)
    # updates per curriculum stage (6 for F2B, 5 for B2F on ALFWorld in the released configs)
    eta: int = Field(6, ge=1)
    # largest depth; null = the environment's max_steps
    k_max: int | None = Field(None, ge=1)
    # scale of the reverse-KL advantage
    kl_coef: float = Field(1.0, gt=0.0)
    # PPO lower clip of the importance ratio; null = no clipping
    clip_low: float | None = Field(0.2, ge=0.0, le=1.0)
    # PPO upper clip of the importance ratio; null = no clipping
    clip_high: float | None = Field(0.2, ge=0.0)
    # verl's dual clip: a negative advantage's loss is capped at -A * clip_ratio_c (Trinity's
    # and verl's default 3.0); null = none
    clip_ratio_c: float | None = Field(3.0, gt=1.0)


def tcod_loss(inputs: MethodInputs, config: TCODConfig) -> LossOutput:
    """OPD's PPO-clipped loss; the curriculum already shaped ``mask_B_T`` and the rollouts."""
    return sampled_token_opd_loss(
        inputs, config.kl_coef, config.clip_low, config.clip_high, config.clip_ratio_c
    )
