"""The privileged teacher's view: the expert's next action written into every observation.

A teacher without headroom teaches nothing (``docs/distill.md``). A same-size teacher gains
headroom from information the student lacks (privileged-information distillation, π-Distill /
OPSD): here, the environment expert's next action *from the state the student actually
reached*. The expert recovers from any reachable state, so the hint is right after the
student's detours too, unlike OPSD's plan from reset.

:func:`expert_hints` replays an episode's recorded actions on a fresh copy of its environment
(protege environments are deterministic given seed and task) and asks the expert before each
step. :func:`hinted_episode` rebuilds the episode's token record with ``"\\n\\n" + hint``
appended to the content of the user turn before each action; the action tokens are kept
verbatim, so a teacher scored on the hinted copy scores exactly the student's tokens, in one
pass, and step ``t`` sees only the hints of steps ``<= t`` (causal attention). SFT on hinted
expert episodes teaches a model to use the hint (``method: {name: sft, hint: next_action}``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import cache
from typing import Any

import gymnasium as gym

from protege.agents.conversation import Conversation, encode_text, render_text
from protege.agents.policies.base import Generation, Policy, PolicyInput
from protege.errors import ProtegeError
from protege.records import Episode, Step, TokenSequence, TokenSpan

HINT_TEMPLATE = "Privileged hint: the expert's next action here is `{action}`."
"""How a hint reads in the teacher's context; ``{action}`` is the expert's next action."""

_SENTINEL = "\x00protege-user-content\x00"


class HintError(ProtegeError, ValueError):
    """An episode whose hints cannot be found or written (no seed, no token record, a replay
    that does not reproduce the recorded observations)."""


def expert_hints(
    episode: Episode,
    *,
    split: str,
    task_type: str | None = None,
    max_steps: int | None = None,
) -> list[str]:
    """The expert's next action before each of ``episode``'s steps.

    The recorded actions are replayed from ``reset(seed, task_id)``; a step whose output did
    not parse (``Step.parse_error``) left the environment untouched and is not replayed. Raises
    :class:`HintError` when the replay's observations differ from the recorded ones.
    """
    if episode.seed is None:
        raise HintError(f"episode {episode.task_id!r} has no seed; its states cannot be replayed")
    kwargs: dict[str, Any] = {"split": episode.split or split, "task_type": task_type}
    if max_steps is not None:
        kwargs["max_steps"] = max_steps
    env = gym.make(episode.env_id, **kwargs)
    try:
        observation, _ = env.reset(seed=episode.seed, options={"task_id": episode.task_id})
        hints = []
        for number, step in enumerate(episode.steps):
            if step.parse_error is None:
                _check_replay(episode, number, step, observation)
            hints.append(env.unwrapped.expert_action())
            if step.parse_error is None:
                observation, *_ = env.step(step.action)
        return hints
    finally:
        env.close()


def _check_replay(episode: Episode, number: int, step: Step, observation: str) -> None:
    if observation != step.observation:
        raise HintError(
            f"replaying episode {episode.task_id!r} (seed {episode.seed}) gave another "
            f"observation at step {number} than the record: {observation[:80]!r} vs "
            f"{step.observation[:80]!r}; hints need a deterministic environment"
        )


@cache
def _user_turn_closing(tokenizer: Any) -> str:
    """The template text between a user turn's content and the assistant's first token."""
    text = render_text(
        tokenizer, [{"role": "user", "content": _SENTINEL}], add_generation_prompt=True
    )
    return text[text.index(_SENTINEL) + len(_SENTINEL) :]


def with_hint(tokenizer: Any, prompt_ids: Sequence[int], hint: str) -> list[int]:
    """``prompt_ids`` (template tokens ending with a user turn and the generation prompt) with
    ``"\\n\\n" + hint`` appended to that user turn's content."""
    text = tokenizer.decode(list(prompt_ids), skip_special_tokens=False)
    closing = _user_turn_closing(tokenizer)
    if not text.endswith(closing) or encode_text(tokenizer, text) != list(prompt_ids):
        raise HintError(
            "a recorded prompt does not end with the chat template's user-turn closing "
            f"{closing!r} or does not round-trip through the tokenizer; was it rendered with "
            "another tokenizer?"
        )
    return encode_text(tokenizer, f"{text[: -len(closing)]}\n\n{hint}{closing}")


