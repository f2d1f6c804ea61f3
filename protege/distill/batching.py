"""From scored episodes to padded ``[B, T]`` tensors for the student's forward pass.

One row per full-history episode. A step is trained when it lies in the curriculum window:
steps before ``Episode.metadata["expert_prefix"]`` (a replayed expert prefix) are context
only. Step ids count trained steps from 0, so SOD's ``d_1`` is the first trained step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from protege.distill.batch import group_statistics
from protege.distill.scoring import StepScores
from protege.errors import ProtegeError
from protege.records import Episode


class BatchError(ProtegeError, ValueError):
    """An episode the trainer cannot turn into a training row."""


@dataclass
class Row:
    """One episode, ready to collate."""

    token_ids: list[int]
    positions: list[tuple[int, int, int]]
    """``(trained step id, start, end)`` spans of trained tokens."""
    turns: list[int]
    """The episode's step index of each trained step (for per-turn metrics)."""
    reward: float
    group: int
    teacher: dict[int, StepScores]
    """Teacher scores by the row's trained step id."""
    old_logp: torch.Tensor | None = None
    """The behaviour policy's log-probability of every token (position-aligned), once computed."""
    group_mean: float | None = None
    """The reward mean of the row's group over the whole update (:func:`set_group_statistics`)."""
    group_std: float | None = None
    """The reward population std of the row's group over the whole update."""


def set_group_statistics(rows: Sequence[Row]) -> None:
    """Give every row its group's reward mean and std over all ``rows`` (one update), so that
    GRPO's baseline does not depend on how the rows are split into minibatches."""
    mean_B, std_B = group_statistics(
        torch.tensor([row.reward for row in rows]), torch.tensor([row.group for row in rows])
    )
    for row, mean, std in zip(rows, mean_B.tolist(), std_B.tolist(), strict=True):
        row.group_mean, row.group_std = mean, std


def episode_row(episode: Episode, group: int, scores: dict[int, StepScores] | None = None) -> Row:
    """The training row of one full-history episode."""
    if episode.tokens is None or not episode.tokens.spans:
        raise BatchError(
            f"episode {episode.task_id!r} has no full-history token record; the trainer needs "
            "rollouts with history=None"
        )
    first = int(episode.metadata.get("expert_prefix", 0))
    positions, turns, teacher = [], [], {}
    for span in episode.tokens.spans:
        if span.step < first or span.end <= span.start:
            continue
        step_id = len(positions)
        positions.append((step_id, span.start, span.end))
        turns.append(span.step)
        if scores is not None and span.step in scores:
            teacher[step_id] = scores[span.step]
    return Row(list(episode.tokens.token_ids), positions, turns, float(episode.won), group, teacher)


@dataclass
class Collated:
    """Padded tensors of a minibatch (``K`` only when top-k teacher scores exist)."""

    input_ids_B_T: torch.Tensor
    attention_mask_B_T: torch.Tensor
    mask_B_T: torch.Tensor
    step_ids_B_T: torch.Tensor
    turn_ids_B_T: torch.Tensor
    rewards_B: torch.Tensor
    group_ids_B: torch.Tensor
    teacher_logp_B_T: torch.Tensor | None
    teacher_topk_ids_B_T_K: torch.Tensor | None
    teacher_topk_logp_B_T_K: torch.Tensor | None
    old_logp_B_T: torch.Tensor | None = None
    group_mean_B: torch.Tensor | None = None
    group_std_B: torch.Tensor | None = None

    def to(self, device: torch.device | str) -> Collated:
        """The same tensors on ``device``."""
        moved = {
            name: value.to(device) if isinstance(value, torch.Tensor) else value
            for name, value in vars(self).items()
        }
        return Collated(**moved)


def collate(rows: Sequence[Row], pad_id: int) -> Collated:
    """Right-pad rows into tensors aligned to the predicted token's position."""
    batch, length = len(rows), max(len(row.token_ids) for row in rows)
    ids = torch.full((batch, length), pad_id, dtype=torch.long)
    attention = torch.zeros(batch, length, dtype=torch.long)
    step_ids = torch.full((batch, length), -1, dtype=torch.long)
    turn_ids = torch.full((batch, length), -1, dtype=torch.long)
    has_teacher = all(len(row.teacher) == len(row.positions) for row in rows) and any(
        row.teacher for row in rows
    )
    top_k = _top_k(rows) if has_teacher else 0
    teacher = torch.zeros(batch, length) if has_teacher else None
    topk_ids = torch.zeros(batch, length, top_k, dtype=torch.long) if top_k else None
    topk_logp = torch.zeros(batch, length, top_k) if top_k else None
    for b, row in enumerate(rows):
        ids[b, : len(row.token_ids)] = torch.tensor(row.token_ids)
        attention[b, : len(row.token_ids)] = 1
        for (step_id, start, end), turn in zip(row.positions, row.turns, strict=True):
            step_ids[b, start:end] = step_id
            turn_ids[b, start:end] = turn
            if teacher is not None:
                scores = row.teacher[step_id]
                teacher[b, start:end] = torch.tensor(scores.logprobs)
                if topk_ids is not None and topk_logp is not None:
                    topk_ids[b, start:end] = scores.topk_ids
                    topk_logp[b, start:end] = scores.topk_logprobs
    old_logp = None
    if all(row.old_logp is not None for row in rows):
        old_logp = torch.zeros(batch, length)
        for b, row in enumerate(rows):
            old_logp[b, : len(row.token_ids)] = row.old_logp
    group_mean = group_std = None
    if all(row.group_mean is not None and row.group_std is not None for row in rows):
        group_mean = torch.tensor([row.group_mean for row in rows])
        group_std = torch.tensor([row.group_std for row in rows])
    return Collated(
        ids,
        attention,
        (step_ids >= 0).float(),
        step_ids,
        turn_ids,
        torch.tensor([row.reward for row in rows]),
        torch.tensor([row.group for row in rows]),
        teacher,
        topk_ids,
        topk_logp,
        old_logp,
        group_mean,
        group_std,
    )


def _top_k(rows: Sequence[Row]) -> int:
    for row in rows:
        for scores in row.teacher.values():
            if scores.topk_ids is not None:
                return int(scores.topk_ids.shape[-1])
    return 0


def minibatches(count: int, size: int, generator: torch.Generator | None = None) -> list[list[int]]:
    """Row indices shuffled by ``generator`` and cut into minibatches of ``size``."""
    order = torch.randperm(count, generator=generator).tolist()
    return [order[start : start + size] for start in range(0, count, size)]
