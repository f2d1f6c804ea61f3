"""The ``protege`` command. Each command parses its arguments and calls one library function."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from protege.agents.cli import eval_command, models_app, rollout_command
from protege.cli_errors import DEBUG_ENV, OneLineErrorGroup
from protege.distill.cli import distill_app
from protege.integrations.cli import export_command
from protege.play import play_interactively
from protege.quickstart.cli import quickstart_command
from protege.sandbox.cli import sandbox_app
from protege.view.cli import view_command

app = typer.Typer(
    name="protege",
    help="Multi-turn text environments and on-policy distillation for small LLM agents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=OneLineErrorGroup,
)
console = Console()


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"protege {version('protege')}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of an error."),
    show_version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Multi-turn text environments and on-policy distillation for small LLM agents."""
    if debug:
        import os

        os.environ[DEBUG_ENV] = "1"


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


@app.command("bench")
def bench_command(
    parts: str = typer.Option(
        "all", help="Comma list of parts: household, science, sandbox, rollout, scoring."
    ),
    quick: bool = typer.Option(False, "--quick", help="Small sizes: every part in seconds."),
    output: str = typer.Option("bench.json", help="Where to write the JSON results."),
) -> None:
    """Run the speed benchmarks against their anchors: one table, and bench.json.

    A part whose dependency is missing is a skipped row; exit code 1 if a part failed.
    """
    from protege.bench import UnknownBenchPartError, parse_parts, run_bench

    try:
        names = parse_parts(parts)
    except UnknownBenchPartError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    rows = run_bench(names, quick=quick, output=Path(output), console=console)
    if any(row.status.startswith("error") for row in rows):
        raise typer.Exit(1)


app.command("quickstart")(quickstart_command)
app.command("rollout")(rollout_command)
app.command("eval")(eval_command)
app.add_typer(models_app, name="models")
app.add_typer(sandbox_app, name="sandbox")
app.add_typer(distill_app, name="distill")
app.command("view")(view_command)
app.command("export")(export_command)


def main() -> None:
    """Entry point of the ``protege`` script."""
    app()


if __name__ == "__main__":
    main()
