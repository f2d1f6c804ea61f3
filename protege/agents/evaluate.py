"""One call each for ``protege rollout`` and ``protege eval``: build, run, write, report.

:func:`rollout` plays episodes and writes them to JSONL; :func:`evaluate` does the same into
an output folder and adds ``report.json``, ``success_by_type.png`` and ``episode_lengths.png``
(:mod:`protege.eval`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from protege.agents.formats import get_format
from protege.agents.models import check_model_path
from protege.agents.policies import Policy, policy_from_spec
from protege.agents.rollout import RolloutEngine
from protege.envs.registry import check_env_options
from protege.errors import ProtegeError, UsageError
from protege.eval import Report, plot_episode_lengths, plot_success_by_type, summarize
from protege.paths import output_folder
from protege.records import Episode

EpisodeFileMode = Literal["refuse", "append", "overwrite"]
"""What :func:`rollout` does with an episode file that already holds episodes."""


class RolloutConfig(BaseModel):
    """Everything a rollout or evaluation run needs; every field has a default.

    Built once per command: the environment id, split, task type, prompt format and model
    paths are checked here, before any model loads.
    """

    model_config = ConfigDict(extra="forbid")

    env_id: str = "protege/Household-v1"  # a registered environment id
    policy: str = "expert"  # expert, random, hf:PATH, vllm:PATH or openai:URL
    split: str = "valid_unseen"  # train, valid_seen or valid_unseen
    task_type: str | None = None  # only tasks of this type (None: all)
    episodes: int = Field(20, ge=1)  # how many episodes (evaluations: how many tasks)
    seed: int = 0  # the first environment seed (the random policy is seeded with it too)
    distinct_tasks: bool = False  # draw different tasks (seeded permutation), not one per seed
    all_tasks: bool = False  # with distinct tasks: every task of the split, not `episodes`
    repeats: int = Field(1, ge=1)  # with distinct tasks: plays of each drawn task
    tasks: list[str] | None = None  # only these task ids: seed s plays tasks[s % len(tasks)]
    prompt_format: str = "react"  # react, tagged or tool_call
    history: int | None = Field(None, ge=1)  # None: full conversation; k: the last k steps
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

    @model_validator(mode="after")
    def _check_names_and_paths(self) -> RolloutConfig:
        check_env_options(self.env_id, self.split, self.task_type)
        get_format(self.prompt_format)
        kind, _, target = self.policy.partition(":")
        if kind in ("hf", "vllm") and target:
            check_model_path(target)
        if kind == "openai" and self.tokenizer is not None:
            check_model_path(self.tokenizer)
        if self.adapter is not None and not Path(self.adapter).expanduser().is_dir():
            raise UsageError(
                f"adapter folder {self.adapter!r} does not exist; give a peft LoRA folder "
                "(e.g. a distill run's final/)"
            )
        return self


def rollout_config(**values: Any) -> RolloutConfig:
    """A :class:`RolloutConfig` from command-line values; an invalid one raises one typed error
    (the check's own, or :class:`UsageError` naming the option) instead of pydantic's."""
    try:
        return RolloutConfig(**values)
    except ValidationError as error:
        first = error.errors()[0]
        cause = first.get("ctx", {}).get("error")
        if isinstance(cause, ProtegeError):
            raise cause from None
        option = "--" + "-".join(str(part) for part in first["loc"]).replace("_", "-")
        raise UsageError(f"{option}: {first['msg']}, got {first['input']!r}") from None


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


def split_task_ids(config: RolloutConfig) -> list[str]:
    """The task ids of ``config.split`` (of ``config.task_type``), or ``config.tasks``."""
    if config.tasks is not None:
        return list(config.tasks)
    import gymnasium as gym

    env = gym.make(config.env_id, split=config.split, task_type=config.task_type)
    try:
        ids = list(env.unwrapped.task_ids())
    finally:
        env.close()
    if not ids:
        kind = f" of type {config.task_type!r}" if config.task_type else ""
        raise UsageError(f"{config.env_id} split {config.split!r} has no tasks{kind}")
    return ids


def select_tasks(config: RolloutConfig) -> list[str]:
    """The task of each episode of an evaluation: ``episodes`` different tasks of the split in
    a random order seeded by ``config.seed`` (every task with ``all_tasks``), each played
    ``repeats`` times in a row.

    Drawing a task per seed would repeat tasks (with replacement) long before the split is
    used up; here a task comes back only after every task was drawn (a new permutation starts).
    """
    ids = split_task_ids(config)
    if config.all_tasks:
        chosen = ids
    else:
        rng = np.random.default_rng(config.seed)
        chosen = []
        while len(chosen) < config.episodes:
            chosen += [ids[index] for index in rng.permutation(len(ids))]
        chosen = chosen[: config.episodes]
    return [task for task in chosen for _ in range(config.repeats)]


def episode_plan(config: RolloutConfig) -> tuple[list[int], list[str] | None]:
    """The seeds to play and the task list the engine maps them to (seed ``s`` plays
    ``tasks[s % len(tasks)]``): with ``distinct_tasks`` the tasks of :func:`select_tasks`,
    else ``episodes`` seeds that each draw a task."""
    if not config.distinct_tasks:
        return list(range(config.seed, config.seed + config.episodes)), config.tasks
    tasks = select_tasks(config)
    # len(tasks) consecutive seeds: each plays a different entry, tasks[s % len(tasks)]
    return list(range(config.seed, config.seed + len(tasks))), tasks


def count_episodes(path: Path) -> int:
    """How many episodes (non-empty lines) a JSONL file holds; 0 when it does not exist."""
    if not path.is_file():
        return 0
    with path.open(encoding="utf-8") as lines:
        return sum(1 for line in lines if line.strip())


def rollout(
    config: RolloutConfig,
    output: str | os.PathLike[str],
    *,
    existing: EpisodeFileMode = "refuse",
) -> list[Episode]:
    """Play ``config.episodes`` episodes and write them to the JSONL file ``output``.

    A file that already holds episodes is refused, appended to or replaced (``existing``).
    """
    path = Path(output)
    held = count_episodes(path)
    if held and existing == "refuse":
        raise UsageError(
            f"{path} already holds {held} episodes; use --append to add to them or "
            "--overwrite to replace them"
        )
    policy = make_policy(config)
    try:
        seeds, tasks = episode_plan(config)
        engine = make_engine(config.model_copy(update={"tasks": tasks}), policy)
        try:
            with output_folder(path.parent):
                if existing == "overwrite":
                    path.unlink(missing_ok=True)
                try:
                    return engine.run(seeds, output=path, progress=config.progress)
                except BaseException:
                    if not count_episodes(path):  # the writer opened it, nothing was played
                        path.unlink(missing_ok=True)
                    raise
        finally:
            engine.close()
    finally:
        policy.close()


def report_summary(report_path: Path) -> str:
    """What an earlier report holds, for the refusal to replace it."""
    try:
        report = Report.model_validate_json(report_path.read_text(encoding="utf-8"))
    except ValueError:
        return "unreadable"
    return f"{report.overall.episodes} episodes, {report.env_id}, {report.policy}"


def evaluate(
    config: RolloutConfig, out_dir: str | os.PathLike[str], *, overwrite: bool = False
) -> Report:
    """Play different tasks (:func:`select_tasks`), then write ``episodes.jsonl``,
    ``report.json`` and the two plots to ``out_dir``.

    A folder that already holds a report is refused unless ``overwrite``.
    """
    out = Path(out_dir)
    report_path = out / "report.json"
    if report_path.is_file() and not overwrite:
        raise UsageError(
            f"{out}/ already holds a report ({report_summary(report_path)}); use --overwrite "
            "to replace it"
        )
    config = config.model_copy(update={"distinct_tasks": True})
    with output_folder(out):
        episodes = rollout(config, out / "episodes.jsonl", existing="overwrite")
        settings = config.model_dump()
        report = summarize(episodes, settings=settings)
        report_path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
        plot_success_by_type(report, out / "success_by_type.png")
        plot_episode_lengths(episodes, out / "episode_lengths.png")
    return report
