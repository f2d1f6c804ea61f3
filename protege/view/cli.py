"""The ``protege view`` command: episodes JSONL in, one self-contained HTML report out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def view_command(
    episodes: Annotated[
        list[Path],
        typer.Argument(
            help="Episode JSONL files (from `protege rollout`, `protege eval`, a trainer); "
            "each is labelled by the agent that played it, and by its path where that is shared.",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The HTML file to write (default: first input, .html)."),
    ] = None,
    tokenizer: Annotated[
        Path | None,
        typer.Option(
            help="Local tokenizer/model folder to decode token ids; default: each episode's "
            "metadata['model'], else ids are shown."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Page title.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N episodes.")] = None,
) -> None:
    """Write a static HTML report of episodes, with the teacher's per-token signal if scored."""
    from protege.errors import RecordError
    from protege.records import WRITTEN_BY, read_episodes
    from protege.view.labels import source_labels
    from protege.view.report import write_report

    per_file = [read_episodes(path) for path in episodes]
    labels = source_labels([str(path) for path in episodes], per_file)
    loaded = [episode for read in per_file for episode in read]
    sources = [label for label, read in zip(labels, per_file, strict=True) for _ in read]
    if not loaded:
        names = ", ".join(str(path) for path in episodes)
        raise RecordError(f"no complete episode in {names}; {WRITTEN_BY}")
    if limit is not None:
        loaded, sources = loaded[:limit], sources[:limit]
    target = out if out is not None else episodes[0].with_suffix(".html")
    written = write_report(
        loaded,
        target,
        tokenizer=tokenizer,
        title=title,
        source=", ".join(str(path) for path in episodes),
        sources=sources,
    )
    typer.echo(f"wrote {written} ({len(loaded)} episodes, {written.stat().st_size:,} bytes)")
