"""One call each for ``protege rollout`` and ``protege eval``: build, run, write, report.

:func:`rollout` plays episodes and writes them to JSONL; :func:`evaluate` does the same into
an output folder and adds ``report.json``, ``success_by_type.png`` and ``episode_lengths.png``
(:mod:`protege.eval`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from protege.agents.policies import Policy, policy_from_spec
from protege.agents.rollout import RolloutEngine
from protege.eval import Report, plot_episode_lengths, plot_success_by_type, summarize
from protege.records import Episode


class RolloutConfig(BaseModel):
    """Everything a rollout or evaluation run needs; every field has a default."""

    model_config = ConfigDict(extra="forbid")

    env_id: str = "protege/Household-v0"  # a registered environment id
    policy: str = "expert"  # expert, random, hf:PATH, vllm:PATH or openai:URL
    split: str = "valid_unseen"  # train, valid_seen or valid_unseen
    task_type: str | None = None  # only tasks of this type (None: all)
    episodes: int = Field(20, ge=1)  # how many episodes (seeds seed .. seed+episodes-1)
    seed: int = 0  # the first environment seed (the random policy is seeded with it too)
    distinct_tasks: bool = False  # skip seeds whose task an earlier seed already drew
    tasks: list[str] | None = None  # only these task ids: seed s plays tasks[s % len(tasks)]
    prompt_format: str = "react"  # react, tagged or tool_call
    history: int | None = Field(None, ge=0)  # None: full conversation; k: the last k steps
    list_actions: Literal["every", "start"] = "every"  # admissible actions each turn or at start
    max_steps: int | None = Field(None, ge=1)  # per-episode step limit (None: env default)
    num_envs: int = Field(16, ge=1)  # episodes in lockstep = the policy's batch size
    temperature: float = Field(1.0, ge=0.0)  # model policies: 0 is greedy
    top_p: float = Field(1.0, gt=0.0, le=1.0)  # model policies: nucleus mass
    max_new_tokens: int = Field(64, ge=1)  # model policies: tokens per turn
    adapter: str | None = None  # hf policies: a peft LoRA adapter folder
    model_name: str | None = None  # openai policies: the served model name
    tokenizer: str | None = None  # openai policies: local tokenizer for token-exact records
    ray: bool = False  # host the environments in Ray actors
    ray_workers: int = Field(2, ge=1)  # Ray environment actors
    progress: bool = True  # show a tqdm progress bar


def make_policy(config: RolloutConfig) -> Policy:
    """The policy a config names, with its sampling settings."""
    kind = config.policy.partition(":")[0]
    options: dict[str, Any] = {}
    if kind == "random":
        options["seed"] = config.seed
    elif kind in ("hf", "vllm", "openai"):
        options.update(
            temperature=config.temperature,
            top_p=config.top_p,
            max_new_tokens=config.max_new_tokens,
        )
        if kind == "hf" and config.adapter:
            options["adapter_path"] = config.adapter
        if kind == "openai":
            options.update(model=config.model_name, tokenizer=config.tokenizer)
    return policy_from_spec(config.policy, **options)


def make_engine(config: RolloutConfig, policy: Policy) -> RolloutEngine:
    """A local or Ray rollout engine for the config."""
    settings: dict[str, Any] = {
        "prompt_format": config.prompt_format,
        "history": config.history,
        "list_actions": config.list_actions,
        "num_envs": config.num_envs,
        "max_steps": config.max_steps,
        "split": config.split,
        "task_type": config.task_type,
        "tasks": config.tasks,
    }
    if config.ray:
        from protege.agents.ray_engine import RayRolloutEngine

        return RayRolloutEngine(config.env_id, policy, num_workers=config.ray_workers, **settings)
    return RolloutEngine(config.env_id, policy, **settings)


def episode_seeds(config: RolloutConfig) -> list[int]:
    """``config.episodes`` seeds from ``config.seed`` on; with ``distinct_tasks``, only seeds
    that draw a task no earlier seed drew (seeds pick tasks at random, so a small evaluation
    set would otherwise repeat some tasks)."""
    if not config.distinct_tasks:
        return list(range(config.seed, config.seed + config.episodes))
    if config.tasks is not None:  # consecutive seeds cycle through the list
        return list(range(config.seed, config.seed + min(config.episodes, len(config.tasks))))
    import gymnasium as gym

    env = gym.make(config.env_id, split=config.split, task_type=config.task_type)
    seeds: list[int] = []
    seen: set[str] = set()
    try:
        limit = len(env.unwrapped.task_ids())
        seed = config.seed
        while len(seeds) < min(config.episodes, limit):
            task_id = env.reset(seed=seed)[1]["task_id"]
            if task_id not in seen:
                seen.add(task_id)
                seeds.append(seed)
            seed += 1
    finally:
        env.close()
    return seeds


def rollout(config: RolloutConfig, output: str | os.PathLike[str]) -> list[Episode]:
    """Play ``config.episodes`` episodes and append them to the JSONL file ``output``."""
    policy = make_policy(config)
    try:
        engine = make_engine(config, policy)
        try:
            seeds = episode_seeds(config)
            return engine.run(seeds, output=output, progress=config.progress)
        finally:
            engine.close()
    finally:
        policy.close()


def evaluate(config: RolloutConfig, out_dir: str | os.PathLike[str]) -> Report:
    """Play, then write ``episodes.jsonl``, ``report.json`` and the two plots to ``out_dir``.

    An existing ``episodes.jsonl`` there is replaced.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    episodes_path = out / "episodes.jsonl"
    episodes_path.unlink(missing_ok=True)
    episodes = rollout(config, episodes_path)
    report = summarize(episodes, settings=config.model_dump())
    (out / "report.json").write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    plot_success_by_type(report, out / "success_by_type.png")
    plot_episode_lengths(episodes, out / "episode_lengths.png")
    return report
