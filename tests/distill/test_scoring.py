"""Teacher scoring: one pass per distinct context equals per-step re-scoring."""

import pytest
import torch

from protege.distill.scoring import TeacherScorer, build_sequences, deduplicate, length_batches
from tests.distill.helpers import per_step_episode, random_episode


def test_single_pass_equals_rescoring_each_growing_prefix(tiny_model, tokenizer):
    episodes = [random_episode(tokenizer, 6, seed=1), random_episode(tokenizer, 3, seed=2)]
    scorer = TeacherScorer(tiny_model, pad_id=tokenizer.pad_token_id)
    single = scorer.score(episodes)
    assert scorer.stats.sequences == 2
    # per-step re-scoring: each step's own prefix as a separate sequence, no deduplication
    prefixes = [per_step_episode(tokenizer, episode) for episode in episodes]
    slow = TeacherScorer(tiny_model, pad_id=tokenizer.pad_token_id, deduplicate=False)
    rescored = slow.score(prefixes)
    assert slow.stats.sequences == 9
    for fast_steps, slow_steps, episode in zip(single, rescored, episodes, strict=True):
        assert sorted(fast_steps) == list(range(episode.num_steps))
        for number, scores in fast_steps.items():
            assert len(scores.logprobs) == len(episode.steps[number].action_token_ids)
            assert torch.allclose(
                torch.tensor(scores.logprobs), torch.tensor(slow_steps[number].logprobs), atol=1e-4
            )


def test_per_step_contexts_that_extend_each_other_are_scored_in_one_pass(tiny_model, tokenizer):
    full = random_episode(tokenizer, 4, seed=3)
    scorer = TeacherScorer(tiny_model, pad_id=tokenizer.pad_token_id)
    scores = scorer.score([per_step_episode(tokenizer, full)])[0]
    # every step's prompt + action is a prefix of the last one: one sequence of the full length
    # minus the observation tokens after the last action (none here)
    assert scorer.stats.sequences == 1
    assert scorer.stats.tokens == len(full.tokens.token_ids)
    reference = TeacherScorer(tiny_model, pad_id=tokenizer.pad_token_id).score([full])[0]
    for number in range(4):
        assert torch.allclose(
            torch.tensor(scores[number].logprobs), torch.tensor(reference[number].logprobs)
        )


def test_identical_episodes_are_scored_once(tiny_model, tokenizer):
    episode = random_episode(tokenizer, 3, seed=4)
    scorer = TeacherScorer(tiny_model, pad_id=tokenizer.pad_token_id)
    scores = scorer.score([episode, episode.model_copy(deep=True), episode])
    assert scorer.stats.sequences == 1
    assert scores[0][2].logprobs == scores[2][2].logprobs


def test_teacher_context_replaces_the_first_prompt_and_keeps_action_tokens(tiny_model, tokenizer):
    episode = random_episode(tokenizer, 3, seed=5)
    privileged = random_episode(tokenizer, 3, seed=5, system="Play. Hint: add 2 then add 1.")
    hint_prompt = privileged.tokens.token_ids[: privileged.tokens.spans[0].start]
    scorer = TeacherScorer(tiny_model, pad_id=tokenizer.pad_token_id)
    ((ids, targets),) = build_sequences([episode], lambda ep, step: hint_prompt)
    assert ids == privileged.tokens.token_ids
    for target, span in zip(targets, privileged.tokens.spans, strict=True):
        assert (target.start, target.end) == (span.start, span.end)
    with_hint = scorer.score([episode], lambda ep, step: hint_prompt)[0]
    direct = scorer.score([privileged])[0]
    assert with_hint[1].logprobs == direct[1].logprobs


def test_top_k_is_sorted_and_bounds_the_sampled_token(tiny_model, tokenizer):
    episode = random_episode(tokenizer, 2, seed=6)
    scorer = TeacherScorer(tiny_model, pad_id=tokenizer.pad_token_id, top_k=5)
    step = scorer.score([episode])[0][0]
    assert step.topk_ids.shape == (len(step.logprobs), 5)
    assert torch.all(step.topk_logprobs[:, :-1] >= step.topk_logprobs[:, 1:])
    assert torch.all(torch.tensor(step.logprobs) <= step.topk_logprobs[:, 0] + 1e-6)


