"""TCOD: temporal curriculum in on-policy distillation (arXiv 2604.24005; code kokolerk/TCOD).

The curriculum limits how deep into a trajectory the student is trained and grows it with the
update number ``n`` (linear step schedule, ``eta`` = the code's ``checkpoint_steps``):

    k(n) = min(k_start + floor(n / eta), k_max)

The released configs (``eta`` 5-6 over 250 steps, 30 turns) reach the full horizon about 70%
into the run. A fixed ``eta`` over a short run never does (``eta = 2`` over 6 updates stops at
depth 4), so by default the pace follows the run: with ``N* = floor(full_horizon_at * (U - 1))``
for a run of ``U`` updates, ``floor(n / eta)`` becomes ``floor(n * span / N*)``, where ``span``
is the number of stages (``k_max - k_start`` for F2B, ``L - 1`` for B2F); the full horizon is
trained from update ``N*`` on (from the start when ``N* = 0``).

- **F2B** (forward to backward): the student plays from the start and training uses its first
  ``k(n)`` turns; evaluation always plays the full horizon.
- **B2F** (backward to forward): the environment's expert replays a prefix of
  ``c(n) = max(0, (L - 1) - floor(n / eta))`` actions of its ``L``-action demonstration, then
  the student plays the rest; the replayed prefix is not trained.

The loss is OPD's: per-token ``A_t = kl_coef * (log pi_T - log pi_old)`` (reverse KL) with the
PPO-clipped importance-sampled loss (clip 0.2 in the released configs).
"""

from __future__ import annotations

import math
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


def horizon_update(updates: int, full_horizon_at: float) -> int:
    """``N* = floor(full_horizon_at * (updates - 1))``: the first update on the full horizon."""
    return math.floor(full_horizon_at * (updates - 1))


def paced_depth(update: int, k_start: int, k_max: int, first_full: int) -> int:
    """F2B depth with the run's pace: ``min(k_start + floor(n * (k_max - k_start) / N*), k_max)``,
    so that update ``N* = first_full`` trains ``k_max`` turns (every update when ``N* <= 0``)."""
    if first_full <= 0:
        return k_max
    return min(k_start + update * max(k_max - k_start, 0) // first_full, k_max)


def paced_prefix_length(update: int, demo_length: int, first_full: int) -> int:
    """B2F prefix with the run's pace: ``max(0, (L - 1) - floor(n * (L - 1) / N*))``, so that
    every task's prefix is empty from update ``N* = first_full`` on."""
    span = max(demo_length - 1, 0)
    if first_full <= 0:
        return 0
    return max(0, span - update * span // first_full)


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
    # updates per curriculum stage, a fixed pace (6 for F2B, 5 for B2F over 250 steps on
    # ALFWorld in the released configs); null = paced by the run (full_horizon_at)
    eta: int | None = Field(None, ge=1)
    # with eta null: the share of the run's updates after which the full horizon is trained
    # (0.7: the released F2B config reaches 30 turns at step 174 of 250)
    full_horizon_at: float = Field(0.7, ge=0.0, le=1.0)
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
