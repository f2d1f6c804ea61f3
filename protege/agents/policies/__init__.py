"""Policy backends behind one interface (:class:`Policy`), one module per backend.

``expert`` and ``random`` need no model; ``hf`` (transformers), ``vllm`` (offline engine) and
``openai`` (any OpenAI-compatible server) are imported only when asked for, so importing
this package never loads torch, vllm or an HTTP client.
"""

from __future__ import annotations

import importlib
from typing import Any

from protege.agents.policies.base import Generation, LogprobMode, Policy, PolicyInput
from protege.agents.policies.scripted import ExpertPolicy, RandomPolicy
from protege.errors import ProtegeError

__all__ = [
    "ExpertPolicy",
    "Generation",
    "HFPolicy",
    "LogprobMode",
    "OpenAIPolicy",
    "Policy",
    "PolicyInput",
    "RandomPolicy",
    "UnknownPolicyError",
    "VLLMPolicy",
    "policy_from_spec",
]

_LAZY = {
    "HFPolicy": "protege.agents.policies.hf",
    "VLLMPolicy": "protege.agents.policies.vllm",
    "OpenAIPolicy": "protege.agents.policies.openai",
}

POLICY_KINDS = ("expert", "random", "hf:PATH", "vllm:PATH", "openai:URL")


class UnknownPolicyError(ProtegeError, ValueError):
    """A policy spec that names no backend."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def policy_from_spec(spec: str, **options: Any) -> Policy:
    """Build a policy from ``expert``, ``random``, ``hf:PATH``, ``vllm:PATH`` or ``openai:URL``.

    ``options`` go to the backend's constructor; scripted policies take only ``seed``. PATH
    may be ``smollm2`` or ``tiny`` (prepared on demand). ``openai:URL`` takes ``model=`` for
    the served model name.
    """
    kind, _, target = spec.partition(":")
    if kind == "expert" and not target:
        return ExpertPolicy()
    if kind == "random" and not target:
        return RandomPolicy(seed=int(options.get("seed") or 0))
    if kind in ("hf", "vllm", "openai") and target:
        cls = __getattr__({"hf": "HFPolicy", "vllm": "VLLMPolicy", "openai": "OpenAIPolicy"}[kind])
        return cls(target, **options)
    raise UnknownPolicyError(
        f"unknown policy {spec!r}; expected one of: {', '.join(POLICY_KINDS)} "
        "(e.g. hf:smollm2, openai:http://localhost:8000/v1)"
    )
