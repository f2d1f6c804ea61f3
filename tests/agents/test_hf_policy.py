"""HFPolicy details: greedy decoding, the token limit, a LoRA adapter, the prefix cache."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def policy(tiny_model_path):
    from protege.agents.policies.hf import HFPolicy

    return HFPolicy(tiny_model_path, max_new_tokens=6, temperature=0.0)


def _prompt(tokenizer, text):
    from protege.agents.conversation import render_prompt_ids

    return render_prompt_ids(tokenizer, [{"role": "user", "content": text}])


def test_greedy_generation_is_repeatable_and_cut_at_the_limit(policy):
    prompts = [_prompt(policy.tokenizer, "hello"), _prompt(policy.tokenizer, "a longer prompt")]
    policy.clear_cache()
    first = policy.generate_ids(prompts)
    policy.clear_cache()
    second = policy.generate_ids(prompts)
    assert [g.token_ids for g in first] == [g.token_ids for g in second]
    for generation in first:
        assert len(generation.token_ids) <= 6 and len(generation.logprobs) == len(
            generation.token_ids
        )
        if generation.finish_reason == "length":
            assert len(generation.token_ids) == 6


def test_the_prefix_cache_gives_the_same_greedy_continuation(policy):
    prompt = _prompt(policy.tokenizer, "count with me")
    policy.clear_cache()
    turn = policy.generate_ids([prompt])[0]
    follow = [*prompt, *turn.token_ids, *_prompt(policy.tokenizer, "next")[1:]]
    cached_before = policy.cached_tokens
    with_cache = policy.generate_ids([follow])[0]
    assert policy.cached_tokens - cached_before == len(prompt) + len(turn.token_ids) - 1
    policy.clear_cache()
    without = policy.generate_ids([follow])[0]
    assert with_cache.token_ids == without.token_ids
    assert with_cache.logprobs == pytest.approx(without.logprobs, abs=1e-4)


def test_identical_contexts_in_one_batch_share_a_cached_prefix(policy):
    # two episodes of the same task played greedily have identical contexts at every turn
    prompt = _prompt(policy.tokenizer, "same task")
    policy.clear_cache()
    first = policy.generate_ids([prompt, prompt])
    assert first[0].token_ids == first[1].token_ids
    follow = [*prompt, *first[0].token_ids, *_prompt(policy.tokenizer, "next")[1:]]
    second = policy.generate_ids([follow, follow])
    policy.clear_cache()
    alone = policy.generate_ids([follow])[0]
    assert second[0].token_ids == second[1].token_ids == alone.token_ids


def test_a_lora_adapter_is_loaded(tiny_model_path, tmp_path):
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from protege.agents.policies.hf import HFPolicy

    base = AutoModelForCausalLM.from_pretrained(tiny_model_path)
    peft_model = get_peft_model(base, LoraConfig(r=4, target_modules=["q_proj", "v_proj"]))
    with torch.no_grad():
        for name, parameter in peft_model.named_parameters():
            if "lora_B" in name:
                parameter.fill_(0.5)  # a non-zero update, so the adapter changes the output
    peft_model.save_pretrained(tmp_path / "adapter")
    plain = HFPolicy(tiny_model_path, max_new_tokens=3, temperature=0.0)
    adapted = HFPolicy(
        tiny_model_path, adapter_path=tmp_path / "adapter", max_new_tokens=3, temperature=0.0
    )
    prompt = _prompt(plain.tokenizer, "hi")
    assert adapted.describe()["adapter"] == str(tmp_path / "adapter")
    assert adapted.generate_ids([prompt])[0].logprobs != plain.generate_ids([prompt])[0].logprobs
