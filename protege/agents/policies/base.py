"""The one policy interface: a batch of contexts in, one generation per context out.

Every backend (scripted, transformers, vLLM, an OpenAI-compatible server) implements
:meth:`Policy.generate`. The rollout engine sends all pending episodes of a turn as one call.

A model policy receives the exact context token ids (``PolicyInput.prompt_token_ids``, built
by :class:`~protege.agents.conversation.Conversation` with :attr:`Policy.tokenizer`) and
returns the sampled token ids verbatim with the log-probability of each. What the
log-probabilities mean is fixed across backends: by default (``logprobs="model"``) they are
the model's own log-probabilities, ``log_softmax(logits)`` at temperature 1 without top-p,
whatever temperature and top-p the tokens were sampled with; they equal the sampling
distribution's log-probabilities only at temperature 1 and top-p 1. ``logprobs="sampling"``
asks for the log-probabilities under the tempered, top-p truncated distribution the tokens
were actually drawn from (what an importance ratio needs), where the backend offers them.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

LogprobMode = Literal["model", "sampling"]
"""``model``: log_softmax of the raw logits (temperature 1); ``sampling``: of the processed ones."""


@dataclass
class PolicyInput:
    """What a policy sees for one pending episode at one turn."""

    messages: list[dict[str, str]]
    """The chat so far (system, user, assistant, ..., user), as the prompt format built it."""
    prompt_token_ids: list[int] | None = None
    """The exact context token ids, for policies that have a tokenizer."""
    tools: list[dict[str, Any]] | None = None
    """Function schemas for the ``tool_call`` format (OpenAI style), else None."""
    admissible_actions: list[str] = field(default_factory=list)
    """The environment's admissible actions now (may be empty)."""
    expert_action: str | None = None
    """The environment expert's next action, filled in when the policy sets ``needs_expert``."""
    episode_seed: int | None = None
    """The seed the episode was reset with (seeded scripted policies key their draws on it)."""
    step: int = 0
    """The index of the step about to be taken."""


@dataclass
class Generation:
    """One policy output."""

    text: str
    """The response text (for token policies: the decoded sampled ids, without the EOS)."""
    token_ids: list[int] | None = None
    """The sampled token ids verbatim, EOS included when the model emitted it."""
    logprobs: list[float] | None = None
    """The log-probability of each token in ``token_ids`` (see the module docstring)."""
    finish_reason: Literal["stop", "length"] = "stop"
    """``stop``: the model ended its turn; ``length``: it hit the token limit."""
    action: str | None = None
    """Set by scripted policies: the action itself, taken without parsing ``text``."""


class Policy(abc.ABC):
    """A batch of contexts in, actions with token ids and per-token log-probs out."""

    name: str = "policy"
    """Recorded as ``Episode.policy``."""
    tokenizer: Any = None
    """A Hugging Face tokenizer for token-level policies; None for text-only ones."""
    needs_expert: bool = False
    """Whether :class:`PolicyInput.expert_action` must be filled in."""

    @abc.abstractmethod
    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        """One generation per input, in order."""

    def describe(self) -> dict[str, Any]:
        """Settings recorded in each episode's metadata (temperature, top-p, ...)."""
        return {}

    def close(self) -> None:
        """Release the backend (processes, servers, GPU memory)."""
        return None

    def __enter__(self) -> Policy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
