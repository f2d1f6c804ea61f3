"""SFT baseline: maximum likelihood on the action tokens of expert episodes.

``L = -mean_t log pi_theta(y_t)`` over the trained (expert action) tokens; no teacher.
"""

from __future__ import annotations

from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field, model_validator

from protege.distill.batch import LossOutput, MethodInputs
from protege.distill.divergences import masked_mean


def sft_nll(logp_B_T: torch.Tensor, mask_B_T: torch.Tensor) -> torch.Tensor:
    """Token-mean negative log-likelihood of the trained tokens."""
    return masked_mean(-logp_B_T, mask_B_T)


class SFTConfig(BaseModel):
    """Supervised fine-tuning on episodes played by the environment's expert."""

    model_config = ConfigDict(extra="forbid")

    name: Literal["sft"] = "sft"
    # "next_action": train on episodes that show the expert's next action after every
    # observation, the context a `teacher.hint: next_action` teacher reads; "none": as played
    hint: Literal["none", "next_action"] = "none"
    # with hint: the share of steps at which the expert takes a random admissible action
    # instead, so that later steps start off its path; those steps are played, not trained on
    # (a privileged teacher then follows its hint after a student's detours too)
    detours: float = Field(0.0, ge=0.0, lt=1.0)

    @model_validator(mode="after")
    def _detours_need_hints(self) -> SFTConfig:
        if self.detours and self.hint == "none":
            raise ValueError("detours need hint: next_action (the hint says which steps to train)")
        return self


def sft_loss(inputs: MethodInputs, config: SFTConfig) -> LossOutput:
    """Negative log-likelihood of the expert's action tokens."""
    return LossOutput(sft_nll(inputs.logp_B_T, inputs.mask_B_T))
