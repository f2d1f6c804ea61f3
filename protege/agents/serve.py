"""A small OpenAI-compatible HTTP server for a transformers model (stdlib only).

It serves :class:`~protege.agents.policies.hf.HFPolicy` with the parts of the OpenAI API that
:class:`~protege.agents.policies.openai.OpenAIPolicy` uses, shaped as vLLM's server shapes
them, so the same client works against ``vllm serve`` and against this server:

- ``GET /v1/models``;
- ``POST /v1/completions``: ``prompt`` as text, token ids, or a batch of either (one batched
  generation); ``logprobs`` (the sampled token's log-prob is always given), vLLM's
  ``return_token_ids`` (``choices[i].token_ids``) and ``return_tokens_as_token_ids``
  (``token:<id>`` strings);
- ``POST /v1/chat/completions``: ``messages`` rendered with the chat template, ``logprobs``.

Requests are served one at a time (a lock around the model). Use it for tests, local
evaluation and as a reference for what :class:`OpenAIPolicy` expects; run it with
``python -m protege.agents.serve MODEL_PATH --port 8000``.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from protege.agents.conversation import encode_text, render_text


class ModelServer:
    """An :class:`HFPolicy` behind an HTTP server on ``host:port`` (port 0: any free port)."""

    def __init__(self, model_path: str, host: str = "127.0.0.1", port: int = 0, **options: Any):
        from protege.agents.policies.hf import HFPolicy

        self.policy = HFPolicy(model_path, **options)
        self.model_name = str(model_path)
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer((host, port), _handler(self))
        self.thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port/v1``."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> ModelServer:
        """Serve in a background thread."""
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> ModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----------------------------------------------------------------- endpoints

    def completions(self, body: dict[str, Any]) -> dict[str, Any]:
        """``/v1/completions`` for one prompt or a batch."""
        prompts = body.get("prompt", "")
        is_batch = isinstance(prompts, list) and bool(prompts) and not isinstance(prompts[0], int)
        batch = prompts if is_batch else [prompts]
        tokenizer = self.policy.tokenizer
        ids = [p if isinstance(p, list) else encode_text(tokenizer, p) for p in batch]
        generations = self._generate(ids, body)
        as_ids = bool(body.get("return_tokens_as_token_ids"))
        choices = []
        for index, (prompt, generation) in enumerate(zip(ids, generations, strict=True)):
            tokens = [
                f"token:{t}" if as_ids else tokenizer.decode([t]) for t in generation.token_ids
            ]
            choice: dict[str, Any] = {
                "index": index,
                "text": generation.text,
                "finish_reason": generation.finish_reason,
                "logprobs": None,
            }
            if body.get("logprobs") is not None:
                choice["logprobs"] = {
                    "tokens": tokens,
                    "token_logprobs": generation.logprobs,
                    "top_logprobs": None,
                    "text_offset": None,
                }
            if body.get("return_token_ids"):
                choice["token_ids"] = generation.token_ids
                choice["prompt_token_ids"] = prompt
            choices.append(choice)
        return self._envelope("text_completion", choices, ids, generations)

    def chat(self, body: dict[str, Any]) -> dict[str, Any]:
        """``/v1/chat/completions`` for one conversation."""
        tokenizer = self.policy.tokenizer
        text = render_text(
            tokenizer, body["messages"], add_generation_prompt=True, tools=body.get("tools")
        )
        ids = [encode_text(tokenizer, text)]
        generation = self._generate(ids, body)[0]
        choice: dict[str, Any] = {
            "index": 0,
            "message": {"role": "assistant", "content": generation.text},
            "finish_reason": generation.finish_reason,
            "logprobs": None,
        }
        if body.get("logprobs"):
            choice["logprobs"] = {
                "content": [
                    {"token": tokenizer.decode([t]), "logprob": lp, "top_logprobs": []}
                    for t, lp in zip(generation.token_ids, generation.logprobs, strict=True)
                ]
            }
        if body.get("return_token_ids"):
            choice["token_ids"] = generation.token_ids
        return self._envelope("chat.completion", [choice], ids, [generation])

    def _generate(self, ids: list[list[int]], body: dict[str, Any]) -> list[Any]:
        with self.lock:
            policy = self.policy
            policy.temperature = float(body.get("temperature", 1.0))
            policy.top_p = float(body.get("top_p", 1.0))
            policy.max_new_tokens = int(body.get("max_tokens") or 16)
            return policy.generate_ids(ids)

    def _envelope(self, kind: str, choices: list, ids: list, generations: list) -> dict[str, Any]:
        prompt_tokens = sum(len(p) for p in ids)
        completion_tokens = sum(len(g.token_ids) for g in generations)
        return {
            "id": f"protege-{time.time_ns()}",
            "object": kind,
            "created": int(time.time()),
            "model": self.model_name,
            "choices": choices,
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }


def _handler(server: ModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                self._send(
                    200, {"object": "list", "data": [{"id": server.model_name, "object": "model"}]}
                )
            else:
                self._send(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self) -> None:
            routes = {"/v1/completions": server.completions, "/v1/chat/completions": server.chat}
            route = routes.get(self.path.rstrip("/"))
            if route is None:
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            try:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                self._send(200, route(body))
            except Exception as error:  # report to the client, keep serving
                self._send(400, {"error": {"message": f"{type(error).__name__}: {error}"}})

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


def main() -> None:
    """``python -m protege.agents.serve MODEL_PATH [--host H] [--port P]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_path", help="a model folder, or smollm2 / tiny")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    server = ModelServer(args.model_path, args.host, args.port)
    print(f"serving {args.model_path} at {server.base_url}", flush=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
