"""OPSD: on-policy self-distillation with privileged information (Zhao et al., arXiv 2601.18734).

The teacher is the student's own model with the expert's plan for the task in its context
(here: the environment expert's action sequence from reset, found by playing the expert on a
copy of the environment); the student acts under the plain prompt. The default loss is the
published one, GKD's generalised JSD per token over the teacher's top-k support (``beta = 0.5``);
``objective: policy_gradient`` uses the sampled-token reverse-KL policy gradient instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from protege.distill.batch import LossOutput, MethodInputs
from protege.distill.methods.opd import OPDConfig, opd_loss

PLAN_TEMPLATE = (
    "Privileged hint, for this task only: an expert solves it with these actions, in order:\n"
    "{plan}\nAfter understanding the plan, choose your own next action."
)


def plan_text(actions: Sequence[str], template: str = PLAN_TEMPLATE) -> str:
    """The teacher's privileged text: the expert's numbered actions in ``template``."""
    plan = "\n".join(f"{number}. {action}" for number, action in enumerate(actions, start=1))
    return template.format(plan=plan)


class OPSDConfig(BaseModel):
    """Privileged-information self-distillation: the teacher sees the expert's plan."""

    model_config = ConfigDict(extra="forbid")

    name: Literal["opsd"] = "opsd"
    # "gkd" (top-k generalised JSD, as published) or "policy_gradient" (sampled-token reverse KL)
    objective: Literal["policy_gradient", "gkd"] = "gkd"
    # JSD mixture weight: 1 = reverse KL, 0 = forward KL
    beta: float = Field(0.5, ge=0.0, le=1.0)
    # teacher top-k support for the JSD
    top_k: int = Field(32, ge=1)
    # teacher weights: "frozen" = the starting student (as published), "sync" = the current one
    teacher_mode: Literal["sync", "frozen", "ema"] = "frozen"
    # EMA rate for teacher_mode "ema"
    ema_rate: float = Field(0.9, ge=0.0, lt=1.0)
    # the privileged text; {plan} is replaced by the numbered expert actions
    plan_template: str = PLAN_TEMPLATE


def opsd_loss(inputs: MethodInputs, config: OPSDConfig) -> LossOutput:
    """OPD's loss with OPSD's defaults; the privileged context is in the teacher's scores."""
    return opd_loss(
        inputs, OPDConfig(objective=config.objective, beta=config.beta, top_k=config.top_k)
    )