def test_batching_with_padding_does_not_change_scores(tiny_model, tokenizer):
    episodes = [random_episode(tokenizer, n, seed=10 + n) for n in (1, 5)]
    together = TeacherScorer(tiny_model, pad_id=tokenizer.pad_token_id).score(episodes)
    alone = [
        TeacherScorer(tiny_model, pad_id=tokenizer.pad_token_id).score([episode])[0]
        for episode in episodes
    ]
    for batch_scores, single_scores in zip(together, alone, strict=True):
        for number in single_scores:
            assert torch.allclose(
                torch.tensor(batch_scores[number].logprobs),
                torch.tensor(single_scores[number].logprobs),
                atol=1e-5,
            )


def test_score_into_writes_step_teacher_logprobs(tiny_model, tokenizer):
    episode = random_episode(tokenizer, 2, seed=7)
    TeacherScorer(tiny_model, pad_id=tokenizer.pad_token_id).score_into([episode])
    for step in episode.steps:
        assert len(step.teacher_logprobs) == len(step.action_token_ids)


def test_deduplicate_merges_prefixes_into_the_longest_sequence():
    items = [([1, 2], ["a"]), ([1, 2, 3], ["b"]), ([1, 4], ["c"]), ([1, 2], ["d"])]
    merged = sorted((ids, sorted(targets)) for ids, targets in deduplicate(items))
    assert merged == [([1, 2, 3], ["a", "b", "d"]), ([1, 4], ["c"])]


def test_length_batches_respects_the_token_budget():
    # sorted lengths 1, 2, 3, 10, budget 6: [1, 2] (2 * 2 = 4), 3 alone (3 * 3 = 9 > 6), 10 alone
    assert length_batches([10, 1, 3, 2], 6) == [[1, 3], [2], [0]]


@pytest.mark.gpu
def test_cuda_bf16_scores_match_cpu_fp32(tiny_model_path, tokenizer):
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    from protege.distill.scoring import load_teacher

    episodes = [random_episode(tokenizer, 4, seed=20)]
    cpu = TeacherScorer(load_teacher(str(tiny_model_path), "cpu", "float32"), pad_id=2)
    gpu = TeacherScorer(load_teacher(str(tiny_model_path), "cuda", "auto"), pad_id=2)
    assert next(gpu.model.parameters()).dtype == torch.bfloat16
    cpu_steps, gpu_steps = cpu.score(episodes)[0], gpu.score(episodes)[0]
    for number, cpu_step in cpu_steps.items():
        gpu_step = gpu_steps[number]
        assert torch.allclose(
            torch.tensor(cpu_step.logprobs), torch.tensor(gpu_step.logprobs), atol=0.1
        )


@pytest.mark.vllm
def test_vllm_scores_match_transformers(tiny_model_path, tokenizer, tiny_model):
    pytest.importorskip("vllm")
    if not torch.cuda.is_available():
        pytest.skip("vllm needs a CUDA device")
    from protege.distill.scoring import VLLMTeacherScorer

    episodes = [random_episode(tokenizer, 3, seed=21), random_episode(tokenizer, 2, seed=22)]
    reference = TeacherScorer(tiny_model, pad_id=2, top_k=3).score(episodes)
    scorer = VLLMTeacherScorer(
        str(tiny_model_path), top_k=3, engine_kwargs={"dtype": "float32", "enforce_eager": True}
    )
    scored = scorer.score(episodes)
    for expected, got in zip(reference, scored, strict=True):
        for number, step in expected.items():
            assert torch.allclose(
                torch.tensor(step.logprobs), torch.tensor(got[number].logprobs), atol=1e-3
            )
            assert torch.equal(step.topk_ids, got[number].topk_ids)
