"""Batched, token-exact rollouts: N environments in lockstep, one policy call per turn.

:class:`RolloutEngine` keeps up to ``num_envs`` episodes in flight. Each turn it builds the
context of every pending episode with the prompt format, sends them all to the policy in one
:meth:`~protege.agents.policies.Policy.generate` call, parses the responses and steps the
environments. A finished episode is written to the JSONL output at once (a crash loses only
the episodes in flight) and its slot takes the next seed.

Token records, for a policy with a tokenizer:

- full history (``history=None``): one :class:`~protege.agents.conversation.Conversation` per
  episode; ``Episode.tokens`` is the whole conversation with a span per step, and each
  ``Step.action_token_ids`` / ``action_logprobs`` are the sampled ids and their log-probs;
- last-k history: every step's context is rendered afresh and kept in
  ``Step.prompt_token_ids``; ``Episode.tokens`` is None.

Admissible actions are listed in the system prompt and in every observation message
(``list_actions="every"``), or only in the system prompt (``"start"``): the per-turn list is
most of a Household prompt, so ``"start"`` keeps full-history contexts about 2.5x shorter.

A response the format cannot parse is a step too: the environment is not called, the step has
``parse_error`` and reward 0, and the next observation is the format's hint.
:class:`~protege.agents.ray_engine.RayRolloutEngine` is this engine over environments hosted
by Ray actors.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from protege.agents.conversation import Conversation, render_prompt_ids
from protege.agents.envpool import EnvPool, EnvResult, LocalEnvPool
from protege.agents.formats import PromptFormat, build_messages, get_format
from protege.agents.policies.base import Generation, Policy, PolicyInput
from protege.records import Episode, EpisodeWriter, Step


@dataclass
class _Live:
    """An episode in flight in one slot."""

    slot: int
    seed: int | None
    episode: Episode
    result: EnvResult
    system: str
    tools: list[dict[str, Any]] | None
    current: str  # the user message for the pending step
    turns: list[tuple[str, str]] = field(default_factory=list)
    conversation: Conversation | None = None
    observation: str = ""  # what the agent sees at the pending step


class RolloutEngine:
    """Runs episodes of one environment id with one policy, batched across episodes.

    Args:
        env_id: a registered environment id.
        policy: any :class:`~protege.agents.policies.Policy`.
        prompt_format: ``react``, ``tagged``, ``tool_call`` or a :class:`PromptFormat`.
        history: None for the full conversation, ``k`` for the last k steps.
        list_actions: ``every`` lists the admissible actions in each observation message,
            ``start`` only in the system prompt.
        num_envs: how many episodes run in lockstep (the policy's batch size).
        max_steps: the per-episode step limit (parse failures count); None: the env default.
        split, task_type: passed to ``gymnasium.make``.
        tasks: play only these task ids of the split: seed ``s`` plays ``tasks[s % len(tasks)]``
            (e.g. to overfit a handful of tasks); None: ``reset(seed=s)`` draws the task.
        env_kwargs: more keyword arguments for ``gymnasium.make``.
        pool: an :class:`EnvPool` to use instead of a local one (e.g. Ray actors).
    """

    def __init__(
        self,
        env_id: str,
        policy: Policy,
        *,
        prompt_format: str | PromptFormat = "react",
        history: int | None = None,
        list_actions: Literal["every", "start"] = "every",
        num_envs: int = 16,
        max_steps: int | None = None,
        split: str = "train",
        task_type: str | None = None,
        tasks: Sequence[str] | None = None,
        env_kwargs: dict[str, Any] | None = None,
        pool: EnvPool | None = None,
    ) -> None:
        if num_envs < 1:
            raise ValueError(f"num_envs must be at least 1, got {num_envs}")
        if history is not None and history < 0:
            raise ValueError(f"history must be None (full) or k >= 0, got {history}")
        if list_actions not in ("every", "start"):
            raise ValueError(f"list_actions must be 'every' or 'start', got {list_actions!r}")
        if tasks is not None and not tasks:
            raise ValueError("tasks must name at least one task id (or be None for all)")
        self.env_id = env_id
        self.policy = policy
        self.format = get_format(prompt_format)
        self.history = history
        self.list_actions = list_actions
        self.split = split
        self.task_type = task_type
        self.tasks = list(tasks) if tasks is not None else None
        self.env_kwargs = {"split": split, "task_type": task_type, **(env_kwargs or {})}
        if max_steps is not None:
            self.env_kwargs["max_steps"] = max_steps
        self.max_steps = max_steps
        self.pool = pool or LocalEnvPool(env_id, num_envs, self.env_kwargs)
        self.num_envs = min(num_envs, self.pool.size)

    def run(
        self,
        seeds: int | Sequence[int],
        *,
        output: str | os.PathLike[str] | None = None,
        progress: bool = True,
        on_episode: Callable[[Episode], None] | None = None,
    ) -> list[Episode]:
        """Play one episode per seed (an int ``n`` means seeds ``0..n-1``), in seed order.

        Each finished episode is appended to ``output`` (JSONL) as soon as it ends.
        """
        seeds = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
        writer = EpisodeWriter(output) if output is not None else None
        bar = _progress(len(seeds), progress, self.env_id)
        finished: dict[int, Episode] = {}
        queue = list(enumerate(seeds))
        live: dict[int, tuple[int, _Live]] = {}
        try:
            while queue or live:
                free = [slot for slot in range(self.num_envs) if slot not in live]
                starting = [(slot, queue.pop(0)) for slot in free[: len(queue)]]
                if starting:
                    requests = [(slot, seed, self._options(seed)) for slot, (_, seed) in starting]
                    results = self.pool.reset(requests, self.policy.needs_expert)
                    for (slot, (order, seed)), result in zip(starting, results, strict=True):
                        live[slot] = (order, self._begin(slot, seed, result))
                for slot, state in self._turn([state for _, state in live.values()]):
                    order, _ = live.pop(slot)
                    finished[order] = state.episode
                    if writer is not None:
                        writer.write(state.episode)
                    if on_episode is not None:
                        on_episode(state.episode)
                    _advance(bar, finished.values())
        finally:
            if writer is not None:
                writer.close()
            if bar is not None:
                bar.close()
        return [finished[order] for order in sorted(finished)]

    def close(self) -> None:
        """Close the environments (not the policy)."""
        self.pool.close()

    # ----------------------------------------------------------------- one episode

    def _options(self, seed: int | None) -> dict[str, Any] | None:
        """``reset`` options: the task of ``seed`` when the engine plays a fixed task list."""
        task_id = task_for_seed(self.tasks, seed)
        return None if task_id is None else {"task_id": task_id}

    def _begin(self, slot: int, seed: int | None, result: EnvResult) -> _Live:
        info = result.info
        admissible = list(info.get("admissible_actions") or [])
        episode = Episode(
            env_id=self.env_id,
            split=self.split,
            seed=seed,
            task_id=str(info["task_id"]),
            task_type=str(info["task_type"]),
            goal=str(info["goal"]),
            policy=self.policy.name,
            metadata={
                "format": self.format.name,
                "history": "full" if self.history is None else self.history,
                "list_actions": self.list_actions,
                **self.policy.describe(),
            },
        )
        return _Live(
            slot=slot,
            seed=seed,
            episode=episode,
            result=result,
            system=self.format.system_prompt(episode.goal, admissible),
            tools=self.format.tools(info.get("tools")),
            # the system prompt lists the first admissible actions; the first turn does not
            current=self.format.observation_message(result.observation, []),
            observation=result.observation,
        )

    def _input(self, state: _Live) -> PolicyInput:
        messages = build_messages(state.system, state.turns, state.current, self.history)
        prompt_ids = None
        tokenizer = self.policy.tokenizer
        if tokenizer is not None and self.history is None:
            if not state.episode.steps:
                state.conversation = Conversation.start(tokenizer, messages, state.tools)
            if state.conversation is not None:
                prompt_ids = list(state.conversation.token_ids)
        elif tokenizer is not None:
            prompt_ids = render_prompt_ids(tokenizer, messages, state.tools)
        return PolicyInput(
            messages=messages,
            prompt_token_ids=prompt_ids,
            tools=state.tools,
            admissible_actions=list(state.result.info.get("admissible_actions") or []),
            expert_action=state.result.expert_action,
            episode_seed=state.seed,
            step=len(state.episode.steps),
        )

    def _turn(self, states: list[_Live]) -> list[tuple[int, _Live]]:
        """One policy call for every pending episode, then one env step each."""
        inputs = [self._input(state) for state in states]
        generations = self.policy.generate(inputs)
        stepping: list[tuple[_Live, Step, str]] = []
        done: list[tuple[int, _Live]] = []
        for state, item, generation in zip(states, inputs, generations, strict=True):
            step = self._record(state, item, generation)
            if step.parse_error is None:
                stepping.append((state, step, step.action))
            elif self._close(state, step, None, self.format.format_hint()):
                done.append((state.slot, state))
        if stepping:
            results = self.pool.step(
                [(state.slot, action) for state, _, action in stepping], self.policy.needs_expert
            )
            for (state, step, _), result in zip(stepping, results, strict=True):
                if self._close(state, step, result, result.observation):
                    done.append((state.slot, state))
        return done

    def _record(self, state: _Live, item: PolicyInput, generation: Generation) -> Step:
        response = generation.text
        if state.conversation is not None and generation.token_ids is not None:
            response = state.conversation.add_assistant(generation.token_ids)
        if generation.action is not None:
            action, error = generation.action, None
        else:
            parsed = self.format.parse(response)
            action, error = parsed.action or "", parsed.error
        last = state.episode.steps[-1] if state.episode.steps else None
        return Step(
            observation=state.observation,
            admissible_actions=item.admissible_actions,
            action=action,
            response=None if generation.action is not None else response,
            won=last.won if last else False,
            score=last.score if last else 0.0,
            action_token_ids=generation.token_ids,
            action_logprobs=generation.logprobs,
            prompt_token_ids=item.prompt_token_ids if self.history is not None else None,
            parse_error=error,
        )

    def _close(self, state: _Live, step: Step, result: EnvResult | None, observation: str) -> bool:
        """Finish the step; return whether the episode ended."""
        if result is not None:
            info = result.info
            step.reward, step.terminated, step.truncated = (
                result.reward,
                result.terminated,
                result.truncated,
            )
            step.won, step.score = bool(info["won"]), float(info["score"])
            state.result = result
        episode = state.episode
        episode.steps.append(step)
        if self.max_steps is not None and len(episode.steps) >= self.max_steps:
            step.truncated = step.truncated or not step.terminated
        if step.terminated or step.truncated:
            episode.final_observation = observation
            if state.conversation is not None:
                episode.tokens = state.conversation.token_sequence()
            return True
        admissible = list(state.result.info.get("admissible_actions") or [])
        listed = admissible if self.list_actions == "every" else []
        message = self.format.observation_message(observation, listed)
        state.turns.append((state.current, step.response or step.action))
        state.current, state.observation = message, observation
        if state.conversation is not None:
            if step.action_token_ids is None:
                state.conversation = None  # a text-only policy: no token record
            else:
                state.conversation.add_user(message)
        return False


def task_for_seed(tasks: Sequence[str] | None, seed: int | None) -> str | None:
    """The task a seed plays from a fixed task list (``tasks[seed % len(tasks)]``); None
    without a list, when ``reset(seed=seed)`` draws the task."""
    if not tasks:
        return None
    return tasks[(seed or 0) % len(tasks)]


def _progress(total: int, enabled: bool, label: str) -> Any:
    if not enabled:
        return None
    from tqdm.auto import tqdm

    # disable=None: drawn only when stderr is a terminal, never into a pipe or a log file
    return tqdm(total=total, desc=label, unit="ep", dynamic_ncols=True, disable=None)


def _advance(bar: Any, episodes: Any) -> None:
    if bar is None:
        return
    done = list(episodes)
    bar.update(1)
    bar.set_postfix(success=f"{sum(e.won for e in done) / len(done):.0%}")
