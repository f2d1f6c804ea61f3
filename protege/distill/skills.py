"""Skill-SD's skills: summaries of finished episodes, a library per task type, UCB retrieval.

A :class:`Skill` is a short text with three parts (success patterns, mistakes, a workflow).
Summarisers turn an episode into a skill: :class:`TemplateSummariser` with rules (no model),
:class:`PolicySummariser` by asking any policy backend (the student by default) and falling
back to the template when its answer is empty. :class:`SkillLibrary` keeps up to ``max_skills``
skills per task type and retrieves with UCB1: ``mean_reward + c * sqrt(ln N / n_i)``, where a
skill's reward is the outcome of episodes whose teacher context held it. The library is plain
data (:meth:`SkillLibrary.to_dict`), saved in checkpoints.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from protege.records import Episode

SUMMARY_PROMPT = (
    "Summarise this finished episode as a reusable skill for similar tasks. Write three short "
    "sections: 'Success patterns:', 'Mistakes:', 'Workflow:' (numbered actions).\n\n"
    "Goal: {goal}\nOutcome: {outcome}\nActions and observations:\n{trace}"
)


@dataclass
class Skill:
    """One skill text and its bandit statistics."""

    text: str
    task_type: str
    source_task: str = ""
    pulls: int = 0
    total_reward: float = 0.0

    @property
    def mean_reward(self) -> float:
        """Average outcome of episodes taught with this skill (0 before any)."""
        return self.total_reward / self.pulls if self.pulls else 0.0


def _trace(episode: Episode, limit: int = 30) -> str:
    lines = [
        f"{number}. {step.action} -> {step.observation[:80]!s}"
        for number, step in enumerate(episode.steps[:limit], start=1)
    ]
    return "\n".join(lines)


class TemplateSummariser:
    """A rule-based skill: a won episode's workflow, or a lost episode's lesson.

    A lost episode's actions are never written out: a self-teacher with a failed workflow in
    its context endorses copying it (on Household the 135M student's teacher did exactly that).
    Its lesson names only the actions that did nothing or did not parse.
    """

    def summarise(self, episode: Episode) -> str:
        """Success patterns, mistakes and (for a win) the workflow, from the episode's steps."""
        actions = [step.action for step in episode.steps]
        failed = sorted(
            {
                step.action or "(unparsed reply)"
                for step, after in zip(episode.steps, [*episode.steps[1:], None], strict=True)
                if step.parse_error
                or (after is not None and after.observation.startswith("Nothing happens"))
            }
        )
        mistakes = f"Mistakes: {', '.join(failed) if failed else 'none seen'}."
        if not episode.won:
            return (
                f"Task type {episode.task_type} (a lesson from an unsolved attempt, "
                f"{len(actions)} actions).\n{mistakes}\n"
                "Avoid these actions where they did nothing; do not repeat an attempt that fails."
            )
        workflow = "\n".join(f"{n}. {a}" for n, a in enumerate(actions, start=1)) or "(none)"
        return (
            f"Task type {episode.task_type} (solved in {len(actions)} actions).\n"
            "Success patterns: follow the workflow below.\n"
            f"{mistakes}\nWorkflow:\n{workflow}"
        )


def skill_sources(episodes: Sequence[Episode], wins_only: bool = True) -> list[Episode]:
    """The episodes to summarise: one per task, a won one where the task has one; with
    ``wins_only`` a task without a win gives none (its attempts would teach their mistakes)."""
    chosen: dict[str, Episode] = {}
    for episode in episodes:
        current = chosen.get(episode.task_id)
        if current is None or (episode.won and not current.won):
            chosen[episode.task_id] = episode
    return [e for e in chosen.values() if e.won or not wins_only]


class PolicySummariser:
    """A skill written by any policy backend (e.g. the student); the template as fallback."""

    def __init__(self, policy: Any, fallback: TemplateSummariser | None = None) -> None:
        self.policy = policy
        self.fallback = fallback or TemplateSummariser()

    def summarise(self, episode: Episode) -> str:
        """Ask the policy for a summary; an empty or unusable answer falls back to rules."""
        from protege.agents.conversation import render_prompt_ids
        from protege.agents.policies.base import PolicyInput

        prompt = SUMMARY_PROMPT.format(
            goal=episode.goal,
            outcome="solved" if episode.won else "not solved",
            trace=_trace(episode),
        )
        messages = [{"role": "user", "content": prompt}]
        ids = None
        if getattr(self.policy, "tokenizer", None) is not None:
            ids = render_prompt_ids(self.policy.tokenizer, messages)
        (generation,) = self.policy.generate([PolicyInput(messages, prompt_token_ids=ids)])
        text = generation.text.strip()
        return text if len(text) >= 20 else self.fallback.summarise(episode)


@dataclass
class SkillLibrary:
    """Skills per task type with UCB1 retrieval."""

    max_skills: int = 8
    ucb_c: float = 1.0
    skills: dict[str, list[Skill]] = field(default_factory=dict)

    def add(self, text: str, task_type: str, source_task: str = "") -> Skill:
        """Store a skill; past ``max_skills`` the least valuable old skill is dropped."""
        skill = Skill(text, task_type, source_task)
        shelf = self.skills.setdefault(task_type, [])
        shelf.append(skill)
        if len(shelf) > self.max_skills:
            worst = min(shelf[:-1], key=lambda s: (s.mean_reward, s.pulls))
            shelf.remove(worst)
        return skill

    def retrieve(self, task_type: str, k: int = 1) -> list[Skill]:
        """The ``k`` skills of this type with the highest UCB score (untried ones first)."""
        shelf = self.skills.get(task_type, [])
        total = sum(skill.pulls for skill in shelf)

        def ucb(skill: Skill) -> float:
            if skill.pulls == 0:
                return math.inf
            return skill.mean_reward + self.ucb_c * math.sqrt(math.log(max(total, 1)) / skill.pulls)

        ranked = sorted(enumerate(shelf), key=lambda pair: (-ucb(pair[1]), pair[0]))
        return [skill for _, skill in ranked[:k]]

    def update(self, skills: Sequence[Skill], reward: float) -> None:
        """Credit each skill used for an episode with its outcome."""
        for skill in skills:
            skill.pulls += 1
            skill.total_reward += reward

    def to_dict(self) -> dict[str, Any]:
        """Plain data for checkpoints."""
        return {
            "max_skills": self.max_skills,
            "ucb_c": self.ucb_c,
            "skills": {kind: [asdict(s) for s in shelf] for kind, shelf in self.skills.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SkillLibrary:
        """Rebuild a library saved with :meth:`to_dict`."""
        skills = {kind: [Skill(**s) for s in shelf] for kind, shelf in data["skills"].items()}
        return cls(data["max_skills"], data["ucb_c"], skills)


def skill_text(skills: Sequence[Skill]) -> str:
    """The teacher's privileged text for a list of skills."""
    if not skills:
        return ""
    body = "\n\n".join(skill.text for skill in skills)
    return f"Skills learned from earlier episodes of this kind of task:\n{body}"
