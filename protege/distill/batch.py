"""The tensors a method's loss sees for one minibatch, aligned to token positions.

Every ``[B, T]`` tensor is indexed by the position of the *predicted* token in the padded
sequence: ``logp_B_T[b, t]`` is the log-probability of ``input_ids[b, t]`` given the tokens
before it. Positions that are not trained (prompt, observations, padding, a TCOD replayed
prefix) have ``mask_B_T == 0`` and ``step_ids_B_T == -1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch


def group_statistics(
    rewards_B: torch.Tensor, group_ids_B: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Each sequence's group reward mean and sample std; ``[B]`` -> ``([B], [B])``.

    The std is Bessel-corrected (``n - 1``), as ``torch.std`` in verl's and TRL's GRPO; a
    group of one has std 0 (its advantage is 0: no baseline to compare with).
    """
    mean_B = torch.zeros_like(rewards_B, dtype=torch.float32)
    std_B = torch.zeros_like(rewards_B, dtype=torch.float32)
    for group in torch.unique(group_ids_B):
        members = group_ids_B == group
        rewards_G = rewards_B[members].float()
        mean_B[members] = rewards_G.mean()
        std_B[members] = rewards_G.std() if rewards_G.numel() > 1 else 0.0
    return mean_B, std_B


@dataclass
class MethodInputs:
    """What a method's loss function receives; optional fields are ``None`` when not scored."""

    logp_B_T: torch.Tensor
    """The current student's log-probability of each token (carries the gradient)."""
    old_logp_B_T: torch.Tensor
    """The behaviour policy's log-probability of each token (the student at rollout time)."""
    mask_B_T: torch.Tensor
    """1.0 on the student's own trained action tokens, else 0.0."""
    step_ids_B_T: torch.Tensor
    """The step (action) index within its episode of each trained token, -1 elsewhere."""
    rewards_B: torch.Tensor
    """Each sequence's episode outcome reward."""
    group_ids_B: torch.Tensor
    """Sequences with the same group id played the same task (GRPO groups)."""
    teacher_logp_B_T: torch.Tensor | None = None
    """The teacher's log-probability of each token, detached."""
    student_topk_logp_B_T_K: torch.Tensor | None = None
    """The current student's log-probabilities of the teacher's top-k token ids."""
    teacher_topk_logp_B_T_K: torch.Tensor | None = None
    """The teacher's top-k log-probabilities at each position."""
    group_mean_B: torch.Tensor | None = None
    """Each sequence's group reward mean over the whole update: a minibatch may hold only
    part of a group. None: over these sequences (they hold whole groups)."""
    group_std_B: torch.Tensor | None = None
    """Each sequence's group reward sample std, like :attr:`group_mean_B`."""

    def __post_init__(self) -> None:
        if self.group_mean_B is None or self.group_std_B is None:
            self.group_mean_B, self.group_std_B = group_statistics(self.rewards_B, self.group_ids_B)


@dataclass
class LossOutput:
    """A scalar loss to minimise and the detached numbers worth logging."""

    loss: torch.Tensor
    metrics: dict[str, float] = field(default_factory=dict)
    token_weights_B_T: torch.Tensor | None = None
    """Per-token weights the method applied (SOD step weights), for logging."""
    has_signal: bool = True
    """False when the loss carries no gradient signal (every advantage of every trained token
    is 0, e.g. GRPO groups with equal rewards): the trainer skips its backward pass, and an
    optimiser step whose gradients are all zero is skipped (``optim/skipped_steps``)."""
