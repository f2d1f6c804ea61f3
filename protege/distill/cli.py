"""``protege distill``: train from a YAML config, or score an episode file with a teacher.

``protege distill CONFIG.yaml [--resume | --overwrite]`` runs the trainer (the group's default
command); ``protege distill score EPISODES.jsonl --teacher PATH --out scored.jsonl`` writes
``Step.teacher_logprobs``. Heavy libraries are imported inside the commands.
"""

from __future__ import annotations

from typing import Any

import typer

from protege.cli_errors import OneLineErrorGroup


class DefaultRunGroup(OneLineErrorGroup):
    """A group whose first argument, when it is not a subcommand, is a config for ``run``.

    Errors are one line (:class:`OneLineErrorGroup`) also when the group runs on its own.
    """

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)

    def format_options(self, ctx: typer.Context, formatter: Any) -> None:
        """List ``run``'s options too: ``protege distill CONFIG.yaml`` takes them, and its own
        help is otherwise only reached as ``protege distill run --help``."""
        super().format_options(ctx, formatter)
        run = self.commands["run"]
        rows = [
            record
            for param in run.get_params(ctx)
            if param.param_type_name == "option"
            and param.name != "help"
            and (record := param.get_help_record(ctx)) is not None
        ]
        with formatter.section("Options of protege distill CONFIG.yaml"):
            formatter.write_dl(rows)


distill_app = typer.Typer(
    name="distill",
    cls=DefaultRunGroup,
    help="Distil a student from a teacher (protege distill CONFIG.yaml), or score episodes.",
    no_args_is_help=True,
    add_completion=False,
)


@distill_app.command("run")
def run_command(
    config: str = typer.Argument(..., help="A YAML config (see examples/configs/)."),
    resume: bool = typer.Option(False, "--resume", help="Continue from the latest checkpoint."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Remove the run already in output_dir and start again."
    ),
) -> None:
    """Train with the method, models and environment of CONFIG.yaml (an output_dir holding
    a run is refused without --resume or --overwrite)."""
    from protege.distill.config import load_config

    parsed = load_config(config)  # a bad config fails before torch is imported
    from protege.distill.trainer import train

    final = train(parsed, resume=resume, overwrite=overwrite)
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

    stats = score_episode_file(
        episodes, teacher, out, device=device, dtype=dtype, max_batch_tokens=max_batch_tokens
    )
    typer.echo(
        f"scored {stats.sequences} sequences ({stats.tokens} tokens, "
        f"{stats.forward_passes} forward passes) -> {out}"
    )
