"""What generates the student's episodes during training (``rollout.backend``).

- ``hf`` (default): :meth:`~protege.agents.policies.hf.HFPolicy.from_model` samples from the
  live student in memory, with transformers' ``generate``.
- ``vllm``: a ``vllm serve`` process serves the base model with runtime LoRA, started here
  with ``$PROTEGE_VLLM_PYTHON`` (or this python, if it has vllm), or already running at
  ``rollout.vllm_url``. Before a rollout on weights the engine has not seen, the student's
  adapter is saved to ``<output_dir>/rollout_adapters/<name>`` and loaded under a new
  ``<name>``: vLLM keys adapters by name, so reusing a name would keep the old weights. The
  previous adapter is then unloaded and its folder deleted. Episodes are played by protege's
  token-mode OpenAI client with ``model=<name>``, so the ids and log-probs vLLM returns are
  what the episode records, as with any token policy.

Either way the trainer recomputes the importance ratio's denominator with its own forward pass
(:func:`protege.distill.trainer.behaviour_logprobs`), so the engine's numerics never enter the
loss; ``rollout/logp_gap_max`` (:func:`protege.distill.metrics.logprob_gap`) says how far the
recorded log-probs are from the trainer's.

Full fine-tuning is refused with the vLLM backend: every weight would have to reach the engine
each update (a saved checkpoint and a weight reload, or an NCCL broadcast to a GPU engine).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Protocol

from protege.agents.policies.base import Policy
from protege.agents.policies.hf import HFPolicy, resolve_model_path
from protege.distill.config import ConfigError, DistillConfig


class RolloutBackend(Protocol):
    """Hands out the policy that plays with the student's current weights."""

    def policy(
        self, student: Any, version: int, *, temperature: float, top_p: float = 1.0
    ) -> Policy:
        """A policy sampling from ``student`` as it is after ``version`` optimiser updates."""

    def close(self) -> None:
        """Release processes and files."""


class HFRollouts:
    """The student samples in memory with transformers (a fresh prefix cache per policy)."""

    def __init__(self, tokenizer: Any, max_new_tokens: int) -> None:
        self.tokenizer = tokenizer
        self.max_new_tokens = max_new_tokens

    def policy(
        self, student: Any, version: int, *, temperature: float, top_p: float = 1.0
    ) -> Policy:
        """:meth:`HFPolicy.from_model` on the live weights (``version`` needs no action)."""
        return HFPolicy.from_model(
            student,
            self.tokenizer,
            temperature=temperature,
            top_p=top_p,
            max_new_tokens=self.max_new_tokens,
        )

    def close(self) -> None:
        """Nothing to release."""


class VLLMServerRollouts:
    """The student samples in a ``vllm serve`` process that is sent each new LoRA adapter."""

    def __init__(self, config: DistillConfig, student: Any, tokenizer: Any, output: Path) -> None:
        from protege.agents.policies.openai import OpenAIPolicy

        peft_config = getattr(student, "peft_config", {}).get("default")
        if peft_config is None:
            raise ConfigError(
                "rollout.backend: vllm needs a LoRA student (student.lora or student.adapter); "
                "full fine-tuning would need every weight synced to vLLM each update"
            )
        self.tokenizer = tokenizer
        self.max_new_tokens = config.rollout.max_new_tokens
        self.folder = output / "rollout_adapters"
        # a run-unique prefix: runs sharing one server (rollout.vllm_url) never collide
        self.prefix = f"student-{os.getpid()}"
        self.loaded: str | None = None
        self.version: int | None = None
        self.server = None
        url = config.rollout.vllm_url
        if url is None:
            from protege.agents.vllm_server import VLLMServer, vllm_python

            python = vllm_python(
                "rollout.backend: vllm", "set rollout.vllm_url to a running `vllm serve`"
            )
            self.server = VLLMServer(
                resolve_model_path(config.student.path),
                python=python,
                served_name="base",
                # the student's own dtype, so that sampled log-probs match the trainer's
                dtype=str(student.dtype).removeprefix("torch."),
                max_model_len=config.rollout.vllm_max_model_len,
                lora_rank=int(peft_config.r),
                extra_args=config.rollout.vllm_args,
                log_path=output / "vllm_server.log",
            )
            url = self.server.base_url
        try:
            self.client = OpenAIPolicy(url, tokenizer=tokenizer)
        except BaseException:
            self.close()
            raise

    def sync(self, student: Any, version: int) -> str:
        """Load the student's adapter under a new name unless ``version`` is loaded already;
        return the served name."""
        if self.loaded is not None and version == self.version:
            return self.loaded
        name = f"{self.prefix}-v{version}"
        path = self.folder / name
        student.save_pretrained(path)  # a peft model saves only its adapter
        self.client.load_adapter(name, path.resolve())
        previous, self.loaded, self.version = self.loaded, name, version
        if previous is not None:
            self.client.unload_adapter(previous)
            shutil.rmtree(self.folder / previous, ignore_errors=True)
        return name

    def policy(
        self, student: Any, version: int, *, temperature: float, top_p: float = 1.0
    ) -> Policy:
        """The token-mode client of the served adapter for ``version`` (synced first)."""
        from protege.agents.policies.openai import OpenAIPolicy

        return OpenAIPolicy(
            self.client.base_url,
            model=self.sync(student, version),
            tokenizer=self.tokenizer,
            temperature=temperature,
            top_p=top_p,
            max_new_tokens=self.max_new_tokens,
        )

    def close(self) -> None:
        """Unload the adapter from a server the run does not own; stop one it started."""
        if self.server is not None:
            self.server.close()
        elif self.loaded is not None:
            self.client.unload_adapter(self.loaded)
        self.loaded = None
        shutil.rmtree(self.folder, ignore_errors=True)


def rollout_backend(
    config: DistillConfig, student: Any, tokenizer: Any, output: Path
) -> RolloutBackend:
    """The backend ``rollout.backend`` names."""
    if config.rollout.backend == "vllm":
        return VLLMServerRollouts(config, student, tokenizer, output)
    return HFRollouts(tokenizer, config.rollout.max_new_tokens)
