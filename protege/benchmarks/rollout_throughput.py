"""Rollout throughput core: batched versus one episode at a time, and one batched generate call.

:func:`run_engine` plays the same episodes (seeds 0..N-1 of an environment, a fixed step limit)
with :class:`~protege.agents.rollout.RolloutEngine`, once with ``num_envs=N`` (one batched
``generate`` per turn) and once with ``num_envs=1``. :func:`run_backend` times one batched call
over :func:`first_turn_prompts`. Used by ``benchmarks/rollout_throughput.py`` and
``protege bench``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def episodes_stats(episodes: list[Any], seconds: float) -> dict[str, float]:
    """Env steps and generated tokens (EOS included) of ``episodes`` played in ``seconds``."""
    steps = sum(e.num_steps for e in episodes)
    tokens = sum(len(s.action_token_ids or []) for e in episodes for s in e.steps)
    return {
        "seconds": round(seconds, 2),
        "episodes": len(episodes),
        "env_steps": steps,
        "generated_tokens": tokens,
        "env_steps_per_s": round(steps / seconds, 3),
        "tokens_per_s": round(tokens / seconds, 2),
    }


def run_engine(
    policy: Any,
    env_id: str,
    episodes: int,
    max_steps: int,
    history: int | None = None,
    on_row: Callable[[str, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Batched (``num_envs=episodes``) versus sequential (``num_envs=1``) rollouts of the same
    seeds; ``on_row(label, row)`` is called after each mode."""
    from protege.agents.rollout import RolloutEngine

    rows: dict[str, Any] = {}
    for label, num_envs in (("batched", episodes), ("one_at_a_time", 1)):
        engine = RolloutEngine(
            env_id,
            policy,
            num_envs=num_envs,
            max_steps=max_steps,
            split="valid_unseen",
            history=history,
        )
        start = time.perf_counter()
        played = engine.run(episodes, progress=False)
        rows[label] = episodes_stats(played, time.perf_counter() - start)
        engine.close()
        if on_row is not None:
            on_row(label, rows[label])
    rows["speedup_env_steps"] = round(
        rows["batched"]["env_steps_per_s"] / rows["one_at_a_time"]["env_steps_per_s"], 2
    )
    return rows


def first_turn_prompts(env_id: str, episodes: int, tokenizer: Any) -> list[list[int]]:
    """The first-turn context ids of seeds 0..episodes-1 in the react format."""
    import gymnasium as gym

    import protege  # noqa: F401
    from protege.agents.conversation import render_prompt_ids
    from protege.agents.formats import build_messages, get_format

    fmt = get_format("react")
    env = gym.make(env_id, split="valid_unseen")
    prompts = []
    for seed in range(episodes):
        observation, info = env.reset(seed=seed)
        admissible = info["admissible_actions"]
        messages = build_messages(
            fmt.system_prompt(info["goal"], admissible),
            [],
            fmt.observation_message(observation, admissible),
        )
        prompts.append(render_prompt_ids(tokenizer, messages))
    return prompts


def run_backend(generate: Callable[[list[list[int]]], list[Any]], prompts: list[list[int]]) -> dict:
    """Time one batched call over all prompts (after one warm-up call on two prompts)."""
    generate(prompts[:2])
    start = time.perf_counter()
    generations = generate(prompts)
    seconds = time.perf_counter() - start
    tokens = sum(len(g.token_ids) for g in generations)
    return {
        "seconds": round(seconds, 2),
        "prompts": len(prompts),
        "prompt_tokens": sum(len(p) for p in prompts),
        "generated_tokens": tokens,
        "tokens_per_s": round(tokens / seconds, 2),
    }
