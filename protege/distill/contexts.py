"""What the teacher sees beyond the student's context: nothing, a skill (Skill-SD), the plan
(OPSD), the expert's next action at every step (the privileged teacher, ``teacher.hint``).

Skill and plan contexts build, per episode, a privileged text placed at the end of the system
message of the teacher's first prompt; the student's action tokens and everything after its
first action are kept verbatim by the scorer. The hint context gives the scorer a copy of each
episode with a hint in every observation (:mod:`protege.distill.hints`). Contexts are looked up
by name in :data:`CONTEXTS`: ``hint`` where the config asks for it, else the method's
``teacher_context``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from protege.agents.conversation import encode_text
from protege.agents.formats import PromptFormat
from protege.distill.hints import expert_hints, hinted_episode
from protege.distill.rollouts import expert_plan
from protege.distill.scoring import TeacherPrompt
from protege.distill.skills import (
    PolicySummariser,
    Skill,
    SkillLibrary,
    TemplateSummariser,
    skill_sources,
)
from protege.distill.skills import skill_text as join_skills
from protege.errors import ProtegeError
from protege.records import Episode


class ContextError(ProtegeError, ValueError):
    """An episode whose teacher context cannot be built."""


def first_prompt_ids(
    tokenizer: Any, prompt_format: PromptFormat, episode: Episode, privileged: str = ""
) -> list[int]:
    """The episode's recorded first prompt with ``privileged`` text appended to its system
    message, as token ids.

    The recorded prompt is template-rendered text tokenized in one go, so it is decoded, the
    system message (``prompt_format.system_prompt`` of the goal and first admissible actions)
    is extended, and the text is tokenized again. Raises :class:`ContextError` when the record
    does not round-trip or does not contain that system message.
    """
    if episode.tokens is None or not episode.tokens.spans:
        raise ContextError(
            f"episode {episode.task_id!r} has no full-history token record; a privileged teacher "
            "context needs full-history rollouts (history=None)"
        )
    recorded = list(episode.tokens.token_ids[: episode.tokens.spans[0].start])
    text = tokenizer.decode(recorded, skip_special_tokens=False)
    system = prompt_format.system_prompt(episode.goal, episode.steps[0].admissible_actions)
    if system not in text or encode_text(tokenizer, text) != recorded:
        raise ContextError(
            f"the first prompt of episode {episode.task_id!r} does not hold the "
            f"{prompt_format.name!r} format's system message or does not round-trip through the "
            "tokenizer; was it played with another prompt format?"
        )
    if not privileged:
        return recorded
    return encode_text(tokenizer, text.replace(system, f"{system}\n\n{privileged}", 1))


class TeacherContext(Protocol):
    """Builds the teacher's prompts for a batch of episodes."""

    def prompt_fn(self, episodes: Sequence[Episode]) -> TeacherPrompt | None:
        """The scorer's ``teacher_prompt`` for these episodes (None = the student's context)."""
        ...

    def teacher_episodes(self, episodes: Sequence[Episode]) -> list[Episode]:
        """The episodes as the teacher reads them (same steps and action tokens)."""
        ...

    def after_scoring(self, episodes: Sequence[Episode]) -> None:
        """Learn from finished episodes (Skill-SD summarises them)."""
        ...

    def state(self) -> dict[str, Any]:
        """Plain data for checkpoints."""
        ...

    def load_state(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state`."""
        ...


class PlainContext:
    """The teacher sees exactly the student's context."""

    def __init__(self, **_: Any) -> None:
        pass

    def prompt_fn(self, episodes: Sequence[Episode]) -> TeacherPrompt | None:
        """No replacement."""
        return None

    def teacher_episodes(self, episodes: Sequence[Episode]) -> list[Episode]:
        """The episodes unchanged."""
        return list(episodes)

    def after_scoring(self, episodes: Sequence[Episode]) -> None:
        """Nothing to learn."""

    def state(self) -> dict[str, Any]:
        """No state."""
        return {}

    def load_state(self, state: dict[str, Any]) -> None:
        """No state."""


class _PrivilegedContext:
    """Shared machinery: a privileged text per episode in the teacher's first prompt."""

    def __init__(self, tokenizer: Any, prompt_format: PromptFormat, **_: Any) -> None:
        self.tokenizer = tokenizer
        self.format = prompt_format

    def text(self, episode: Episode) -> str:
        raise NotImplementedError

    def prompt_fn(self, episodes: Sequence[Episode]) -> TeacherPrompt | None:
        """Prompts with each episode's privileged text, built once per episode."""
        prompts: dict[int, list[int]] = {}
        for episode in episodes:
            prompts[id(episode)] = first_prompt_ids(
                self.tokenizer, self.format, episode, self.text(episode)
            )
        return lambda episode, step: prompts[id(episode)]

    def teacher_episodes(self, episodes: Sequence[Episode]) -> list[Episode]:
        """The episodes unchanged (the privileged text comes through :meth:`prompt_fn`)."""
        return list(episodes)

    def after_scoring(self, episodes: Sequence[Episode]) -> None:
        """Nothing to learn by default."""

    def state(self) -> dict[str, Any]:
        """No state by default."""
        return {}

    def load_state(self, state: dict[str, Any]) -> None:
        """No state by default."""


class PlanContext(_PrivilegedContext):
    """OPSD: the expert's action sequence from reset, found on a fresh copy of the env."""

    def __init__(
        self, tokenizer: Any, prompt_format: PromptFormat, method: Any, env: Any, **_: Any
    ) -> None:
        super().__init__(tokenizer, prompt_format)
        self.template = method.plan_template
        self.env = env
        self.cache: dict[tuple[str, str, int | None], list[str]] = {}

    def text(self, episode: Episode) -> str:
        """The numbered expert plan in the method's template."""
        from protege.distill.methods.opsd import plan_text

        key = (episode.env_id, episode.task_id, episode.seed)
        if key not in self.cache:
            if episode.seed is None:
                raise ContextError(f"episode {episode.task_id!r} has no seed to replay the expert")
            self.cache[key] = expert_plan(
                episode.env_id,
                episode.seed,
                episode.split or self.env.split,
                self.env.task_type,
                episode.task_id,
                **({"max_steps": self.env.max_steps} if self.env.max_steps else {}),
            )
        return plan_text(self.cache[key], self.template)


class SkillContext(_PrivilegedContext):
    """Skill-SD: skills retrieved by UCB from a library that grows from finished episodes."""

    def __init__(
        self,
        tokenizer: Any,
        prompt_format: PromptFormat,
        method: Any,
        summariser_policy: Any,
        **_: Any,
    ) -> None:
        super().__init__(tokenizer, prompt_format)
        self.k = method.skills_per_prompt
        self.wins_only = method.skills_from == "wins"
        self.library = SkillLibrary(method.max_skills_per_type, method.ucb_c)
        self.summariser = (
            PolicySummariser(summariser_policy)
            if method.summariser == "policy"
            else TemplateSummariser()
        )
        self.used: dict[int, list[Skill]] = {}

    def text(self, episode: Episode) -> str:
        """The retrieved skills' text (empty while the library has none of this type)."""
        skills = self.library.retrieve(episode.task_type, self.k)
        self.used[id(episode)] = skills
        return join_skills(skills)

    def after_scoring(self, episodes: Sequence[Episode]) -> None:
        """Credit the skills used with each outcome, then summarise one episode per task: a
        won one (``skills_from: wins`` skips tasks without a win; ``all`` makes a lost one a
        lesson)."""
        for episode in episodes:
            self.library.update(self.used.pop(id(episode), []), float(episode.won))
        for episode in skill_sources(episodes, wins_only=self.wins_only):
            text = self.summariser.summarise(episode)
            self.library.add(text, episode.task_type, episode.task_id)
        self.used.clear()

    def state(self) -> dict[str, Any]:
        """The skill library."""
        return {"library": self.library.to_dict()}

    def load_state(self, state: dict[str, Any]) -> None:
        """Restore the skill library."""
        if "library" in state:
            self.library = SkillLibrary.from_dict(state["library"])


class HintContext(PlainContext):
    """The privileged teacher: the expert's next action from each state the student reached,
    appended to the observation before each of the student's actions."""

    def __init__(self, tokenizer: Any, env: Any, **_: Any) -> None:
        self.tokenizer = tokenizer
        self.env = env

    def teacher_episodes(self, episodes: Sequence[Episode]) -> list[Episode]:
        """Copies of the episodes with the expert's hint before every action."""
        return [hinted(self.tokenizer, episode, self.env) for episode in episodes]

    def expert_steps(self, episodes: Sequence[Episode]) -> list[Episode]:
        """:meth:`teacher_episodes`, trained only where the action is the hint (SFT of a
        privileged teacher on an expert that takes detours)."""
        return [
            hinted(self.tokenizer, episode, self.env, followed_only=True) for episode in episodes
        ]


def hinted(tokenizer: Any, episode: Episode, env: Any, followed_only: bool = False) -> Episode:
    """``episode`` with the expert's next action before every action (``env``: the run's
    :class:`~protege.distill.config.EnvConfig`, for the split, task type and step limit).
    ``followed_only``: the token record keeps the spans of the steps whose action is the hint
    only (the other steps' tokens stay in the context, untrained)."""
    hints = expert_hints(episode, split=env.split, task_type=env.task_type, max_steps=env.max_steps)
    copy = hinted_episode(tokenizer, episode, hints)
    if followed_only and copy.tokens is not None:
        followed = {n for n, step in enumerate(episode.steps) if step.action == hints[n]}
        spans = [span for span in copy.tokens.spans if span.step in followed]
        copy.tokens = copy.tokens.model_copy(update={"spans": spans})
    return copy


CONTEXTS: dict[str, type] = {
    "plain": PlainContext,
    "plan": PlanContext,
    "skill": SkillContext,
    "hint": HintContext,
}
"""Teacher contexts by name."""
