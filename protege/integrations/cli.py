"""The ``protege export`` command: episodes JSONL in, a Hugging Face dataset folder out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from protege.integrations.datasets import export_episodes


def export_command(
    episodes: Annotated[
        Path, typer.Argument(help="Episode JSONL file.", exists=True, dir_okay=False)
    ],
    format: Annotated[
        str, typer.Option("--format", help="messages (chat, for SFT) or tokens (token-exact).")
    ] = "messages",
    out: Annotated[Path, typer.Option("--out", "-o", help="Dataset folder to write.")] = Path(
        "episodes-dataset"
    ),
) -> None:
    """Write episodes as a Hugging Face dataset folder (load it with datasets.load_from_disk)."""
    dataset = export_episodes(episodes, out, format)  # type: ignore[arg-type]  # checked there
    typer.echo(f"wrote {dataset.num_rows} episodes ({format}) to {out}")
