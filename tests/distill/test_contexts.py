"""Teacher contexts (OPSD plan, Skill-SD skills) and the skill library's UCB retrieval."""

from __future__ import annotations

import math

import pytest

from protege.agents.formats import get_format
from protege.agents.policies.hf import HFPolicy
from protege.distill.config import EnvConfig
from protege.distill.contexts import ContextError, PlanContext, SkillContext, first_prompt_ids
from protege.distill.methods.opsd import OPSDConfig
from protege.distill.methods.skill_sd import SkillSDConfig
from protege.distill.rollouts import TokenExpertPolicy, expert_plan, play
from protege.distill.scoring import TeacherScorer
from protege.distill.skills import SkillLibrary, TemplateSummariser


@pytest.fixture(scope="module")
def expert_episodes(tokenizer):
    policy = TokenExpertPolicy(tokenizer, "react")
    return play(
        policy,
        "protege-test/Counter-v0",
        [0, 1],
        split="train",
        task_type=None,
        max_steps=6,
        prompt_format="react",
        num_envs=2,
    )


def test_plain_first_prompt_is_the_recorded_one(tokenizer, expert_episodes):
    episode = expert_episodes[0]
    recorded = episode.tokens.token_ids[: episode.tokens.spans[0].start]
    assert first_prompt_ids(tokenizer, get_format("react"), episode) == recorded


def test_privileged_prompt_extends_the_system_message(tokenizer, expert_episodes):
    episode = expert_episodes[0]
    ids = first_prompt_ids(tokenizer, get_format("react"), episode, "HINT: add 2")
    text = tokenizer.decode(ids)
    plain = tokenizer.decode(episode.tokens.token_ids[: episode.tokens.spans[0].start])
    assert text.replace("\n\nHINT: add 2", "", 1) == plain
    assert text.index("HINT: add 2") < text.index("<|im_start|>user")


def test_first_prompt_refuses_another_format(tokenizer, expert_episodes):
    with pytest.raises(ContextError, match="was it played with another prompt format"):
        first_prompt_ids(tokenizer, get_format("tagged"), expert_episodes[0], "x")


def test_plan_context_puts_the_expert_plan_in_the_teacher_prompt(
    tokenizer, tiny_model, expert_episodes
):
    context = PlanContext(tokenizer, get_format("react"), OPSDConfig(), EnvConfig(max_steps=6))
    prompt = context.prompt_fn(expert_episodes)
    episode = expert_episodes[1]
    plan = expert_plan("protege-test/Counter-v0", 1, max_steps=6)
    assert plan == [step.action for step in episode.steps]
    text = tokenizer.decode(prompt(episode, 0))
    assert "1. " + plan[0] in text
    scores = TeacherScorer(tiny_model, pad_id=tokenizer.pad_token_id).score(expert_episodes, prompt)
    assert [len(scores[1][k].logprobs) for k in range(episode.num_steps)] == [
        len(step.action_token_ids) for step in episode.steps
    ]


def test_skill_context_learns_skills_and_credits_them(tokenizer, tiny_model, expert_episodes):
    config = SkillSDConfig(skills_per_prompt=1)
    context = SkillContext(tokenizer, get_format("react"), config, summariser_policy=None)
    episode = expert_episodes[0]
    # empty library: the teacher sees the student's own prompt
    assert context.prompt_fn([episode])(episode, 0) == first_prompt_ids(
        tokenizer, get_format("react"), episode
    )
    context.after_scoring([episode])
    (skill,) = context.library.skills[episode.task_type]
    assert "Workflow:" in skill.text
    prompt = context.prompt_fn([episode])(episode, 0)
    assert "Skills learned from earlier episodes" in tokenizer.decode(prompt)
    context.after_scoring([episode])
    assert skill.pulls == 1 and skill.total_reward == 1.0  # the expert won


