"""The ``protege quickstart`` command: run :func:`protege.quickstart.run_quickstart`, print
the table."""

from __future__ import annotations

from pathlib import Path

import typer

from protege.cli_output import TextTable, print_table, say
from protege.quickstart import QuickstartResult, recipes, run_quickstart


def quickstart_command(
    output: str = typer.Option("quickstart-out", help="Folder for models, episodes, plots."),
    model: str = typer.Option("smollm2", help="smollm2, tiny, or a local model folder."),
    episodes: int = typer.Option(12, min=1, help="valid_unseen evaluation episodes per agent."),
    updates: int = typer.Option(6, min=1, help="OPD updates (4 episodes each)."),
    cold_start_episodes: int = typer.Option(
        recipes.COLD_START_EPISODES, min=1, help="Expert episodes for the cold start."
    ),
    retrain_teacher: bool = typer.Option(False, help="Train the teacher again (ignore the cache)."),
) -> None:
    """Cold-start a small student, distil it on-policy from a teacher, evaluate both, offline.

    SmolLM2-135M-Instruct on Household pick_and_place tasks; the teacher is trained once and
    cached. Prints success with 95% intervals; writes report.json and learning_curve.png.
    """
    result = run_quickstart(
        output,
        model=model,
        episodes=episodes,
        updates=updates,
        cold_start_episodes=cold_start_episodes,
        retrain_teacher=retrain_teacher,
        say=say,
    )
    print_table(result_table(result))
    total = sum(result.seconds.values())
    cached = " (teacher from the cache)" if result.teacher_cached else " (teacher trained now)"
    typer.echo(f"total {total / 60:.1f} min{cached}; stages: " + _stages(result))
    verdict = "above" if result.improved else "NOT above"
    typer.echo(f"The distilled student's success is {verdict} the cold-start student's.")
    typer.echo(f"report.json, learning_curve.png and the episodes are in {output}/")


def result_table(result: QuickstartResult) -> TextTable:
    """One row per evaluated agent: successes, rate, 95% Wilson interval, steps, format errors."""
    columns = ("agent", "won", "success", "95% CI", "mean steps", "format errors")
    table = TextTable(
        f"Household pick_and_place, valid_unseen ({Path(result.model).name})",
        columns,
        right=frozenset(columns[1:]),
    )
    for name, summary in result.evaluations.items():
        table.add_row(
            name,
            f"{summary['successes']}/{summary['episodes']}",
            f"{summary['success_rate']:.0%}",
            f"[{summary['ci_low']:.0%}, {summary['ci_high']:.0%}]",
            f"{summary['mean_steps']:.1f}",
            str(summary["parse_errors"]),
        )
    return table


def _stages(result: QuickstartResult) -> str:
    return ", ".join(f"{name} {seconds:.0f}s" for name, seconds in result.seconds.items())
