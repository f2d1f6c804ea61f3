"""The batched rollout engine: lockstep batches, JSONL as episodes finish, token-exact records."""

from __future__ import annotations

import pytest

from protege.agents.conversation import render_text
from protege.agents.formats import build_messages, get_format
from protege.agents.policies import ExpertPolicy, Generation, Policy, RandomPolicy
from protege.agents.rollout import RolloutEngine
from protege.errors import UnknownTaskError
from protege.records import read_episodes


class CountingPolicy(Policy):
    """Wraps a policy; records the batch sizes it is called with and can fail on a call."""

    def __init__(self, inner: Policy, fail_on_call: int | None = None) -> None:
        self.inner, self.fail_on_call, self.batches = inner, fail_on_call, []
        self.name, self.needs_expert = inner.name, inner.needs_expert

    def generate(self, inputs):
        self.batches.append(len(inputs))
        if self.fail_on_call == len(self.batches):
            raise RuntimeError("policy crashed")
        return self.inner.generate(inputs)


def test_expert_wins_every_episode_in_seed_order(counter_env_id, tmp_path):
    policy = CountingPolicy(ExpertPolicy())
    engine = RolloutEngine(counter_env_id, policy, num_envs=4, split="valid_unseen")
    episodes = engine.run(10, output=tmp_path / "e.jsonl", progress=False)
    assert all(e.won for e in episodes)
    assert [e.seed for e in episodes] == list(range(10))
    assert max(policy.batches) == 4  # all pending episodes of a turn in one call
    assert sorted(e.seed for e in read_episodes(tmp_path / "e.jsonl")) == list(range(10))


def test_random_policy_is_reproducible_and_respects_max_steps(counter_env_id):
    def play(num_envs):
        engine = RolloutEngine(counter_env_id, RandomPolicy(seed=3), num_envs=num_envs, max_steps=4)
        return engine.run(range(5, 13), progress=False)

    one, many = play(1), play(5)
    assert [e.model_dump() for e in one] == [e.model_dump() for e in many]
    assert all(e.num_steps <= 4 for e in one)
    assert any(e.steps[-1].truncated for e in one)


def test_a_crash_keeps_the_episodes_already_finished(counter_env_id, tmp_path):
    policy = CountingPolicy(ExpertPolicy(), fail_on_call=4)
    engine = RolloutEngine(counter_env_id, policy, num_envs=2, split="valid_unseen")
    with pytest.raises(RuntimeError, match="policy crashed"):
        engine.run(6, output=tmp_path / "e.jsonl", progress=False)
    saved = read_episodes(tmp_path / "e.jsonl")
    assert saved and all(e.won for e in saved)


class ScriptedTokenPolicy(Policy):
    """Emits fixed responses as token ids: valid react actions, or junk on chosen steps."""

    def __init__(self, tokenizer, junk_steps=(1,)):
        self.tokenizer, self.junk_steps, self.name = tokenizer, set(junk_steps), "scripted-tokens"

    def generate(self, inputs):
        out = []
        for item in inputs:
            text = "I am lost" if item.step in self.junk_steps else "Thought: up\nAction: add 1"
            ids = [
                *self.tokenizer(text, add_special_tokens=False)["input_ids"],
                self.tokenizer.eos_token_id,
            ]
            out.append(Generation(text=text, token_ids=ids, logprobs=[-1.0] * len(ids)))
        return out


def test_an_unparseable_reply_is_a_step_without_calling_the_env(counter_env_id, tokenizer):
    engine = RolloutEngine(counter_env_id, ScriptedTokenPolicy(tokenizer), num_envs=2, max_steps=3)
    episode = engine.run([0], progress=False)[0]
    first, junk, after = episode.steps
    assert first.parse_error is None and first.action == "add 1"
    assert junk.parse_error == "no line starting with 'Action:'" and junk.reward == 0.0
    assert after.observation.startswith("Your reply did not follow the expected format")
    assert after.observation == get_format("react").format_hint()
    assert junk.score == first.score  # the environment did not move
    assert episode.steps[-1].truncated
    spans = episode.tokens.spans
    assert [episode.tokens.token_ids[s.start : s.end] for s in spans] == [
        s.action_token_ids for s in episode.steps
    ]


def _messages(episode, fmt_name="react"):
    """The messages the episode's model saw, rebuilt from the record."""
    fmt = get_format(fmt_name)
    turns = [
        (fmt.observation_message(s.observation, s.admissible_actions if i else []), s.response)
        for i, s in enumerate(episode.steps)
    ]
    system = fmt.system_prompt(episode.goal, episode.steps[0].admissible_actions)
    return system, turns


