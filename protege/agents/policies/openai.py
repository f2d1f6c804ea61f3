"""A policy served by any OpenAI-compatible server (``vllm serve``, protege's own, ...).

Two modes, chosen by whether a tokenizer is given:

- **token mode** (``tokenizer=PATH``, the model's own tokenizer): the engine builds the exact
  context ids, and all pending contexts go as one batched ``/v1/completions`` request with
  ``prompt`` = the token id lists, ``logprobs``, and vLLM's ``return_token_ids`` /
  ``return_tokens_as_token_ids``. The sampled ids are read from ``choices[i].token_ids``, or
  from ``token:<id>`` strings; a server that returns neither gets an error naming the flags.
  Token records are then as exact as with a local model.
- **text mode** (no tokenizer): one ``/v1/chat/completions`` request per context (sent
  concurrently); the server applies its chat template; token ids are not known, and
  ``logprobs`` holds the per-token values the server returns (if any).

Log-probabilities are what the server reports: vLLM reports the model's raw log-probs
(temperature 1) unless started with ``--logprobs-mode processed_logprobs``.
Plain HTTP with :mod:`urllib`; no extra dependency.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from protege.agents.policies.base import Generation, Policy, PolicyInput
from protege.errors import ProtegeError


class ServerError(ProtegeError, RuntimeError):
    """The server could not be reached or answered with an error."""


class OpenAIPolicy(Policy):
    """A model behind an OpenAI-compatible HTTP API.

    Args:
        base_url: e.g. ``http://localhost:8000/v1``.
        model: the served model name (default: the first of ``/v1/models``).
        tokenizer: a local tokenizer folder (or ``smollm2`` / ``tiny``), or a loaded Hugging
            Face tokenizer, for token mode.
        temperature, top_p, max_new_tokens: sampling settings.
        api_key: sent as a bearer token (default ``$OPENAI_API_KEY`` if set).
        timeout: seconds per request.
        concurrency: parallel requests in text mode.
    """

    def __init__(
        self,
        base_url: str,
        *,
        model: str | None = None,
        tokenizer: str | os.PathLike[str] | Any = None,
        temperature: float = 1.0,
        top_p: float = 1.0,
        max_new_tokens: int = 64,
        api_key: str | None = None,
        timeout: float = 600.0,
        concurrency: int = 8,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key or os.environ.get("OPENAI_API_KEY")
        self.timeout = timeout
        self.temperature = temperature
        self.top_p = top_p
        self.max_new_tokens = max_new_tokens
        self.concurrency = concurrency
        self.model = model or self._first_model()
        self.name = f"openai:{self.model}"
        self.tokenizer = None
        if tokenizer is not None and not isinstance(tokenizer, (str, os.PathLike)):
            self.tokenizer = tokenizer  # already loaded (the trainer's own, shared)
        elif tokenizer is not None:
            from transformers import AutoTokenizer

            from protege.agents.policies.hf import resolve_model_path

            self.tokenizer = AutoTokenizer.from_pretrained(resolve_model_path(tokenizer))

    def describe(self) -> dict[str, Any]:
        """Sampling settings, recorded in episode metadata."""
        return {
            "backend": "openai",
            "base_url": self.base_url,
            "model": self.model,
            "mode": "tokens" if self.tokenizer is not None else "text",
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_new_tokens": self.max_new_tokens,
        }

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        """One generation per input: batched completions (token mode) or chat requests."""
        if not inputs:
            return []
        if self.tokenizer is not None:
            return self._complete_tokens([item.prompt_token_ids or [] for item in inputs])
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return list(pool.map(self._chat, inputs))

    # ----------------------------------------------------------------- token mode

    def _complete_tokens(self, prompts: list[list[int]]) -> list[Generation]:
        body = {
            **self._sampling(),
            "prompt": prompts,
            "logprobs": 1,
            "return_token_ids": True,
            "return_tokens_as_token_ids": True,
            "skip_special_tokens": False,
        }
        choices = sorted(self._post("/completions", body)["choices"], key=lambda c: c["index"])
        if len(choices) != len(prompts):
            raise ServerError(f"asked for {len(prompts)} completions, got {len(choices)}")
        return [self._token_generation(choice) for choice in choices]

    def _token_generation(self, choice: dict[str, Any]) -> Generation:
        logprobs = choice.get("logprobs") or {}
        ids = choice.get("token_ids")
        if ids is None:
            tokens = logprobs.get("tokens") or []
            if not all(isinstance(t, str) and t.startswith("token:") for t in tokens):
                raise ServerError(
                    "the server returned no token ids; token mode needs vLLM's "
                    "return_token_ids or return_tokens_as_token_ids (or drop the tokenizer "
                    "for text mode)"
                )
            ids = [int(t.removeprefix("token:")) for t in tokens]
        values = logprobs.get("token_logprobs")
        values = None if values is None else [float(v) for v in values][: len(ids)]
        if values is not None and len(values) != len(ids):
            values = None
        eos = self.tokenizer.eos_token_id
        text_ids = ids[:-1] if ids and ids[-1] == eos else ids
        finish = "length" if choice.get("finish_reason") == "length" else "stop"
        return Generation(
            text=self.tokenizer.decode(text_ids, skip_special_tokens=False),
            token_ids=[int(t) for t in ids],
            logprobs=values,
            finish_reason=finish,
        )

    # ----------------------------------------------------------------- text mode

    def _chat(self, item: PolicyInput) -> Generation:
        body: dict[str, Any] = {**self._sampling(), "messages": item.messages, "logprobs": True}
        if item.tools:
            body["tools"] = item.tools
        choice = self._post("/chat/completions", body)["choices"][0]
        content = (choice.get("message") or {}).get("content") or ""
        entries = ((choice.get("logprobs") or {}).get("content")) or []
        finish = "length" if choice.get("finish_reason") == "length" else "stop"
        return Generation(
            text=content,
            logprobs=[float(e["logprob"]) for e in entries] or None,
            finish_reason=finish,
        )

    # ----------------------------------------------------------------- runtime LoRA

    def load_adapter(self, name: str, path: str | os.PathLike[str]) -> None:
        """Load a peft LoRA adapter folder into the server under ``name`` (vLLM's runtime
        LoRA endpoint; the server needs ``--enable-lora`` and
        ``VLLM_ALLOW_RUNTIME_LORA_UPDATING=True``). Generate with it by setting ``model``."""
        self._post("/load_lora_adapter", {"lora_name": name, "lora_path": str(path)})

    def unload_adapter(self, name: str) -> None:
        """Remove the adapter ``name`` from the server."""
        self._post("/unload_lora_adapter", {"lora_name": name})

    def reload_weights(self, path: str | os.PathLike[str]) -> None:
        """Replace the served model's weights in place with a model folder's (safetensors), then
        drop the prefix cache, whose keys and values the old weights computed. vLLM's
        development endpoints ``/collective_rpc`` (``reload_weights``) and
        ``/reset_prefix_cache``; the server needs ``VLLM_SERVER_DEV_MODE=1``."""
        root = self.base_url.removesuffix("/v1")
        call = {"method": "reload_weights", "kwargs": {"weights_path": str(path)}}
        self._request("POST", "/collective_rpc", call, base=root)
        if not self._request("POST", "/reset_prefix_cache", None, base=root).get("success"):
            raise ServerError(f"{root}/reset_prefix_cache failed; is a request still running?")

    # ----------------------------------------------------------------- HTTP

    def _sampling(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "max_tokens": self.max_new_tokens,
            "temperature": self.temperature,
            "top_p": self.top_p,
        }

    def _first_model(self) -> str:
        data = self._request("GET", "/models", None).get("data") or []
        if not data:
            raise ServerError(f"{self.base_url}/models lists no model; pass model=")
        return str(data[0]["id"])

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._request("POST", path, body)

    def _request(
        self, method: str, path: str, body: dict[str, Any] | None, base: str | None = None
    ) -> dict[str, Any]:
        url = (base or self.base_url) + path
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:500]
            raise ServerError(f"{method} {url}: HTTP {error.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            raise ServerError(f"cannot reach {url} ({error}); is the server running?") from None
        try:
            return json.loads(raw)
        except ValueError:  # vLLM's LoRA endpoints answer in plain text ("Success: ...")
            return {"text": raw.decode(errors="replace")}
