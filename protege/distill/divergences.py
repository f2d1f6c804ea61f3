"""Per-token divergences between a student and a teacher, as pure tensor functions.

Notation: ``S`` is the student (the policy that sampled the tokens), ``T`` the teacher.
``ell = log S(y) - log T(y)`` is the single-sample reverse-KL term at the sampled token ``y``.

Single-sample estimators of ``KL(S || T)`` at a token sampled from ``S`` (Schulman's k1/k2/k3):

- ``k1 = ell`` (unbiased, can be negative),
- ``k2 = ell**2 / 2`` (biased, low variance, always >= 0),
- ``k3 = exp(-ell) - 1 + ell`` (unbiased, always >= 0).

Distribution-level divergences take log-probabilities over a support of size ``V`` (the full
vocabulary) or ``K`` (a teacher's top-k, renormalised over that support):

- reverse KL ``KL(S || T)``, forward KL ``KL(T || S)``,
- GKD's generalised JSD (Agarwal et al. 2024, Eq. 1 in TRL's form)
  ``JSD_beta = beta * KL(T || M) + (1 - beta) * KL(S || M)`` with ``M = beta * T + (1 - beta) * S``;
  ``beta = 0`` is the forward KL and ``beta = 1`` the reverse KL (both special-cased, as the
  mixture would otherwise collapse to ``0``).

Every function returns one value per position (shape ``[..., T]`` or ``[...]``); masking and
reduction happen in :func:`masked_mean`.
"""

from __future__ import annotations

import math

import torch

__all__ = [
    "forward_kl",
    "generalized_jsd",
    "k1",
    "k2",
    "k3",
    "masked_mean",
    "renormalize",
    "reverse_kl",
    "topk_divergence",
]


def k1(student_logp_B_T: torch.Tensor, teacher_logp_B_T: torch.Tensor) -> torch.Tensor:
    """``log S(y) - log T(y)`` at each sampled token; shapes ``[B, T]`` in and out."""
    return student_logp_B_T - teacher_logp_B_T


def k2(student_logp_B_T: torch.Tensor, teacher_logp_B_T: torch.Tensor) -> torch.Tensor:
    """``(log S(y) - log T(y))**2 / 2`` at each sampled token; shapes ``[B, T]``."""
    return 0.5 * (student_logp_B_T - teacher_logp_B_T) ** 2


def k3(student_logp_B_T: torch.Tensor, teacher_logp_B_T: torch.Tensor) -> torch.Tensor:
    """``T(y)/S(y) - 1 - log(T(y)/S(y))`` at each sampled token; shapes ``[B, T]``, >= 0."""
    log_ratio_B_T = teacher_logp_B_T - student_logp_B_T
    return torch.expm1(log_ratio_B_T) - log_ratio_B_T


def _kl(p_logp: torch.Tensor, q_logp: torch.Tensor) -> torch.Tensor:
    """``KL(p || q)`` over the last dimension; ``0 * log 0`` counts as 0."""
    p = p_logp.exp()
    terms = torch.where(p > 0, p * (p_logp - q_logp), torch.zeros_like(p))
    return terms.sum(dim=-1)


def reverse_kl(student_logp_B_T_V: torch.Tensor, teacher_logp_B_T_V: torch.Tensor) -> torch.Tensor:
    """``KL(S || T)`` per position from normalised log-probabilities ``[B, T, V]`` -> ``[B, T]``."""
    return _kl(student_logp_B_T_V, teacher_logp_B_T_V)


def forward_kl(student_logp_B_T_V: torch.Tensor, teacher_logp_B_T_V: torch.Tensor) -> torch.Tensor:
    """``KL(T || S)`` per position from normalised log-probabilities ``[B, T, V]`` -> ``[B, T]``."""
    return _kl(teacher_logp_B_T_V, student_logp_B_T_V)


def generalized_jsd(
    student_logp_B_T_V: torch.Tensor, teacher_logp_B_T_V: torch.Tensor, beta: float = 0.5
) -> torch.Tensor:
    """GKD's generalised Jensen-Shannon divergence per position, ``[B, T, V]`` -> ``[B, T]``.

    ``beta = 0`` gives ``KL(T || S)`` and ``beta = 1`` gives ``KL(S || T)``; in between, the
    mixture ``M = beta * T + (1 - beta) * S`` is formed in log space for stability.
    """
    if not 0.0 <= beta <= 1.0:
        raise ValueError(f"beta must be in [0, 1], got {beta}")
    if beta == 0.0:
        return forward_kl(student_logp_B_T_V, teacher_logp_B_T_V)
    if beta == 1.0:
        return reverse_kl(student_logp_B_T_V, teacher_logp_B_T_V)
    mixture_logp_B_T_V = torch.logsumexp(
        torch.stack(
            [teacher_logp_B_T_V + math.log(beta), student_logp_B_T_V + math.log(1.0 - beta)]
        ),
        dim=0,
    )
    return beta * _kl(teacher_logp_B_T_V, mixture_logp_B_T_V) + (1.0 - beta) * _kl(
        student_logp_B_T_V, mixture_logp_B_T_V
    )


def renormalize(logp_B_T_K: torch.Tensor) -> torch.Tensor:
    """Log-probabilities restricted to a support of size ``K`` and renormalised to sum to 1."""
    return logp_B_T_K - torch.logsumexp(logp_B_T_K, dim=-1, keepdim=True)


def topk_divergence(
    student_logp_B_T_K: torch.Tensor,
    teacher_logp_B_T_K: torch.Tensor,
    beta: float = 1.0,
) -> torch.Tensor:
    """A divergence on the teacher's top-k support, both distributions renormalised over it.

    ``student_logp_B_T_K`` are the student's log-probabilities of the teacher's top-k token ids.
    ``beta = 1`` is the top-k reverse KL, ``beta = 0`` the top-k forward KL, in between the
    generalised JSD; returns ``[B, T]``.
    """
    return generalized_jsd(renormalize(student_logp_B_T_K), renormalize(teacher_logp_B_T_K), beta)


def masked_mean(values_B_T: torch.Tensor, mask_B_T: torch.Tensor) -> torch.Tensor:
    """Mean of ``values_B_T`` over the positions where ``mask_B_T`` is set (token-mean).

    A fully masked batch gives 0 rather than 0/0 (``clamp_min(1)`` on the count).
    """
    mask = mask_B_T.to(values_B_T.dtype)
    return (values_B_T * mask).sum() / mask.sum().clamp_min(1.0)
