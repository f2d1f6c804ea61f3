"""The ``protege`` command. Each command parses its arguments and calls one library function."""

from __future__ import annotations

from pathlib import Path

import typer

from protege.agents.cli import eval_command, models_app, rollout_command
from protege.cli_errors import OneLineErrorGroup, one_line
from protege.cli_output import TextTable, print_json, print_table
from protege.distill.cli import distill_app
from protege.integrations.cli import export_command
from protege.play import play_interactively
from protege.quickstart.cli import quickstart_command
from protege.sandbox.cli import sandbox_app
from protege.view.cli import view_command

app = typer.Typer(
    name="protege",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: flags without "<bool>", no boxes in a pipe
    cls=OneLineErrorGroup,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"protege {version('protege')}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: bool = typer.Option(
        False, "--debug", help="Show the traceback of an error (or set PROTEGE_DEBUG=1)."
    ),
    show_version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Multi-turn text environments and on-policy distillation for small LLM agents.

    A mistake in the input prints one line on stderr, `error: ...`, saying what to do, and
    exits with code 2; --debug adds the traceback. Off a terminal, tables are tab-separated.
    """
    # --debug is read by OneLineErrorGroup from the context when an error happens.


@app.command("envs")
def envs_command(
    as_json: bool = typer.Option(
        False,
        "--json",
        help="Print a JSON list instead of the table, one object per environment with the "
        "keys id, family, task_types (list), splits (list) and provider.",
    ),
) -> None:
    """List every environment: built-in ones and those from installed plugins."""
    import protege  # noqa: F401  registers built-ins and loads plugins
    from protege.envs import PLUGIN_ERRORS, list_envs

    listings = list_envs()
    if as_json:
        print_json(
            [
                {
                    "id": listing.env_id,
                    "family": listing.family,
                    "task_types": list(listing.task_types),
                    "splits": list(listing.splits),
                    "provider": listing.provider,
                }
                for listing in listings
            ]
        )
    else:
        table = TextTable(
            "protege environments", ("id", "family", "task types", "splits", "provided by")
        )
        for listing in listings:
            table.add_row(
                listing.env_id,
                listing.family,
                ", ".join(listing.task_types),
                ", ".join(listing.splits),
                listing.provider,
            )
        print_table(table)
    for name, error in sorted(PLUGIN_ERRORS.items()):
        typer.echo(f"warning: plugin {name!r} failed to load: {one_line(error)}", err=True)


@app.command("play")
def play_command(
    env_id: str = typer.Argument(..., help="An id from `protege envs`, e.g. protege/Household-v1."),
    split: str = typer.Option("train", help="train, valid_seen or valid_unseen."),
    seed: int = typer.Option(0, min=0, help="Seed that picks the task."),
    task_type: str | None = typer.Option(None, help="Only tasks of this type."),
    expert: bool = typer.Option(False, "--expert", help="Watch the expert play instead."),
    delay: float = typer.Option(0.0, min=0.0, help="Seconds to pause between the expert's steps."),
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
    as_json: bool = typer.Option(
        False,
        "--json",
        help="Print the JSON results instead of the table: an object with the keys machine, "
        "quick, parts, sizes, rows and details; each row has part, benchmark, status, unit, "
        "value, anchor_name, anchor, ratio, target and passed.",
    ),
) -> None:
    """Run the speed benchmarks against their anchors: one table, and bench.json.

    A part whose dependency is missing is a skipped row; exit code 1 if a part failed.
    """
    from protege.bench import parse_parts, run_bench

    rows = run_bench(parse_parts(parts), quick=quick, output=Path(output), as_json=as_json)
    if any(row.status.startswith("error") for row in rows):
        raise typer.Exit(1)


@app.command("serve")
def serve_command(
    env_id: str = typer.Argument(..., help="An id from `protege envs`, e.g. protege/Household-v1."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on; 0.0.0.0 in a container."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    max_sessions: int = typer.Option(
        16, min=1, help="Most clients at once, one environment each; one more is refused."
    ),
    split: str = typer.Option("train", help="train, valid_seen or valid_unseen."),
    task_type: str | None = typer.Option(None, help="Only tasks of this type."),
    max_steps: int | None = typer.Option(None, min=1, help="Steps before truncation."),
) -> None:
    """Serve an environment to OpenEnv clients: a WebSocket session per client at /ws.

    Needs `pip install 'protege[openenv]'`; Python clients use
    protege.integrations.openenv.ProtegeEnvClient (docs/integrations.md).
    """
    from protege.integrations.openenv import serve

    serve(
        env_id,
        host=host,
        port=port,
        max_sessions=max_sessions,
        split=split,
        task_type=task_type,
        max_steps=max_steps,
    )


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
