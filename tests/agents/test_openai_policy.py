"""OpenAIPolicy against a real HTTP server (protege's OpenAI-compatible server, tiny model)."""

from __future__ import annotations

import pytest

from protege.agents.policies.openai import OpenAIPolicy, ServerError
from protege.agents.rollout import RolloutEngine
from protege.agents.serve import ModelServer


@pytest.fixture(scope="module")
def server(tiny_model_path):
    with ModelServer(str(tiny_model_path), seed=0) as running:
        yield running


def test_token_mode_records_the_served_ids_and_logprobs(server, tiny_model_path, counter_env_id):
    policy = OpenAIPolicy(server.base_url, tokenizer=tiny_model_path, max_new_tokens=8)
    assert policy.model == str(tiny_model_path)
    engine = RolloutEngine(counter_env_id, policy, num_envs=3, max_steps=2)
    episodes = engine.run(3, progress=False)
    for episode in episodes:
        sequence = episode.tokens
        recomputed = server.policy.sequence_logprobs(sequence.token_ids)
        for span, step in zip(sequence.spans, episode.steps, strict=True):
            assert sequence.token_ids[span.start : span.end] == step.action_token_ids
            assert recomputed[span.start : span.end] == pytest.approx(
                step.action_logprobs, abs=1e-4
            )
    assert episodes[0].metadata["mode"] == "tokens"


def test_text_mode_uses_the_chat_endpoint(server, counter_env_id):
    policy = OpenAIPolicy(server.base_url, max_new_tokens=6, concurrency=2)
    episode = RolloutEngine(counter_env_id, policy, num_envs=2, max_steps=2).run(
        [0], progress=False
    )[0]
    assert episode.tokens is None
    assert all(
        step.action_token_ids is None and step.response is not None for step in episode.steps
    )
    assert all(len(step.action_logprobs) >= 1 for step in episode.steps)


def test_an_unreachable_server_is_a_one_line_error():
    with pytest.raises(
        ServerError, match=r"cannot reach http://127.0.0.1:9/v1/models .*is the server running\?"
    ):
        OpenAIPolicy("http://127.0.0.1:9/v1", timeout=2)
