"""Log-probabilities of given tokens under a causal LM, computed only where they are needed.

Positions are those of the *predicted* token: ``logp_B_T[b, t] = log p(ids[b, t] | ids[b, :t])``,
read from the logits at ``t - 1``. Only the vocabulary projections at the requested positions
are computed (``logits_to_keep``), which keeps memory at ``[B, P, V]`` instead of ``[B, T, V]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class TokenLogprobs:
    """Log-probabilities at the requested positions, aligned to ``[B, T]``."""

    logp_B_T: torch.Tensor
    """Log-probability of each input token at the requested positions; 0 elsewhere."""
    topk_ids_B_T_K: torch.Tensor | None = None
    """The model's own top-k token ids at each requested position, when asked."""
    topk_logp_B_T_K: torch.Tensor | None = None
    """Their log-probabilities (the model's, or at ``gather_ids`` when given)."""


def _position_logits(
    model: torch.nn.Module,
    input_ids_B_T: torch.Tensor,
    attention_mask_B_T: torch.Tensor,
    keep_P: torch.Tensor,
) -> torch.Tensor:
    """Logits ``[B, P, V]`` at positions ``keep_P``; falls back to slicing full logits."""
    try:
        output = model(
            input_ids=input_ids_B_T, attention_mask=attention_mask_B_T, logits_to_keep=keep_P
        )
        logits = output.logits
        if logits.shape[1] == keep_P.numel():
            return logits
    except TypeError:  # a model without logits_to_keep
        output = model(input_ids=input_ids_B_T, attention_mask=attention_mask_B_T)
        logits = output.logits
    return logits[:, keep_P]


def token_logprobs(
    model: torch.nn.Module,
    input_ids_B_T: torch.Tensor,
    attention_mask_B_T: torch.Tensor,
    positions_B_T: torch.Tensor,
    top_k: int | None = None,
    gather_ids_B_T_K: torch.Tensor | None = None,
    temperature: float = 1.0,
) -> TokenLogprobs:
    """Log-probabilities of ``input_ids_B_T`` at the positions where ``positions_B_T`` is set.

    ``top_k`` also returns the model's top-k distribution at those positions;
    ``gather_ids_B_T_K`` instead returns the model's log-probabilities of the given ids (a
    student's log-probabilities of a teacher's top-k). Positions 0 are never requested
    (nothing predicts the first token). Computed in float32 whatever the model's dtype.
    """
    batch, length = input_ids_B_T.shape
    wanted_T = positions_B_T.any(dim=0)
    wanted_T[0] = False
    keep_P = torch.nonzero(wanted_T).squeeze(-1)
    logp_B_T = torch.zeros(batch, length, dtype=torch.float32, device=input_ids_B_T.device)
    if keep_P.numel() == 0:
        return TokenLogprobs(logp_B_T)
    logits_B_P_V = _position_logits(model, input_ids_B_T, attention_mask_B_T, keep_P - 1)
    logp_B_P_V = torch.log_softmax(logits_B_P_V.float() / temperature, dim=-1)
    targets_B_P = input_ids_B_T[:, keep_P]
    logp_B_T = logp_B_T.index_put(
        (torch.arange(batch, device=keep_P.device)[:, None], keep_P[None, :]),
        logp_B_P_V.gather(-1, targets_B_P[..., None]).squeeze(-1),
    )
    logp_B_T = logp_B_T * positions_B_T.to(logp_B_T.dtype)
    result = TokenLogprobs(logp_B_T)
    if gather_ids_B_T_K is not None:
        ids_B_P_K = gather_ids_B_T_K[:, keep_P]
        result.topk_ids_B_T_K = gather_ids_B_T_K
        result.topk_logp_B_T_K = _scatter_positions(
            logp_B_P_V.gather(-1, ids_B_P_K), keep_P, length
        )
    elif top_k is not None:
        values_B_P_K, ids_B_P_K = logp_B_P_V.topk(min(top_k, logp_B_P_V.shape[-1]), dim=-1)
        result.topk_logp_B_T_K = _scatter_positions(values_B_P_K, keep_P, length)
        result.topk_ids_B_T_K = _scatter_positions(ids_B_P_K, keep_P, length)
    return result


def _scatter_positions(
    values_B_P_K: torch.Tensor, keep_P: torch.Tensor, length: int
) -> torch.Tensor:
    """Place ``[B, P, K]`` values at positions ``keep_P`` of a zero ``[B, T, K]`` tensor."""
    batch, _, k = values_B_P_K.shape
    out = torch.zeros(batch, length, k, dtype=values_B_P_K.dtype, device=values_B_P_K.device)
    return out.index_copy(1, keep_P, values_B_P_K)
