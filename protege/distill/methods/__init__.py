"""Distillation methods, looked up by name: ``METHODS["sod"]`` is SOD's :class:`MethodSpec`.

Each method is one module with pure tensor functions and one pydantic config; the spec tells
the trainer what the method needs (a teacher, whose context, top-k scores, a curriculum) so the
trainer calls it in one place without branching on its name.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from protege.distill.batch import LossOutput, MethodInputs
from protege.distill.methods.grpo import GRPOConfig, grpo_loss, opd_grpo_loss
from protege.distill.methods.opd import OPDConfig, opd_loss
from protege.distill.methods.opsd import OPSDConfig, opsd_loss
from protege.distill.methods.sft import SFTConfig, sft_loss
from protege.distill.methods.skill_sd import SkillSDConfig, skill_sd_loss
from protege.distill.methods.sod import SODConfig, sod_loss
from protege.distill.methods.tcod import (
    TCODConfig,
    b2f_prefix_length,
    curriculum_depth,
    horizon_update,
    paced_depth,
    paced_prefix_length,
    tcod_loss,
)


@dataclass(frozen=True)
class Curriculum:
    """Where the student plays and trains at one update (TCOD; the full horizon otherwise)."""

    max_student_steps: int | None = None
    """The student's turns per training episode (F2B depth); ``None`` = the env's limit."""
    expert_prefix: Callable[[int], int] | None = None
    """Given the expert's demonstration length ``L``, the number of expert actions replayed
    before the student plays (B2F); ``None`` = no prefix."""


def full_horizon(update: int, config: Any, max_steps: int, updates: int) -> Curriculum:
    """No curriculum: the student plays every turn from the start."""
    return Curriculum()


def tcod_curriculum(update: int, config: TCODConfig, max_steps: int, updates: int) -> Curriculum:
    """TCOD's F2B depth or B2F prefix at ``update`` of a run of ``updates``: a fixed pace
    (``eta``) or the run's (full horizon from ``full_horizon_at`` of the run)."""
    eta, first_full = config.eta, horizon_update(updates, config.full_horizon_at)
    if config.variant == "b2f":
        if eta is not None:
            return Curriculum(expert_prefix=lambda length: b2f_prefix_length(update, length, eta))
        return Curriculum(
            expert_prefix=lambda length: paced_prefix_length(update, length, first_full)
        )
    k_max = config.k_max or max_steps
    if eta is not None:
        return Curriculum(max_student_steps=curriculum_depth(update, config.k_start, eta, k_max))
    return Curriculum(max_student_steps=paced_depth(update, config.k_start, k_max, first_full))


def no_top_k(config: Any) -> int | None:
    """The method needs only the teacher's log-probability of the sampled tokens."""
    return None


def top_k_if_gkd(config: Any) -> int | None:
    """The teacher's top-k when the objective is GKD's distribution loss."""
    return config.top_k if config.objective == "gkd" else None


@dataclass(frozen=True)
class MethodSpec:
    """A method: its config, loss, and what the trainer must prepare for it."""

    name: str
    config_class: type[BaseModel]
    loss: Callable[[MethodInputs, Any], LossOutput]
    teacher: Literal["none", "external", "self"]
    """``external``: a separate teacher model; ``self``: the student's own weights."""
    teacher_context: Literal["plain", "skill", "plan"] = "plain"
    """What the teacher sees beyond the student's context: nothing, a skill, the expert plan."""
    rollout: Literal["student", "expert"] = "student"
    """Who plays the training episodes (``expert`` for SFT)."""
    group_episodes: bool = False
    """Whether the method needs several episodes per task (GRPO groups)."""
    top_k: Callable[[Any], int | None] = no_top_k
    curriculum: Callable[[int, Any, int, int], Curriculum] = full_horizon
    """``(update, method config, env max_steps, run updates) -> Curriculum``."""


METHODS: dict[str, MethodSpec] = {}


def register_method(spec: MethodSpec) -> MethodSpec:
    """Add a method to the registry; a taken name raises."""
    if spec.name in METHODS:
        raise ValueError(f"method {spec.name!r} is already registered")
    METHODS[spec.name] = spec
    return spec


def get_method(name: str) -> MethodSpec:
    """The method called ``name``; an unknown name lists the known ones and a close match."""
    if name in METHODS:
        return METHODS[name]
    close = difflib.get_close_matches(name, METHODS, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise KeyError(f"unknown method {name!r}.{hint} Known methods: {', '.join(sorted(METHODS))}")


register_method(MethodSpec("opd", OPDConfig, opd_loss, teacher="external", top_k=top_k_if_gkd))
register_method(MethodSpec("sod", SODConfig, sod_loss, teacher="external", group_episodes=True))
register_method(
    MethodSpec("tcod", TCODConfig, tcod_loss, teacher="external", curriculum=tcod_curriculum)
)
register_method(
    MethodSpec(
        "skill_sd",
        SkillSDConfig,
        skill_sd_loss,
        teacher="self",
        teacher_context="skill",
        group_episodes=True,
    )
)
register_method(
    MethodSpec(
        "opsd", OPSDConfig, opsd_loss, teacher="self", teacher_context="plan", top_k=top_k_if_gkd
    )
)
register_method(MethodSpec("sft", SFTConfig, sft_loss, teacher="none", rollout="expert"))
register_method(MethodSpec("grpo", GRPOConfig, grpo_loss, teacher="none", group_episodes=True))
register_method(
    MethodSpec("opd_grpo", GRPOConfig, opd_grpo_loss, teacher="external", group_episodes=True)
)

__all__ = ["METHODS", "Curriculum", "MethodSpec", "get_method", "register_method"]
