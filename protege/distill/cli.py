"""``protege distill``: train from a YAML config, or score an episode file with a teacher.

``protege distill CONFIG.yaml [--resume]`` runs the trainer (the group's default command);
``protege distill score EPISODES.jsonl --teacher PATH --out scored.jsonl`` writes
``Step.teacher_logprobs``. Heavy libraries are imported inside the commands.
"""

from __future__ import annotations

from typing import Any

import click
import typer
from typer.core import TyperGroup


class DefaultRunGroup(TyperGroup):
    """A group whose first argument, when it is not a subcommand, is a config for ``run``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


distill_app = typer.Typer(
    name="distill",
    cls=DefaultRunGroup,
    help="Distil a student from a teacher (protege distill CONFIG.yaml), or score episodes.",
    no_args_is_help=True,
    add_completion=False,
)


def _fail(error: Exception) -> Any:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(code=2)


@distill_app.command("run")
def run_command(
    config: str = typer.Argument(..., help="A YAML config (see examples/configs/)."),
    resume: bool = typer.Option(False, "--resume", help="Continue from the latest checkpoint."),
) -> None:
    """Train with the method, models and environment of CONFIG.yaml."""
    from protege.distill.config import ConfigError, load_config
    from protege.errors import ProtegeError

    try:
        parsed = load_config(config)
    except ConfigError as error:
        _fail(error)
    from protege.distill.trainer import train

    try:
        final = train(parsed, resume=resume)
    except ProtegeError as error:
        _fail(error)
    typer.echo(f"final model: {final}")


@distill_app.command("score")
def score_command(
    episodes: str = typer.Argument(..., help="An episode JSONL file with token records."),
    teacher: str = typer.Option(..., "--teacher", help="Teacher model folder, smollm2 or tiny."),
    out: str = typer.Option(..., "--out", help="Where to write the scored episodes (JSONL)."),
    device: str = typer.Option("auto", help="cpu, cuda, cuda:1 or auto."),
    dtype: str = typer.Option("auto", help="float32, bfloat16 or auto."),
    max_batch_tokens: int = typer.Option(8192, help="Most tokens per teacher forward pass."),
) -> None:
    """Write the teacher's log-probability of each action token into Step.teacher_logprobs."""
    from protege.distill.scoring import score_episode_file
    from protege.errors import ProtegeError

    try:
        stats = score_episode_file(
            episodes, teacher, out, device=device, dtype=dtype, max_batch_tokens=max_batch_tokens
        )
    except ProtegeError as error:
        _fail(error)
    typer.echo(
        f"scored {stats.sequences} sequences ({stats.tokens} tokens, "
        f"{stats.forward_passes} forward passes) -> {out}"
    )
