"""The teacher's per-token signal of an episode, in the numbers the distillation trainer uses.

For each scored step (one with action tokens, ``action_logprobs`` and ``teacher_logprobs``):

- per token, the divergence ``log S(y) - log T(y)`` (student minus teacher; k1 of
  :mod:`protege.distill.divergences`);
- the step divergence ``d_k``, mean ``|log S - log T|`` over the step's tokens, and SOD's step
  weight ``w_k = min((d_1 + eps) / (d_k + eps), 1 + delta)`` (``d_1`` is the episode's first
  scored step), both from :mod:`protege.distill.methods.sod`;
- the turn's reverse KL, the mean of k1 over the step's tokens (the single-sample estimate of
  ``KL(S || T)`` at the student's own tokens, the quantity OPD's advantage is built from).

The formulas are not re-implemented here: this module only lays the episode's numbers out as
tensors and calls the distillation functions, so the viewer shows exactly what the trainer
computes. torch is imported lazily, only when some step of the report carries teacher scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from protege.records import Episode, Step

DEFAULT_EPS = 1e-6
"""``eps`` of SOD's step weight (``SODConfig.eps``)."""
DEFAULT_DELTA = 0.2
"""``delta`` of SOD's step weight, the cap ``1 + delta`` (``SODConfig.delta``)."""


@dataclass
class StepSignal:
    """The teacher's signal on one scored step."""

    token_divergences: list[float]
    """``log S(y_t) - log T(y_t)`` for each action token."""
    divergence: float
    """``d_k``: mean ``|log S - log T|`` over the step's tokens."""
    weight: float
    """SOD's ``w_k`` relative to the episode's first scored step."""
    reverse_kl: float
    """Mean of ``log S - log T`` over the step's tokens (k1 estimate of ``KL(S || T)``)."""


def is_scored(step: Step) -> bool:
    """Whether a step has action tokens with both the student's and the teacher's scores."""
    return bool(step.action_token_ids) and (
        step.action_logprobs is not None and step.teacher_logprobs is not None
    )


def episode_signals(
    episodes: Sequence[Episode], eps: float = DEFAULT_EPS, delta: float = DEFAULT_DELTA
) -> list[dict[int, StepSignal]]:
    """For each episode, ``{step index: StepSignal}`` over its scored steps (empty if none).

    All episodes are laid out as one padded ``[B, T]`` batch (B episodes, T their longest run of
    scored tokens) with step ids counting the scored steps, and passed through SOD's
    ``step_divergences`` / ``step_weights`` and the divergences' ``k1`` in one call each.
    """
    scored = [[i for i, step in enumerate(ep.steps) if is_scored(step)] for ep in episodes]
    if not any(scored):
        return [{} for _ in episodes]

    import torch

    from protege.distill.divergences import k1
    from protege.distill.methods.sod import step_divergences, step_sums, step_weights

    lengths = [
        sum(len(episodes[b].steps[i].action_token_ids or []) for i in idx)
        for b, idx in enumerate(scored)
    ]
    batch, width = len(episodes), max(max(lengths), 1)
    num_steps = max(max(len(idx) for idx in scored), 1)
    student_B_T = torch.zeros(batch, width, dtype=torch.float64)
    teacher_B_T = torch.zeros(batch, width, dtype=torch.float64)
    step_ids_B_T = torch.full((batch, width), -1, dtype=torch.long)
    for b, indices in enumerate(scored):
        student: list[float] = []
        teacher: list[float] = []
        ids: list[int] = []
        for column, index in enumerate(indices):
            step = episodes[b].steps[index]
            student.extend(step.action_logprobs or [])
            teacher.extend(step.teacher_logprobs or [])
            ids.extend([column] * len(step.action_token_ids or []))
        n = len(ids)
        student_B_T[b, :n] = torch.tensor(student, dtype=torch.float64)
        teacher_B_T[b, :n] = torch.tensor(teacher, dtype=torch.float64)
        step_ids_B_T[b, :n] = torch.tensor(ids, dtype=torch.long)

    k1_B_T = k1(student_B_T, teacher_B_T)
    divergence_B_S, _ = step_divergences(student_B_T, teacher_B_T, step_ids_B_T, num_steps)
    weight_B_S = step_weights(divergence_B_S, eps, delta)
    counts_B_S = step_sums(torch.ones_like(k1_B_T), step_ids_B_T, num_steps)
    reverse_kl_B_S = step_sums(k1_B_T, step_ids_B_T, num_steps) / counts_B_S.clamp_min(1.0)

    k1_rows = k1_B_T.tolist()
    divergence_rows = divergence_B_S.tolist()
    weight_rows = weight_B_S.tolist()
    reverse_kl_rows = reverse_kl_B_S.tolist()
    out: list[dict[int, StepSignal]] = []
    for b, indices in enumerate(scored):
        signals: dict[int, StepSignal] = {}
        offset = 0
        for column, index in enumerate(indices):
            n = len(episodes[b].steps[index].action_token_ids or [])
            signals[index] = StepSignal(
                token_divergences=k1_rows[b][offset : offset + n],
                divergence=divergence_rows[b][column],
                weight=weight_rows[b][column],
                reverse_kl=reverse_kl_rows[b][column],
            )
            offset += n
        out.append(signals)
    return out