def test_template_summary_names_mistakes_and_workflow(expert_episodes):
    episode = expert_episodes[0].model_copy(deep=True)
    episode.steps[0].action = "jump"
    episode.steps[1].observation = "Nothing happens. Try one of: add 1, add 2, sub 1"
    text = TemplateSummariser().summarise(episode)
    assert "Mistakes: jump." in text
    assert "Workflow:\n1. jump\n" in text


def test_ucb_tries_untried_skills_first_then_balances_value_and_count():
    library = SkillLibrary(max_skills=3, ucb_c=1.0)
    a, b = library.add("a", "small"), library.add("b", "small")
    assert library.retrieve("small") == [a]  # both untried: the older first
    library.update([a], 1.0)
    assert library.retrieve("small") == [b]  # untried b beats a
    library.update([b], 0.0)
    library.update([b], 0.0)
    # N = 3: a = 1 + sqrt(ln 3 / 1) = 2.048, b = 0 + sqrt(ln 3 / 2) = 0.741
    assert library.retrieve("small") == [a]
    assert library.retrieve("small", k=2) == [a, b]
    assert math.isclose(a.mean_reward, 1.0) and b.mean_reward == 0.0


def test_library_drops_the_least_valuable_skill_and_round_trips():
    library = SkillLibrary(max_skills=2)
    good, bad = library.add("good", "t"), library.add("bad", "t")
    library.update([good], 1.0)
    library.update([bad], 0.0)
    library.add("new", "t")
    assert [skill.text for skill in library.skills["t"]] == ["good", "new"]
    again = SkillLibrary.from_dict(library.to_dict())
    assert again.to_dict() == library.to_dict()


def test_student_policy_samples_verbatim_ids_with_logprobs(tokenizer, tiny_model):
    policy = HFPolicy.from_model(tiny_model, tokenizer, temperature=1.0, max_new_tokens=5)
    episodes = play(
        policy,
        "protege-test/Counter-v0",
        [3],
        split="train",
        task_type=None,
        max_steps=2,
        prompt_format="react",
        num_envs=1,
    )
    from protege.agents.policies.hf import sequence_logprobs

    episode = episodes[0]
    full = sequence_logprobs(tiny_model, episode.tokens.token_ids)
    for step, span in zip(episode.steps, episode.tokens.spans, strict=True):
        assert step.action_token_ids == episode.tokens.token_ids[span.start : span.end]
        for got, want in zip(step.action_logprobs, full[span.start : span.end], strict=True):
            assert abs(got - want) < 1e-4


def _lost(episode):
    """A copy of an expert episode that did not win, with one action that did nothing."""
    lost = episode.model_copy(deep=True)
    lost.steps[-1].won = False
    lost.steps[0].action = "jump"
    lost.steps[1].observation = "Nothing happens. Try one of: add 1, add 2, sub 1"
    return lost


def test_a_lost_episode_becomes_a_lesson_without_its_actions(expert_episodes):
    lost = _lost(expert_episodes[0])
    assert not lost.won
    text = TemplateSummariser().summarise(lost)
    assert "Mistakes: jump." in text
    assert "Workflow" not in text
    for step in lost.steps[1:]:  # none of the attempt's other actions is written out
        assert step.action not in text


@pytest.mark.parametrize("skills_from", ["wins", "all"])
def test_only_won_episodes_become_skills_unless_lessons_are_asked(
    tokenizer, expert_episodes, skills_from
):
    config = SkillSDConfig(skills_from=skills_from)
    context = SkillContext(tokenizer, get_format("react"), config, summariser_policy=None)
    won, other = expert_episodes
    # task of `won`: a lost attempt first, then the win; task of `other`: only a lost attempt
    context.after_scoring([_lost(won), won, _lost(other)])
    texts = [skill.text for shelf in context.library.skills.values() for skill in shelf]
    sources = [skill.source_task for shelf in context.library.skills.values() for skill in shelf]
    if skills_from == "wins":
        assert sources == [won.task_id]
        assert "Workflow:" in texts[0]
    else:
        assert sorted(sources) == sorted([won.task_id, other.task_id])
        lesson = texts[sources.index(other.task_id)]
        assert "unsolved attempt" in lesson and "Workflow" not in lesson
