"""The privileged teacher's view: the expert's next action from the states the student reached."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from protege.agents.policies.base import Generation, Policy, PolicyInput
from protege.distill.config import parse_config
from protege.distill.hints import (
    HINT_TEMPLATE,
    HintedPolicy,
    HintError,
    expert_hints,
    hinted_episode,
)
from protege.distill.rollouts import TokenExpertPolicy, play
from tests.distill.helpers import per_step_episode

HOUSEHOLD = "protege/Household-v1"


class DetourPolicy(Policy):
    """Plays the last admissible action (rarely the expert's), as react tokens, and records the
    expert's action it was shown at each state."""

    needs_expert = True

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self.writer = TokenExpertPolicy(tokenizer)
        self.seen: dict[int | None, list[str]] = {}

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        for item in inputs:
            self.seen.setdefault(item.episode_seed, []).append(item.expert_action)
        detours = [
            PolicyInput(messages=x.messages, expert_action=x.admissible_actions[-1]) for x in inputs
        ]
        return self.writer.generate(detours)


class RecordingPolicy(Policy):
    """The expert as tokens, recording the context ids it was given."""

    needs_expert = True

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self.writer = TokenExpertPolicy(tokenizer)
        self.prompts: list[list[int]] = []

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        self.prompts += [list(x.prompt_token_ids or []) for x in inputs]
        return self.writer.generate(inputs)


def _play(policy, seeds, max_steps=8, **kwargs):
    options = dict(split="train", task_type="pick_and_place", max_steps=max_steps)
    options.update(prompt_format="react", num_envs=len(seeds), list_actions="start")
    return play(policy, HOUSEHOLD, seeds, **{**options, **kwargs})


def _hints(episode):
    return expert_hints(episode, split="train", task_type="pick_and_place", max_steps=8)


def test_on_the_experts_own_episode_the_hints_are_its_actions(tokenizer):
    episode = _play(TokenExpertPolicy(tokenizer), [3], max_steps=30)[0]
    assert episode.won
    assert _hints(episode) == [step.action for step in episode.steps]


def test_hints_are_the_experts_action_at_the_states_a_detouring_student_reached(tokenizer):
    policy = DetourPolicy(tokenizer)
    episodes = _play(policy, [1, 2])
    for episode in episodes:
        hints = _hints(episode)
        assert hints == policy.seen[episode.seed]
        assert hints != [step.action for step in episode.steps]  # it did take detours


def test_the_hinted_copy_keeps_every_action_token_and_shows_each_hint_before_its_action(
    tokenizer,
):
    episode = _play(DetourPolicy(tokenizer), [4])[0]
    hints = _hints(episode)
    copy = hinted_episode(tokenizer, episode, hints)
    assert episode.tokens is not None and copy.tokens is not None
    for before, after in zip(episode.tokens.spans, copy.tokens.spans, strict=True):
        original = episode.tokens.token_ids[before.start : before.end]
        assert copy.tokens.token_ids[after.start : after.end] == original
        context = tokenizer.decode(copy.tokens.token_ids[: after.start])
        expected = HINT_TEMPLATE.format(action=hints[before.step])
        assert context.rstrip().endswith("assistant")  # the hint sits in the user turn
        assert context.rfind(expected) > context.rfind("<|im_start|>user")
    assert episode.tokens.token_ids[-3:] == copy.tokens.token_ids[-3:]
    assert copy.steps == episode.steps


def test_per_step_records_get_their_own_hint_in_the_last_user_turn(tokenizer):
    full = _play(DetourPolicy(tokenizer), [5], max_steps=4)[0]
    hints = _hints(full)
    per_step = per_step_episode(tokenizer, full)
    copy = hinted_episode(tokenizer, per_step, hints)
    for hint, step, original in zip(hints, copy.steps, per_step.steps, strict=True):
        text = tokenizer.decode(step.prompt_token_ids)
        assert text.count("Privileged hint") == 1
        assert text.endswith(
            f"{HINT_TEMPLATE.format(action=hint)}<|im_end|>\n<|im_start|>assistant\n"
        )
        unhinted = tokenizer.decode(original.prompt_token_ids)
        assert text.startswith(unhinted[: unhinted.rindex("<|im_end|>")])
        assert step.action_token_ids == original.action_token_ids


def test_a_replay_that_does_not_reproduce_the_record_is_refused(tokenizer):
    episode = _play(TokenExpertPolicy(tokenizer), [3])[0]
    episode.steps[2].observation = "You arrive somewhere else."
    with pytest.raises(HintError, match="step 2"):
        _hints(episode)
    episode.seed = None
    with pytest.raises(HintError, match="no seed"):
        _hints(episode)


def test_the_hinted_policy_reads_exactly_what_the_scorer_reads(tokenizer):
    policy = RecordingPolicy(tokenizer)
    episode = _play(HintedPolicy(policy), [6], max_steps=30)[0]
    assert episode.won and episode.policy == "policy+hint"
    copy = hinted_episode(tokenizer, episode, _hints(episode))
    assert copy.tokens is not None
    assert len(policy.prompts) == len(copy.tokens.spans)
    for prompt, span in zip(policy.prompts, copy.tokens.spans, strict=True):
        assert prompt == copy.tokens.token_ids[: span.start]


def _config(tmp_path, method, group_size=1, **teacher):
    return parse_config(
        {
            "method": method,
            "student": {"path": "tiny", "device": "cpu"},
            "teacher": {"path": "tiny", "device": "cpu", **teacher},
            "env": {"env_id": HOUSEHOLD, "task_type": "pick_and_place", "max_steps": 3},
            "rollout": {
                "tasks_per_update": 2,
                "group_size": group_size,
                "num_envs": 2,
                "max_new_tokens": 6,
            },
            "eval": {"episodes": 0},
            "log": {"tensorboard": False},
            "updates": 1,
            "output_dir": str(tmp_path / "run"),
        }
    )


def test_the_trainer_scores_with_the_hinted_teacher_and_sft_trains_on_hinted_episodes(tmp_path):
    from protege.distill.contexts import hinted
    from protege.distill.trainer import collect, score, setup, training_episodes

    run = setup(_config(tmp_path, {"name": "opd"}, hint="next_action"))
    try:
        curriculum = run.spec.curriculum(0, run.config.method, run.max_steps, run.config.updates)
        episodes, _ = collect(run, 0, curriculum)
        scores = score(run, episodes)
        assert scores is not None
        copies = [hinted(run.tokenizer, e, run.config.env) for e in episodes]
        expected = run.scorer.score(copies)
        plain = run.scorer.score(episodes)
        for got, want, unhinted in zip(scores, expected, plain, strict=True):
            for number, step_scores in got.items():
                assert step_scores.logprobs == pytest.approx(want[number].logprobs, abs=1e-5)
            assert any(
                step_scores.logprobs != pytest.approx(unhinted[n].logprobs, abs=1e-4)
                for n, step_scores in got.items()
            )
        assert training_episodes(run, episodes) == episodes  # a method with a teacher
    finally:
        run.rollouts.close()

    sft = setup(_config(tmp_path / "sft", {"name": "sft", "hint": "next_action"}))
    try:
        curriculum = sft.spec.curriculum(0, sft.config.method, sft.max_steps, sft.config.updates)
        episodes, _ = collect(sft, 0, curriculum)
        trained = training_episodes(sft, episodes)
        for episode, copy in zip(episodes, trained, strict=True):
            assert copy == hinted(sft.tokenizer, episode, sft.config.env)
            assert "Privileged hint" in sft.tokenizer.decode(copy.tokens.token_ids)
    finally:
        sft.rollouts.close()


def test_sft_with_detours_plays_them_but_trains_only_the_steps_that_follow_the_hint(tmp_path):
    from protege.distill.trainer import collect, setup, training_episodes

    method = {"name": "sft", "hint": "next_action", "detours": 0.5}
    sft = setup(_config(tmp_path, method))
    try:
        curriculum = sft.spec.curriculum(0, sft.config.method, sft.max_steps, sft.config.updates)
        episodes, _ = collect(sft, 0, curriculum)
        again, _ = collect(sft, 0, curriculum)
        assert [e.steps for e in again] == [e.steps for e in episodes]  # detours are seeded
        trained = training_episodes(sft, episodes)
        detoured = 0
        for episode, copy in zip(episodes, trained, strict=True):
            hints = expert_hints(episode, split="train", task_type="pick_and_place", max_steps=3)
            followed = [n for n, step in enumerate(episode.steps) if step.action == hints[n]]
            detoured += len(episode.steps) - len(followed)
            assert [span.step for span in copy.tokens.spans] == followed
            assert all(step.action in step.admissible_actions for step in episode.steps)
        assert detoured > 0
    finally:
        sft.rollouts.close()
    with pytest.raises(ValueError, match="detours need hint"):
        _config(tmp_path, {"name": "sft", "detours": 0.5})


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ({"name": "grpo"}, "no teacher"),
        ({"name": "sft"}, "no teacher"),
        ({"name": "skill_sd"}, "'skill' context"),
    ],
)
def test_hints_where_they_cannot_apply_are_a_config_error(tmp_path, method, message):
    with pytest.raises(ValueError, match=message):  # at parse time, before any model loads
        _config(tmp_path, method, group_size=2, hint="next_action")  # GRPO needs groups
