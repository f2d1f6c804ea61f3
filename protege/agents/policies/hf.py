"""Hugging Face transformers policy: batched sampling with per-token log-probabilities.

All pending contexts of a turn are left-padded into one batch (or ``batch_size`` chunks) and
sampled with ``model.generate``; each row's sampled ids are cut after its first EOS (the pad
token may equal the EOS, as in SmolLM2). Log-probabilities come from the raw logits that
``generate`` returns (``logprobs="model"``, the default: temperature 1, no top-p) or from the
processed scores it sampled from (``logprobs="sampling"``); see
:mod:`protege.agents.policies.base`.

**Prefix cache** (``prefix_cache=True``, the default): a multi-turn context is the previous
context, the sampled tokens and the new observation, so the policy keeps each row's keys and
values after generating and, on the next call, reuses those of the longest cached prefix of a
prompt; only the new tokens are prefilled. Rows are laid out as
``[pad][cached prefix][pad][new tokens]`` with an attention mask over the pads, and positions
follow the mask, so results equal a full prefill (to fp32 rounding; tested). Entries are
dropped once reused, and the least recently stored ones beyond ``cache_entries``.

torch and transformers are imported when a policy is built, never by ``import protege.agents``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from protege.agents.policies.base import Generation, LogprobMode, Policy, PolicyInput


def resolve_model_path(path: str | os.PathLike[str]) -> Path:
    """A local model folder; the aliases ``smollm2`` and ``tiny`` are prepared on demand."""
    from protege.agents import models

    models.check_model_path(path)
    if str(path) == "smollm2":
        return models.prepare_smollm2()
    if str(path) == "tiny":
        return models.prepare_tiny_model()
    return Path(path).expanduser()


def pick_device(device: str | None = None) -> str:
    """``cuda`` when a GPU is visible, else ``cpu`` (unless ``device`` names one)."""
    import torch

    if device and device != "auto":
        return device
    return "cuda" if torch.cuda.is_available() else "cpu"


def pick_dtype(device: str, dtype: str | None = None) -> Any:
    """bf16 on a GPU that supports it, fp32 on CPU (fp32 keeps log-probs exact to ~1e-6)."""
    import torch

    if dtype and dtype != "auto":
        return getattr(torch, dtype)
    if device.startswith("cuda") and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32


class HFPolicy(Policy):
    """A transformers causal LM (optionally with a peft LoRA adapter) behind :class:`Policy`.

    Args:
        model_path: a local model folder, or ``smollm2`` / ``tiny`` (prepared on demand).
        adapter_path: a peft adapter folder to load on top of the model, or None.
        temperature: 0 samples greedily.
        top_p: nucleus sampling mass (1 keeps the full distribution).
        max_new_tokens: the per-turn token limit (finish_reason ``length`` when hit).
        device: ``cpu``, ``cuda``, ``cuda:1`` or ``auto``.
        dtype: ``float32``, ``bfloat16``, ... or ``auto`` (bf16 on a capable GPU, else fp32).
        batch_size: the most contexts per ``generate`` call (None: all of them at once).
        logprobs: ``model`` or ``sampling`` (see :mod:`protege.agents.policies.base`).
        seed: seeds torch's generator once, for repeatable sampling in one process.
        prefix_cache: reuse the keys/values of earlier turns (see the module docstring).
        cache_entries: how many row caches to keep at most (SmolLM2-135M in fp32 keeps 46 KB
            per token, so 32 contexts of 1,500 tokens take about 2.2 GB).
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        *,
        adapter_path: str | os.PathLike[str] | None = None,
        temperature: float = 1.0,
        top_p: float = 1.0,
        max_new_tokens: int = 64,
        device: str | None = "auto",
        dtype: str | None = "auto",
        batch_size: int | None = None,
        logprobs: LogprobMode = "model",
        seed: int | None = None,
        prefix_cache: bool = True,
        cache_entries: int = 32,
    ) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.model_path = resolve_model_path(model_path)
        self.device = pick_device(device)
        self.dtype = pick_dtype(self.device, dtype)
        tokenizer = AutoTokenizer.from_pretrained(self.model_path)
        model = AutoModelForCausalLM.from_pretrained(self.model_path, dtype=self.dtype)
        if adapter_path is not None:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, str(adapter_path))
        self.adapter_path = adapter_path
        self._setup(
            model.to(self.device).eval(),
            tokenizer,
            name=f"hf:{self.model_path}",
            temperature=temperature,
            top_p=top_p,
            max_new_tokens=max_new_tokens,
            batch_size=batch_size,
            logprobs=logprobs,
            prefix_cache=prefix_cache,
            cache_entries=cache_entries,
        )
        if seed is not None:
            torch.manual_seed(seed)

    @classmethod
    def from_model(
        cls,
        model: Any,
        tokenizer: Any,
        *,
        name: str = "student",
        temperature: float = 1.0,
        top_p: float = 1.0,
        max_new_tokens: int = 64,
        batch_size: int | None = None,
        logprobs: LogprobMode = "model",
        prefix_cache: bool = True,
        cache_entries: int = 32,
    ) -> HFPolicy:
        """A policy over a model already in memory (the trainer's student), not a copy of it.

        Sampling switches the model to eval mode and restores its mode after. The prefix cache
        is only valid while the weights do not change: make a new policy (or call
        :meth:`clear_cache`) after an optimiser step.
        """
        policy = cls.__new__(cls)
        parameter = next(model.parameters())
        policy.model_path = Path(getattr(model.config, "_name_or_path", "") or name)
        policy.device, policy.dtype = str(parameter.device), parameter.dtype
        policy.adapter_path = None
        policy._setup(
            model,
            tokenizer,
            name=name,
            temperature=temperature,
            top_p=top_p,
            max_new_tokens=max_new_tokens,
            batch_size=batch_size,
            logprobs=logprobs,
            prefix_cache=prefix_cache,
            cache_entries=cache_entries,
        )
        return policy

    def _setup(
        self,
        model: Any,
        tokenizer: Any,
        *,
        name: str,
        temperature: float,
        top_p: float,
        max_new_tokens: int,
        batch_size: int | None,
        logprobs: LogprobMode,
        prefix_cache: bool,
        cache_entries: int,
    ) -> None:
        """Sampling settings, stop ids and the empty prefix cache (shared by both builders)."""
        self.model = model
        self.tokenizer = tokenizer
        self.tokenizer.padding_side = "left"
        self.temperature = temperature
        self.top_p = top_p
        self.max_new_tokens = max_new_tokens
        self.batch_size = batch_size
        self.logprob_mode: LogprobMode = logprobs
        self.name = name
        generation_eos = self.model.generation_config.eos_token_id
        eos = generation_eos if isinstance(generation_eos, list) else [generation_eos]
        self.stop_ids = {int(t) for t in eos if t is not None}
        if self.tokenizer.eos_token_id is not None:
            self.stop_ids.add(int(self.tokenizer.eos_token_id))
        pad = self.tokenizer.pad_token_id
        self.pad_id = int(pad if pad is not None else self.tokenizer.eos_token_id)
        self.prefix_cache = prefix_cache
        self.cache_entries = cache_entries
        self._cache: dict[tuple[int, ...], list[tuple[Any, Any]]] = {}
        self.cached_tokens = 0
        """How many prompt tokens were served from the prefix cache so far."""

    def describe(self) -> dict[str, Any]:
        """Sampling settings, recorded in episode metadata."""
        return {
            "backend": "hf",
            "model": str(self.model_path),
            "adapter": str(self.adapter_path) if self.adapter_path else None,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_new_tokens": self.max_new_tokens,
            "logprobs": self.logprob_mode,
            "dtype": str(self.dtype).removeprefix("torch."),
        }

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        """Sample one response per context, batched with left padding."""
        prompts = []
        for item in inputs:
            if item.prompt_token_ids is None:
                raise ValueError("HFPolicy needs prompt_token_ids (built with its tokenizer)")
            prompts.append(item.prompt_token_ids)
        size = self.batch_size or max(len(prompts), 1)
        out: list[Generation] = []
        training = self.model.training
        self.model.eval()
        try:
            for start in range(0, len(prompts), size):
                out.extend(self.generate_ids(prompts[start : start + size]))
        finally:
            self.model.train(training)
        return out

    def generate_ids(self, prompts: Sequence[Sequence[int]]) -> list[Generation]:
        """Sample from token-id prompts; one :class:`Generation` per prompt."""
        import torch

        if not prompts:
            return []
        prompts = [[int(t) for t in p] for p in prompts]
        hits = [self._lookup(p) for p in prompts]
        past = [len(key) if key is not None else 0 for key in hits]
        width_past = max(past)
        width_new = max(len(p) - n for p, n in zip(prompts, past, strict=True))
        width = width_past + width_new
        input_ids = torch.full((len(prompts), width), self.pad_id, dtype=torch.long)
        attention_mask = torch.zeros((len(prompts), width), dtype=torch.long)
        for row, (prompt, cached) in enumerate(zip(prompts, past, strict=True)):
            # [pad][cached prefix][pad][new tokens]
            input_ids[row, width_past - cached : width_past] = torch.tensor(prompt[:cached])
            attention_mask[row, width_past - cached : width_past] = 1
            new = prompt[cached:]
            input_ids[row, width - len(new) :] = torch.tensor(new)
            attention_mask[row, width - len(new) :] = 1
        cache = self._build_cache(hits, width_past) if width_past else None
        self.cached_tokens += sum(past)
        sample = self.temperature > 0
        settings: dict[str, Any] = {"do_sample": sample}
        if sample:
            settings.update(temperature=self.temperature, top_p=self.top_p, top_k=0)
        with torch.inference_mode(), warnings.catch_warnings():
            # newer transformers rename generate's past_key_values to cache; both work
            warnings.simplefilter("ignore", FutureWarning)
            result = self.model.generate(
                input_ids=input_ids.to(self.device),
                attention_mask=attention_mask.to(self.device),
                past_key_values=cache,
                max_new_tokens=self.max_new_tokens,
                pad_token_id=self.pad_id,
                eos_token_id=sorted(self.stop_ids),
                return_dict_in_generate=True,
                output_logits=self.logprob_mode == "model",
                output_scores=self.logprob_mode == "sampling",
                **settings,
            )
        new_tokens_B_T = result.sequences[:, width:].cpu()
        steps = result.logits if self.logprob_mode == "model" else result.scores
        logits_B_T_V = torch.stack(steps, dim=1).float()
        logp_B_T = (
            torch.log_softmax(logits_B_T_V, dim=-1)
            .gather(-1, new_tokens_B_T.to(logits_B_T_V.device).unsqueeze(-1))
            .squeeze(-1)
            .cpu()
        )
        out = []
        for row, prompt in enumerate(prompts):
            ids = new_tokens_B_T[row].tolist()
            length, finish = len(ids), "length"
            for index, token in enumerate(ids):
                if token in self.stop_ids:
                    length, finish = index + 1, "stop"
                    break
            ids = ids[:length]
            eos = self.tokenizer.eos_token_id
            text_ids = ids[:-1] if finish == "stop" and ids[-1] == eos else ids
            out.append(
                Generation(
                    text=self.tokenizer.decode(text_ids, skip_special_tokens=False),
                    token_ids=ids,
                    logprobs=[float(v) for v in logp_B_T[row, :length]],
                    finish_reason=finish,  # type: ignore[arg-type]
                )
            )
            if self.prefix_cache:
                self._store(result.past_key_values, row, prompt, past[row], ids, width_past, width)
        return out

    def clear_cache(self) -> None:
        """Forget every cached prefix."""
        self._cache.clear()

    # ----------------------------------------------------------------- prefix cache

    def _lookup(self, prompt: list[int]) -> tuple[int, ...] | None:
        """The longest cached key that is a proper prefix of ``prompt``."""
        if not self.prefix_cache:
            return None
        best = None
        for key in self._cache:
            longer = best is None or len(key) > len(best)
            if longer and len(key) < len(prompt) and tuple(prompt[: len(key)]) == key:
                best = key
        return best

    def _build_cache(self, hits: list[tuple[int, ...] | None], width: int) -> Any:
        """A DynamicCache of ``width`` positions: each row's cached keys/values, left-padded."""
        import torch
        from transformers import DynamicCache

        # identical contexts in one batch (the same task played greedily) share one entry
        entries = [self._cache.get(key) if key is not None else None for key in hits]
        for key in set(hits) - {None}:
            del self._cache[key]
        template = next(entry for entry in entries if entry is not None)
        cache = DynamicCache()
        for layer, (keys_H_L_D, _) in enumerate(template):
            heads, _, dim = keys_H_L_D.shape
            shape = (len(hits), heads, width, dim)
            keys = torch.zeros(shape, dtype=keys_H_L_D.dtype, device=keys_H_L_D.device)
            values = torch.zeros_like(keys)
            for row, entry in enumerate(entries):
                if entry is not None:
                    length = entry[layer][0].shape[1]
                    keys[row, :, width - length :] = entry[layer][0]
                    values[row, :, width - length :] = entry[layer][1]
            cache.update(keys, values, layer)
        return cache

    def _store(
        self,
        cache: Any,
        row: int,
        prompt: list[int],
        cached: int,
        sampled: list[int],
        width_past: int,
        width: int,
    ) -> None:
        """Keep the row's keys/values of ``prompt + sampled[:-1]`` (what went through the model)."""
        import torch

        new = len(prompt) - cached
        fed = len(sampled) - 1  # the last sampled token was never fed back
        spans = [(width_past - cached, width_past), (width - new, width), (width, width + fed)]
        layers = []
        for layer in cache.layers:
            keys = torch.cat([layer.keys[row, :, a:b] for a, b in spans], dim=1)
            values = torch.cat([layer.values[row, :, a:b] for a, b in spans], dim=1)
            layers.append((keys.clone(), values.clone()))
        self._cache[tuple(prompt + sampled[:-1])] = layers
        while len(self._cache) > self.cache_entries:
            self._cache.pop(next(iter(self._cache)))

    def sequence_logprobs(self, token_ids: Sequence[int]) -> list[float]:
        """Log-probability of each token given the ones before it, in one forward pass.

        Element ``i`` is ``log p(token_ids[i] | token_ids[:i])``; element 0 is 0.0 (no context).
        """
        return sequence_logprobs(self.model, token_ids, self.device)

    def close(self) -> None:
        """Drop the model."""
        self.model = None  # type: ignore[assignment]


def sequence_logprobs(model: Any, token_ids: Sequence[int], device: str = "cpu") -> list[float]:
    """Per-token log-probabilities of a sequence under ``model`` (element 0 is 0.0)."""
    import torch

    ids = torch.tensor([list(token_ids)], dtype=torch.long, device=device)
    with torch.inference_mode():
        logits_1_T_V = model(input_ids=ids).logits.float()
    logp_T = torch.log_softmax(logits_1_T_V[0, :-1], dim=-1).gather(-1, ids[0, 1:, None])[:, 0]
    return [0.0, *(float(v) for v in logp_T.cpu())]