def assert_renders_its_conversation(tokenizer, episode) -> None:
    """The full-history token record decodes to the chat template's rendering of the messages
    the episode's model saw; the last turn ends where sampling ended (with the sampled EOS, or
    cut at the token limit)."""
    system, turns = _messages(episode)
    messages = build_messages(system, turns[:-1], turns[-1][0])
    messages.append({"role": "assistant", "content": turns[-1][1]})
    expected = render_text(tokenizer, messages, add_generation_prompt=False)
    decoded = tokenizer.decode(episode.tokens.token_ids)
    closed = episode.steps[-1].action_token_ids[-1] == tokenizer.eos_token_id
    assert expected.startswith(decoded)
    assert expected[len(decoded) :] == ("\n" if closed else "<|im_end|>\n")


@pytest.fixture(scope="module")
def hf_policy(tiny_model_path):
    import torch

    from protege.agents.policies.hf import HFPolicy

    torch.set_num_threads(min(2, torch.get_num_threads()))
    return HFPolicy(tiny_model_path, max_new_tokens=10, temperature=1.0, seed=0)


def test_hf_full_history_episodes_are_token_exact(counter_env_id, hf_policy):

    tokenizer = hf_policy.tokenizer
    engine = RolloutEngine(counter_env_id, hf_policy, num_envs=3, max_steps=3)
    cached_before = hf_policy.cached_tokens
    episodes = engine.run(4, progress=False)
    assert hf_policy.cached_tokens > cached_before  # later turns reused earlier keys/values
    for episode in episodes:
        sequence = episode.tokens
        assert len(sequence.spans) == episode.num_steps
        # the sampled ids are in the sequence verbatim, at their spans
        for span, step in zip(sequence.spans, episode.steps, strict=True):
            assert sequence.token_ids[span.start : span.end] == step.action_token_ids
            assert step.prompt_token_ids is None
        assert_renders_its_conversation(tokenizer, episode)
        # one forward pass over the whole sequence gives the sampled log-probabilities
        recomputed = hf_policy.sequence_logprobs(sequence.token_ids)
        for span, step in zip(sequence.spans, episode.steps, strict=True):
            assert recomputed[span.start : span.end] == pytest.approx(
                step.action_logprobs, abs=1e-4
            )


def test_hf_last_k_history_keeps_each_step_context(counter_env_id, hf_policy):
    from protege.agents.conversation import render_prompt_ids

    engine = RolloutEngine(counter_env_id, hf_policy, num_envs=2, max_steps=3, history=1)
    for episode in engine.run(2, progress=False):
        assert episode.tokens is None
        system, turns = _messages(episode)
        for index, step in enumerate(episode.steps):
            messages = build_messages(system, turns[:index], turns[index][0], history=1)
            assert step.prompt_token_ids == render_prompt_ids(hf_policy.tokenizer, messages)
            context = step.prompt_token_ids + step.action_token_ids
            recomputed = hf_policy.sequence_logprobs(context)[len(step.prompt_token_ids) :]
            assert recomputed == pytest.approx(step.action_logprobs, abs=1e-4)


def test_distinct_tasks_are_a_seeded_permutation_of_the_split():
    from protege.agents.evaluate import RolloutConfig, episode_plan, select_tasks, split_task_ids

    settings = {"env_id": "protege/Household-v1", "split": "valid_unseen"}
    config = RolloutConfig(**settings, task_type="pick_and_place", episodes=12)
    assert episode_plan(config) == (list(range(12)), None)
    distinct = config.model_copy(update={"distinct_tasks": True})
    tasks = select_tasks(distinct)
    assert len(tasks) == 12 and len(set(tasks)) == 12
    assert select_tasks(distinct) == tasks  # reproducible
    assert select_tasks(distinct.model_copy(update={"seed": 1})) != tasks
    every = split_task_ids(config)
    more = select_tasks(distinct.model_copy(update={"episodes": len(every) + 3}))
    assert set(more[: len(every)]) == set(every)  # all tasks before any repeats


def test_a_task_list_makes_seed_s_play_task_s_mod_n():
    tasks = ["train/pick_and_place/0004", "train/pick_and_place/0003"]
    engine = RolloutEngine(
        "protege/Household-v1", ExpertPolicy(), num_envs=3, split="train", tasks=tasks
    )
    episodes = engine.run([0, 1, 2, 7], progress=False)
    assert [e.task_id for e in episodes] == [tasks[0], tasks[1], tasks[0], tasks[1]]
    assert all(e.won for e in episodes)


def test_an_unknown_task_in_the_list_is_refused_with_its_name():
    engine = RolloutEngine(
        "protege/Household-v1", ExpertPolicy(), split="train", tasks=["train/pick_and_place/99999"]
    )
    with pytest.raises(UnknownTaskError, match="99999"):
        engine.run(1, progress=False)
    with pytest.raises(ValueError, match="at least one task"):
        RolloutEngine("protege/Household-v1", ExpertPolicy(), tasks=[])