def hinted_episode(
    tokenizer: Any, episode: Episode, hints: Sequence[str], template: str = HINT_TEMPLATE
) -> Episode:
    """A copy of ``episode`` whose token record shows each step's hint before its action.

    Full-history records (``Episode.tokens``) are rebuilt segment by segment; per-step records
    (``Step.prompt_token_ids``) get the hint in each prompt. Action tokens are unchanged.
    """
    if len(hints) != len(episode.steps):
        raise HintError(f"{len(hints)} hints for {len(episode.steps)} steps")
    texts = [template.format(action=hint) for hint in hints]
    if episode.tokens is not None and episode.tokens.spans:
        return episode.model_copy(update={"tokens": _hinted_sequence(tokenizer, episode, texts)})
    steps = []
    for step, text in zip(episode.steps, texts, strict=True):
        if step.prompt_token_ids is None or step.action_token_ids is None:
            raise HintError(
                f"episode {episode.task_id!r} has no token record; hints need token-exact rollouts"
            )
        prompt = with_hint(tokenizer, step.prompt_token_ids, text)
        steps.append(step.model_copy(update={"prompt_token_ids": prompt}))
    return episode.model_copy(update={"steps": steps})


def _hinted_sequence(tokenizer: Any, episode: Episode, texts: Sequence[str]) -> TokenSequence:
    assert episode.tokens is not None
    source = episode.tokens.token_ids
    token_ids: list[int] = []
    spans: list[TokenSpan] = []
    position = 0
    for span in sorted(episode.tokens.spans, key=lambda s: s.start):
        token_ids += with_hint(tokenizer, source[position : span.start], texts[span.step])
        start = len(token_ids)
        token_ids += source[span.start : span.end]
        spans.append(TokenSpan(step=span.step, start=start, end=len(token_ids)))
        position = span.end
    token_ids += source[position:]
    return TokenSequence(token_ids=token_ids, spans=spans)


class HintedPolicy(Policy):
    """``policy`` playing with the expert's next action after every observation: the context
    a ``teacher.hint: next_action`` teacher reads, so the teacher can be played and evaluated.

    Each episode's hinted conversation is kept (keyed by its seed) and extended turn by turn
    with the tokens ``policy`` sampled, as the rollout engine builds the student's. An episode
    joined mid-way (``step > 0`` first seen) starts from its messages with only the current
    hint.
    """

    needs_expert = True

    def __init__(self, policy: Policy, template: str = HINT_TEMPLATE) -> None:
        if policy.tokenizer is None:
            raise ValueError("HintedPolicy needs a token-level policy (one with a tokenizer)")
        self.policy = policy
        self.tokenizer = policy.tokenizer
        self.name = f"{policy.name}+hint"
        self.template = template
        self.conversations: dict[int | None, Conversation] = {}
        self.sampled: dict[int | None, list[int]] = {}

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        """The wrapped policy's generations for the hinted contexts."""
        hinted = [self._hinted_input(item) for item in inputs]
        generations = self.policy.generate(hinted)
        for item, generation in zip(inputs, generations, strict=True):
            self.sampled[item.episode_seed] = list(generation.token_ids or [])
        return generations

    def _hinted_input(self, item: PolicyInput) -> PolicyInput:
        if item.expert_action is None:
            raise ValueError("HintedPolicy got an input without expert_action")
        hint = self.template.format(action=item.expert_action)
        content = f"{item.messages[-1]['content']}\n\n{hint}"
        key = item.episode_seed
        conversation = self.conversations.get(key)
        if item.step == 0 or conversation is None:
            messages = [*item.messages[:-1], {**item.messages[-1], "content": content}]
            conversation = Conversation.start(self.tokenizer, messages, item.tools)
            self.conversations[key] = conversation
        else:
            conversation.add_assistant(self.sampled[key])
            conversation.add_user(content)
        return dataclasses.replace(
            item,
            messages=list(conversation.messages),
            prompt_token_ids=list(conversation.token_ids),
        )

    def describe(self) -> dict[str, Any]:
        """The wrapped policy's settings, and the hint template."""
        return {**self.policy.describe(), "hint_template": self.template}

    def close(self) -> None:
        """Close the wrapped policy."""
        self.policy.close()
