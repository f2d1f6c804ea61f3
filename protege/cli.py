"""The ``protege`` command. Each command parses its arguments and calls one library function."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from protege.agents.cli import eval_command, models_app, rollout_command
from protege.distill.cli import distill_app
from protege.play import play_interactively
from protege.sandbox.cli import sandbox_app
from protege.view.cli import view_command

app = typer.Typer(
    name="protege",
    help="Multi-turn text environments and on-policy distillation for small LLM agents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()


@app.command("envs")
def envs_command() -> None:
    """List every environment: built-in ones and those from installed plugins."""
    import protege  # noqa: F401  registers built-ins and loads plugins
    from protege.envs import PLUGIN_ERRORS, list_envs

    table = Table(title="protege environments")
    for column in ("id", "family", "task types", "splits", "provided by"):
        table.add_column(column, overflow="fold")
    for listing in list_envs():
        table.add_row(
            listing.env_id,
            listing.family,
            ", ".join(listing.task_types),
            ", ".join(listing.splits),
            listing.provider,
        )
    console.print(table)
    for name, error in sorted(PLUGIN_ERRORS.items()):
        console.print(f"[red]plugin {name!r} failed to load:[/red] {error}")


@app.command("play")
def play_command(
    env_id: str = typer.Argument(..., help="An id from `protege envs`, e.g. protege/Household-v0."),
    split: str = typer.Option("train", help="train, valid_seen or valid_unseen."),
    seed: int = typer.Option(0, help="Seed that picks the task."),
    task_type: str | None = typer.Option(None, help="Only tasks of this type."),
    expert: bool = typer.Option(False, "--expert", help="Watch the expert play instead."),
    delay: float = typer.Option(0.0, help="Seconds to pause between the expert's steps."),
) -> None:
    """Play an environment in the terminal: type an action or its number; `help`, `quit`."""
    import protege  # noqa: F401

    play_interactively(
        env_id, split=split, seed=seed, task_type=task_type, expert=expert, delay=delay
    )


app.command("rollout")(rollout_command)
app.command("eval")(eval_command)
app.add_typer(models_app, name="models")
app.add_typer(sandbox_app, name="sandbox")
app.add_typer(distill_app, name="distill")
app.command("view")(view_command)


def main() -> None:
    """Entry point of the ``protege`` script."""
    app()


if __name__ == "__main__":
    main()
